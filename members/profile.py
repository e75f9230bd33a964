"""An organization keeps its own record: its contact proposes changes to the public profile,
the secretariat approves or rejects them, and the contact role is handed to a new person.

- **Profile changes.** What the contact may change is `PROFILE_FIELDS` (descriptions in three
  languages, website, local-language name) and the logo. A change never touches the public
  page: it is a `ProfileChange` awaiting review, one per organization (a new edit replaces
  the values of the one waiting). Approving applies it, recorded in the organization's history
  and the admin's action log under the reviewer's name; the organization's save clears every
  cached page that shows it (icnk/cache.py). Approving and rejecting each mail the contact.
- **Contact handover.** The contact names a successor (name, email). The successor gets a
  single-use link (7 days; only its hash is stored) to a page whose button confirms; only then
  does the role move, and the previous contact is told by mail. Until then nothing changes.

Every mail goes through the outbox, in the organization's language. Each function is one step,
keyword-only, with its writes and its mail in one transaction.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from icnk.audit import record_change
from icnk.mail import queue_mail
from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from members.models import (
    PROFILE_FIELDS,
    ContactHandover,
    MemberStatus,
    Organization,
    ProfileChange,
)
from statements.diffs import diff_table

HANDOVER_DAYS = 7
# Handover links one organization may have mailed in a day: a signed-in contact cannot use us
# to flood someone's inbox.
HANDOVERS_PER_DAY = 5
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


class DecisionError(Exception):
    """The change is no longer awaiting review, or changed since the reviewer read it."""


class HandoverError(Exception):
    """A handover link that is unknown, used, replaced or expired."""


class TooManyHandovers(Exception):
    """The organization has asked for HANDOVERS_PER_DAY handovers in the last day."""


def _language(organization):
    return organization.language or settings.LANGUAGE_CODE


def _mail(organization, to, template, context):
    if not to:
        return None
    return queue_mail(
        to=to,
        template_prefix=f"members/email/{template}",
        context={"organization": organization, "site": SiteSettings.load(), **context},
        language=_language(organization),
    )


# ---------------------------------------------------------------------------------------------
# Profile changes
# ---------------------------------------------------------------------------------------------


def current_values(organization):
    return {name: getattr(organization, name) or "" for name in PROFILE_FIELDS}


def pending_change(organization):
    return organization.profile_changes.filter(status=ProfileChange.Status.PENDING).first()


def proposed_values(organization):
    """What the edit form starts from: the public values, with those waiting for review."""
    values = current_values(organization)
    change = pending_change(organization)
    if change is not None:
        values.update({k: v for k, v in change.proposed.items() if k in PROFILE_FIELDS})
    return values


@transaction.atomic
def profile_change_submit(*, organization, values, logo=None, requested_by=""):
    """Propose `values` (field name → text) and `logo` (a checked, re-encoded upload) for
    review. Only what differs from the public profile is kept. A change already waiting is
    replaced by this one (its logo is kept unless a new one is given). Returns the change
    waiting, or None when nothing differs any more (a waiting change is then withdrawn)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    now = current_values(organization)
    proposed = {
        name: (values.get(name) or "").strip()
        for name in PROFILE_FIELDS
        if name in values and not _same(name, values.get(name) or "", now[name])
    }
    change = pending_change(organization)
    if logo is not None:
        logo.seek(0)
        logo_data, logo_type = logo.read(), logo.content_type
    elif change is not None:
        logo_data, logo_type = bytes(change.logo_data), change.logo_type
    else:
        logo_data, logo_type = b"", ""
    if not proposed and not logo_data:
        if change is not None:
            change.status = ProfileChange.Status.WITHDRAWN
            change.decided_at = timezone.now()
            change.save(update_fields=["status", "decided_at"])
        return None
    if change is None:
        change = ProfileChange(organization=organization)
    change.proposed = proposed
    change.logo_data, change.logo_type = logo_data, logo_type
    change.requested_at = timezone.now()
    change.requested_by = requested_by
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:  # another tab's submission made one meanwhile: replace that one
        other = pending_change(organization)
        other.proposed, other.requested_at = proposed, change.requested_at
        other.logo_data, other.logo_type = logo_data, logo_type
        other.requested_by = requested_by
        other.save()
        change = other
    return change


def _same(name, proposed, current):
    return proposed.strip() == current.strip()


def version(change):
    """What the reviewer saw: approving refuses a change edited again since."""
    return change.requested_at.isoformat()


def _lock_pending(change, seen_version=None):
    change = ProfileChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ProfileChange.Status.PENDING:
        raise DecisionError("already decided")
    if seen_version is not None and seen_version != version(change):
        raise DecisionError("changed since it was read")
    return change


@transaction.atomic
def profile_change_approve(*, change, reviewer, seen_version=None):
    """Apply the change to the organization's public profile at once, and tell its contact.

    A change asked by a contact who is no longer the organization's contact (replaced on the
    desk, or by a handover since) is withdrawn instead, and None returned: the person who was
    removed must not change the public page through the queue."""
    change = _lock_pending(change, seen_version)
    organization = Organization.objects.select_for_update().get(pk=change.organization_id)
    if asked_by_previous_contact(change, organization):
        change.status = ProfileChange.Status.WITHDRAWN
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_at"])
        return None
    fields = [name for name in PROFILE_FIELDS if name in change.proposed]
    for name in fields:
        setattr(organization, name, change.proposed[name])
    if change.logo_data:
        extension = LOGO_TYPES.get(change.logo_type, "png")
        organization.logo.save(
            f"logo.{extension}", ContentFile(bytes(change.logo_data)), save=False
        )
        fields.append("logo")
    labels = ", ".join(str(Organization._meta.get_field(name).verbose_name) for name in fields)
    organization._change_reason = f"Profile change asked by its contact, approved: {labels}"[:100]
    organization._history_user = reviewer
    # The save clears the cached pages that show the organization (invalidate_on_change).
    organization.save()
    change.status = ProfileChange.Status.APPROVED
    change.decided_at = timezone.now()
    change.decided_by = reviewer
    change.save(update_fields=["status", "decided_at", "decided_by"])
    record_change(
        reviewer,
        organization,
        gettext("Profile change asked by its contact approved: %(fields)s") % {"fields": labels},
    )
    _mail(
        organization,
        organization.contact_email,
        "profile_change_approved",
        {"url": absolute_url(_public_url(organization))},
    )
    return organization


def asked_by_previous_contact(change, organization):
    asked_by = (change.requested_by or "").strip().lower()
    return bool(asked_by) and asked_by != (organization.contact_email or "").strip().lower()


def _public_url(organization):
    with translation.override(_language(organization)):
        return reverse("members:organization-detail", kwargs={"slug": organization.slug})


@transaction.atomic
def profile_change_reject(*, change, reviewer, reason="", seen_version=None):
    """Nothing changes on the public profile; the contact is told, with the reason if any."""
    change = _lock_pending(change, seen_version)
    change.status = ProfileChange.Status.REJECTED
    change.decided_at = timezone.now()
    change.decided_by = reviewer
    change.reason = reason
    change.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    organization = change.organization
    record_change(
        reviewer,
        organization,
        gettext("Profile change asked by its contact rejected: %(reason)s")
        % {"reason": reason or "—"},
    )
    _mail(organization, organization.contact_email, "profile_change_rejected", {"reason": reason})
    return change


def field_diffs(change, *, old_heading, new_heading):
    """(label, safe HTML table) for each field the change proposes, old against new."""
    organization = change.organization
    rows = []
    for name in PROFILE_FIELDS:
        if name not in change.proposed:
            continue
        label = str(Organization._meta.get_field(name).verbose_name)
        table = diff_table(
            getattr(organization, name) or "",
            change.proposed[name],
            old_heading=old_heading,
            new_heading=new_heading,
        )
        rows.append((label, table))
    return rows


# ---------------------------------------------------------------------------------------------
# Contact handover
# ---------------------------------------------------------------------------------------------


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def contact_handover_start(*, organization, name, email, requested_by=""):
    """Mail the named successor a link to confirm; replaces a handover still waiting.
    Returns (handover, token); only the token's hash is stored."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    now = timezone.now()
    recent = organization.contact_handovers.filter(
        requested_at__gt=now - datetime.timedelta(days=1)
    ).count()
    if recent >= HANDOVERS_PER_DAY:
        raise TooManyHandovers
    organization.contact_handovers.filter(status=ContactHandover.Status.PENDING).update(
        status=ContactHandover.Status.REPLACED
    )
    token = secrets.token_urlsafe(32)
    handover = ContactHandover.objects.create(
        organization=organization,
        new_name=name.strip(),
        new_email=email.strip().lower(),
        # Who the contact was when asked: the link dies if the contact changes meanwhile.
        requested_by=requested_by or organization.contact_email,
        requested_at=now,
        token_hash=_hash(token),
        expires_at=now + datetime.timedelta(days=HANDOVER_DAYS),
    )
    with translation.override(_language(organization)):
        link = absolute_url(reverse("members:contact-handover", kwargs={"token": token}))
    _mail(
        organization,
        handover.new_email,
        "contact_handover_verify",
        {"handover": handover, "link": link, "days": HANDOVER_DAYS},
    )
    return handover, token


def contact_handover_read(token):
    """The handover a link is for, still waiting and unexpired, asked by the organization's
    contact as it still is, of an organization still a member; else HandoverError.

    (A contact that the secretariat replaced must not get the role back with a link they
    had mailed to themselves before; nor does a link revive an organization that left.)"""
    handover = (
        ContactHandover.objects.select_related("organization")
        .filter(token_hash=_hash(str(token)[:200]))
        .first()
    )
    if (
        handover is None
        or handover.status != ContactHandover.Status.PENDING
        or handover.expires_at <= timezone.now()
    ):
        raise HandoverError("unknown, used or expired")
    organization = handover.organization
    if organization.status not in (MemberStatus.ACTIVE, MemberStatus.LAPSED) or (
        (handover.requested_by or "").strip().lower()
        != (organization.contact_email or "").strip().lower()
    ):
        raise HandoverError("the contact changed, or the organization is no longer a member")
    return handover


@transaction.atomic
def contact_handover_confirm(*, token):
    """The successor confirms: they become the registered contact, and the previous contact
    is told. The link works once."""
    handover = contact_handover_read(token)
    organization = Organization.objects.select_for_update().get(pk=handover.organization_id)
    handover = ContactHandover.objects.select_for_update().get(pk=handover.pk)
    if handover.status != ContactHandover.Status.PENDING:
        raise HandoverError("used")
    # Read again under the locks: the contact may have changed since.
    contact_handover_read(token)
    previous = organization.contact_email
    organization.contact_name = handover.new_name
    organization.contact_email = handover.new_email
    organization.contact_phone = ""  # the previous person's number
    organization._change_reason = "Contact handed over; the new contact confirmed by email"
    organization.save()
    handover.status = ContactHandover.Status.CONFIRMED
    handover.confirmed_at = timezone.now()
    handover.save(update_fields=["status", "confirmed_at"])
    if previous and previous.lower() != handover.new_email:
        _mail(organization, previous, "contact_handover_done", {"handover": handover})
    return organization


class HandoverRecords:
    """A person's contact handovers (as the one named, or the one who asked), for the export
    and erasure of their data (members/personal_data.py `register_source`)."""

    key = "contact_handovers"
    model = ContactHandover
    label = gettext_lazy("contact handovers")

    def email_of(self, handover):
        return handover.new_email

    def is_verified(self, handover):
        return handover.status == ContactHandover.Status.CONFIRMED

    def records(self, emails):
        q = Q(pk__in=[])
        for email in emails:
            q |= Q(new_email__mailbox=email) | Q(requested_by__mailbox=email)
        return list(ContactHandover.objects.filter(q).select_related("organization").order_by("pk"))

    def export(self, records):
        return [
            {
                "organization": h.organization.name,
                "new_contact_name": h.new_name,
                "new_contact_email": h.new_email,
                "requested_by": h.requested_by,
                "requested_at": h.requested_at,
                "status": h.status,
                "confirmed_at": h.confirmed_at,
            }
            for h in records
        ]

    def erase(self, records, *, user, reason):
        ContactHandover.objects.filter(pk__in=[h.pk for h in records]).delete()
