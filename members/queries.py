"""The directory's reads: the reader's filters, every count it shows, and its paging.

Shared by the directory page, the home page's counts and the JSON API. Only
`Organization.objects.public()` and `Supporter.objects.public()` rows leave this module, so no
private field is ever loaded; the search conditions are the querysets' own.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django_countries import countries

from icnk import cache as page_cache
from icnk.fasturls import slug_url
from icnk.i18n import current_language, printed_order_key, reading_order_key
from icnk.labels import choice_label, country_name
from icnk.templatetags.site_tags import flag, plain_flag
from members.logos import card_or_logo
from members.models import (
    NAMED_VISIBILITIES,
    PUBLIC_SUPPORTER_FIELDS,
    Listing,
    Organization,
    OrganizationKind,
    OrganizationQuerySet,
    Supporter,
    SupporterQuerySet,
    name_language,
    organization_display_name,
    supporter_public_name,
    supporter_shows_affiliation,
)
from members.regions import Region

# Organizations and supporters a page of the directory and of its embed shows, of each. Fifty:
# at full size (5,000 organizations) a page of 100 of each cost more in its rows alone (reading
# them and printing them) than the whole of a page like /about/, and made the directory about
# twice as slow as at the demo's size. The JSON API keeps its documented 100 (API_PER_PAGE).
PER_PAGE = 50
API_PER_PAGE = 100
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
        # Kept in the process (read only, never changed here): no round trip to the cache.
        self.organizations, self.supporters = page_cache.per_generation(
            "directory-counts", lambda: self._read(""), seconds=COUNTS_SECONDS
        )

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
                "name": country_name(code),
                "flag": flag(code),
                "count": n,
                "selected": code == query.country,
                "querystring": query.querystring(country="" if code == query.country else code),
            }
            for code, n in counts.items()
        ]
        return sorted(facets, key=lambda f: reading_order_key(f["name"]))

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


def page_slice(queryset, count, number, per_page=PER_PAGE):
    """One page of a list whose size is already known, or nothing past its end: the two
    lists share the page number. No COUNT query, and no query at all for an empty page."""
    start = (number - 1) * per_page
    if start >= count:
        return []
    return list(queryset[start : start + per_page])


def num_pages(count, per_page=PER_PAGE):
    return max(1, -(-count // per_page))


# ---------------------------------------------------------------------------------------------
# Former members (the renewals on the desk: members/dashboard.py)
# ---------------------------------------------------------------------------------------------


def former_members():
    """Members that left or lapsed and agreed to be listed as former members, A to Z, each with
    its years ("2011–2024"), as the directory prints them. Supporters named only as their
    visibility allows.

    Two queries, kept under the page cache's generation like the counts (every save or delete
    of a member starts a new one, so a take-down or a withdrawn agreement shows at once): the
    list is the same for every reader of a language, and shown on the directory's first page.
    """
    return page_cache.per_generation(
        f"directory-former:{current_language()}", _read_former_members, seconds=COUNTS_SECONDS
    )


def _read_former_members():
    organizations = [
        {
            "display_name": organization.display_name,
            "local_name": organization.local_name,
            "local_name_language": organization.local_name_language,
            "membership_years": organization.membership_years,
        }
        for organization in Organization.objects.former_listed().order_by("name", "slug")
    ]
    supporters = [
        {"name": supporter.name_at_visibility, "membership_years": supporter.membership_years}
        for supporter in sorted(
            Supporter.objects.former_listed(),
            # By what the list prints: between two people shown alike, the order they come in
            # (by full name) would tell them apart.
            key=lambda s: (*printed_order_key(s.name_at_visibility), s.membership_years),
        )
    ]
    return {"organizations": organizations, "supporters": supporters}


# ---------------------------------------------------------------------------------------------
# The directory's rows, ready to print
# ---------------------------------------------------------------------------------------------

# What a card prints: public columns (PUBLIC_ORGANIZATION_FIELDS), and the name of the logo's
# copy for cards (members/logos.py).
CARD_FIELDS = ["slug", "name", "acronym", "local_name", "country", "region", "kind", "logo"]
CARD_FIELDS += ["founding_member", "logo_card"]


class Places(dict):
    """A country's name and flags by code, worked out once a page: 100 cards come from some
    forty countries."""

    def __missing__(self, code):
        self[code] = place = {
            "name": country_name(code),
            "flag": flag(code),  # the <img>
            "plain_flag": plain_flag(code),  # the embed's
        }
        return place


def organization_cards(queryset, count, number):
    """One page of organizations as plain rows with every value a card prints worked out:
    the directory prints 100 cards a page, and a model instance, `get_absolute_url()`, a
    Country and the template's method lookups cost more than the card's markup.

    `queryset` is `DirectoryQuery.organizations()`, public organizations only, of which
    only the public columns in CARD_FIELDS are read."""
    rows = page_slice(queryset.values(*CARD_FIELDS), count, number)
    url = slug_url("members:organization-detail")
    logos = Organization._meta.get_field("logo").storage
    places = Places()
    for row in rows:
        code = row["country"]
        row["url"] = url(row["slug"])
        row["logo_url"] = (
            logos.url(card_or_logo(row["logo"], row["logo_card"])) if row["logo"] else ""
        )
        row["initial"] = row["name"][:1]
        row["display_name"] = organization_display_name(row["name"], row["acronym"])
        row["local_name_language"] = name_language(row["local_name"], code)
        row["place"] = places[code] if code else None
        row["kind_label"] = choice_label(OrganizationKind, row["kind"])
        row["region_label"] = choice_label(Region, row["region"])
    return rows


def by_region(cards):
    """Cards in region order grouped by region, as `{% regroup %}` would: [(label, cards)]."""
    groups = []
    for card in cards:
        if groups and groups[-1][0] == card["region_label"]:
            groups[-1][1].append(card)
        else:
            groups.append((card["region_label"], [card]))
    return groups


def supporter_rows(queryset, count, number):
    """One page of supporters as plain rows: the name and affiliation each person shows, by
    the same rules as `Supporter.public_name` and `public_affiliation`, and their country.

    `queryset` is `DirectoryQuery.supporters()`: named supporters only, public columns only."""
    rows = page_slice(queryset.values(*PUBLIC_SUPPORTER_FIELDS), count, number)
    affiliation_field = f"affiliation_{current_language()}"
    places = Places()
    for row in rows:
        name = supporter_public_name(
            row["status"], row["visibility"], row["full_name"], row["display_name"]
        )
        row["public_name"] = name
        row["public_affiliation"] = (
            (row.get(affiliation_field, "") or row["affiliation"])
            if supporter_shows_affiliation(row["visibility"], row["display_name"], name)
            else ""
        )
        row["place"] = places[row["country"]] if row["country"] else None
    return rows
