"""/<lang>/sign/<token>/: a member reads the draft and signs or declines, with no account.

Never cached (the page cache stores only the views that ask for it, and this one says
`private, no-store`), never indexed, and a GET changes nothing: a mail scanner opening the link
does no harm. Answers are POSTs, rate-limited per client address in the shared cache.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from drives import services
from drives.forms import AnswerForm
from drives.models import Answer, Drive
from drives.tokens import invitation_for
from icnk.i18n import current_language
from icnk.net import client_ip
from icnk.timezones import coalition_timezone
from members.models import Supporter
from statements.models import Statement

logger = logging.getLogger(__name__)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _rate_key(request):
    return f"drive-answer-rate:{client_ip(request)}"


def _rate_limited(request):
    """Count this POST; True when the client address has used up its answers for the window.
    Without the cache the limit cannot be counted and answers stay open (as the join form)."""
    key = _rate_key(request)
    try:
        cache.add(key, 0, settings.DRIVE_ANSWER_RATE_WINDOW_SECONDS)
        return cache.incr(key) > settings.DRIVE_ANSWER_RATE_LIMIT
    except ValueError:
        cache.set(key, 1, settings.DRIVE_ANSWER_RATE_WINDOW_SECONDS)
    except Exception:
        logger.warning("sign-on rate limit: cache unreachable, not enforced")
    return False


def _preview(supporter, level):
    """How the person would appear at `level`, for the choice on the form."""
    shown = Supporter(
        full_name=supporter.full_name,
        display_name=supporter.display_name,
        visibility=level,
        status=supporter.status,
    )
    # Counted only and hidden say what they mean in their label already.
    return shown.public_name


@require_http_methods(["GET", "HEAD", "POST"])
def sign(request, token):
    invitation = invitation_for(token)
    now = timezone.now()
    if invitation is None or now >= invitation.drive.closes_at or not invitation.member_may_sign:
        return _private(render(request, "drives/link_invalid.html", status=404))
    drive = invitation.drive
    versions = list(
        Statement.objects.versions_of(drive.statement).only(
            "pk", "title", "summary", "body_html", "language", "translation_key", "updated_at"
        )
    )
    language = current_language()
    statement = next((v for v in versions if v.language == language), drive.statement)
    others = [v for v in versions if v.pk != statement.pk]

    supporter = invitation.supporter
    choices = services.visibility_choices(supporter) if supporter else []
    form = AnswerForm(request.POST or None, visibility_choices=choices)
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            response = render(request, "drives/rate_limited.html", status=429)
            response["Retry-After"] = str(settings.DRIVE_ANSWER_RATE_WINDOW_SECONDS)
            return _private(response)
        if not drive.accepts_answers:
            form.add_error(None, _("The deadline has passed: answers can no longer change."))
        if form.is_valid():
            choice = (
                Answer.Choice.SIGNED
                if form.cleaned_data["action"] == "sign"
                else Answer.Choice.DECLINED
            )
            try:
                services.answer(
                    invitation=invitation,
                    choice=choice,
                    comment=form.cleaned_data["comment"],
                    visibility=form.cleaned_data.get("visibility", ""),
                )
            except services.DriveError as error:
                form.add_error(None, str(error))
            else:
                # After a POST, a GET: reloading the page does not answer again.
                return redirect(request.path + "?answered=1")
        status = 400

    latest = services.latest_answer(invitation)
    current_version = services.text_version(drive.statement)
    zone = coalition_timezone()
    context = {
        "invitation": invitation,
        "drive": drive,
        # Answers now change signatures already on the statement (published, or scheduled).
        "released": drive.state == Drive.State.RELEASED,
        "published": drive.statement.is_public,
        "statement": statement,
        "others": others,
        "member_name": (
            invitation.organization.display_name if invitation.organization_id else None
        ),
        "form": form,
        "options": [
            {"radio": radio, "preview": _preview(supporter, radio.data["value"])}
            for radio in (form["visibility"] if supporter else [])
        ],
        "latest": latest,
        "outdated": bool(latest and latest.text_version != current_version),
        "answered": request.GET.get("answered") == "1" and latest is not None,
        # In the coalition's zone, named as its setting names it, whatever zone is active (public
        # pages and the worker run in settings.TIME_ZONE); the templates show times in it.
        "deadline": timezone.localtime(drive.deadline, zone),
        "time_zone": zone.key,
        "signed": services.signed_so_far(drive),
    }
    return _private(render(request, "drives/sign.html", context, status=status))
