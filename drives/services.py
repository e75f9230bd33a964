"""What the secretariat and members do in a sign-on drive.

Start a drive and invite (one mail per invitation, exactly once), answer (a new row every time,
the latest counts), remind, ask to re-confirm after the text changed, and release when the
statement is published (confirmed answers become signatures dated by the answer). Each step is
recorded in the admin's action log.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from drives.models import Answer, Drive, Invitation, hash_token
from drives.tokens import new_nonce, token_for
from icnk import cache as page_cache
from icnk.i18n import current_language
from icnk.mail import queue_mail
from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from icnk.timezones import coalition_timezone
from members.models import (
    Listing,
    Organization,
    Supporter,
    Visibility,
    more_private,
    name_language,
)
from statements.models import Signature, Statement


class DriveError(ValueError):
    """A step the drive's state does not allow; the message says why."""


def _log(user, obj, message, flag=CHANGE):
    """The admin's action log; a member's own answer has no staff user and goes in the drive's
    record only through its Answer row."""
    if user is None or user.pk is None:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


# ---------------------------------------------------------------------------------------------
# Text versions
# ---------------------------------------------------------------------------------------------


def text_version(statement):
    """A fingerprint of the title and body of every language version, as they stand now."""
    versions = Statement.objects.versions_of(statement).order_by("language")
    payload = [[v.language, v.title, v.body] for v in versions.only("language", "title", "body")]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Starting a drive and inviting
# ---------------------------------------------------------------------------------------------


def invitable_organizations():
    return Organization.objects.active().exclude(contact_email="")


def invitable_supporters():
    """Active people with an email, never one who is taken down."""
    return Supporter.objects.active().exclude(email="").filter(taken_down_at__isnull=True)


@transaction.atomic
def drive_start(*, statement, user, deadline, organizations=(), supporters=(), **options):
    """Start a drive on a draft and invite the given members (queued mail, once each)."""
    statement = statement.source
    if statement.status != Statement.Status.DRAFT:
        raise DriveError(gettext("A drive is started on a draft statement."))
    if deadline <= timezone.now():
        raise DriveError(gettext("The deadline must be in the future."))
    drive = Drive.objects.create(statement=statement, deadline=deadline, created_by=user, **options)
    _log(user, drive, gettext("Sign-on drive started."), flag=ADDITION)
    invite(drive=drive, user=user, organizations=organizations, supporters=supporters)
    return drive


@transaction.atomic
def invite(*, drive, user, organizations=(), supporters=()):
    """Invite members not yet invited; returns the new invitations (mail queued for each)."""
    organizations = [o for o in organizations if o.contact_email and o.status == "active"]
    supporters = [s for s in supporters if s.email and s.status == "active" and not s.taken_down_at]
    invited_orgs = set(drive.invitations.values_list("organization_id", flat=True))
    invited_people = set(drive.invitations.values_list("supporter_id", flat=True))
    new = []
    for member in organizations:
        if member.pk not in invited_orgs:
            new.append(Invitation(drive=drive, organization=member, language=_language(member)))
    for member in supporters:
        if member.pk not in invited_people:
            new.append(Invitation(drive=drive, supporter=member, language=_language(member)))
    for invitation in new:
        invitation.nonce = new_nonce()
        invitation.token_hash = new_nonce()  # placeholder until the id is known
        invitation.save()
        invitation.token_hash = hash_token(token_for(invitation))
        invitation.save(update_fields=["token_hash"])
        send_invitation(invitation=invitation)
    if new:
        _log(
            user,
            drive,
            ngettext("Invited %(count)d member.", "Invited %(count)d members.", len(new))
            % {"count": len(new)},
        )
    return new


def _language(member):
    """The member's language for mail; English when none is set (a form left it empty)."""
    return member.language if member.language in dict(settings.LANGUAGES) else "en"


def _mail_context(invitation):
    drive = invitation.drive
    version = (
        Statement.objects.versions_of(drive.statement).filter(language=invitation.language).first()
        or drive.statement
    )
    zone = coalition_timezone()
    return {
        "site": SiteSettings.load(),
        "member": invitation.member,
        "statement": version,
        "drive": drive,
        # In the coalition's zone, named as its setting names it, whatever zone is active (public
        # pages and the worker run in settings.TIME_ZONE); the templates show times in it.
        "deadline": timezone.localtime(drive.deadline, zone),
        "time_zone": zone.key,
        "link": absolute_url(invitation.link(token_for(invitation))),
    }


def _send(invitation, field, template_prefix):
    """Queue one mail and stamp `field`, claimed atomically so that it goes out once."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
        if not claimed:
            return False
        queue_mail(
            to=invitation.email,
            template_prefix=template_prefix,
            context=_mail_context(invitation),
            language=invitation.language,
        )
    return True


def send_invitation(*, invitation):
    return _send(invitation, "sent_at", "drives/email/invitation")


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def latest_answer(invitation):
    return invitation.answers.order_by("-answered_at", "-pk").first()


def visibility_choices(supporter):
    """The levels a person may sign this statement at: their own, or anything more private."""
    from members.models import VISIBILITY_ORDER

    own = supporter.visibility
    return VISIBILITY_ORDER[VISIBILITY_ORDER.index(own) :]


@transaction.atomic
def answer(*, invitation, choice, comment="", visibility="", sign_as=None):
    """Record a member's answer (a new row; the latest counts) and keep a released statement's
    signatures in step: a signature after release is a dated endorsement, a change of mind is a
    dated withdrawal."""
    drive = Drive.objects.select_for_update().get(pk=invitation.drive_id)
    if not drive.accepts_answers:
        raise DriveError(gettext("This sign-on drive is closed: answers can no longer change."))
    if not invitation.member_may_sign:
        raise DriveError(gettext("This link no longer works."))
    if invitation.organization_id:
        visibility = ""
        sign_as = invitation.organization.display_name
    else:
        allowed = visibility_choices(invitation.supporter)
        visibility = visibility if visibility in allowed else allowed[-1]
        sign_as = ""
    row = Answer.objects.create(
        invitation=invitation,
        choice=choice,
        sign_as=sign_as,
        visibility=visibility,
        comment=comment,
        text_version=text_version(drive.statement),
    )
    if drive.state == Drive.State.RELEASED:
        _apply_after_release(drive, invitation, row)
    return row


def _signature_of(drive, invitation):
    member = (
        {"organization": invitation.organization_id}
        if invitation.organization_id
        else {"supporter": invitation.supporter_id}
    )
    return Signature.objects.filter(
        statement=drive.statement, **{f"{k}_id": v for k, v in member.items()}
    ).first()


def _apply_after_release(drive, invitation, row):
    signature = _signature_of(drive, invitation)
    today = timezone.localdate(row.answered_at)
    if row.choice == Answer.Choice.SIGNED:
        if signature is None:
            _create_signature(drive, invitation, row)
        else:
            _sign_again(signature, row, today)
    elif signature is not None and not signature.withdrawn_on:
        signature.withdrawn_on = today
        signature._change_reason = "Withdrawn on the sign-on page"
        signature.save(update_fields=["withdrawn_on"])
    page_cache.invalidate()


def _sign_again(signature, row, today):
    """A later "sign" on a released statement the member has a signature on."""
    changed = []
    if signature.supporter_id and signature.visibility != (
        tighter := more_private(signature.visibility, row.visibility)
    ):
        # A person who signs again choosing to show less is shown less on the published
        # statement, at once. Never more: once published, a signature's level only tightens,
        # so a forwarded link cannot put a name on the record.
        signature.visibility = tighter
        changed.append("visibility")
    if signature.withdrawn_on:
        # Signs again after withdrawing: standing again from today, history keeps the rest.
        signature.withdrawn_on = None
        signature.signed_on = today
        changed += ["withdrawn_on", "signed_on"]
    if changed:
        signature._change_reason = "Signed again on the sign-on page"
        signature.save(update_fields=changed)


def _create_signature(drive, invitation, row, *, order=None):
    if order is None:
        order = (drive.statement.signatures.aggregate(last=Max("order"))["last"] or 0) + 1
    values = {
        "statement": drive.statement,
        "order": order,
        "signed_on": timezone.localdate(row.answered_at),
    }
    if invitation.organization_id:
        values |= {
            "organization": invitation.organization,
            "name_at_signing": row.sign_as or invitation.organization.display_name,
            "local_name_at_signing": invitation.organization.local_name,
        }
    else:
        values |= {"supporter": invitation.supporter, "visibility": row.visibility}
    signature = Signature(**values)
    signature._change_reason = "Signed on the sign-on page"
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:  # already signed (typed in by staff): the record stands
        return None
    return signature


# ---------------------------------------------------------------------------------------------
# Reminders and re-confirmation
# ---------------------------------------------------------------------------------------------


def _unanswered(drive):
    return (
        drive.invitations.signable()
        .filter(sent_at__isnull=False, reminded_at__isnull=True, answers__isnull=True)
        .select_related("drive", "organization", "supporter")
    )


def remind(*, drive, user=None):
    """Remind every member that has not answered and was not reminded yet; returns how many."""
    if not drive.accepts_answers:
        return 0
    sent = sum(
        _send(invitation, "reminded_at", "drives/email/reminder")
        for invitation in _unanswered(drive)
    )
    if sent:
        message = ngettext(
            "Reminder sent to %(count)d member.", "Reminder sent to %(count)d members.", sent
        ) % {"count": sent}
        _log(user, drive, message)
        if user is None:
            # The worker's reminder: recorded in the drive's history with no staff member.
            drive._change_reason = message
            drive.save(update_fields=["state"])
    return sent


def send_due_reminders(now=None):
    """Remind for every drive whose reminder time has come (catching up if the worker was down
    at that moment); each invitation is claimed before its mail is queued, so never twice."""
    now = now or timezone.now()
    total = 0
    for drive in Drive.objects.exclude(state=Drive.State.CLOSED).filter(deadline__gt=now):
        if drive.remind_at <= now:
            total += remind(drive=drive)
    return total


@transaction.atomic
def ask_reconfirm(*, drive, user):
    """Ask those whose standing signature was given on an earlier text to confirm the new one.

    Returns how many were asked. Each gets a mail; their earlier answer stays in the record.
    """
    if not drive.accepts_answers:
        raise DriveError(gettext("This sign-on drive is closed: answers can no longer change."))
    current = text_version(drive.statement)
    # Asked after the text last changed and after their answer: asked about this text already
    # (a second click, or a colleague running the action too), and not mailed again.
    text_changed_at = Statement.objects.versions_of(drive.statement).aggregate(
        last=Max("updated_at")
    )["last"]
    asked = 0
    for invitation in (
        drive.invitations.signable()
        .with_latest_answer()
        .select_related("drive", "organization", "supporter")
    ):
        if invitation.latest_choice != Answer.Choice.SIGNED or invitation.latest_version == current:
            continue
        earlier = invitation.reconfirm_asked_at
        if earlier and earlier >= max(text_changed_at, invitation.latest_answered_at):
            continue
        claimed = Invitation.objects.filter(pk=invitation.pk, reconfirm_asked_at=earlier).update(
            reconfirm_asked_at=timezone.now()
        )
        if claimed:
            queue_mail(
                to=invitation.email,
                template_prefix="drives/email/reconfirm",
                context=_mail_context(invitation),
                language=invitation.language,
            )
            asked += 1
    _log(
        user,
        drive,
        ngettext(
            "Asked %(count)d member to re-confirm the changed text.",
            "Asked %(count)d members to re-confirm the changed text.",
            asked,
        )
        % {"count": asked},
    )
    return asked


# ---------------------------------------------------------------------------------------------
# Release
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def release(*, drive, user, reason=""):
    """Turn confirmed answers into signatures dated by the answer; returns the new signatures.

    Only answers given on the text as released count, unless the secretariat gives a reason to
    count earlier versions too. Declined members and members who did not answer never appear;
    a member that left or was suspended, and a person taken down or erased, are left out.
    """
    drive = Drive.objects.select_for_update().get(pk=drive.pk)
    if drive.state == Drive.State.RELEASED:
        return []
    current = text_version(drive.statement)
    reason = (reason or drive.release_override_reason).strip()
    last = drive.statement.signatures.aggregate(last=Max("order"))["last"] or 0
    new = []
    invitations = (
        drive.invitations.signable()
        .select_related("organization", "supporter")
        .prefetch_related("answers")
    )
    for invitation in invitations:
        row = max(invitation.answers.all(), key=lambda a: (a.answered_at, a.pk), default=None)
        if row is None or row.choice != Answer.Choice.SIGNED:
            continue
        if row.text_version != current and not reason:
            continue
        signature = _create_signature(drive, invitation, row, order=last + len(new) + 1)
        if signature:
            new.append(signature)
    drive.state = Drive.State.RELEASED
    drive.released_at = timezone.now()
    drive.released_version = current
    drive.release_override_reason = reason
    drive._change_reason = "Released"
    drive.save(
        update_fields=["state", "released_at", "released_version", "release_override_reason"]
    )
    message = ngettext(
        "Released: %(count)d signature recorded from the drive.",
        "Released: %(count)d signatures recorded from the drive.",
        len(new),
    ) % {"count": len(new)}
    if reason:
        message += " " + gettext("Earlier text versions counted because: %(reason)s") % {
            "reason": reason
        }
    _log(user, drive, message)
    page_cache.invalidate()
    return new


def release_on_publication(*, statement, user):
    """The hook statements/services.py calls when a statement is published or scheduled."""
    for drive in Drive.objects.filter(statement_id=statement.source_id).exclude(
        state__in=[Drive.State.RELEASED, Drive.State.CLOSED]
    ):
        release(drive=drive, user=user)


def release_on_save(sender, instance, raw=False, **kwargs):
    """A statement saved as published (the admin's form) releases its drive, as publishing with
    the service does; the staff member is the one simple-history saw making the request."""
    if raw or instance.status != Statement.Status.PUBLISHED:
        return
    open_drives = Drive.objects.filter(statement_id=instance.source_id).exclude(
        state__in=[Drive.State.RELEASED, Drive.State.CLOSED]
    )
    if not open_drives.exists():
        return
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    for drive in open_drives:
        release(drive=drive, user=user if getattr(user, "is_staff", False) else None)


def erase_comments_on_erasure(sender, instance, raw=False, **kwargs):
    """A person's personal data erased (members/personal_data.py) takes with it the comments
    they wrote to the secretariat on sign-on pages: their words, often their name or place.
    An organization's comments stay, without its erased contact's name, address and phone:
    personal_data scrubs those as it does its other free text."""
    if raw or instance.personal_data_erased_at is None:
        return
    Answer.objects.filter(invitation__supporter=instance).exclude(comment="").update(comment="")


# ---------------------------------------------------------------------------------------------
# A new address retires the old link
# ---------------------------------------------------------------------------------------------

ADDRESS_FIELD = {Organization: "contact_email", Supporter: "email"}


def _same_address(a, b):
    return (a or "").strip().lower() == (b or "").strip().lower()


def retire_links_on_new_address(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a member's mail address changes (a contact handed over, staff correcting it, a
    person's new address), remember to move its open sign-on links to the new address: the
    person who held the old one may have left the organization, and must not sign for it."""
    field = ADDRESS_FIELD[sender]
    if raw or instance.pk is None or (update_fields is not None and field not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
    if old is None or _same_address(old, getattr(instance, field)):
        return
    member_field = "organization_id" if sender is Organization else "supporter_id"
    transaction.on_commit(lambda: reissue_links(**{member_field: instance.pk}))


def reissue_links(**member):
    """Every link of the member that opens, or could open again, gets a new nonce (the old
    link stops working at once, the draft included), and the invitation is mailed again, to
    the address the member has now, where the drive still takes answers.

    Also after the deadline: a link opens until the grace period ends, and the secretariat may
    yet move the deadline of a drive not closed, which would let the old address answer for
    the member again; `send_unsent` mails the new link then."""
    now = timezone.now()
    # A member has one invitation a drive: a few a year.
    invitations = Invitation.objects.filter(**member).select_related(
        "drive", "organization", "supporter"
    )
    for invitation in invitations:
        drive = invitation.drive
        if drive.state == Drive.State.CLOSED and drive.closes_at <= now:
            continue  # no link of it opens, and a closed drive does not open again
        with transaction.atomic():
            invitation.nonce = new_nonce()
            invitation.token_hash = hash_token(token_for(invitation))
            invitation.sent_at = None
            invitation.save(update_fields=["nonce", "token_hash", "sent_at"])
            if invitation.email and invitation.drive.accepts_answers:
                send_invitation(invitation=invitation)


def send_unsent(*, drive):
    """Once the drive takes answers again (its deadline moved), mail each invitation whose
    link nobody has: a member whose address changed while answers were closed. Returns how
    many were queued."""
    if not drive.accepts_answers:
        return 0
    unsent = drive.invitations.filter(sent_at__isnull=True).select_related(
        "drive", "organization", "supporter"
    )
    return sum(
        send_invitation(invitation=invitation)
        for invitation in unsent
        if invitation.email and invitation.member_may_sign
    )


@transaction.atomic
def close(*, drive, user):
    drive.state = Drive.State.CLOSED
    drive._change_reason = "Closed"
    drive.save(update_fields=["state"])
    _log(user, drive, gettext("Sign-on drive closed."))


# ---------------------------------------------------------------------------------------------
# Who has signed so far (the sign-on page)
# ---------------------------------------------------------------------------------------------


def signed_so_far(drive):
    """Those whose latest answer is "signed", as a reader may see them: organizations listed by
    name under their name, counted ones summed; people at the more private of their own level
    and the one they chose, A to Z by that name; taken-down people, declines and non-answers
    nowhere."""
    from statements.queries import Signatories, SignatoryLine, in_public_order

    result = Signatories()
    invitations = (
        drive.invitations.not_taken_down()
        .with_latest_answer()
        .filter(latest_choice=Answer.Choice.SIGNED)
        .select_related("organization", "supporter")
    )
    latest_visibility = dict(
        Answer.objects.filter(invitation__drive=drive)
        .order_by("invitation_id", "answered_at", "pk")
        .values_list("invitation_id", "visibility")
    )
    signed_at = {}
    if drive.state != Drive.State.OPEN:
        # Released (then perhaps closed): as the statement shows them, which a later answer
        # can only tighten.
        signed_at = dict(
            Signature.objects.filter(
                statement=drive.statement_id, supporter__isnull=False
            ).values_list("supporter_id", "visibility")
        )
    for invitation in invitations:
        if invitation.organization_id:
            organization = invitation.organization
            if organization.status != "active":
                continue
            if organization.listing == Listing.NAMED:
                name = organization.display_name
                local = organization.local_name
                if local and name_language(local, organization.country) == current_language():
                    name = local  # as the statement page does for its Korean or Japanese version
                result.organizations.append(SignatoryLine(name=name))
            elif organization.listing == Listing.COUNTED:
                result.other_organizations += 1
            continue
        supporter = invitation.supporter
        supporter.visibility = more_private(
            supporter.visibility,
            latest_visibility.get(invitation.pk, ""),
            signed_at.get(supporter.pk, ""),
        )
        if supporter.public_name:
            result.individuals.append(
                SignatoryLine(name=supporter.public_name, affiliation=supporter.public_affiliation)
            )
        elif supporter.visibility == Visibility.COUNTED and supporter.status == "active":
            result.other_individuals += 1
    result.organizations.sort(key=lambda line: line.name.casefold())
    in_public_order(result.individuals, current_language())
    return result
