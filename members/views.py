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

from icnk.api import is_page_number
from icnk.errors import bad_request, invalid_parameters
from icnk.i18n import current_language
from members.models import (
    NAMED_VISIBILITIES,
    Listing,
    Organization,
    OrganizationKind,
    Supporter,
    Visibility,
)
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


class DirectoryCounts:
    """Every number the directory, the home page and the API show, from two grouped queries.

    One query groups the counted organizations by region, country and kind, and also counts
    within each group those a reader may see by name and that match the search; the other does
    the same for supporters by region and country. Totals, counts by region, both facet lists
    and the number of results all follow in Python from those few hundred rows, whatever the
    size of the coalition, instead of a COUNT query each.
    """

    def __init__(self, query=None):
        self.query = query or DirectoryQuery()
        q = self.query.q
        listed = Q(listing=Listing.NAMED)
        if q:
            listed &= Q(name__icontains=q) | Q(local_name__icontains=q) | Q(acronym__icontains=q)
        named = Q(visibility__in=NAMED_VISIBILITIES)
        if q:
            named &= Q(visibility=Visibility.FULL_NAME, full_name__icontains=q) | Q(
                visibility=Visibility.DISPLAY_NAME, display_name__icontains=q
            )
        self.organizations = list(
            Organization.objects.counted()
            .order_by()
            .values("region", "country", "kind")
            .annotate(n=Count("pk"), shown=Count("pk", filter=listed))
        )
        self.supporters = list(
            Supporter.objects.counted()
            .order_by()
            .values("region", "country")
            .annotate(n=Count("pk"), shown=Count("pk", filter=named))
        )

    # -- totals --------------------------------------------------------------------------------

    def totals(self):
        """Counted-only members count; hidden, suspended and departed ones do not."""
        totals = {
            "organizations": sum(row["n"] for row in self.organizations),
            "countries": len({row["country"] for row in self.organizations if row["country"]}),
            "supporters": sum(row["n"] for row in self.supporters),
        }
        totals["headline"] = headline(**totals)
        return totals

    def regions(self):
        organizations, supporters = {}, {}
        for row in self.organizations:
            organizations[row["region"]] = organizations.get(row["region"], 0) + row["n"]
        for row in self.supporters:
            supporters[row["region"]] = supporters.get(row["region"], 0) + row["n"]
        return [
            {
                "code": region.value,
                "label": region.label,
                "organizations": organizations.get(region.value, 0),
                "supporters": supporters.get(region.value, 0),
            }
            for region in Region
            if organizations.get(region.value) or supporters.get(region.value)
        ]

    # -- what the reader's filters show --------------------------------------------------------

    def _shown_organizations(self, *, country=True, kind=True):
        query = self.query
        if not query.shows_organizations and kind:
            return []
        return [
            row
            for row in self.organizations
            if row["shown"]
            and not (country and query.country and row["country"] != query.country)
            and not (kind and query.kind and row["kind"] != query.kind)
        ]

    def _shown_supporters(self, *, country=True, kind=True):
        query = self.query
        if not query.shows_supporters and kind:
            return []
        return [
            row
            for row in self.supporters
            if row["shown"] and not (country and query.country and row["country"] != query.country)
        ]

    @property
    def organization_results(self):
        return sum(row["shown"] for row in self._shown_organizations())

    @property
    def supporter_results(self):
        return sum(row["shown"] for row in self._shown_supporters())

    def country_facets(self):
        """Country links with the number of listed entries each would show."""
        query = self.query
        counts = {}
        for row in [
            *self._shown_organizations(country=False),
            *self._shown_supporters(country=False),
        ]:
            if row["country"]:
                counts[row["country"]] = counts.get(row["country"], 0) + row["shown"]
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

    def kind_facets(self):
        query = self.query
        counts = {}
        for row in self._shown_organizations(kind=False):
            counts[row["kind"]] = counts.get(row["kind"], 0) + row["shown"]
        facets = [
            {"code": kind.value, "label": kind.label, "count": counts[kind.value]}
            for kind in OrganizationKind
            if counts.get(kind.value)
        ]
        supporters = sum(row["shown"] for row in self._shown_supporters(kind=False))
        if supporters:
            label = gettext("Individual supporters")
            facets.append({"code": INDIVIDUALS, "label": label, "count": supporters})
        for facet in facets:
            facet["selected"] = facet["code"] == query.kind
            facet["querystring"] = query.querystring(
                kind="" if facet["selected"] else facet["code"]
            )
        return facets


def member_counts():
    """Public totals and counts by region (two queries)."""
    counts = DirectoryCounts()
    return counts.totals(), counts.regions()


def member_totals():
    return DirectoryCounts().totals()


def page_number(value, num_pages):
    """The page asked for, kept between the first and the last (a bad value means the first)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), num_pages)


def page_slice(queryset, count, number):
    """One page of a list whose size is already known, or nothing past its end: the two
    lists share the page number. No COUNT query, and no query at all for an empty page."""
    start = (number - 1) * PER_PAGE
    if start >= count:
        return []
    return list(queryset[start : start + PER_PAGE])


def num_pages(count):
    return max(1, -(-count // PER_PAGE))


@require_safe
def directory(request):
    query = DirectoryQuery.from_request(request)
    if not is_page_number(query.page):
        return bad_request(request, invalid_parameters(["page"]))
    counts = DirectoryCounts(query)
    org_count, sup_count = counts.organization_results, counts.supporter_results
    pages = max(num_pages(org_count), num_pages(sup_count))
    number = page_number(query.page, pages)
    context = {
        "query": query,
        "totals": counts.totals(),
        "organizations": page_slice(query.organizations(), org_count, number),
        "supporters": page_slice(query.supporters(), sup_count, number),
        "result_count": org_count + sup_count,
        "country_facets": counts.country_facets(),
        "kind_facets": counts.kind_facets(),
        "page_number": number,
        "num_pages": pages,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages else None,
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


SIGNED_PER_PAGE = 20


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    # Twenty at a time: a long-standing member may have signed hundreds.
    page = Paginator(signed_by(organization, current_language()), SIGNED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"organization": organization, "statements": page.object_list, "page_obj": page}
    return render(request, "members/organization_detail.html", context)


def home_context(request):
    """What the home page shows of the members: the headline totals and counts by region."""
    totals, regions = member_counts()
    return {"member_totals": totals, "member_regions": regions}
