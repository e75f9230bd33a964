import datetime
import json

from django.conf import settings
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView
from pydantic import ValidationError

from icnk import cache as page_cache
from icnk.compiled import Compiled
from icnk.errors import bad_request, invalid_parameters
from icnk.i18n import OG_LOCALES, current_language
from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from statements import queries, search
from statements.embed import discovery_url
from statements.filters import StatementFilters
from statements.formatting import dateline
from statements.models import Campaign, Statement

# ---------------------------------------------------------------------------------------------
# List
# ---------------------------------------------------------------------------------------------


class StatementListView(ListView):
    """Published statements in the reader's language, newest first, with filters and search."""

    template_name = "statements/statement_list.html"
    context_object_name = "statements"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        try:
            self.filters = StatementFilters.model_validate(request.GET.dict())
        except ValidationError as error:
            names = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            return bad_request(request, invalid_parameters(names))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # Without the campaigns: set from those ListFacts keeps (get_context_data).
        statements = (
            Statement.objects.published().in_language(current_language()).for_cards(campaign=False)
        )
        return self.filters.apply(statements, language=current_language())

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.facts.count is None:  # a search: its number of matches is not kept
            return SearchPaginator(queryset, per_page, number=self.filters.page, **kwargs)
        return KnownCountPaginator(queryset, per_page, count=self.facts.count, **kwargs)

    def get_context_data(self, **kwargs):
        # The campaigns, years and count, kept for every reader of the language: read before
        # the paginator asks for the count.
        self.facts = queries.ListFacts.load(
            self.object_list, language=current_language(), filters=self.filters
        )
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = self.facts.with_campaigns(page.object_list)
        context["statements"] = context["object_list"] = page.object_list
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=self.filters.model_dump(),
            kinds=Statement.Kind.choices,
            # One <option> a year (14 at full size), written once rather than by a loop.
            year_options=year_options(self.facts.years(), self.filters.year),
            # The filter and the subscribe box both list every public campaign (200 at full
            # size), as <option>s written once rather than by two template loops.
            campaigns=self.facts.campaigns,
            campaign_options=self.facts.campaign_options(self.filters.campaign),
            filter_query=query.urlencode(),
            is_filtered=self.filters.is_filtered,
            search_window=search.SEARCH_WINDOW,
        )
        return context


def year_options(years, selected):
    """The year filter's <option>s, `selected` (a year, or "") marked."""
    options = (
        f'<option value="{year:d}"{" selected" if year == selected else ""}>{year:d}</option>'
        for year in years
    )
    return mark_safe("".join(options))  # numbers only


class KnownCountPaginator(Paginator):
    """A paginator given the number of objects when it is known already (`count`, or None to
    ask the database as usual)."""

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.count = count  # in place of the cached property's COUNT query


class SearchPaginator(Paginator):
    """A search's pages, each read with the number of matches on every row (a window COUNT
    over the matches, at most search.SEARCH_WINDOW): one query where Paginator's COUNT and
    slice were two, each of which read the newest matches' text again (2.5 ms at full size).
    `number`: the page the reader asked for, read with the count."""

    def __init__(self, queryset, per_page, *, number, **kwargs):
        self.matches = queryset
        counted = queryset.annotate(search_matches=Window(Count("pk")))
        super().__init__(counted, per_page, **kwargs)
        self.asked = (number - 1) * per_page  # the first row of that page
        self.rows = []

    @cached_property
    def count(self):
        self.rows = list(self.object_list[self.asked : self.asked + self.per_page])
        if self.rows:
            return self.rows[0].search_matches
        return 0 if self.asked == 0 else self.matches.count()  # past the last page

    def page(self, number):
        number = self.validate_number(number)  # reads the count, and with it the rows asked for
        if self.rows and (number - 1) * self.per_page == self.asked:
            return self._get_page(self.rows, number, self)
        return super().page(number)


# ---------------------------------------------------------------------------------------------
# One statement
# ---------------------------------------------------------------------------------------------


def _json_ld(data):
    """A JSON-LD block that no text in the data can break out of (as json_script does)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def statement_context(request, statement, versions=None):
    """Everything the statement page shows; also used by the staff preview of a draft.

    `versions`: the other published language versions, when the caller already has them.
    """
    # As the context processor reads it: kept in the process while the generation stands.
    site = page_cache.per_generation("site-settings", SiteSettings.load)
    if versions is None:
        versions = queries.language_versions(statement)
    url = request.build_absolute_uri(statement.get_absolute_url())
    # Its own image, else the coalition's share image, so that every shared link has a picture.
    image = (
        request.build_absolute_uri(statement.image.url) if statement.image else site.share["url"]
    )
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": statement.title[:110],
        "description": statement.summary,
        "inLanguage": statement.language,
        "datePublished": statement.published_at,
        "dateModified": statement.updated_at,
        "mainEntityOfPage": url,
        "url": url,
        "author": {"@type": "Organization", "name": site.name if site else ""},
        "publisher": {
            "@type": "Organization",
            "name": site.name if site else "",
            "logo": {"@type": "ImageObject", "url": site.mark_absolute_url},
        },
        "image": [image],
    }
    written_dateline = dateline(statement)
    if statement.dateline:
        json_ld["dateline"] = written_dateline
    # The site-wide language switcher would keep this slug in another language; point it at the
    # real versions instead, and at the list where a version does not exist.
    by_language = {v.language: v for v in versions}
    by_language[statement.language] = statement
    alternates = []
    for code, _name in settings.LANGUAGES:
        if version := by_language.get(code):
            path = version.get_absolute_url()
            alternates.append(
                {
                    "code": code,
                    "url": path,
                    "absolute_url": request.build_absolute_uri(path),
                    "og_locale": OG_LOCALES[code],
                }
            )
    return {
        "statement": statement,
        "dateline": written_dateline,
        "signatories": queries.signatories(statement),
        "versions": versions,
        "attachments": queries.attachments(statement),
        "press_contacts": queries.press_contacts(statement),
        "canonical_url": url,
        "og_image": image,
        "json_ld": _json_ld(json_ld),
        "language_alternates": alternates,
    }


# The statement and its other published language versions in one query, written once per
# process (icnk/compiled.py): building and writing it cost 1.5 ms a request.
_PAGE_ROWS = Compiled(
    lambda slug, language, now: (
        Statement.objects.for_page()
        .published(now)
        .filter(
            translation_key__in=Statement.objects.published(now)
            .filter(slug=slug, language=language)
            .values("translation_key")
        )
    ),
    slug=str,
    language=str,
    now=datetime.datetime,
)


def statement_detail(request, slug):
    language = current_language()
    found = _PAGE_ROWS.rows(slug=slug, language=language, now=timezone.now())
    statement = next((s for s in found if s.language == language and s.slug == slug), None)
    if statement is None:
        # A link with another language's slug: send the reader to this language's version, or
        # to the statement in its own language when there is none.
        other = Statement.objects.published().filter(slug=slug).first()
        moved = other is None
        if moved:
            # A slug the statement was published under before staff changed it: its history
            # remembers it, so a published address keeps working, for good (301).
            former = (
                Statement.history.filter(slug=slug, status=Statement.Status.PUBLISHED)
                .order_by("-history_date")
                .values_list("id", flat=True)
                .first()
            )
            other = Statement.objects.published().filter(pk=former).first() if former else None
        if other is None:
            raise Http404(gettext("No such statement."))
        version = Statement.objects.published().versions_of(other).filter(language=language)
        return redirect((version.first() or other).get_absolute_url(), permanent=moved)
    order = {code: i for i, (code, _name) in enumerate(settings.LANGUAGES)}
    versions = sorted((s for s in found if s is not statement), key=lambda s: order[s.language])
    context = statement_context(request, statement, versions=versions)
    # Only here, not in the staff preview of a draft: the discovery link names a public page.
    context["oembed_url"] = discovery_url(absolute_url(statement.get_absolute_url()))
    return TemplateResponse(request, "statements/statement_detail.html", context)


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------


class CampaignDetailView(DetailView):
    template_name = "statements/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return Campaign.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = current_language()
        milestones = list(self.object.milestones.all())
        keys = {m.statement_key for m in milestones if m.statement_key}
        linked = {}
        if keys:
            found = queries.one_version_each(
                Statement.objects.published().filter(translation_key__in=keys), language
            ).only("pk", "slug", "title", "language", "translation_key")
            linked = {s.translation_key: s for s in found}
        for milestone in milestones:
            milestone.statement = linked.get(milestone.statement_key)
        context.update(
            milestones=milestones,
            statements=list(
                Statement.objects.published()
                .in_language(language)
                .filter(campaign=self.object)
                .for_listing()
                .order_by("-published_at", "-pk")[:20]
            ),
        )
        return context
