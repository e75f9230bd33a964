"""Read-only JSON of published statements: `/api/v1/statements/` and `.../<slug>/`.

The conventions (envelope, errors, HEAD, generated schema) are in `icnk/api.py`. Only what the
public pages show is here; drafts and scheduled statements do not exist for the API.
"""

from typing import Literal

from django.conf import settings
from ninja import Path, Query, Schema, Status
from pydantic import Field

from icnk.api import Page, Row, Slug, check_page, json_api, page_of, pages_for, read
from icnk.fasturls import slug_url
from statements import queries
from statements.filters import StatementFilters
from statements.models import Statement

PAGE_SIZE = 20
LanguageFilter = Literal[("",) + tuple(code for code, _name in settings.LANGUAGES)]

api = json_api(
    title="Statements",
    description=__doc__,
    namespace="statements-api",
)


class ListFilters(StatementFilters):
    language: LanguageFilter = Field("", description="only versions in this language")


class DetailFilters(Schema):
    language: LanguageFilter = Field("", description="the version in this language")


class StatementSummary(Row):
    slug: str
    language: str
    translation_key: str
    kind: str
    title: str
    summary: str
    dateline: str
    published_at: str
    updated_at: str
    campaign: str | None
    url: str
    api_url: str


class Version(Row):
    language: str
    slug: str
    title: str
    url: str


class SignatoryLine(Row):
    name: str
    affiliation: str
    signed_on: str
    later_endorsement: bool
    withdrawn_on: str | None


class Signatories(Row):
    organizations: list[SignatoryLine]
    other_organizations: int
    individuals: list[SignatoryLine]
    other_individuals: int


class Attachment(Row):
    title: str
    language: str
    content_type: str
    size: int
    url: str


class StatementDetail(StatementSummary):
    body_html: str
    versions: list[Version]
    signatories: Signatories
    attachments: list[Attachment]


# What a summary shows of a statement, read as values (the list) or from the statement (one).
SUMMARY_FIELDS = (
    "slug",
    "language",
    "translation_key",
    "kind",
    "title",
    "summary",
    "dateline",
    "published_at",
    "updated_at",
    "campaign__slug",
    "campaign__is_public",
)


def _summary(request, row, paths=None):
    """A statement's summary from its SUMMARY_FIELDS (`row`). The campaign is named while it
    is public. `paths`: a _Paths shared by the rows of a list."""
    slug, language = row["slug"], row["language"]
    paths = paths or _Paths()
    return {
        "slug": slug,
        "language": language,
        "translation_key": str(row["translation_key"]),
        "kind": row["kind"],
        "title": row["title"],
        "summary": row["summary"],
        "dateline": row["dateline"],
        "published_at": row["published_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "campaign": row["campaign__slug"] if row["campaign__is_public"] else None,
        "url": request.build_absolute_uri(paths.page(slug, language)),
        "api_url": request.build_absolute_uri(f"{paths.api(slug)}?language={language}"),
    }


class _Paths:
    """A statement's page (under its own language's prefix) and its API address, from patterns
    reversed once (icnk/fasturls.py) and looked up once a list, not twice a row."""

    def __init__(self):
        self.api = slug_url("statements-api:detail")
        self._pages = {}

    def page(self, slug, language):
        if (path := self._pages.get(language)) is None:
            path = self._pages[language] = slug_url("statements:detail", language)
        return path(slug)


def _row(statement):
    campaign = statement.campaign
    return {
        **{name: getattr(statement, name) for name in SUMMARY_FIELDS[:-2]},
        "campaign__slug": campaign.slug if campaign else None,
        "campaign__is_public": campaign.is_public if campaign else None,
    }


@read(api, "/", url_name="list", response=Page[StatementSummary])
def statement_list(request, filters: Query[ListFilters]):
    """Published statements, newest first (or best match for `q`), 20 a page."""
    statements = Statement.objects.published()
    if filters.language:
        statements = statements.in_language(filters.language)
    statements = filters.apply(statements, language=filters.language or None)
    count = queries.api_count(statements, language=filters.language, filters=filters)
    pages = pages_for(count, PAGE_SIZE)
    check_page(filters.page, pages)
    start = (filters.page - 1) * PAGE_SIZE
    # Only the columns shown (not the text, its HTML and search vector: 7 KB a statement).
    page = statements.values(*SUMMARY_FIELDS)[start : start + PAGE_SIZE]
    paths = _Paths()
    rows = [_summary(request, row, paths) for row in page]
    return page_of(request, count=count, number=filters.page, pages=pages, rows=rows)


@read(api, "/{slug}/", url_name="detail", response=StatementDetail)
def statement_detail(
    request,
    slug: Path[Slug],
    filters: Query[DetailFilters] = None,
):
    """One published statement with its signatories, language versions and attachments.

    Without `language`, a slug used by several language versions resolves to the original.
    """
    candidates = Statement.objects.published().for_listing().filter(slug=slug)
    if filters.language:
        candidates = candidates.in_language(filters.language)
    statement = candidates.order_by("translation_of", "language").first()
    if statement is None:
        return Status(404, {"detail": "no such statement"})
    signatories = queries.signatories(statement)
    data = _summary(request, _row(statement))
    data.update(
        body_html=statement.body_html,
        versions=[
            {
                "language": v.language,
                "slug": v.slug,
                "title": v.title,
                "url": request.build_absolute_uri(v.get_absolute_url()),
            }
            for v in queries.language_versions(statement)
        ],
        signatories={
            "organizations": [_line(line) for line in signatories.organizations],
            "other_organizations": signatories.other_organizations,
            "individuals": [_line(line) for line in signatories.individuals],
            "other_individuals": signatories.other_individuals,
        },
        attachments=[
            {
                "title": a.title,
                "language": a.language,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(a.file.url),
            }
            for a in statement.source.attachments.all()
        ],
    )
    return data


def _line(line):
    return {
        "name": line.name,
        "affiliation": line.affiliation,
        "signed_on": line.signed_on.isoformat(),
        "later_endorsement": line.later_endorsement,
        "withdrawn_on": line.withdrawn_on.isoformat() if line.withdrawn_on else None,
    }
