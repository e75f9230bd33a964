"""What a member changes itself from the members' area (members/area.py): an individual
supporter's visibility, and leaving the coalition.

Visibility, the rule: a person's *current* visibility governs how they are shown everywhere (a
signature may only be more private than it: statements/queries.py takes the more private of
the two). So:

- **More privacy** (down the list full name → display name → initials → counted → hidden)
  applies at once: the supporter's visibility changes, the save starts a new page-cache
  generation (every cached page, feed and API answer that showed the name is dropped), and any
  pending request for less privacy is withdrawn. No review.
- **Less privacy** needs the same recorded consent as joining (the level, the wording read,
  when) and the secretariat's approval: a `VisibilityRequest`. Nothing public changes until a
  staff member approves it on the desk.

Leaving: the member's status becomes "left" with today's date. It stays on the statements it
signed as the record rules say (statements/queries.py: a person who left is no longer named;
an organization's signature keeps its name as signed), leaves the directory and the counts,
and is listed under "Former members" only if it agreed to it here.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icnk import cache as page_cache
from icnk.mail import queue_mail
from icnk.models import SiteSettings
from members.models import (
    NAMED_VISIBILITIES,
    VISIBILITY_ORDER,
    MemberStatus,
    Organization,
    Supporter,
    VisibilityRequest,
)

logger = logging.getLogger(__name__)

CONSENT_MEANS = "members' area"


class VisibilityChanged(ValueError):
    """The person's level changed since the form was checked (another window, the desk)."""


def is_more_private(level, than):
    """True when `level` shows no more than `than` (the same level counts as more private)."""
    return VISIBILITY_ORDER.index(level) >= VISIBILITY_ORDER.index(than)


def _secretariat():
    site = SiteSettings.load()
    return settings.SECRETARIAT_EMAILS or ([site.contact_email] if site.contact_email else [])


@transaction.atomic
def visibility_tighten(*, supporter, level, wording):
    """Show the supporter more privately, at once. Returns the supporter as saved."""
    supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if not is_more_private(level, supporter.visibility):
        raise VisibilityChanged("not more private")
    supporter.visibility = level
    fields = ["visibility"]
    if level in NAMED_VISIBILITIES:
        # Chosen by the person on our site: this is their consent for the level now shown.
        supporter.consent_visibility = level
        supporter.consent_date = timezone.localdate()
        supporter.consent_means = CONSENT_MEANS
        supporter.consent_text = wording
        fields += ["consent_visibility", "consent_date", "consent_means", "consent_text"]
    supporter._change_reason = "Visibility made more private by the person (members' area)"
    supporter.save(update_fields=[*fields, "updated_at"])
    VisibilityRequest.objects.pending().filter(supporter=supporter).update(
        status=VisibilityRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    # The save already starts a new generation (members/apps.py); say it here too, as a
    # take-down does, so that the rule does not rest on a signal alone.
    transaction.on_commit(page_cache.invalidate)
    return supporter


@transaction.atomic
def visibility_request(*, supporter, level, wording, admin_url=""):
    """Ask to be shown less privately, with consent; returns the pending VisibilityRequest.

    A newer request replaces a pending one (withdrawn)."""
    supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if is_more_private(level, supporter.visibility):
        raise VisibilityChanged("not less private")
    VisibilityRequest.objects.pending().filter(supporter=supporter).update(
        status=VisibilityRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    request = VisibilityRequest.objects.create(
        supporter=supporter,
        visibility_before=supporter.visibility,
        visibility=level,
        consent_text=wording,
    )
    for address in _secretariat():
        queue_mail(
            to=address,
            template_prefix="members/email/secretariat_visibility_request",
            context={"request": request, "admin_url": admin_url, "site": SiteSettings.load()},
            language=settings.LANGUAGE_CODE,
        )
    return request


class DecisionError(ValueError):
    pass


class StaleRequest(DecisionError):
    """The person's visibility changed since they asked (staff made it more private, say):
    approving the old request would undo that."""


@transaction.atomic
def visibility_request_approve(*, request, user):
    """Show the person as they asked, with the consent they gave; tell them."""
    request = VisibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != VisibilityRequest.Status.PENDING:
        raise DecisionError("already decided")
    supporter = Supporter.objects.select_for_update().get(pk=request.supporter_id)
    if supporter.taken_down_at or supporter.personal_data_erased_at:
        raise DecisionError("taken down or erased")
    if supporter.visibility != request.visibility_before:
        raise StaleRequest("the visibility changed since the request")
    supporter.visibility = request.visibility
    if request.visibility in NAMED_VISIBILITIES:
        supporter.consent_visibility = request.visibility
        supporter.consent_date = timezone.localdate(request.consented_at)
        supporter.consent_means = f"{CONSENT_MEANS}, request {request.pk}"
        supporter.consent_text = request.consent_text
    supporter._history_user = user
    supporter._change_reason = f"Visibility request {request.pk} approved"
    supporter.save()
    request.status = VisibilityRequest.Status.APPROVED
    request.decided_at = timezone.now()
    request.decided_by = user
    request.save(update_fields=["status", "decided_at", "decided_by"])
    _tell_decision(request)
    return request


@transaction.atomic
def visibility_request_reject(*, request, user, reason=""):
    request = VisibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != VisibilityRequest.Status.PENDING:
        raise DecisionError("already decided")
    request.status = VisibilityRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = user
    request.reason = reason
    request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _tell_decision(request)
    return request


def _tell_decision(request):
    supporter = request.supporter
    if not supporter.email:
        return
    queue_mail(
        to=supporter.email,
        template_prefix="members/email/visibility_decided",
        context={"request": request, "site": SiteSettings.load()},
        language=supporter.language or settings.LANGUAGE_CODE,
    )


@transaction.atomic
def member_leave(*, member, listed_as_former, admin_url=""):
    """The member leaves the coalition: status "left" today; tells the member and the
    secretariat. Returns False (changing nothing) if it was not a member any more."""
    model = type(member)
    member = model.objects.select_for_update().get(pk=member.pk)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.LAPSED):
        return False
    today = timezone.localdate()
    member.status = MemberStatus.LEFT
    member.left_on = today
    member.former_listing_consent_on = today if listed_as_former else None
    member._change_reason = "Left the coalition (members' area)"
    member.save(update_fields=["status", "left_on", "former_listing_consent_on", "updated_at"])
    if isinstance(member, Supporter):
        VisibilityRequest.objects.pending().filter(supporter=member).update(
            status=VisibilityRequest.Status.WITHDRAWN, decided_at=timezone.now()
        )
    transaction.on_commit(page_cache.invalidate)
    site = SiteSettings.load()
    email = member.contact_email if isinstance(member, Organization) else member.email
    if email:
        queue_mail(
            to=email,
            template_prefix="members/email/left",
            context={
                "member": member,
                "is_organization": isinstance(member, Organization),
                "listed_as_former": listed_as_former,
                "site": site,
            },
            language=member.language or settings.LANGUAGE_CODE,
        )
    for address in _secretariat():
        queue_mail(
            to=address,
            template_prefix="members/email/secretariat_member_left",
            context={"member": member, "admin_url": admin_url, "site": site},
            language=settings.LANGUAGE_CODE,
        )
    logger.info("%s %s left through the members' area", model.__name__, member.pk)
    return True
