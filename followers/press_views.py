"""/<lang>/press/: journalists ask to join the press list, confirm, and leave in one click."""

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from followers import press
from followers.forms import LANGUAGE_NAMES, PressJoinForm
from followers.models import Journalist
from followers.views import count_request, rate_limited, too_many
from icnk.i18n import current_language
from statements.models import Campaign

SCOPE = "press"


@never_cache
@require_http_methods(["GET", "POST"])
def join(request):
    if request.method == "POST":
        if rate_limited(request, SCOPE):
            return too_many(request)
        count_request(request, SCOPE)
        form = PressJoinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            press.join_request(
                name=data["name"],
                outlet=data["outlet"],
                email=data["email"],
                # A form sends ticked boxes in the page's order; the page's own language, when
                # ticked, is the one they read first.
                languages=sorted(data["languages"], key=lambda code: code != current_language()),
                beats=data["beats"],
                # The wording as shown on this page, in this language.
                consent_text=str(press.CONSENT_WORDING),
                language=current_language(),
            )
            return redirect("press:sent")
    else:
        form = PressJoinForm(initial={"languages": [current_language()]})
    return render(
        request,
        "followers/press_join.html",
        {"form": form, "days": settings.FOLLOW_CONFIRM_DAYS},
        status=400 if form.errors else 200,
    )


@never_cache
def sent(request):
    return render(request, "followers/press_sent.html", {"days": settings.FOLLOW_CONFIRM_DAYS})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link from the mail shows what would be sent to the secretariat; only the button
    (POST) does it, so a mail scanner that opens the link confirms nothing."""
    try:
        journalist, details = press.read_confirm_token(token)
    except signing.SignatureExpired:
        return render(request, "followers/press_link_expired.html", status=410)
    except signing.BadSignature:
        return render(request, "followers/press_link_invalid.html", status=400)
    done = journalist.status in (Journalist.Status.ACTIVE, Journalist.Status.CONFIRMED)
    if request.method == "POST":
        press.journalist_confirm(journalist=journalist, details=details)
        return render(request, "followers/press_confirmed.html", {"journalist": journalist})
    beats = list(Campaign.objects.public().filter(pk__in=details.get("b") or []))
    return render(
        request,
        "followers/press_confirm.html",
        {
            "done": done,
            "on_list": journalist.status == Journalist.Status.ACTIVE,
            "email": journalist.email,
            "name": details.get("n", ""),
            "outlet": details.get("o", ""),
            "languages": [LANGUAGE_NAMES.get(code, code) for code in details.get("l") or []],
            "beats": beats,
            "consent": details.get("c", ""),
        },
    )


@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", with no token
@never_cache
@require_http_methods(["GET", "POST"])
def leave(request, token):
    """POST takes the journalist off the list at once, with no login and no second step (the
    mail client's one click, or the button on this page); GET only shows the button, so a
    scanner that follows links takes nobody off."""
    journalist = Journalist.objects.filter(token=token).first()
    if request.method == "POST":
        if journalist is not None:
            press.journalist_leave(journalist=journalist)
        return render(request, "followers/press_left.html", {"journalist": journalist})
    on_list = journalist is not None and journalist.status == Journalist.Status.ACTIVE
    return render(
        request, "followers/press_leave.html", {"journalist": journalist, "on_list": on_list}
    )
