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
    Row,
    Slug,
    check_page,
    json_api,
    page_of,
    read,
)
from icnk.fasturls import slug_url
from members.models import (
    PUBLIC_ORGANIZATION_FIELDS,
    Organization,
    OrganizationKind,
    Supporter,
)
from members.queries import (
    API_PER_PAGE,
    INDIVIDUALS,
    DirectoryCounts,
    DirectoryQuery,
    num_pages,
    page_slice,
)
from statements.queries import SIGNED_FIELDS, signed_by, statement_path

api = json_api(title="Members", description=__doc__, namespace="members-api")

KindFilter = Literal[("",) + tuple(OrganizationKind.values) + (INDIVIDUALS,)]
CountryFilter = Literal[("",) + tuple(code for code, _name in countries)]


class MemberFilters(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL, description="words in a name")
    country: CountryFilter = Field("", description="ISO 3166 code; empty for all")
    kind: KindFilter = Field("", description=f"kind of organization, or `{INDIVIDUALS}`")
    order: Literal["", "region", "alpha"] = Field("", description="`alpha` for A to Z")
    page: PageNumber = 1


class Country(Row):
    code: str
    name: str


class PublicOrganization(Row):
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


class PublicSupporter(Row):
    type: Literal["supporter"]
    name: str
    affiliation: str
    country: Country | None


class Totals(Row):
    organizations: int
    countries: int
    supporters: int


class SignedStatement(Row):
    title: str
    url: str
    published_at: str


class PublicOrganizationDetail(PublicOrganization):
    statements: list[SignedStatement]


Member = Annotated[PublicOrganization | PublicSupporter, Field(discriminator="type")]


class MemberPage(Page[Member]):
    totals: Totals


def _country(country):
    """A django-countries field's value as the APIs show it."""
    return {"code": country.code, "name": country.name} if country else None


class _ListShared:
    """What the rows of one list of `model` share: the countries shown so far (each read of
    a country field makes a new Country, whose name is translated afresh) and the
    organization page's pattern, reversed once (icnk/fasturls.py)."""

    def __init__(self, model):
        self._field = model.country  # the field's descriptor
        self._countries = {}
        self.page = slug_url("members:organization-detail")

    def country(self, code):
        """The country of a stored code, as the field would give it; None for none."""
        if not code:
            return None
        if (country := self._countries.get(code)) is None:
            country = self._countries[code] = _country(self._field.country(code))
        return country


# What the list reads of each organization, as values: the public columns (the model's own
# list, so a column kept from the public can never be read here) less those it does not show.
ORGANIZATION_FIELDS = tuple(
    name
    for name in PUBLIC_ORGANIZATION_FIELDS
    if name not in {"id", "updated_at", "status", "listing"}
)
_LOGOS = Organization._meta.get_field("logo").storage


def organization_json(organization, request):
    """One organization (a model) as the APIs show it."""
    row = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
    row.update(country=organization.country.code, logo=organization.logo.name)
    return _organization_row(row, request, _ListShared(Organization))


def _organization_row(row, request, shared):
    """One organization from the values of ORGANIZATION_FIELDS (`row`): the stored country
    code and logo name, each shown as the model's fields would show them."""
    logo = row["logo"]
    return {
        "type": "organization",
        "slug": row["slug"],
        "name": row["name"],
        "local_name": row["local_name"],
        "acronym": row["acronym"],
        "country": shared.country(row["country"]),
        "region": row["region"],
        "kind": row["kind"],
        "website": row["website"],
        "logo": request.build_absolute_uri(_LOGOS.url(logo)) if logo else None,
        "description": {
            "en": row["description_en"],
            "ko": row["description_ko"],
            "ja": row["description_ja"],
        },
        "member_since": row["member_since"].isoformat(),
        "founding_member": row["founding_member"],
        "url": request.build_absolute_uri(shared.page(row["slug"])),
    }


def supporter_json(supporter, shared):
    return {
        "type": "supporter",
        "name": supporter.public_name,
        "affiliation": supporter.public_affiliation,
        "country": shared.country(supporter.country.code),
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
    shared = _ListShared(Supporter if individuals else Organization)
    if individuals:
        rows = page_slice(queryset, count, filters.page, API_PER_PAGE)
        results = [supporter_json(s, shared) for s in rows]
    else:
        # As values: only the public columns shown, no model a row.
        rows = page_slice(queryset.values(*ORGANIZATION_FIELDS), count, filters.page, API_PER_PAGE)
        results = [_organization_row(row, request, shared) for row in rows]
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
        for statement in signed_by(organization, "en").values_list(*SIGNED_FIELDS, named=True)
    ]
    return body
