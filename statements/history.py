"""A statement's history as the secretariat asks about it: who changed what, and when.

One timeline for a statement and everything that hangs on it: its own versions, its
signatures and attachments (kept on the original, shared by its translations) and its press
contacts. Each entry names who made the change and what changed, field by field. A person who
may not see individual supporters sees a supporter's signature as "an individual supporter",
with no name.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from statements.models import Attachment, PressContact, Signature, Statement

EMPTY = "—"
# Long texts (a body) are cut in the timeline; the comparison shows them whole.
SHORT = 140
# Never shown in the timeline: bookkeeping, or repeated in the entry's subject.
HIDDEN_FIELDS = {"id", "statement", "created_at", "content_type", "size", "translation_key"}
SUPPORTER_FIELDS = {"supporter", "name_at_signing", "local_name_at_signing"}

# The fields two versions of a statement are compared on, in the form's order.
COMPARED_FIELDS = [
    "title",
    "slug",
    "language",
    "kind",
    "summary",
    "body",
    "dateline",
    "status",
    "published_at",
    "campaign",
    "translation_of",
    "image",
    "image_alt",
]

KINDS = {
    Statement: _("Statement"),
    Signature: _("Signature"),
    Attachment: _("Attachment"),
    PressContact: _("Press contact"),
}

# Reasons other code stores in English (statements/services.py), shown translated.
REASONS = {
    "Published": _("Published"),
    "Scheduled": _("Scheduled"),
    "Unpublished": _("Unpublished"),
    "Withdrawn": _("Withdrawn"),
}
RESTORED = re.compile(r"^Restored version of (?P<time>\S+) by (?P<user>.+)$")


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    date: datetime.datetime
    user: object
    kind: str
    subject: str
    action: str
    reason: str
    changes: list = field(default_factory=list)
    version: object = None  # a statement's own history row: it can be compared and restored


def display_reason(reason):
    if not reason:
        return ""
    restored = RESTORED.match(reason)
    if restored:
        try:
            when = datetime.datetime.fromisoformat(restored["time"])
        except ValueError:
            when = None
        return gettext("Restored the version of %(time)s by %(user)s") % {
            "time": format_time(when) if when else restored["time"],
            "user": restored["user"],
        }
    if reason in REASONS:
        return str(REASONS[reason])
    return reason


def format_time(value):
    """A time in the coalition's zone, with the zone: "2026-11-30 15:04 JST"."""
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def display_value(record, name, related=None):
    """One field of a history row as a person reads it."""
    model_field = record._meta.get_field(name)
    value = getattr(record, model_field.attname)
    if value in (None, ""):
        return EMPTY
    if model_field.is_relation:
        found = (related or {}).get((model_field.related_model, value))
        return str(found) if found is not None else f"#{value}"
    if getattr(model_field, "flatchoices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return format_time(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def _related_objects(records):
    """The objects the rows' relations point to, in one query per related model."""
    wanted = {}
    for record in records:
        for model_field in record.instance_type._meta.concrete_fields:
            if model_field.is_relation and model_field.name not in HIDDEN_FIELDS:
                value = getattr(record, model_field.attname, None)
                if value is not None:
                    wanted.setdefault(model_field.related_model, set()).add(value)
    found = {}
    for model, ids in wanted.items():
        for pk, obj in model._default_manager.in_bulk(ids).items():
            found[(model, pk)] = obj
    return found


def _subject(record, related, *, can_see_supporters):
    model = record.instance_type
    if model is Signature and record.supporter_id and not can_see_supporters:
        return gettext("an individual supporter")
    if model is Signature:
        if record.name_at_signing:
            return record.name_at_signing
        target = related.get(
            (Signature.organization.field.related_model, record.organization_id)
        ) or related.get((Signature.supporter.field.related_model, record.supporter_id))
        return str(target) if target is not None else EMPTY
    if model is Statement:
        return f"{record.get_language_display()} · {record.title}"
    return str(getattr(record, "title", None) or getattr(record, "name", None) or EMPTY)


def _entries(records, *, can_see_supporters):
    """Entries for the history rows of one model, each with its changes from the row before
    it (of the same object), computed here rather than one query per row."""
    records = list(records)
    related = _related_objects(records)
    previous = {}
    entries = []
    for record in records:
        model = record.instance_type
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS
            and f.name in {h.name for h in record._meta.fields}
            and not (
                model is Signature
                and record.supporter_id
                and not can_see_supporters
                and f.name in SUPPORTER_FIELDS
            )
        ]
        before = previous.get(record.id)
        changes = []
        if record.history_type == "~" and before is not None:
            for name in fields:
                old = display_value(before, name, related)
                new = display_value(record, name, related)
                if old != new:
                    label = str(model._meta.get_field(name).verbose_name)
                    changes.append(
                        Change(label, Truncator(old).chars(SHORT), Truncator(new).chars(SHORT))
                    )
        previous[record.id] = record
        entries.append(
            Entry(
                date=record.history_date,
                user=record.history_user,
                kind=str(KINDS[model]),
                subject=_subject(record, related, can_see_supporters=can_see_supporters),
                action=str(
                    {"+": _("Added"), "~": _("Changed"), "-": _("Deleted")}[record.history_type]
                ),
                reason=display_reason(record.history_change_reason),
                changes=changes,
                version=record if model is Statement else None,
            )
        )
    return entries


def _rows(model, **filters):
    return (
        model.history.filter(**filters)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def statement_timeline(statement, *, can_see_supporters):
    """Every recorded change to `statement` and what hangs on it, newest first."""
    source_id = statement.source_id
    entries = []
    for records in (
        _rows(Statement, id=statement.pk),
        _rows(Signature, statement_id=source_id),
        _rows(Attachment, statement_id=source_id),
        _rows(PressContact, statement_id=statement.pk),
    ):
        entries.extend(_entries(records, can_see_supporters=can_see_supporters))
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries


def version_label(version):
    user = version.history_user.get_username() if version.history_user_id else EMPTY
    return gettext("Version of %(time)s by %(user)s") % {
        "time": format_time(version.history_date),
        "user": user,
    }


def version_display(related):
    """display(instance, name) for statements.diffs.field_diffs on history rows."""

    def display(record, name):
        value = display_value(record, name, related)
        return "" if value == EMPTY else value

    return display


def related_of(*records):
    return _related_objects([r for r in records if isinstance(r, models.Model)])
