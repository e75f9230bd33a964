"""Public pages of the members: the directory, one organization, and the home page's counts.

Only `Organization.objects.public()` and `Supporter.objects.public()` reach a template, so a
supporter is shown as far as their visibility level allows and no private field is ever loaded.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_safe
from django_countries import countries
from django_countries.fields import Country

from icnk.i18n import current_language
from members.models import Organization, OrganizationKind, Supporter
from members.regions import Region
from statements.queries import signed_by

PER_PAGE = 100
INDIVIDUALS = "individual"  # the `kind` filter value that lists individual supporters only


@dataclass
class DirectoryQuery:
    """The reader's filters, read once from the query string and shared with the JSON API."""

    q: str = ""
    country: str = ""
    kind: str = ""
    order: str = "region"
    page: str = "1"

    @classmethod
    def from_request(cls, request):
        get = request.GET
        country = get.get("country", "").strip().upper()[:2]
        kind = get.get("kind", "").strip()
        if kind not in OrganizationKind.values and kind != INDIVIDUALS:
            kind = ""
        return cls(
            q=get.get("q", "").strip()[:100],
            country=country if country in countries else "",
            kind=kind,
            order="alpha" if get.get("order") == "alpha" else "region",
            page=get.get("page", "1"),
        )

    @property
    def is_filtered(self):
        return bool(self.q or self.country or self.kind)

    @property
    def shows_organizations(self):
        return self.kind != INDIVIDUALS

    @property
    def shows_supporters(self):
        return self.kind in ("", INDIVIDUALS)

    def organizations(self, *, country=True, kind=True):
        if not self.shows_organizations and kind:
            return Organization.objects.none()
        qs = Organization.objects.public().search(self.q)
        if country and self.country:
            qs = qs.filter(country=self.country)
        if kind and self.kind:
            qs = qs.filter(kind=self.kind)
        return qs.by_region() if self.order == "region" else qs.order_by("name", "pk")

    def supporters(self, *, country=True, kind=True):
        if not self.shows_supporters and kind:
            return Supporter.objects.none()
        qs = Supporter.objects.public().public_search(self.q)
        if country and self.country:
            qs = qs.filter(country=self.country)
        return qs.order_by("full_name", "pk")

    def querystring(self, **changes):
        """This page's query string with some parameters changed ("" removes one)."""
        params = {"q": self.q, "country": self.country, "kind": self.kind}
        params["order"] = "alpha" if self.order == "alpha" else ""
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})


def headline(*, organizations, countries, supporters):
    """ "43 organizations from 17 countries and 6 individual supporters", in proper plurals."""
    parts = {
        "organizations": ngettext(
            "%(count)s organization", "%(count)s organizations", organizations
        )
        % {"count": number_format(organizations, force_grouping=True)},
        "countries": ngettext("%(count)s country", "%(count)s countries", countries)
        % {"count": number_format(countries, force_grouping=True)},
        "supporters": ngettext(
            "%(count)s individual supporter", "%(count)s individual supporters", supporters
        )
        % {"count": number_format(supporters, force_grouping=True)},
    }
    if supporters:
        return gettext("%(organizations)s from %(countries)s and %(supporters)s") % parts
    return gettext("%(organizations)s from %(countries)s") % parts


def member_counts():
    """Public totals and counts by region, in two queries.

    Counted-only members count; hidden, suspended and departed ones do not. A country belongs
    to one region, so distinct countries per region add up to the coalition's total.
    """
    orgs = (
        Organization.objects.counted()
        .order_by()
        .values("region")
        .annotate(n=Count("pk"), countries=Count("country", distinct=True, filter=~Q(country="")))
    )
    orgs = {row["region"]: row for row in orgs}
    people = dict(
        Supporter.objects.counted()
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
        .values_list("region", "n")
    )
    regions = [
        {
            "code": region.value,
            "label": region.label,
            "organizations": orgs[region.value]["n"] if region.value in orgs else 0,
            "supporters": people.get(region.value, 0),
        }
        for region in Region
        if region.value in orgs or people.get(region.value)
    ]
    totals = {
        "organizations": sum(row["n"] for row in orgs.values()),
        "countries": sum(row["countries"] for row in orgs.values()),
        "supporters": sum(people.values()),
    }
    totals["headline"] = headline(**totals)
    return totals, regions


def member_totals():
    return member_counts()[0]


def country_facets(query):
    """Country links with the number of listed entries each would show."""
    counts = {}
    for qs in (query.organizations(country=False), query.supporters(country=False)):
        rows = qs.exclude(country="").order_by().values("country").annotate(n=Count("pk"))
        for row in rows:
            counts[row["country"]] = counts.get(row["country"], 0) + row["n"]
    facets = [
        {
            "code": code,
            "country": Country(code),
            "count": n,
            "selected": code == query.country,
            "querystring": query.querystring(country="" if code == query.country else code),
        }
        for code, n in counts.items()
    ]
    return sorted(facets, key=lambda f: str(f["country"].name))


def kind_facets(query):
    rows = query.organizations(kind=False).order_by().values("kind").annotate(n=Count("pk"))
    counts = {row["kind"]: row["n"] for row in rows}
    facets = [
        {"code": kind.value, "label": kind.label, "count": counts[kind.value]}
        for kind in OrganizationKind
        if counts.get(kind.value)
    ]
    supporters = query.supporters(kind=False).count()
    if supporters:
        facets.append(
            {"code": INDIVIDUALS, "label": gettext("Individual supporters"), "count": supporters}
        )
    for facet in facets:
        facet["selected"] = facet["code"] == query.kind
        facet["querystring"] = query.querystring(kind="" if facet["selected"] else facet["code"])
    return facets


def page_number(value, num_pages):
    """The page asked for, kept between the first and the last (a bad value means the first)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), num_pages)


def page_slice(paginator, number):
    """One page of a list, or nothing past its end: two lists share the page number."""
    if number > paginator.num_pages or not paginator.count:
        return []
    return list(paginator.page(number).object_list)


@require_safe
def directory(request):
    query = DirectoryQuery.from_request(request)
    org_paginator = Paginator(query.organizations(), PER_PAGE)
    sup_paginator = Paginator(query.supporters(), PER_PAGE)
    num_pages = max(org_paginator.num_pages, sup_paginator.num_pages)
    number = page_number(query.page, num_pages)
    organizations = page_slice(org_paginator, number)
    supporters = page_slice(sup_paginator, number)
    context = {
        "query": query,
        "totals": member_totals(),
        "organizations": organizations,
        "supporters": supporters,
        "result_count": org_paginator.count + sup_paginator.count,
        "country_facets": country_facets(query),
        "kind_facets": kind_facets(query),
        "page_number": number,
        "num_pages": num_pages,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < num_pages else None,
        "selected_country": Country(query.country) if query.country else None,
        "selected_kind": dict(kind_choices()).get(query.kind, ""),
        "all_kinds_querystring": query.querystring(kind=""),
        "all_countries_querystring": query.querystring(country=""),
        "region_querystring": query.querystring(order=""),
        "alpha_querystring": query.querystring(order="alpha"),
        "page_querystring": f"{qs}&" if (qs := query.querystring()) else "",
    }
    return render(request, "members/organization_list.html", context)


def kind_choices():
    return [*OrganizationKind.choices, (INDIVIDUALS, gettext("Individual supporters"))]


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    context = {
        "organization": organization,
        "statements": list(signed_by(organization, current_language())),
    }
    return render(request, "members/organization_detail.html", context)


def home_context(request):
    """What the home page shows of the members: the headline totals and counts by region."""
    totals, regions = member_counts()
    return {"member_totals": totals, "member_regions": regions}
