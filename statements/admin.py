"""The secretariat's statement desk: write, translate, sign, preview, publish.

Editors create, translate and publish (they hold `publish_statement`); only administrators hold
the delete permissions (see icnk/roles.py). Every action below leaves a LogEntry.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from icnk import cache as page_cache
from icnk.audit import HistoryAdmin
from icnk.deletion_refusals import RefusesDeletion
from icnk.errors import id_param
from members.models import Organization, Supporter
from statements import services
from statements.admin_history import StatementHistoryMixin
from statements.admin_translations import TranslationDeskMixin, add_translation_url
from statements.forms import (
    DATETIME_LOCAL,
    IsoDateTimeField,
    StatementAdminForm,
    schedule_time_errors,
)
from statements.markdown import render_markdown
from statements.models import (
    Attachment,
    Campaign,
    Milestone,
    PressContact,
    Signature,
    Statement,
    Topic,
)
from statements.publication import publication_sentence, when_public
from statements.signatory_admin import SignatoryDeskMixin, sign_on_summary, withdrawal_cell
from statements.views import statement_context

# What other apps add to a statement's admin page, registered in their AppConfig.ready() (this
# module names no other app):
# - `notes` are functions (statement) -> HTML or "", shown under "Publication" (the followers
#   app: the statement's embargoed releases to the press and the button to release it);
# - `warnings` are functions (statements, step) -> {pk: text} for those with something to say,
#   shown on the confirmation page of "Publish now", "Schedule…" and "Unpublish" (an embargo
#   given to journalists that the step would break), for one statement or every one selected
#   in the list, at a cost that does not grow with their number;
# - `refusals` are functions (statements) -> sentences, each a reason the statements cannot be
#   deleted yet, shown on the delete page in place of its button, under a heading of their own
#   (journalists still counting on an embargo of one).
STATEMENT_NOTES = []
PUBLICATION_WARNINGS = []
DELETION_REFUSALS = []


def statement_note(provider):
    if provider not in STATEMENT_NOTES:
        STATEMENT_NOTES.append(provider)
    return provider


def publication_warning(provider):
    if provider not in PUBLICATION_WARNINGS:
        PUBLICATION_WARNINGS.append(provider)
    return provider


def deletion_refusal(provider):
    if provider not in DELETION_REFUSALS:
        DELETION_REFUSALS.append(provider)
    return provider


def _not_public(statements):
    """What "Publish now" acts on, as on a statement's own page: drafts, unpublished
    statements, and scheduled ones (published at once, before their time)."""
    return statements.exclude(status=Statement.Status.PUBLISHED, published_at__lte=timezone.now())


def _published(statements):
    """What "Unpublish" acts on: published statements, and scheduled ones (back to draft)."""
    return statements.filter(status=Statement.Status.PUBLISHED)


class SignatureInlineForm(forms.ModelForm):
    class Meta:
        model = Signature
        # The names as signed are filled in on saving and shown as each row's heading: a record,
        # not retyped. Narrow inputs keep the row within a 1280 px screen (static/css/admin.css).
        fields = ["order", "organization", "supporter", "signed_on"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "vSignatureOrder"}),
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        supporter = data.get("supporter")
        if (
            supporter is not None
            and "supporter" in self.changed_data
            and not Supporter.objects.signable().filter(pk=supporter.pk).exists()
        ):
            self.add_error(
                "supporter",
                ValidationError(
                    _("This person is taken down or no longer a member: they cannot sign."),
                    code="not_signable",
                ),
            )
        if "organization" in self.changed_data and self.instance.pk:
            # Another organization on this row: take its name as it stands today.
            self.instance.name_at_signing = self.instance.local_name_at_signing = ""
        return data


class SignatureInline(admin.TabularInline):
    """The signatories, one row each; many at once and withdrawals have their own pages
    (statements/signatory_admin.py), linked from the section's header and each row."""

    model = Signature
    form = SignatureInlineForm
    fk_name = "statement"
    extra = 0
    template = "admin/statements/statement/signature_inline.html"
    fields = ["order", "organization", "supporter", "signed_on", "withdrawal"]
    readonly_fields = ["withdrawal"]
    # Raw ids when the members admin does not offer autocomplete (see get_autocomplete_fields).
    raw_id_fields = ["organization", "supporter"]
    verbose_name_plural = _("signatories (a record: mark withdrawals with a date, do not delete)")

    def get_autocomplete_fields(self, request):
        registry = self.admin_site._registry
        related = [
            ("organization", Organization),
            ("supporter", Signature.supporter.field.related_model),
        ]
        return [
            name
            for name, model in related
            if model in registry and registry[model].get_search_fields(request)
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "supporter")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Read by the inline's template: counts and the link to add many at once.
        formset.sign_on = sign_on_summary(obj) if obj is not None and obj.pk else None
        return formset

    @admin.display(description=_("withdrawal"))
    def withdrawal(self, signature):
        return withdrawal_cell(signature)

    def get_extra(self, request, obj=None, **kwargs):
        # A new statement starts with rows ready to fill (Django's own default of three),
        # rather than an "Add another" click for each; rows left empty are not saved.
        return 3 if obj is None else 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "language", "file", "order", "content_type", "size"]
    readonly_fields = ["content_type", "size"]

    def get_extra(self, request, obj=None, **kwargs):
        # Nearly every new statement carries its PDF: one row ready for it.
        return 1 if obj is None else 0


class PressContactInline(admin.TabularInline):
    model = PressContact
    extra = 0
    fields = ["name", "role", "contact", "contact_is_public", "order"]


class YearFilter(admin.SimpleListFilter):
    """Publication year, from this year back to the coalition's first years, without a query."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        return [(str(year), str(year)) for year in range(this_year, this_year - 20, -1)]

    def queryset(self, request, queryset):
        year = self.value() or ""
        if year.isascii() and year.isdigit() and 1 <= int(year) <= 9999:
            return queryset.filter(published_at__year=int(year))
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Draft, Scheduled, Published, Unpublished: "Scheduled" is read off the clock, as the
    public pages read it. The desk's panels link here."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Statement.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Statement.Status.PUBLISHED
        return {
            Statement.State.DRAFT: queryset.filter(status=Statement.Status.DRAFT),
            Statement.State.SCHEDULED: queryset.filter(status=published, published_at__gt=now),
            Statement.State.PUBLISHED: queryset.filter(status=published, published_at__lte=now),
            Statement.State.UNPUBLISHED: queryset.filter(status=Statement.Status.UNPUBLISHED),
        }.get(self.value(), queryset)


class TranslationFilter(admin.SimpleListFilter):
    """Originals, translations, and the translations older than their original (what the
    desk looks for after an original changed)."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("original", _("Originals")),
            ("translation", _("Translations")),
            ("outdated", _("Older than their original")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "original":
            return queryset.filter(translation_of=None)
        if self.value() == "translation":
            return queryset.exclude(translation_of=None)
        if self.value() == "outdated":
            return queryset.outdated_translations()
        return queryset


@admin.register(Statement)
class StatementAdmin(
    RefusesDeletion, SignatoryDeskMixin, TranslationDeskMixin, StatementHistoryMixin, HistoryAdmin
):
    form = StatementAdminForm
    list_display = [
        "title",
        "language",
        "kind",
        "publication_state",
        "published_at",
        "translation_state",
    ]
    # A year filter instead of a date hierarchy: the hierarchy costs two queries over every
    # statement on each page view.
    list_filter = [StateFilter, TranslationFilter, "language", "kind", YearFilter, "campaign"]
    list_select_related = ["translation_of", "campaign"]
    # The total over 60,000 statements costs a second COUNT per page view; the filtered count
    # is enough.
    show_full_result_count = False
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["translation_of", "campaign"]
    filter_horizontal = ["topics"]
    readonly_fields = [
        "publication",
        "notes",
        "language_versions",
        "preview_link",
        "author",
        "created_at",
        "updated_at",
    ]
    actions = ["publish", "unpublish", "add_all_active_members"]
    # The state (status, published_at) is not a field: it changes only through the buttons
    # "Publish now", "Schedule…" and "Unpublish", each confirmed on a page of its own
    # (publication_view), so that saving never publishes.
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "kind", "summary", "body"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "publication",
                    "notes",
                    "schedule_at",
                    "dateline",
                    "campaign",
                    "preview_link",
                ]
            },
        ),
        (_("Language versions"), {"fields": ["translation_of", "language_versions"]}),
        (
            _("Image and topics"),
            {"fields": ["image", "image_alt", "topics"], "classes": ["collapse"]},
        ),
        (
            _("Record"),
            {"fields": ["author", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    # -- permissions ---------------------------------------------------------------------------

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def has_publish_and_change_permission(self, request):
        """The list's "Publish now" and "Unpublish" change the statements they act on, as the
        buttons on a statement's page do, which ask for both permissions (Django's action
        `permissions` are any one of those listed, not all)."""
        return self.has_publish_permission(request) and self.has_change_permission(request)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = set()
        if not self.has_publish_permission(request):
            hidden.add("schedule_at")  # without the permission there is nothing to schedule
        if not STATEMENT_NOTES or obj is None:
            hidden.add("notes")
        if not hidden:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def get_inlines(self, request, obj):
        # Signatures and documents belong to the original; its translations share them.
        if obj is not None and obj.translation_of_id:
            return [PressContactInline]
        if obj is None and request.GET.get("translation_of"):
            return [PressContactInline]  # a new translation
        return [SignatureInline, AttachmentInline, PressContactInline]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else self._preview_url(obj)

    # -- list columns --------------------------------------------------------------------------

    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("state"))
    def publication(self, obj):
        """The state in words, with its time in the coalition's time zone."""
        if not obj or not obj.pk:
            return gettext("Draft (not saved yet)")
        return publication_sentence(obj)

    @admin.display(description=_("press"))
    def notes(self, obj):
        """What other apps say of this statement (STATEMENT_NOTES)."""
        return format_html_join(
            "", "<div>{}</div>", ((note,) for p in STATEMENT_NOTES if (note := p(obj)))
        )

    @admin.display(description=_("translation"))
    def translation_state(self, obj):
        # The links to add the missing languages share the column: the list fits 1280 px.
        return format_html(
            "{}<br>{}", self._translation_state(obj), self.add_translation_links(obj)
        )

    def _translation_state(self, obj):
        if not obj.translation_of_id:
            return gettext("Original")
        if obj.is_translation_outdated:
            return format_html(
                '<strong class="translation-outdated">⚠ {}</strong>',
                gettext("Older than its original"),
            )
        return gettext("Up to date")

    # -- change form ---------------------------------------------------------------------------

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return gettext("Save first, then preview.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            self._preview_url(obj),
            gettext("Preview as readers will see it"),
        )

    @admin.display(description=_("versions"))
    def language_versions(self, obj):
        if not obj or not obj.pk:
            return gettext("Save the statement first; then its translations can be added here.")
        source = obj.source
        versions = list(
            Statement.objects.versions_of(obj).select_related("translation_of").order_by("pk")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> · {} · {}{}</li>',
            (
                (
                    reverse("admin:statements_statement_change", args=[v.pk]),
                    v.get_language_display(),
                    v.title,
                    self.publication_state(v),
                    format_html(
                        ' · <strong>⚠ {}</strong> · <a href="{}?translation={}">{}</a>',
                        gettext("older than its original"),
                        reverse("admin:statements_statement_outdated"),
                        v.pk,
                        gettext("what changed in the original"),
                    )
                    if v.is_translation_outdated
                    else "",
                )
                for v in versions
            ),
        )
        present = {v.language for v in versions}
        missing = format_html_join(
            " ",
            '<a class="button" href="{}">{}</a>',
            (
                (
                    add_translation_url(source, code),
                    gettext("Add a translation: %(language)s") % {"language": name},
                )
                for code, name in settings.LANGUAGES
                if code not in present
            ),
        )
        return format_html("<ul>{}</ul><p>{}</p>", rows, missing)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["publication_buttons"] = self._publication_buttons(request, obj)
        context["live_preview_url"] = reverse("admin:statements_statement_live_preview")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _publication_buttons(self, request, obj):
        """Which of "Publish now", "Schedule…", "Unpublish" this statement offers."""
        if not self.has_publish_permission(request):
            return []
        if obj is not None and not self.has_change_permission(request, obj):
            return []
        state = obj.state if obj is not None else Statement.State.DRAFT
        buttons = []
        if state != Statement.State.PUBLISHED:
            buttons.append(("_publish", gettext("Publish now")))
        if state == Statement.State.SCHEDULED:
            buttons.append(("_schedule", gettext("Reschedule…")))
            buttons.append(("_unpublish", gettext("Cancel the schedule…")))
        elif state != Statement.State.PUBLISHED:
            buttons.append(("_schedule", gettext("Schedule…")))
        else:
            buttons.append(("_unpublish", gettext("Unpublish…")))
        return buttons

    def _after_save(self, request, obj, form):
        """Where a publication button leads once the text is saved: its confirmation page."""
        if not self.has_publish_permission(request):
            return None
        for step in ["publish", "schedule", "unpublish"]:
            if f"_{step}" in request.POST:
                url = reverse(f"admin:statements_statement_{step}", args=[obj.pk])
                if step == "schedule":
                    at = timezone.localtime(form.cleaned_data["schedule_at"])
                    url += "?" + urlencode({"at": at.strftime(DATETIME_LOCAL)})
                return HttpResponseRedirect(url)
        if form.cleaned_data.get("schedule_at") and not obj.is_scheduled:
            self.message_user(
                request,
                gettext(
                    "Saved, not scheduled: the time under “Schedule for” is used only by the "
                    "“Schedule…” button."
                ),
                messages.WARNING,
            )
        return None

    def response_add(self, request, obj, post_url_continue=None):
        form = request._statement_form
        return self._after_save(request, obj, form) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        form = request._statement_form
        return self._after_save(request, obj, form) or super().response_change(request, obj)

    def save_form(self, request, form, change):
        # response_add/response_change are not given the form; the chosen time is in it. (On
        # the request: one ModelAdmin serves every request at once.)
        request._statement_form = form
        return super().save_form(request, form, change)

    def deletion_refusals(self, statements):
        """The other apps' reasons these statements cannot be deleted yet: the delete page and
        the list's "Delete" action show them and delete nothing."""
        return [reason for refuse in DELETION_REFUSALS for reason in refuse(statements)]

    def lock_for_deletion(self, statements):
        """Every language version of these statements, as releasing one to the press locks the
        version it releases: no release is made between the check and the deletion."""
        Statement.objects.lock_versions(statement.translation_key for statement in statements)

    # -- preview -------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "live-preview/",
                view(self.live_preview_view),
                name="statements_statement_live_preview",
            ),
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="statements_statement_preview",
            ),
        ]
        for step in ["publish", "schedule", "unpublish"]:
            urls.append(
                path(
                    f"<path:object_id>/{step}/",
                    view(self.publication_view),
                    {"step": step},
                    name=f"statements_statement_{step}",
                )
            )
        return [*urls, *super().get_urls()]

    def _preview_url(self, obj):
        return reverse("admin:statements_statement_preview", args=[obj.pk])

    def preview_view(self, request, object_id):
        """The public page of a draft or scheduled statement, for staff only, never cached."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return self._render_preview(request, obj)

    def _render_preview(self, request, obj):
        with translation.override(obj.language):
            context = statement_context(request, obj)
            context["preview"] = True
            context["preview_state"] = publication_sentence(obj)
            response = TemplateResponse(request, "statements/statement_detail.html", context)
            response.render()
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def live_preview_view(self, request):
        """The statement page for the text being typed, unsaved (static/js/live-preview.js).

        POST only (the text can be long, and carries the CSRF token). Rendered by the same
        template and the same Markdown sanitizer as the public page; nothing is saved.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        object_id = request.POST.get("object_id", "")
        if object_id:
            obj = self.get_object(request, object_id)
            if obj is None:
                raise Http404
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        else:
            if not self.has_add_permission(request):
                raise PermissionDenied
            obj = Statement()
            original = id_param(request.POST.get("translation_of", ""))
            if original is not None:
                obj.translation_of = Statement.objects.filter(pk=original).first()
        for name in ["title", "summary", "body", "dateline"]:
            if name in request.POST:
                setattr(obj, name, request.POST[name])
        # Only for the links the page makes to itself (canonical, language switcher).
        obj.slug = (
            slugify(request.POST.get("slug", ""), allow_unicode=True) or obj.slug or "preview"
        )
        if request.POST.get("kind") in Statement.Kind.values:
            obj.kind = request.POST["kind"]
        if request.POST.get("language") in dict(settings.LANGUAGES):
            obj.language = request.POST["language"]
        obj.language = obj.language or settings.LANGUAGE_CODE
        obj.body_html = render_markdown(obj.body)
        # A draft's dateline shows the time it would carry if published now.
        if obj.published_at is None:
            obj.published_at = timezone.now()
        return self._render_preview(request, obj)

    def publication_view(self, request, object_id, step):
        """Confirm "Publish now", "Schedule…" or "Unpublish", saying when it takes effect."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not (self.has_publish_permission(request) and self.has_change_permission(request, obj)):
            raise PermissionDenied
        change_url = reverse("admin:statements_statement_change", args=[obj.pk])
        now = timezone.now()
        error = None
        at = None
        if step == "schedule":
            field = IsoDateTimeField(required=True, localize=False)
            try:
                at = field.clean(request.POST.get("at") or request.GET.get("at", ""))
                if problem := schedule_time_errors(at):
                    raise problem
            except forms.ValidationError as invalid:
                error = " ".join(invalid.messages)
        allowed = {
            "publish": not obj.is_public,
            "schedule": not obj.is_public,
            "unpublish": obj.status == Statement.Status.PUBLISHED,
        }[step]
        if not allowed:
            error = (
                gettext("This statement is neither published nor scheduled.")
                if step == "unpublish"
                else gettext("This statement is already public.")
            )
        if request.method == "POST" and error is None:
            if step == "publish":
                services.statement_publish(statement=obj, user=request.user)
                done = gettext("“%(title)s” is published.")
            elif step == "schedule":
                services.statement_schedule(statement=obj, user=request.user, at=at)
                done = gettext("“%(title)s” is scheduled.")
            else:
                services.statement_unpublish(statement=obj, user=request.user)
                done = gettext("“%(title)s” is no longer public.")
            self.message_user(
                request,
                format_html("{} {}", done % {"title": obj.title}, publication_sentence(obj)),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        if step == "publish":
            when = when_public(services.publish_time(obj, now), now=now)
            question = gettext("Publish “%(title)s” now?")
            button = gettext("Yes, publish now")
        elif step == "schedule":
            when = when_public(at, now=now) if at else ""
            question = gettext("Schedule “%(title)s”?")
            button = gettext("Yes, schedule")
        else:
            when = ""
            question = (
                gettext("Cancel the schedule of “%(title)s”?")
                if obj.is_scheduled
                else gettext("Unpublish “%(title)s”?")
            )
            button = (
                gettext("Yes, back to draft") if obj.is_scheduled else gettext("Yes, unpublish")
            )
        context = {
            **self.admin_site.each_context(request),
            "title": question % {"title": obj.title},
            "opts": self.opts,
            "original": obj,
            "step": step,
            "when": when,
            "at": at.strftime(DATETIME_LOCAL) if at else "",
            "error": error,
            "button": button,
            "change_url": change_url,
            "state": publication_sentence(obj),
            "warnings": [
                found[obj.pk]
                for provider in PUBLICATION_WARNINGS
                if obj.pk in (found := provider([obj], step))
            ],
        }
        status = 400 if error and request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/statements/statement/confirm_publication.html", context, status=status
        )

    # -- actions -------------------------------------------------------------------------------

    def _confirm_bulk_publication(self, request, queryset, step):
        """The page that asks before "Publish now" or "Unpublish" acts on the selected
        statements, as the statement's own page does for one: what each becomes, and what the
        step would break (an embargo given to journalists). None when nothing would change."""
        changing = list(_not_public(queryset) if step == "publish" else _published(queryset))
        left = queryset.count() - len(changing)
        if not changing:
            self.message_user(
                request,
                gettext("Every selected statement is public already: nothing to publish.")
                if step == "publish"
                else gettext("No selected statement is published or scheduled: nothing to do."),
                messages.WARNING,
            )
            return None
        now = timezone.now()
        found = [provider(changing, step) for provider in PUBLICATION_WARNINGS]
        rows = [
            {
                "statement": statement,
                "state": publication_sentence(statement, now=now),
                "when": when_public(services.publish_time(statement, now), now=now)
                if step == "publish"
                else "",
                "warnings": [each[statement.pk] for each in found if statement.pk in each],
            }
            for statement in changing
        ]
        count = len(changing)
        if step == "publish":
            title = ngettext(
                "Publish %(count)d statement now?", "Publish %(count)d statements now?", count
            )
            button = gettext("Yes, publish now")
        else:
            title = ngettext(
                "Unpublish %(count)d statement?", "Unpublish %(count)d statements?", count
            )
            button = gettext("Yes, unpublish")
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"count": count},
            "opts": self.opts,
            "step": step,
            "rows": rows,
            "left": left,
            "button": button,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/statements/statement/confirm_bulk_publication.html", context
        )

    @admin.action(description=_("Publish now"), permissions=["publish_and_change"])
    def publish(self, request, queryset):
        """Asks first, listing what each statement becomes and any embargo it breaks."""
        if request.POST.get("post") != "yes":
            return self._confirm_bulk_publication(request, queryset, "publish")
        count = sum(
            services.statement_publish(statement=statement, user=request.user)
            for statement in _not_public(queryset)
        )
        page_cache.invalidate()  # also when nothing was selected that needed publishing
        self.message_user(
            request,
            ngettext(
                "%(count)d statement published.",
                "%(count)d statements published.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish"), permissions=["publish_and_change"])
    def unpublish(self, request, queryset):
        """Asks first, as "Publish now" does."""
        if request.POST.get("post") != "yes":
            return self._confirm_bulk_publication(request, queryset, "unpublish")
        count = sum(
            services.statement_unpublish(statement=statement, user=request.user)
            for statement in _published(queryset)
        )
        page_cache.invalidate()
        self.message_user(
            request,
            ngettext(
                "%(count)d statement unpublished.",
                "%(count)d statements unpublished.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Add all active members as signatories"), permissions=["change"])
    def add_all_active_members(self, request, queryset):
        """Only on originals: translations share their original's signatures."""
        members = list(Organization.objects.counted().order_by("name"))
        added, skipped = 0, 0
        for statement in queryset:
            if statement.translation_of_id:
                skipped += 1
                continue
            added += len(
                services.signatures_add_active_members(
                    statement=statement, user=request.user, members=members
                )
            )
        page_cache.invalidate()
        self.message_user(
            request,
            ngettext("%(count)d signature added.", "%(count)d signatures added.", added)
            % {"count": added},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                gettext("Translations were skipped: add signatories on the original statement."),
                messages.WARNING,
            )


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------


class MilestoneForm(forms.ModelForm):
    statement_key = forms.TypedChoiceField(
        label=_("related statement"),
        required=False,
        coerce=uuid.UUID,
        empty_value=None,
        help_text=_("Readers see it in their own language where a version exists."),
    )

    class Meta:
        model = Milestone
        fields = [
            "date",
            "title_en",
            "title_ko",
            "title_ja",
            "description_en",
            "description_ko",
            "description_ja",
            "statement_key",
        ]

    def __init__(self, *args, statement_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement_key"].choices = statement_choices or [("", "---------")]


class MilestoneInline(admin.StackedInline):
    model = Milestone
    form = MilestoneForm
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(HistoryAdmin):
    list_display = ["title_en", "status", "started_on", "ended_on", "is_public"]
    list_filter = ["status", "is_public"]
    show_full_result_count = False
    search_fields = ["title_en", "title_ko", "title_ja", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [MilestoneInline]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MilestoneInline):
            # One query for the choices of every milestone form, not one per form.
            originals = Statement.objects.filter(translation_of=None).order_by("-published_at")
            choices = [("", "---------")] + [
                (str(key), title)
                for key, title in originals.values_list("translation_key", "title")
            ]
            kwargs["form_kwargs"] = {"statement_choices": choices}
        return kwargs

    fieldsets = [
        (None, {"fields": ["title_en", "slug", "status", "started_on", "ended_on", "is_public"]}),
        (_("English"), {"fields": ["goal_en", "description_en", "outcome_en"]}),
        (_("Korean"), {"fields": ["title_ko", "goal_ko", "description_ko", "outcome_ko"]}),
        (_("Japanese"), {"fields": ["title_ja", "goal_ja", "description_ja", "outcome_ja"]}),
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ko", "name_ja", "slug"]
    search_fields = ["name_en", "name_ko", "name_ja"]
    prepopulated_fields = {"slug": ["name_en"]}
