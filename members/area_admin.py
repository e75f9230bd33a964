"""The desk's side of the members' area: supporters' requests to be shown less privately
(members/self_service.py), each approved or rejected from its own page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from members import self_service
from members.models import VisibilityRequest


@admin.register(VisibilityRequest)
class VisibilityRequestAdmin(admin.ModelAdmin):
    list_display = ["supporter", "visibility_before", "visibility", "status", "consented_at"]
    list_filter = ["status"]
    list_select_related = ["supporter"]
    readonly_fields = [
        "supporter",
        "visibility_before",
        "visibility",
        "consent_text",
        "consented_at",
        "status",
        "decided_at",
        "decided_by",
    ]
    fields = [*readonly_fields, "reason"]
    change_form_template = "admin/members/visibilityrequest/change_form.html"

    def has_add_permission(self, request):
        return False  # requests come from the members' area

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a consent

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_decide": bool(
                obj is not None
                and obj.status == VisibilityRequest.Status.PENDING
                and self.has_change_permission(request, obj)
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_approve" in request.POST or "_reject" in request.POST:
            try:
                if "_approve" in request.POST:
                    self_service.visibility_request_approve(request=obj, user=request.user)
                    message = gettext("Approved: the person is now shown as they asked.")
                else:
                    self_service.visibility_request_reject(
                        request=obj, user=request.user, reason=obj.reason
                    )
                    message = gettext("Rejected: the person is shown as before.")
            except self_service.StaleRequest:
                self.message_user(
                    request,
                    gettext(
                        "The person's visibility changed since they asked (it is now "
                        "“%(level)s”). Nothing was done: reject this request, or ask the person "
                        "to ask again."
                    )
                    % {"level": obj.supporter.get_visibility_display()},
                    messages.WARNING,
                )
                return redirect(reverse("admin:members_visibilityrequest_change", args=[obj.pk]))
            except self_service.DecisionError:
                self.message_user(
                    request, gettext("This request was already decided."), messages.WARNING
                )
                return redirect(reverse("admin:members_visibilityrequest_change", args=[obj.pk]))
            self.log_change(request, obj, message)
            self.message_user(request, message, messages.SUCCESS)
            return redirect(reverse("admin:members_visibilityrequest_changelist"))
        return super().response_change(request, obj)
