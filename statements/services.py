"""What the secretariat does to statements: publish, schedule, unpublish, collect signatures.

Each function is one step, keyword-only, and writes the row, its history row (with who did it)
and an entry in the admin's action log together. Admin actions loop over a selection, call
these and report.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from icnk import cache as page_cache
from icnk.audit import record_change
from members.models import Organization, Supporter
from statements import files
from statements.models import Signature, Statement

# Called with (statement=, user=) when a statement is published or scheduled, inside the same
# transaction: another app registers here (the sign-on drives turn answers into signatures).
_PUBLICATION_HOOKS = []


def on_publication(hook):
    if hook not in _PUBLICATION_HOOKS:
        _PUBLICATION_HOOKS.append(hook)
    return hook


def _published(statement, user):
    for hook in _PUBLICATION_HOOKS:
        hook(statement=statement, user=user)


# Called with (statement=, user=) after every change of when a statement is public (published
# now, scheduled, moved, unpublished), inside the same transaction: another app registers here
# (the press is told when an embargo it was given stops holding).
_CHANGE_HOOKS = []


def on_publication_change(hook):
    if hook not in _CHANGE_HOOKS:
        _CHANGE_HOOKS.append(hook)
    return hook


def _changed(statement, user):
    for hook in _CHANGE_HOOKS:
        hook(statement=statement, user=user)


class ScheduleError(ValueError):
    """A publication time that does not schedule anything (it is not in the future)."""


def _save_publication(*, statement, user, fields, reason, message):
    # bulk_update leaves updated_at alone (publishing is not an edit of the text) and still
    # writes a history row.
    bulk_update_with_history(
        [statement], Statement, fields, default_user=user, default_change_reason=reason
    )
    record_change(user, statement, message)
    # update() sends no signal: start a new generation of cached pages (again at commit).
    page_cache.invalidate()


@transaction.atomic
def statement_publish(*, statement, user):
    """Publish now: public at once.

    A draft (or a scheduled statement) is dated now. An unpublished statement comes back under
    the date it was first published with, as the record it is (a correction, not a new
    statement). Returns False when it was already public.
    """
    if statement.is_public:
        return False
    statement.published_at = publish_time(statement)
    statement.status = Statement.Status.PUBLISHED
    _save_publication(
        statement=statement,
        user=user,
        fields=["status", "published_at"],
        reason="Published",
        message=gettext("Published"),
    )
    _published(statement, user)
    _changed(statement, user)
    return True


def publish_time(statement, now=None):
    """When "Publish now" makes the statement public and the date it will carry."""
    now = now or timezone.now()
    if (
        statement.status == Statement.Status.UNPUBLISHED
        and statement.published_at is not None
        and statement.published_at <= now
    ):
        return statement.published_at
    return now


@transaction.atomic
def statement_schedule(*, statement, user, at):
    """Publish at `at`, a time in the future: the statement appears by itself then.

    Also moves an already scheduled statement to another time. A statement that readers can
    see now is not scheduled (unpublish it first): it would vanish until then.
    """
    if at <= timezone.now():
        raise ScheduleError(gettext("A scheduled time must be in the future."))
    if statement.is_public:
        raise ScheduleError(
            gettext("This statement is already public; unpublish it before scheduling it.")
        )
    statement.status = Statement.Status.PUBLISHED
    statement.published_at = at
    _save_publication(
        statement=statement,
        user=user,
        fields=["status", "published_at"],
        reason="Scheduled",
        message=gettext("Scheduled for %(time)s")
        % {"time": timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")},
    )
    _published(statement, user)
    _changed(statement, user)


@transaction.atomic
def statement_unpublish(*, statement, user):
    """Take it off every public page, feed and count.

    A public statement becomes Unpublished (it keeps its publication date, for the record and
    for publishing it again); a scheduled one goes back to Draft, as it was never public.
    Returns False when it was neither.
    """
    if statement.status != Statement.Status.PUBLISHED:
        return False
    if statement.is_scheduled:
        statement.status = Statement.Status.DRAFT
        reason, message = "Schedule cancelled", gettext("Schedule cancelled (back to draft)")
    else:
        statement.status = Statement.Status.UNPUBLISHED
        reason, message = "Unpublished", gettext("Unpublished")
        # Its documents and images at addresses that readers, crawlers and archives kept.
        files.withdraw_when_committed(statement)
    _save_publication(
        statement=statement, user=user, fields=["status"], reason=reason, message=message
    )
    _changed(statement, user)
    return True


@transaction.atomic
def signatures_add_active_members(*, statement, user, members=None):
    """Sign every active organization (listed by name or counted) not yet on the statement.

    Only those that are members today: one approved later is added only when this is run
    again. `members`: the organizations, when the caller already loaded them for several
    statements. Returns the new signatures (none on a translation, which shares its
    original's).
    """
    if statement.translation_of_id:
        return []
    if members is None:
        members = list(Organization.objects.counted().order_by("name"))
    signed = set(
        statement.signatures.exclude(organization=None).values_list("organization_id", flat=True)
    )
    last = statement.signatures.aggregate(last=Max("order"))["last"] or 0
    today = timezone.localdate()
    new = [
        Signature(
            statement=statement,
            organization=organization,
            name_at_signing=organization.display_name,
            local_name_at_signing=organization.local_name,
            order=last + i,
            signed_on=today,
        )
        for i, organization in enumerate((o for o in members if o.pk not in signed), start=1)
    ]
    if not new:
        return []
    bulk_create_with_history(new, Signature, default_user=user)
    record_change(
        user,
        statement,
        ngettext(
            "Added %(count)d member organization as a signatory.",
            "Added %(count)d member organizations as signatories.",
            len(new),
        )
        % {"count": len(new)},
    )
    page_cache.invalidate()  # bulk_create sends no signal
    return new


@transaction.atomic
def signature_withdraw(*, signature, user, on=None):
    """Mark a signature withdrawn on `on` (today by default); the row stays, as a record.

    The statement keeps showing the name, marked "withdrawn on …"; the organization's page
    no longer lists the statement. Returns False when it was already withdrawn.
    """
    if signature.withdrawn_on:
        return False
    signature.withdrawn_on = on or timezone.localdate()
    signature._history_user = user
    signature._change_reason = "Withdrawn"
    signature.save(update_fields=["withdrawn_on"])
    record_change(
        user,
        signature.statement,
        gettext("Signature of “%(name)s” withdrawn.") % {"name": signature},
    )
    return True


@transaction.atomic
def signatures_add(*, statement, user, organizations=(), supporters=(), on=None):
    """Sign the given organizations and people onto an original statement, each once.

    Those already on it are left as they are (a withdrawn signature stays withdrawn); a person
    taken down or whose data was erased is never added, whatever the caller passes. People keep
    their own visibility: a signature shows them only as their level allows. `on`: the signing
    date, today in the coalition's time zone by default. Returns the new signatures.
    """
    if statement.translation_of_id:
        return []
    # One add at a time per statement, so that two staff adding the same names at once do
    # not both pass the check below.
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    signed_orgs = set(
        statement.signatures.exclude(organization=None).values_list("organization_id", flat=True)
    )
    signed_people = set(
        statement.signatures.exclude(supporter=None).values_list("supporter_id", flat=True)
    )
    people_ids = {s.pk for s in supporters} - signed_people
    # Locked as take_down() locks them: a take-down and this add do not cross.
    people = Supporter.objects.signable().select_for_update().filter(pk__in=people_ids)
    people = {p.pk: p for p in people}
    last = statement.signatures.aggregate(last=Max("order"))["last"] or 0
    signed_on = on or timezone.localdate()
    new = []
    for organization in organizations:
        if organization.pk in signed_orgs:
            continue
        signed_orgs.add(organization.pk)
        new.append(
            Signature(
                statement=statement,
                organization=organization,
                name_at_signing=organization.display_name,
                local_name_at_signing=organization.local_name,
                signed_on=signed_on,
            )
        )
    for supporter in supporters:
        if supporter.pk in people:
            new.append(
                Signature(
                    statement=statement, supporter=people.pop(supporter.pk), signed_on=signed_on
                )
            )
    if not new:
        return []
    for i, signature in enumerate(new, start=1):
        signature.order = last + i
    bulk_create_with_history(new, Signature, default_user=user)
    record_change(
        user,
        statement,
        ngettext("Added %(count)d signatory.", "Added %(count)d signatories.", len(new))
        % {"count": len(new)},
    )
    page_cache.invalidate()  # bulk_create sends no signal
    return new


# The text of a statement: what restoring an earlier version brings back. Publication (status,
# time), the address (slug), language and links between versions change only through their own
# buttons and fields.
RESTORED_FIELDS = ["title", "kind", "summary", "body", "dateline", "image_alt"]
# Stored in the history row as the reason (in English, as the other reasons are); the history
# page shows it in the reader's language (statements/history.py).
RESTORED_REASON = "Restored version of {time} by {user}"


@transaction.atomic
def statement_restore_version(*, statement, version, user):
    """Bring back the text of an earlier version as a new change: a new history row by `user`,
    the old rows untouched, the publication state as it is. Returns the names of the fields
    that changed (none when the text already is that version's)."""
    if version.id != statement.pk:
        raise ValueError("The version belongs to another statement.")
    changed = [
        name for name in RESTORED_FIELDS if getattr(statement, name) != getattr(version, name)
    ]
    if not changed:
        return []
    for name in changed:
        setattr(statement, name, getattr(version, name))
    author = version.history_user.get_username() if version.history_user_id else "-"
    statement._history_user = user
    statement._change_reason = RESTORED_REASON.format(
        time=version.history_date.isoformat(timespec="seconds"), user=author
    )
    statement.save()
    record_change(
        user,
        statement,
        gettext("Restored the version of %(time)s by %(user)s.")
        % {
            "time": timezone.localtime(version.history_date).strftime("%Y-%m-%d %H:%M %Z"),
            "user": author,
        },
    )
    return changed
