"""The statement admin's history: one timeline with signatures, attachments and press
contacts, two versions compared side by side, and an earlier version's text restored as a new
change (django-simple-history's own "revert" stays off: it would save every field of the old
row, publication state included, past the checks of the normal form).

A mixin for StatementAdmin.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from icnk.errors import id_param
from statements import services
from statements.diffs import field_diffs
from statements.history import (
    COMPARED_FIELDS,
    related_of,
    statement_timeline,
    version_display,
    version_label,
)
from statements.models import Statement

ENTRIES_PER_PAGE = 50


class StatementHistoryMixin:
    def get_urls(self):
        def view(function, suffix, pattern):
            return path(
                f"<path:object_id>/history/{pattern}",
                self.admin_site.admin_view(function),
                name=f"statements_statement_history_{suffix}",
            )

        # Before simple-history's "<object id>/history/<version id>/".
        return [
            view(self.history_compare_view, "compare", "compare/"),
            view(self.history_restore_view, "restore", "<int:version_id>/restore/"),
            *super().get_urls(),
        ]

    def _statement_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def _context(self, request, obj, title, **more):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": title,
            "time_zone": timezone.get_current_timezone_name(),
            "can_restore": self.has_change_permission(request, obj),
            "media": self.media,
            **more,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # A deleted statement's rows: simple-history's page still lists them.
            return super().history_view(request, object_id, extra_context)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        entries = statement_timeline(
            obj, can_see_supporters=request.user.has_perm("members.view_supporter")
        )
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("p"))
        context = self._context(
            request,
            obj,
            gettext("History: %(title)s") % {"title": obj.title},
            page=page,
            entries=page.object_list,
            latest_version_id=next((e.version.history_id for e in entries if e.version), None),
        )
        return TemplateResponse(request, "admin/statements/statement/history.html", context)

    def _version(self, obj, version_id):
        version_id = id_param(version_id)
        if version_id is None:
            return None
        return (
            Statement.history.filter(id=obj.pk, history_id=version_id)
            .select_related("history_user")
            .first()
        )

    def history_compare_view(self, request, object_id):
        """Two versions side by side, field by field; by default a version against the one
        before it."""
        obj = self._statement_or_404(request, object_id)
        new = self._version(obj, request.GET.get("to", ""))
        old = self._version(obj, request.GET.get("from", ""))
        if new is None:
            new = Statement.history.filter(id=obj.pk).order_by("-history_date").first()
        if old is None and new is not None:
            old = new.prev_record
        if new is None or old is None:
            self.message_user(
                request,
                gettext("Choose two versions of this statement to compare."),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse("admin:statements_statement_history", args=[obj.pk])
            )
        if old.history_date > new.history_date:
            old, new = new, old
        diffs = field_diffs(
            old,
            new,
            COMPARED_FIELDS,
            old_heading=version_label(old),
            new_heading=version_label(new),
            display=version_display(related_of(old, new)),
        )
        context = self._context(
            request,
            obj,
            gettext("Compare versions: %(title)s") % {"title": obj.title},
            old=old,
            new=new,
            old_label=version_label(old),
            new_label=version_label(new),
            diffs=diffs,
        )
        return TemplateResponse(request, "admin/statements/statement/history_compare.html", context)

    def history_restore_view(self, request, object_id, version_id):
        """Asks first, showing what the text would become; restores on POST."""
        obj = self._statement_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = self._version(obj, version_id)
        if version is None:
            raise Http404
        if request.method == "POST":
            changed = services.statement_restore_version(
                statement=obj, version=version, user=request.user
            )
            if changed:
                self.message_user(
                    request,
                    gettext("Restored as a new change: %(version)s.")
                    % {"version": version_label(version)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, gettext("The text already is that version's."), messages.INFO
                )
            return HttpResponseRedirect(
                reverse("admin:statements_statement_history", args=[obj.pk])
            )
        diffs = field_diffs(
            obj,
            version,
            services.RESTORED_FIELDS,
            old_heading=gettext("Now"),
            new_heading=version_label(version),
        )
        context = self._context(
            request,
            obj,
            gettext("Restore an earlier version: %(title)s") % {"title": obj.title},
            version=version,
            version_label=version_label(version),
            diffs=diffs,
        )
        return TemplateResponse(request, "admin/statements/statement/history_restore.html", context)
