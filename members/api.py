"""Read-only JSON of the public members: `/api/v1/members/` and `.../<slug>/`.

The list answers organizations listed by name, 100 a page, ordered by region then name
(`?order=alpha` for A to Z), filtered as on the directory page (`q`, `country`, `kind`);
`?kind=individual` lists the individual supporters who may be named instead, by the name they
agreed to and never more. Beside the shared envelope (`icnk/api.py`) it carries `totals`, the
coalition's public totals: counted-only members are included in them, never named.

Only public fields ever appear: the response schemas below are the whole of what leaves, so no
contact person, email, phone or note, and no supporter beyond their visibility level.
"""

from typing import Annotated, Literal

from django_countries import countries
from ninja import Path, Query, Schema, Status
from pydantic import Field

from icnk.api import (
    NO_NUL,
    Page,
    PageNumber,
    Slug,
    check_page,
    json_api,
    page_of,
    read,
)
from members.models import Organization, OrganizationKind
from members.queries import (
    API_PER_PAGE,
    INDIVIDUALS,
    DirectoryCounts,
    DirectoryQuery,
    num_pages,
    page_slice,
)
from statements.queries import signed_by, statement_path

api = json_api(title="Members", description=__doc__, namespace="members-api")

KindFilter = Literal[("",) + tuple(OrganizationKind.values) + (INDIVIDUALS,)]
CountryFilter = Literal[("",) + tuple(code for code, _name in countries)]


class MemberFilters(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL, description="words in a name")
    country: CountryFilter = Field("", description="ISO 3166 code; empty for all")
    kind: KindFilter = Field("", description=f"kind of organization, or `{INDIVIDUALS}`")
    order: Literal["", "region", "alpha"] = Field("", description="`alpha` for A to Z")
    page: PageNumber = 1


class Country(Schema):
    code: str
    name: str


class PublicOrganization(Schema):
    type: Literal["organization"]
    slug: str
    name: str
    local_name: str
    acronym: str
    country: Country | None
    region: str
    kind: str
    website: str
    logo: str | None
    description: dict[str, str]
    member_since: str
    founding_member: bool
    url: str


class PublicSupporter(Schema):
    type: Literal["supporter"]
    name: str
    affiliation: str
    country: Country | None


class Totals(Schema):
    organizations: int
    countries: int
    supporters: int


class SignedStatement(Schema):
    title: str
    url: str
    published_at: str


class PublicOrganizationDetail(PublicOrganization):
    statements: list[SignedStatement]


Member = Annotated[PublicOrganization | PublicSupporter, Field(discriminator="type")]


class MemberPage(Page[Member]):
    totals: Totals


def organization_json(organization, request):
    return {
        "type": "organization",
        "slug": organization.slug,
        "name": organization.name,
        "local_name": organization.local_name,
        "acronym": organization.acronym,
        "country": {"code": organization.country.code, "name": organization.country.name}
        if organization.country
        else None,
        "region": organization.region,
        "kind": organization.kind,
        "website": organization.website,
        "logo": request.build_absolute_uri(organization.logo.url) if organization.logo else None,
        "description": {
            "en": organization.description_en,
            "ko": organization.description_ko,
            "ja": organization.description_ja,
        },
        "member_since": organization.member_since.isoformat(),
        "founding_member": organization.founding_member,
        "url": request.build_absolute_uri(organization.get_absolute_url()),
    }


def supporter_json(supporter):
    return {
        "type": "supporter",
        "name": supporter.public_name,
        "affiliation": supporter.public_affiliation,
        "country": {"code": supporter.country.code, "name": supporter.country.name}
        if supporter.country
        else None,
    }


@read(api, "/", url_name="list", response=MemberPage)
def member_list(request, filters: Query[MemberFilters]):
    """Public members, 100 a page, with the coalition's public totals."""
    query = DirectoryQuery(
        q=filters.q.strip(),
        country=filters.country,
        kind=filters.kind,
        order=filters.order or "region",
        page=str(filters.page),
    )
    counts = DirectoryCounts(query)  # totals and the number of results: two queries in all
    individuals = not query.shows_organizations
    if individuals:
        queryset, count = query.supporters(), counts.supporter_results
    else:
        queryset, count = query.organizations(), counts.organization_results
    pages = num_pages(count, API_PER_PAGE)
    check_page(filters.page, pages)
    rows = page_slice(queryset, count, filters.page, API_PER_PAGE)
    if individuals:
        results = [supporter_json(s) for s in rows]
    else:
        results = [organization_json(o, request) for o in rows]
    totals = counts.totals()
    totals.pop("headline")
    body = page_of(request, count=count, number=filters.page, pages=pages, rows=results)
    body["totals"] = totals
    return body


@read(api, "/{slug}/", url_name="detail", response=PublicOrganizationDetail)
def member_detail(request, slug: Path[Slug]):
    """One organization listed by name, with the published statements it signed (in English).
    404 for any other."""
    try:
        organization = Organization.objects.public().get(slug=slug)
    except Organization.DoesNotExist:
        return Status(404, {"detail": "no such member"})
    body = organization_json(organization, request)
    body["statements"] = [
        {
            "title": statement.title,
            "url": request.build_absolute_uri(statement_path(statement)),
            "published_at": statement.published_at.isoformat(),
        }
        for statement in signed_by(organization, "en")
    ]
    return body
