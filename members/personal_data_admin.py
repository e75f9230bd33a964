"""Admin actions for a person's data: export it as JSON, or erase it (administrators only).

Mixed into the supporter, organization and join-request admins, which list the two actions in
their `actions`. The permissions `members.export_personal_data` and
`members.erase_personal_data` are administrator-only (icnk/roles.py).
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.personal_data import Person, personal_data_erase, personal_data_export

PERSONAL_DATA_ACTIONS = ["export_personal_data", "erase_personal_data"]


class PersonalDataAdminMixin:
    def get_urls(self):
        """The same two actions for one record, from its own page (`<id>/export-personal-data/`,
        `<id>/erase-personal-data/`), through the same confirmation pages."""
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/export-personal-data/",
                view(self.export_personal_data_view),
                name="{}_{}_export_personal_data".format(*info),
            ),
            path(
                "<path:object_id>/erase-personal-data/",
                view(self.erase_personal_data_view),
                name="{}_{}_erase_personal_data".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_personal_data_view(self, request, object_id):
        return self._personal_data_view(request, object_id, "export_personal_data")

    def erase_personal_data_view(self, request, object_id):
        return self._personal_data_view(request, object_id, "erase_personal_data")

    def _personal_data_view(self, request, object_id, action):
        if not getattr(self, f"has_{action}_permission")(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        response = getattr(self, action)(request, self.get_queryset(request).filter(pk=obj.pk))
        if response is None:  # applied: back to the record, which stays (stripped)
            return redirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        if isinstance(response, TemplateResponse):
            # The confirmation page leads back to this record rather than to the list.
            response.context_data["original"] = obj
        return response

    def has_export_personal_data_permission(self, request):
        return request.user.has_perm("members.export_personal_data")

    def has_erase_personal_data_permission(self, request):
        return request.user.has_perm("members.erase_personal_data")

    @admin.action(
        description=_("Export personal data (JSON)"), permissions=["export_personal_data"]
    )
    def export_personal_data(self, request, queryset):
        """Lists every record the export will hold first; downloads once confirmed."""
        subjects = list(queryset)
        if not subjects:
            return None
        if "apply" not in request.POST:
            return self._confirm(
                request,
                subjects,
                action="export_personal_data",
                title=gettext("Export personal data"),
                template="admin/members/export_personal_data.html",
            )
        people = [personal_data_export(subject=obj, user=request.user) for obj in subjects]
        body = json.dumps({"people": people}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="personal-data-{self.opts.model_name}-{stamp}.json"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Erase personal data…"), permissions=["erase_personal_data"])
    def erase_personal_data(self, request, queryset):
        """Asks for confirmation first: an erasure cannot be undone."""
        subjects = list(queryset)
        if not subjects:
            return None
        if "apply" in request.POST:
            for subject in subjects:
                personal_data_erase(subject=subject, user=request.user)
            self.message_user(
                request,
                ngettext(
                    "The personal data of %(count)d record was erased everywhere.",
                    "The personal data of %(count)d records were erased everywhere.",
                    len(subjects),
                )
                % {"count": len(subjects)},
                messages.SUCCESS,
            )
            return None
        return self._confirm(
            request,
            subjects,
            action="erase_personal_data",
            title=gettext("Erase personal data"),
            template="admin/members/erase_personal_data.html",
            erasing=True,
        )

    def _confirm(self, request, subjects, *, action, title, template, erasing=False):
        """A page naming every record the action will cover, gathered as the action will."""
        people = []
        for subject in subjects:
            person = Person(subject)
            people.append(
                {
                    "subject": subject,
                    "records": [
                        {
                            "kind": record._meta.verbose_name,
                            "label": str(record),
                            "pk": record.pk,
                            "unverified": record in person.unverified_requests,
                        }
                        for record in person.records(erasing=erasing)
                    ],
                    "mail": person.mail().count(),
                }
            )
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "subjects": subjects,
                "people": people,
                "action": action,
                "opts": self.opts,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
