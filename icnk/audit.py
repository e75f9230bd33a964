"""The audit trail in the admin: who changed what, when, field by field.

django-simple-history keeps a history table beside each audited model (organizations,
supporters, join requests, statements, signatures, attachments, press contacts, campaigns,
milestones, site settings, journalists on the press list) and `HistoryRequestMiddleware` stamps
each row with the staff member who made the change. Rows stay when the object is deleted (a
personal-data erasure excepted): its history page still answers at
`<object id>/history/`. A statement's history page is its own (statements/admin_history.py):
one timeline with its signatures, attachments and press contacts, compare and restore.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


class ReadableChanges(HistoricalRecordContextHelper):
    """Choices by their label ("Hidden", not "hidden") and empty values as a dash."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value in (None, ""):
            return EMPTY
        if getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The history page lists every version with its changes as "field: old → new".

    The trail is a record, not an editing tool: simple-history's "revert" form is switched off
    (it would save an old version past the checks the normal form makes, such as who may
    publish), so the old versions are shown read-only. History is staff-only like the rest of
    the admin: private fields (emails, phones, notes) appear in it, and nowhere public.
    """

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # As simple-history's own, but naming the relations to fetch: select_related() with no
        # arguments is deprecated in Django 6.1.
        relations = [f.name for f in history_manager.model.tracked_fields if f.is_relation]
        rows = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        return rows.select_related(*relations) if relations else rows

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def record_change(user, obj, message):
    """An entry in the admin's action log for a change made outside a ModelAdmin form."""
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
