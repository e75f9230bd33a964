"""The translation desk of the statement admin: add a translation beside its original, and
the list of translations older than their original with what changed since.

A mixin for StatementAdmin, kept apart from the publication buttons of the change form.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.errors import id_param
from statements.diffs import field_diffs
from statements.forms import TRANSLATED_FIELDS
from statements.models import Statement

# What a new translation takes from its original as it is; the text fields start empty, with
# the original's text beside each (statements/forms.py).
TRANSLATION_PREFILL = ["kind", "slug"]
OUTDATED_PER_PAGE = 20


def add_translation_url(original, language):
    return "{}?{}".format(
        reverse("admin:statements_statement_add"),
        urlencode({"translation_of": original.source_id, "language": language}),
    )


class TranslationDeskMixin:
    """ "Add a translation" buttons (change form and list) and the outdated-translations page."""

    class Media:
        css = {"all": ["css/admin-desk.css"]}

    # -- the list ------------------------------------------------------------------------------

    def get_queryset(self, request):
        # Which languages each statement has, in the list's own query (no query per row).
        versions = Statement.objects.filter(translation_key=OuterRef("translation_key"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"has_{code}": Exists(versions.filter(language=code))
                    for code, _name in settings.LANGUAGES
                }
            )
        )

    @admin.display(description=_("add a translation"))
    def add_translation_links(self, obj):
        missing = [
            (add_translation_url(obj, code), code, name)
            for code, name in settings.LANGUAGES
            if not getattr(obj, f"has_{code}", True)
        ]
        if not missing:
            return ""
        return format_html_join(
            " ",
            '<a class="add-translation" href="{}" lang="{}">{}</a>',
            (
                (url, code, gettext("Add %(language)s") % {"language": name})
                for url, code, name in missing
            ),
        )

    # -- the add form --------------------------------------------------------------------------

    def _translation_source(self, request):
        source_pk = id_param(request.GET.get("translation_of", ""))
        if source_pk is None:
            return None
        found = Statement.objects.filter(pk=source_pk).select_related("translation_of").first()
        return found.source if found is not None else None

    def add_view(self, request, form_url="", extra_context=None):
        source = self._translation_source(request)
        language = request.GET.get("language", "")
        if source is not None and request.method == "GET":
            existing = Statement.objects.versions_of(source).filter(language=language).first()
            if existing is not None:
                # Opening "add Korean" when a Korean version exists goes to that version.
                self.message_user(
                    request,
                    gettext("This statement already has a version in %(language)s.")
                    % {"language": existing.get_language_display()},
                    messages.INFO,
                )
                return HttpResponseRedirect(
                    reverse("admin:statements_statement_change", args=[existing.pk])
                )
            extra_context = {
                **(extra_context or {}),
                "title": gettext("Translate “%(title)s”") % {"title": source.title},
            }
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = self._translation_source(request)
        if source is None:
            # "?translation_of=" naming no statement: an empty field, not a broken widget.
            initial.pop("translation_of", None)
        else:
            initial.update({name: getattr(source, name) for name in TRANSLATION_PREFILL})
            initial["campaign"] = source.campaign_id
            initial["topics"] = list(source.topics.values_list("pk", flat=True))
            initial["translation_of"] = source.pk
            initial["status"] = Statement.Status.DRAFT
            if request.GET.get("language", "") in dict(settings.LANGUAGES):
                initial["language"] = request.GET["language"]
        return initial

    def save_model(self, request, obj, form, change):
        # A new translation shows its original's image until it has one of its own.
        if not change and obj.translation_of_id and not obj.image:
            obj.image = obj.translation_of.image
        super().save_model(request, obj, form, change)

    # -- translations older than their original ------------------------------------------------

    def get_urls(self):
        outdated = path(
            "outdated-translations/",
            self.admin_site.admin_view(self.outdated_translations_view),
            name="statements_statement_outdated",
        )
        return [outdated, *super().get_urls()]

    def outdated_translations_view(self, request):
        """Each translation older than its original, with the original's changes since the
        translation was last edited: its version at that time against its text now."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The original's version as it stood when each translation was last edited, found
        # in the list's own query, then fetched together: two queries for a whole page.
        then = Statement.history.filter(
            id=OuterRef("translation_of_id"), history_date__lte=OuterRef("updated_at")
        ).order_by("-history_date", "-history_id")
        outdated = Statement.objects.outdated_translations().annotate(
            then_id=Subquery(then.values("history_id")[:1])
        )
        only = id_param(request.GET.get("translation", ""))
        if only is not None:  # one translation's, from its change page
            outdated = outdated.filter(pk=only)
        paginator = Paginator(outdated, OUTDATED_PER_PAGE)
        page = paginator.get_page(request.GET.get("p"))
        versions = Statement.history.in_bulk([t.then_id for t in page.object_list if t.then_id])
        rows = []
        for translation in page.object_list:
            original = translation.translation_of
            since = versions.get(translation.then_id)
            diffs = []
            if since is not None:
                diffs = field_diffs(
                    since,
                    original,
                    TRANSLATED_FIELDS,
                    old_heading=gettext("Original when the translation was last edited"),
                    new_heading=gettext("Original now"),
                )
            rows.append(
                {"translation": translation, "original": original, "diffs": diffs, "since": since}
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "media": self.media,
            "title": gettext("Translations older than their original"),
            "rows": rows,
            "page": page,
            "paginator": paginator,
        }
        return TemplateResponse(
            request, "admin/statements/statement/outdated_translations.html", context
        )
