"""The directory's reads: the reader's filters, every count it shows, and its paging.

Shared by the directory page, the home page's counts and the JSON API. Only
`Organization.objects.public()` and `Supporter.objects.public()` rows leave this module, so no
private field is ever loaded; the search conditions are the querysets' own.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django_countries import countries
from django_countries.fields import Country

from icnk import cache as page_cache
from icnk.i18n import reading_order_key
from members.models import (
    NAMED_VISIBILITIES,
    Listing,
    Organization,
    OrganizationKind,
    OrganizationQuerySet,
    Supporter,
    SupporterQuerySet,
)
from members.regions import Region

PER_PAGE = 100
# How long the unsearched counts are kept at most (a new generation replaces them sooner).
COUNTS_SECONDS = 3600
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
        return qs.by_region() if self.order == "region" else qs.alphabetical()

    def supporters(self, *, country=True, kind=True):
        if not self.shows_supporters and kind:
            return Supporter.objects.none()
        qs = Supporter.objects.public().public_search(self.q)
        if country and self.country:
            qs = qs.filter(country=self.country)
        return qs.in_public_order()

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
    within each group those a reader may see by name, and of those the ones that match the
    search; the other does the same for supporters by region and country. Totals, counts by
    region, both facet lists and the number of results all follow in Python from those few
    hundred rows, whatever the size of the coalition, instead of a COUNT query each.

    The rule for members counted without a name (see the privacy page): they add to the
    coalition's overall numbers of organizations and of individual supporters, and to nothing
    else. Counts by region or country and the number of countries come from named members only.
    Otherwise "Asia: 5 organizations" beside four named ones, or a country counted that no
    named member comes from, would say where an unnamed member works.
    """

    def __init__(self, query=None):
        self.query = query or DirectoryQuery()
        if self.query.q:
            self.organizations, self.supporters = self._read(self.query.q)
            return
        # Without a search the rows are the same for every reader and every filter: kept under
        # the page cache's generation (icnk/cache.py), which every save or delete of a member
        # replaces, so a take-down or a change of level counts at once. Grouping all 50,000
        # supporters cost 60 ms at full size on every home and directory page.
        key = f"directory-counts:{page_cache.current_state()['generation']}"
        rows = cache.get(key)
        if rows is None:
            rows = self._read("")
            cache.set(key, rows, COUNTS_SECONDS)
        self.organizations, self.supporters = rows

    @staticmethod
    def _read(q):
        # Within each group, those a reader may see by name and that match the search.
        listed = Q(listing=Listing.NAMED)
        named = Q(visibility__in=NAMED_VISIBILITIES)
        organizations = list(
            Organization.objects.counted()
            .order_by()
            .values("region", "country", "kind")
            .annotate(
                n=Count("pk"),
                named=Count("pk", filter=listed),
                shown=Count("pk", filter=listed & OrganizationQuerySet.matching(q)),
            )
        )
        supporters = list(
            Supporter.objects.counted()
            .order_by()
            .values("region", "country")
            .annotate(
                n=Count("pk"),
                named=Count("pk", filter=named),
                shown=Count("pk", filter=named & SupporterQuerySet.public_matching(q)),
            )
        )
        return organizations, supporters

    # -- totals --------------------------------------------------------------------------------

    def totals(self):
        """Counted-only members add to the numbers of members, not to the number of countries;
        hidden, suspended and departed ones count nowhere."""
        totals = {
            "organizations": sum(row["n"] for row in self.organizations),
            "countries": len(
                {row["country"] for row in self.organizations if row["country"] and row["named"]}
            ),
            "supporters": sum(row["n"] for row in self.supporters),
        }
        totals["headline"] = headline(**totals)
        return totals

    def regions(self):
        """Named members by region: a counted-only member is in no region's count."""
        organizations, supporters = {}, {}
        for row in self.organizations:
            organizations[row["region"]] = organizations.get(row["region"], 0) + row["named"]
        for row in self.supporters:
            supporters[row["region"]] = supporters.get(row["region"], 0) + row["named"]
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
        return sorted(facets, key=lambda f: reading_order_key(f["country"].name))

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


# ---------------------------------------------------------------------------------------------
# Former members (the renewals on the desk: members/dashboard.py)
# ---------------------------------------------------------------------------------------------


def former_members():
    """Members that left or lapsed and agreed to be listed as former members, A to Z, each with
    its years ("2011–2024"). Two queries; supporters named only as their visibility allows."""
    organizations = list(Organization.objects.former_listed().order_by("name", "slug"))
    supporters = sorted(
        Supporter.objects.former_listed(),
        key=lambda s: (reading_order_key(s.name_at_visibility), s.country.code or ""),
    )
    return {"organizations": organizations, "supporters": supporters}
