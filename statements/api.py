"""Read-only JSON of published statements: `/api/v1/statements/` and `.../<slug>/`.

The conventions (envelope, errors, HEAD, generated schema) are in `icnk/api.py`. Only what the
public pages show is here; drafts and scheduled statements do not exist for the API.
"""

from typing import Literal

from django.conf import settings
from django.urls import reverse
from ninja import Path, Query, Schema, Status
from pydantic import Field

from icnk.api import Page, Slug, check_page, json_api, page_of, pages_for, read
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


class StatementSummary(Schema):
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


class Version(Schema):
    language: str
    slug: str
    title: str
    url: str


class SignatoryLine(Schema):
    name: str
    affiliation: str
    signed_on: str
    later_endorsement: bool
    withdrawn_on: str | None


class Signatories(Schema):
    organizations: list[SignatoryLine]
    other_organizations: int
    individuals: list[SignatoryLine]
    other_individuals: int


class Attachment(Schema):
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


def _summary(request, statement):
    return {
        "slug": statement.slug,
        "language": statement.language,
        "translation_key": str(statement.translation_key),
        "kind": statement.kind,
        "title": statement.title,
        "summary": statement.summary,
        "dateline": statement.dateline,
        "published_at": statement.published_at.isoformat(),
        "updated_at": statement.updated_at.isoformat(),
        "campaign": statement.campaign.slug
        if statement.campaign and statement.campaign.is_public
        else None,
        "url": request.build_absolute_uri(statement.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("statements-api:detail", kwargs={"slug": statement.slug})
            + f"?language={statement.language}"
        ),
    }


@read(api, "/", url_name="list", response=Page[StatementSummary])
def statement_list(request, filters: Query[ListFilters]):
    """Published statements, newest first (or best match for `q`), 20 a page."""
    statements = Statement.objects.published().for_listing()
    if filters.language:
        statements = statements.in_language(filters.language)
    statements = filters.apply(statements, language=filters.language or None)
    count = statements.count()
    pages = pages_for(count, PAGE_SIZE)
    check_page(filters.page, pages)
    start = (filters.page - 1) * PAGE_SIZE
    rows = [_summary(request, s) for s in statements[start : start + PAGE_SIZE]]
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
    data = _summary(request, statement)
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
