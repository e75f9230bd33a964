"""The admin as the secretariat's desk: a dashboard for its front page, and the models grouped
as the secretariat thinks of them rather than by the Python package they live in.

Sections (in this order): statements and campaigns; members; requests; staff and security;
settings; and "System", the framework's own tables (sign-in lockouts, two-factor devices,
the task queue), which only administrators see. Each app places its models from its own
`apps.py` (`admin_site.place("members.joinrequest", "requests")`), since `icnk` names no app;
the framework's tables are placed here. A model nobody placed is shown under its app's name,
after the sections, so nothing registered ever disappears.
"""

import functools
from dataclasses import dataclass, field

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icnk import dashboard

STATEMENTS = "statements"
MEMBERS = "members"
REQUESTS = "requests"
STAFF = "staff"
SETTINGS = "settings"
SYSTEM = "system"


@dataclass
class Section:
    key: str
    name: str
    administrators_only: bool = False
    labels: list = field(default_factory=list)  # "app_label.model_name", in display order


_sections = {
    section.key: section
    for section in [
        Section(STATEMENTS, _("Statements and campaigns")),
        Section(MEMBERS, _("Members")),
        Section(REQUESTS, _("Requests")),
        Section(STAFF, _("Staff and security")),
        Section(SETTINGS, _("Settings")),
        Section(SYSTEM, _("System"), administrators_only=True),
    ]
}


def place(label, section_key, *, first=False):
    """Show a model ("app_label.model_name") in a section of the admin's index and sidebar,
    after those placed before it (or before them, `first`)."""
    section = _sections[section_key]
    label = label.lower()
    for other in _sections.values():
        if label in other.labels:
            other.labels.remove(label)
    section.labels.insert(0 if first else len(section.labels), label)


# The framework's own tables. Staff accounts, roles and the action log are the secretariat's
# business; lockouts, devices, sessions and the task queue are the system's.
for _label in ["auth.user", "icnk.staffinvitation", "auth.group", "admin.logentry"]:
    place(_label, STAFF)
for _label in [
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "sessions.session",
    "django_tasks_database.dbtaskresult",
]:
    place(_label, SYSTEM)
place("icnk.outboundemail", REQUESTS)
place("icnk.sitesettings", SETTINGS)


NOT_IN_THE_LIST = _("The selection holds an item that does not exist. No items have been changed.")


def _plausible_date(year, month, day):
    """Whether a list's date drill-down (`?<field>__year=&__month=&__day=`) names a date that
    Django's ChangeList can bound: it turns a year of 9999 or one too long for a date into a
    500, catching only a ValueError on the way."""
    parts = [year, month, day]
    if not all(part is None or (part.isascii() and part.isdigit()) for part in parts):
        return False
    # From year 2: the first day of year 1, moved into UTC from a zone east of it, is before
    # the first day there is.
    limits = [(2, 9998), (1, 12), (1, 31)]
    return all(
        part is None or (len(part) <= 4 and low <= int(part) <= high)
        for part, (low, high) in zip(parts, limits, strict=True)
    )


# What a list's address holds besides filters: Django's own parameters.
_LIST_PARAMETERS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}


def _visible_fields(model_admin, request):
    """The fields a staff member sees of a list's model: in the list, its filters and search,
    or on an item's page."""
    names = set()
    for item in model_admin.get_list_filter(request):
        if not (isinstance(item, type) and issubclass(item, admin.SimpleListFilter)):
            names.add((item[0] if isinstance(item, (list, tuple)) else item).split("__")[0])
    if model_admin.date_hierarchy:
        names.add(model_admin.date_hierarchy.split("__")[0])
    names.update(
        name.lstrip("^=@").split("__")[0] for name in model_admin.get_search_fields(request)
    )
    names.update(model_admin.get_list_display(request))
    names.update(flatten_fieldsets(model_admin.get_fieldsets(request)))
    names.update(model_admin.get_readonly_fields(request))
    return {name for name in names if isinstance(name, str)}


# Kinds of field a list may be filtered by even where the staff member does not see them: a
# yes or no for each row says no more about them than the list's own counts and filters do.
# Relations are here because Django's lookup_allowed refuses going through one unless a
# filter of the list does.
_COARSE_FIELDS = (
    models.BooleanField,
    models.IntegerField,
    models.DateField,
    models.TimeField,
    models.DurationField,
    models.DecimalField,
    models.FloatField,
    models.ForeignKey,
    models.ManyToManyField,
    models.ForeignObjectRel,
)


def _hidden_filters(model_admin, request, keys):
    """The filters in a list's address on a field the staff member does not see.

    Django lets a list's address filter by any field of its model (`?body__regex=`,
    `?headers__List-Unsubscribe__startswith=`), and the list then answers yes or no for each
    row: what is hidden from a role (a mail's body and headers from editors, a journalist's
    leave token from everyone) could be read out a character at a time. Fields with choices
    (a status) and the coarse kinds above filter as Django lets them."""
    opts = model_admin.model._meta
    visible = None
    hidden = []
    for key in keys:
        try:
            field = opts.get_field(key.split("__")[0])
        except FieldDoesNotExist:
            continue  # a filter's own parameter, or nothing Django will filter by
        if field.choices or isinstance(field, _COARSE_FIELDS):
            continue
        if visible is None:
            visible = _visible_fields(model_admin, request)
        if field.name not in visible:
            hidden.append(key)
    return hidden


def _guarded_changelist(view):
    """A list's view (`ModelAdmin.changelist_view`, bound) that refuses (400) a filter on a
    field the staff member does not see (`_hidden_filters`), and answers odd input from the
    address or the action bar with the list and a reason, not a 500: ids in an action's
    selection that are not ids of the model (Django filters by them as given), and a date
    drill-down out of range."""
    model_admin = view.__self__
    pk = model_admin.model._meta.pk

    @functools.wraps(view)
    def changelist(request, *args, **kwargs):
        if request.method == "POST" and helpers.ACTION_CHECKBOX_NAME in request.POST:
            try:
                for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                    pk.run_validators(pk.to_python(value))
            except (ValidationError, ValueError, TypeError):
                messages.error(request, NOT_IN_THE_LIST)
                return HttpResponseRedirect(request.get_full_path())
        lookups = [key for key in request.GET if key not in _LIST_PARAMETERS]
        if hidden := _hidden_filters(model_admin, request, lookups):
            # As Django refuses a filter it does not allow: 400, the reason in the log.
            raise DisallowedModelAdminLookup(f"Filtering by {hidden[0]} not allowed")
        hierarchy = model_admin.date_hierarchy
        if hierarchy and not _plausible_date(
            *(request.GET.get(f"{hierarchy}__{part}") for part in ("year", "month", "day"))
        ):
            # As Django answers any filter it cannot apply: the list, flagged as in error.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return view(request, *args, **kwargs)

    return changelist


class DeskAdminSite(admin.AdminSite):
    index_template = "admin/desk/index.html"

    def admin_view(self, view, cacheable=False):
        if getattr(view, "__name__", "") == "changelist_view" and isinstance(
            getattr(view, "__self__", None), admin.ModelAdmin
        ):
            view = _guarded_changelist(view)
        return super().admin_view(view, cacheable)

    def get_app_list(self, request, app_label=None):
        """Sections instead of apps for the index and the sidebar; an app's own index page
        (`/admin/members/`, the breadcrumbs' link) stays as Django builds it."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        # Asked twice a page (the sidebar and the index); the answer does not change between.
        if not hasattr(request, "_desk_sections"):
            request._desk_sections = self.sections(request)
        return request._desk_sections

    def sections(self, request, only=None):
        from icnk.security import is_administrator

        apps = self._build_app_dict(request)
        models = {}
        for app in apps.values():
            for model in app["models"]:
                label = f"{app['app_label']}.{model['object_name']}".lower()
                models[label] = (app, model)
        administrator = None
        grouped = []
        for section in _sections.values():
            if only is not None and section.key != only:
                continue
            present = [label for label in section.labels if label in models]
            if section.administrators_only and present:
                # Asked only of those with permissions on the system's tables, so an
                # editor's pages cost no extra query.
                if administrator is None:
                    administrator = is_administrator(request.user)
                if not administrator:
                    for label in section.labels:
                        models.pop(label, None)
                    continue
            rows = [models.pop(label)[1] for label in present]
            if rows:
                grouped.append(
                    {
                        "name": section.name,
                        "app_label": section.key,
                        "app_url": reverse("admin:desk-section", args=[section.key]),
                        "has_module_perms": True,
                        "models": rows,
                    }
                )
        if only is not None:
            return grouped
        # Whatever nobody placed, under its own app's name (Django's way), after the rest.
        leftovers = {}
        for app, model in models.values():
            leftovers.setdefault(app["app_label"], {**app, "models": []})["models"].append(model)
        for app in sorted(leftovers.values(), key=lambda app: str(app["name"]).lower()):
            app["models"].sort(key=lambda model: str(model["name"]))
            grouped.append(app)
        return grouped

    def get_urls(self):
        return [
            path(
                "section/<slug:key>/",
                self.admin_view(self.section_index),
                name="desk-section",
            ),
            *super().get_urls(),
        ]

    def section_index(self, request, key):
        """One section's models, as Django's app index shows one app's."""
        app_list = self.sections(request, only=key) if key in _sections else []
        if not app_list:
            raise Http404("No such section of the admin.")
        context = {
            **self.each_context(request),
            "title": app_list[0]["name"],
            "subtitle": None,
            "app_list": app_list,
            "app_label": key,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)

    def index(self, request, extra_context=None):
        from icnk.timezones import coalition_timezone, zone_abbreviation

        tz = coalition_timezone()
        context = {
            "title": _("The desk"),
            "panels": dashboard.panels_for(request, self),
            "coalition_time_zone": tz.key,
            "now_utc": timezone.now(),
            "coalition_zone_abbreviation": zone_abbreviation(tz=tz),
            **(extra_context or {}),
        }
        return super().index(request, context)
