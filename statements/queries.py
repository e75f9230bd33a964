"""Reads that several pages share: who signed, which language versions, what an org signed,
which campaign the site puts forward, what the statement list shows beside its statements."""

import datetime
import functools
import hashlib
import re
import unicodedata
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, F, Max, Min, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from icnk import cache as page_cache
from icnk.compiled import Compiled
from icnk.fasturls import slug_url
from icnk.i18n import current_language, printed_order_key, reading_order_key
from members.models import (
    ON_THE_RECORD,
    Listing,
    Supporter,
    Visibility,
    more_private,
    name_language,
    organization_display_name,
    organization_is_public,
    supporter_public_name,
    supporter_shows_affiliation,
)
from statements.formatting import long_date
from statements.models import (
    Attachment,
    Campaign,
    PressContact,
    Signature,
    Statement,
)


@dataclass
class SignatoryLine:
    name: str
    affiliation: str = ""
    url: str = ""
    signed_on: object = None
    withdrawn_on: object = None
    later_endorsement: bool = False
    # What the list says after the name, in the reader's language (safe HTML): when it was
    # withdrawn, or that it came after publication.
    note: str = ""


@dataclass
class Signatories:
    organizations: list = field(default_factory=list)
    individuals: list = field(default_factory=list)
    other_organizations: int = 0
    other_individuals: int = 0

    @property
    def total(self):
        return (
            len(self.organizations)
            + len(self.individuals)
            + self.other_organizations
            + self.other_individuals
        )

    def __bool__(self):
        return bool(self.total)

    @property
    def organization_items(self):
        return signatory_items(self.organizations)

    @property
    def individual_items(self):
        return signatory_items(self.individuals)


def signatory_items(lines):
    """The <li>s of a list of signatories (safe HTML), for the statement page and a sign-on
    drive's page: a name linked when the organization has a page, a person's affiliation, and
    the note (withdrawn, endorsed later; already safe HTML).

    Written here rather than by a template loop (seven lookups a line, 1.5 ms for 40 lines),
    with the standard library's `html.escape`, which is what Django's `escape` calls, without
    the lazy-string checks `format_html` makes on every argument (a further 0.5 ms).
    """
    affiliation = pgettext("a signatory's affiliation, after the name", ", %(affiliation)s")
    items = []
    for line in lines:
        name = _escaped(line.name)
        if line.url:
            name = f'<a href="{_escaped(line.url)}">{name}</a>'
        if line.affiliation:
            text = affiliation % {"affiliation": _escaped(line.affiliation)}
            name += f'<span class="signatory__affiliation">{text}</span>'
        note = f'<span class="signatory__note">{line.note}</span>' if line.note else ""
        withdrawn = ' class="signatory--withdrawn"' if line.withdrawn_on else ""
        items.append(
            f"\n        <li{withdrawn}>\n            {name}\n            {note}\n          </li>\n"
        )
    return mark_safe("".join(items))


def _escaped(value):
    """`conditional_escape` as the template applies it: safe HTML kept, any other text escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


# The columns `signatories` reads: the signature's, and of the organization or the person who
# signed only what decides what readers see.
_SIGNATORY_COLUMNS = (
    "organization_id",
    "name_at_signing",
    "local_name_at_signing",
    "visibility",
    "signed_on",
    "withdrawn_on",
    "organization__listing",
    "organization__status",
    "organization__name",
    "organization__acronym",
    "organization__country",
    "organization__slug",
    "supporter__status",
    "supporter__visibility",
    "supporter__full_name",
    "supporter__display_name",
    "supporter__affiliation",
)


def signatories(statement):
    """The statement's signatories as a reader may see them (one query): organizations in
    signing order (in Korean and Japanese, in the reader's alphabetical order), people A to Z
    by the name they show (`in_public_order`).

    The record is the statement's: organizations appear under the name they signed with, even
    if they have left since, and withdrawn signatures stay, marked. People are different: each
    appears only as their visibility level allows *today*, so a person taken down disappears
    from every old statement at once; people counted only are summed; hidden ones are left out.

    Reads plain rows of the columns that decide this (40 signatories: 1 ms instead of 3 for
    model instances of every column), through the same rules as `Organization.is_public`,
    `Supporter.public_name` and the rest (members/models.py).
    """
    published_on = timezone.localdate(statement.published_at) if statement.published_at else None
    language = current_language()
    # The reader's language's own affiliation column, where the model has one.
    local_affiliation = f"supporter__affiliation_{language}"
    if local_affiliation not in _AFFILIATION_COLUMNS:
        local_affiliation = "supporter__affiliation"
    organization_url = slug_url("members:organization-detail")
    notes = _Notes(language)
    result = Signatories()
    rows = ()  # a statement not saved yet (the desk's live preview) has no signatures
    if statement.source_id is not None:
        rows = _signatory_rows(local_affiliation).rows(statement_id=statement.source_id)
    for (
        organization_id,
        name_at_signing,
        local_name_at_signing,
        signature_visibility,
        signed_on,
        withdrawn_on,
        listing,
        organization_status,
        organization_name,
        acronym,
        country,
        organization_slug,
        status,
        visibility,
        full_name,
        display_name,
        affiliation,
        affiliation_here,
    ) in rows:
        line = SignatoryLine(
            name="",
            signed_on=signed_on,
            withdrawn_on=withdrawn_on,
            later_endorsement=bool(published_on and signed_on > published_on),
        )
        if organization_id:
            if listing == Listing.NAMED:
                line.name = name_at_signing or organization_display_name(organization_name, acronym)
                local = local_name_at_signing
                if local and name_language(local, country) == statement.language:
                    line.name = local
                if organization_is_public(organization_status, listing):
                    line.url = organization_url(organization_slug)
                line.note = notes.of(line)
                result.organizations.append(line)
            elif listing == Listing.COUNTED and not withdrawn_on:
                result.other_organizations += 1
            continue
        if signature_visibility:
            # Signed more privately than the person appears elsewhere: this statement shows
            # them at that level (the person's own level is never changed).
            visibility = more_private(visibility, signature_visibility)
        if name := supporter_public_name(status, visibility, full_name, display_name):
            line.name = name
            if supporter_shows_affiliation(visibility, display_name, name):
                line.affiliation = affiliation_here or affiliation
            line.note = notes.of(line)
            result.individuals.append(line)
        elif visibility == Visibility.COUNTED and status in ON_THE_RECORD and not withdrawn_on:
            result.other_individuals += 1
    if statement.language != settings.LANGUAGE_CODE:
        # Korean and Japanese readers find a name in their own alphabetical order; English
        # versions keep the signing order, which the secretariat sets.
        result.organizations.sort(key=lambda line: reading_order_key(line.name, statement.language))
    in_public_order(result.individuals, statement.language)
    return result


def in_public_order(people, language):
    """Sort the lines of people A to Z by what the list prints of them, in place.

    Never in signing order: the order signatures are added in follows the private full name
    wherever a list of people is taken in its default order (a drive's release, the desk's
    forms), and would put "M. J." between "Kim Min-ji" and "Kim Min-seo". Ties are broken by
    the affiliation shown, then by the note and the dates (all that the page or the API
    prints); lines printed exactly alike stay in any order, which then shows nothing.
    """
    people.sort(
        key=lambda line: (
            *printed_order_key(line.name, language),
            *printed_order_key(line.affiliation, language),
            str(line.note),
            # The API prints the dates too.
            str(line.signed_on or ""),
            str(line.withdrawn_on or ""),
            line.later_endorsement,
        )
    )


@functools.cache
def _signatory_rows(local_affiliation):
    """The rows `signatories` reads, written once per process and language (icnk/compiled.py)
    and run per statement: building and writing them cost 0.4 ms a request."""
    return Compiled(
        lambda statement_id: Signature.objects.values_list(
            *_SIGNATORY_COLUMNS, local_affiliation
        ).filter(statement_id=statement_id),
        statement_id=int,
    )


_AFFILIATION_COLUMNS = {
    f"supporter__{f.name}"
    for f in Supporter._meta.get_fields()
    if f.name.startswith("affiliation_")
}


class _Notes:
    """A line's note ("withdrawn on 4 March 2013", "endorsed later, on ..."), each text
    translated once and each date written once per list rather than once per line."""

    def __init__(self, language):
        self.language = language
        self.withdrawn = gettext("withdrawn on %(date)s")
        self.endorsed_later = gettext("endorsed later, on %(date)s")
        self.dates = {}

    def of(self, line):
        if line.withdrawn_on:
            return mark_safe(self.withdrawn % {"date": self.date(line.withdrawn_on)})
        if line.later_endorsement:
            return mark_safe(self.endorsed_later % {"date": self.date(line.signed_on)})
        return ""

    def date(self, value):
        if value not in self.dates:
            self.dates[value] = conditional_escape(long_date(value, self.language))
        return self.dates[value]


def language_versions(statement):
    """The other published language versions of a statement, in site language order."""
    order = {"en": 0, "ko": 1, "ja": 2}
    versions = (
        Statement.objects.published()
        .versions_of(statement)
        .exclude(pk=statement.pk)
        .only("pk", "slug", "title", "language", "translation_key")
    )
    return sorted(versions, key=lambda v: order.get(v.language, 9))


def attachments(statement):
    """The documents of a statement (they hang on its original); no query when the statement
    was read with `for_page()` and has none."""
    if not statement.pk or not getattr(statement, "has_attachments", True):
        return []
    return list(Attachment.objects.filter(statement_id=statement.source_id))


def press_contacts(statement):
    """This version's press contacts, or its original's when it has none of its own; no query
    when the statement was read with `for_page()` and neither has any."""
    if not getattr(statement, "has_press_contacts", True):
        return []
    contacts = list(
        PressContact.objects.filter(statement_id__in={statement.pk, statement.source_id})
    )
    own = [c for c in contacts if c.statement_id == statement.pk]
    return own or contacts


def one_version_each(statements, language):
    """Of several language versions of several statements (a queryset), one per statement: the
    reader's language where it exists, else the original, else the newest. The database
    chooses (a window over each statement's versions), so a page reads only its own rows."""
    preference = Case(
        When(language=language, then=Value(0)),
        When(translation_of__isnull=True, then=Value(1)),
        default=Value(2),
    )
    return statements.annotate(
        version_choice=Window(
            RowNumber(),
            partition_by=F("translation_key"),
            order_by=[preference.asc(), F("published_at").desc(), F("pk").desc()],
        )
    ).filter(version_choice=1)


# What a list of the statements an organization signed shows of each (`statement_path()` gives
# the address): read as rows, not model instances, which cost more to make.
SIGNED_FIELDS = ("pk", "title", "slug", "language", "published_at")


def signed_by(organization, language, now=None):
    """Published statements the organization (or its id) signed and has not withdrawn from,
    newest first, each in the reader's language where a version exists: a queryset.
    `now`: as for `published()`."""
    chosen = _signed_versions(organization, language, now)
    return Statement.objects.filter(pk__in=chosen.values("pk")).order_by("-published_at", "-pk")


def _signed_versions(organization, language, now=None):
    """`signed_by`'s statements, unordered, read where they stand: the keys from the index of
    the organization's signatures, then the versions of each key."""
    keys = Signature.objects.standing().filter(organization=organization).values("translation_key")
    return one_version_each(
        Statement.objects.published(now).filter(translation_key__in=keys), language
    )


# A row of an organization's page: `SIGNED_FIELDS`, and the number of statements in all.
SignedRow = namedtuple("SignedRow", [*SIGNED_FIELDS, "in_all"])

_SIGNED_COLUMNS = ", ".join(f'"{name}"' for name in SIGNED_FIELDS)

# One page of `signed_by`, with the number of statements in all on each row, written once per
# process (icnk/compiled.py). A long-standing member signed hundreds of statements in up to
# three languages each. The database picks the versions, numbers them by their place in the
# list (so that the page is a value of the query, not a change to it) and keeps the page's
# rows: Python's work is the same however long the list. The numbering reads the chosen
# versions as they were chosen, around the ORM's query: a query of the ORM alone would read
# each of them again from the table first (290 more visits to it at full size, 0.3 ms of a
# 1.2 ms query).
_SIGNED_PAGE = Compiled(
    lambda organization_id, language, now: (
        _signed_versions(organization_id, language, now).order_by().values_list(*SIGNED_FIELDS)
    ),
    around=(
        f'WITH "chosen" ({_SIGNED_COLUMNS}) AS ({{query}}) '
        f'SELECT {_SIGNED_COLUMNS}, "in_all" FROM ('
        'SELECT "chosen".*, COUNT(*) OVER () AS "in_all", '
        'ROW_NUMBER() OVER (ORDER BY "published_at" DESC, "pk" DESC) AS "place" FROM "chosen"'
        ') AS "placed" WHERE "place" BETWEEN %s AND %s ORDER BY "place"'
    ),
    around_values=("first", "last"),
    organization_id=int,
    language=str,
    now=datetime.datetime,
    first=int,
    last=int,
)


def signed_page(organization, language, number, per_page):
    """Page `number` (from 1) of what the organization signed, as `signed_by` lists it:
    `(rows, count)`, the rows with `SIGNED_FIELDS`, and the number of statements in all. Past
    the last page, the last page."""
    now = timezone.now()

    def read(number):
        first = (number - 1) * per_page + 1
        rows = _SIGNED_PAGE.rows(
            organization_id=organization.pk,
            language=language,
            now=now,
            first=first,
            last=first + per_page - 1,
        )
        return [SignedRow._make(row) for row in rows]

    rows = read(number)
    if rows:
        return rows, rows[0].in_all
    count = 0 if number == 1 else signed_by(organization, language, now).count()
    if count:
        rows = read((count - 1) // per_page + 1)
    return rows, count


def statement_path(row):
    """A statement's address (`Statement.get_absolute_url`) from a row that has its language
    and slug."""
    return slug_url("statements:detail", row.language)(row.slug)


def featured_campaign():
    """The campaign in the navigation, cached: one query at most per page, usually none.

    Kept under the page cache's generation, which every save or delete of a campaign replaces
    (the admin's "Delete selected" too), and again when its transaction commits: a reader in
    the meantime, who still finds the campaign as it was, keeps it only under a generation that
    ends there. (A single key that the save cleared was filled again by such a reader, and every
    page kept the deleted or hidden campaign.)"""
    state = page_cache.known_state()
    key = f"featured-campaign:v2:{state['generation']}"
    campaign = cache.get(key)
    if campaign is None:
        campaign = Campaign.objects.featured() or False
        cache.set(key, campaign, _kept_seconds(state))
    return campaign or None


# ---------------------------------------------------------------------------------------------
# What the statement list shows beside its page of statements
# ---------------------------------------------------------------------------------------------

# How long the list's campaigns, years and counts are kept at most (a new generation of the page
# cache replaces them sooner).
LIST_FACTS_SECONDS = 3600
# In the keys: a release that changes what is kept changes it, so that it never reads what an
# earlier release kept in the same generation.
LIST_FACTS_VERSION = 1


@dataclass
class ListFacts:
    """What the statement list shows beside its page of statements, the same for every reader
    of a language: the public campaigns (for the filter and the subscribe box), the years of
    the filter, and the number of statements an unsearched filter finds.

    Read from the database, they cost more than the page of statements itself at full size:
    200 campaigns made into models and <option>s, a COUNT over the 20,000 statements of a
    language. They are kept under the page cache's generation (icnk/cache.py), which every
    save or delete of a campaign or statement replaces, and which a statement scheduled for
    later replaces when it is due: a renamed or hidden campaign, a publication or a take-down
    shows at once.
    """

    campaigns: list  # {"slug", "title"} of every public campaign, in the reader's language
    options: str  # the same as <option>s, none selected
    campaign_rows: dict  # id -> the values of CARD_CAMPAIGN_FIELDS, of every public campaign
    bounds: tuple  # the first and last publication times, or (None, None)
    count: int | None  # statements the filters find; None for a search (not kept)

    @classmethod
    def load(cls, statements, *, language, filters):
        """`statements`: the list's published statements in `language`, filtered by
        `filters` (statements.filters.StatementFilters)."""
        state = page_cache.known_state()
        prefix = f"statement-list:v{LIST_FACTS_VERSION}:{state['generation']}:{language}"
        # The same for every reader: kept in the process (no round trip to the cache).
        shared = page_cache.per_generation(
            f"statement-list:{language}", lambda: _list_shared(language), state
        )
        count = None
        if not filters.q.strip():
            count = _kept_count(prefix, statements, filters, state)
        campaigns, options, rows, bounds = shared
        return cls(
            campaigns=campaigns, options=options, campaign_rows=rows, bounds=bounds, count=count
        )

    def with_campaigns(self, statements):
        """`statements` (read without their campaign) as a list, each with its campaign as a
        card shows it (slug, title, is_public), made from the public campaigns kept here
        rather than joined by the query of each page. A campaign that is not public is one
        whose `is_public` is False: the card shows nothing of it. Its other fields, and those
        a card does not show, are deferred: read from the database if anything asks."""
        statements = list(statements)
        made = {}
        for statement in statements:
            key = statement.campaign_id
            if key is None:
                continue
            if key not in made:
                if row := self.campaign_rows.get(key):
                    made[key] = Campaign.from_db(DEFAULT_DB_ALIAS, CARD_CAMPAIGN_FIELDS, row)
                else:
                    made[key] = Campaign.from_db(
                        DEFAULT_DB_ALIAS, ["id", "is_public"], [key, False]
                    )
            Statement.campaign.field.set_cached_value(statement, made[key])
        return statements

    def campaign_options(self, selected):
        """The campaigns' <option>s, the one whose slug is `selected` marked."""
        options = self.options
        if selected:
            plain = format_html('<option value="{}">', selected)
            options = options.replace(plain, f"{plain[:-1]} selected>", 1)
        return mark_safe(options)  # built by format_html_join, the mark added to an escaped slug

    def years(self):
        """The years of the filter, newest first: from the newest statement's year back to the
        oldest's. A year in between without a statement is listed too and finds none."""
        first, last = self.bounds
        if first is None:
            return []
        first, last = (timezone.localtime(moment).year for moment in (first, last))
        return list(range(last, first - 1, -1))


def _kept_count(prefix, statements, filters, state):
    """`statements.count()` for unsearched `filters`, kept under the generation `state` (the
    prefix names the generation and the list)."""
    # The filters are the reader's input: hashed, they make a key of known length.
    chosen = f"{filters.kind}|{filters.year}|{filters.campaign}".encode()
    key = f"{prefix}:count:{hashlib.md5(chosen, usedforsecurity=False).hexdigest()}"
    count = cache.get(key)
    if count is None:
        count = statements.count()
        cache.set(key, count, _kept_seconds(state))
    return count


def api_count(statements, *, language, filters):
    """How many statements the JSON API's list finds (`statements`: published, in `language`
    or in every language for "", narrowed by `filters`), kept like the list page's count.

    A COUNT over the 60,000 statements costs more than the rest of the API's page at full size
    (10 ms of 16); kept under the page cache's generation, a publication, a take-down or a
    statement coming due changes it at once. A search is counted each time (its window is
    small)."""
    if filters.q.strip():
        return statements.count()
    state = page_cache.known_state()
    prefix = f"statement-api:v{LIST_FACTS_VERSION}:{state['generation']}:{language or 'all'}"
    return _kept_count(prefix, statements, filters, state)


def _kept_seconds(state):
    """How long a value read under the page cache's generation `state` may be kept. A
    generation whose next scheduled publication is not known (the cache was emptied) does not
    end by itself when it comes: keep no longer than its pages."""
    if state["due"] == page_cache.UNKNOWN:
        return page_cache.UNKNOWN_DUE_SECONDS
    return LIST_FACTS_SECONDS


def latest_statements(language, count):
    """The `count` newest published statements in `language`, for cards, kept under the page
    cache's generation like ListFacts: the same for every reader of the home page until a
    statement, campaign or schedule changes (one query of ~1 ms a page, with the join)."""
    state = page_cache.known_state()
    key = f"latest-statements:v{LIST_FACTS_VERSION}:{state['generation']}:{language}:{count}"
    statements = cache.get(key)
    if statements is None:
        statements = list(
            Statement.objects.published()
            .in_language(language)
            .for_cards()
            .order_by("-published_at", "-pk")[:count]
        )
        cache.set(key, statements, _kept_seconds(state))
    return statements


# What ListFacts keeps of each public campaign for the statement cards.
CARD_CAMPAIGN_FIELDS = ["id", "slug", *Campaign.title.field_names(), "is_public"]


def _list_shared(language):
    public = list(Campaign.objects.public().only(*CARD_CAMPAIGN_FIELDS))
    # (Campaign.title is read in the active language, which is `language`.)
    campaigns = [{"slug": c.slug, "title": c.title} for c in public]
    options = format_html_join(
        "", '<option value="{}">{}</option>', ((c["slug"], c["title"]) for c in campaigns)
    )
    rows = {c.pk: [getattr(c, name) for name in CARD_CAMPAIGN_FIELDS] for c in public}
    # From the two ends of the date index: one query, the same cost at any size (DISTINCT over
    # the years read every published statement).
    bounds = (
        Statement.objects.published()
        .in_language(language)
        .aggregate(first=Min("published_at"), last=Max("published_at"))
    )
    return campaigns, str(options), rows, (bounds["first"], bounds["last"])


# ---------------------------------------------------------------------------------------------
# A pasted list of names, matched against the members who may sign (the admin's bulk add)
# ---------------------------------------------------------------------------------------------

# "1. ", "2) ", "- ", "* ", "• ", "・": list markers a pasted list often carries.
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)．]\s+|[-*•・]\s*)")


def name_key(text):
    """A name as compared: full-width forms folded (NFKC), case folded, without any space."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass
class PastedLine:
    text: str
    organizations: list = field(default_factory=list)
    supporters: list = field(default_factory=list)

    @property
    def candidates(self):
        return len(self.organizations) + len(self.supporters)

    @property
    def is_matched(self):
        return self.candidates == 1

    @property
    def is_ambiguous(self):
        return self.candidates > 1


def match_pasted_names(text, *, organizations, supporters):
    """Each non-empty line of `text` with the members it names, in the order pasted.

    A line matches an organization by its English name, its name in its own script (Korean,
    Japanese), its acronym or "Name (ACRONYM)", and a person by their full or display name;
    case, spaces and full-width forms do not matter. `organizations` and `supporters` are the
    querysets that may be offered (a person taken down is never in them). A line repeated is
    listed once.
    """
    by_key = defaultdict(lambda: ([], []))
    for organization in organizations.only("pk", "name", "local_name", "acronym", "country"):
        names = {organization.name, organization.local_name, organization.acronym}
        names.add(organization.display_name)
        for key in {name_key(n) for n in names if n}:
            by_key[key][0].append(organization)
    for supporter in supporters.only("pk", "full_name", "display_name", "visibility", "status"):
        for key in {name_key(n) for n in (supporter.full_name, supporter.display_name) if n}:
            by_key[key][1].append(supporter)
    lines, seen = [], set()
    for raw in text.splitlines():
        cleaned = _LIST_MARKER.sub("", raw).strip()
        key = name_key(cleaned)
        if not key or key in seen:
            continue
        seen.add(key)
        found_orgs, found_people = by_key.get(key, ([], []))
        lines.append(PastedLine(cleaned, list(found_orgs), list(found_people)))
    return lines
