"""Fill a database with a coalition a hundred times ICNK's size, for `make bench` and the tests.

At `--scale 1`: 5,000 organizations, 50,000 supporters at mixed visibility levels, 20,000
statements in each of the three languages with 40 signatures each (2.4 million signatures), 200
campaigns with five milestones each. Rows are written in bulk: COPY on PostgreSQL, batched
`executemany` on SQLite, with ids given up front so no row is read back. Model `save()` logic is
reproduced where pages rely on it (region from country, rendered Markdown).

`seed_coalition()` refuses to touch a database that already holds members unless `replace` is
given, which empties the public tables first. `manage.py seed_bench` (benchmarks/management/)
runs it on a database of its own (`icnk_bench`); the query-count tests call it directly.
"""

import datetime
import itertools
import random
import time
import uuid

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from icnk import cache as page_cache
from icnk.demo import SITE
from icnk.models import SiteSettings
from members.models import (
    Listing,
    MemberStatus,
    Organization,
    OrganizationKind,
    Supporter,
    initials,
)
from members.models import Visibility as V
from members.regions import region_for
from statements.markdown import render_markdown
from statements.models import Campaign, Milestone, Signature, Statement
from statements.search import refresh_search_vectors

FULL = {
    "organizations": 5_000,
    "supporters": 50_000,
    "statements": 20_000,  # per language
    "campaigns": 200,
}
SIGNATURES_PER_STATEMENT = 40
MILESTONES_PER_CAMPAIGN = 5
BATCH = 10_000

COUNTRIES = [
    "KR",
    "JP",
    "US",
    "GB",
    "FR",
    "DE",
    "CA",
    "AU",
    "IN",
    "ID",
    "PH",
    "TH",
    "MY",
    "NP",
    "BD",
    "LK",
    "PK",
    "MN",
    "KH",
    "VN",
    "TW",
    "HK",
    "SG",
    "NZ",
    "BE",
    "NL",
    "SE",
    "NO",
    "DK",
    "FI",
    "IE",
    "IT",
    "ES",
    "PT",
    "PL",
    "CZ",
    "AT",
    "CH",
    "BR",
    "AR",
    "CL",
    "MX",
    "CO",
    "PE",
    "ZA",
    "KE",
    "NG",
    "GH",
    "UG",
    "TZ",
    "EG",
    "MA",
    "TR",
    "IL",
    "JO",
    "LB",
    "UA",
]
# A supporter's level: mostly people who may be named, many counted or hidden, as in life.
VISIBILITIES = [V.FULL_NAME] * 4 + [V.DISPLAY_NAME] * 3 + [V.INITIALS] * 3 + [V.COUNTED] * 4
VISIBILITIES += [V.HIDDEN] * 6
WORDS = {
    "en": [
        "human",
        "rights",
        "accountability",
        "commission",
        "inquiry",
        "detention",
        "camps",
        "refugees",
        "justice",
        "survivors",
        "testimony",
        "forced",
        "labour",
        "famine",
        "abduction",
        "families",
        "truth",
        "freedom",
    ],
    "ko": [
        "인권",
        "책임",
        "조사위원회",
        "구금",
        "수용소",
        "난민",
        "정의",
        "생존자",
        "증언",
        "강제노동",
        "납치",
        "가족",
        "진실",
        "자유",
    ],
    "ja": [
        "人権",
        "責任",
        "調査委員会",
        "拘禁",
        "収容所",
        "難民",
        "正義",
        "生存者",
        "証言",
        "強制労働",
        "拉致",
        "家族",
        "真実",
        "自由",
    ],
}
DATELINES = {"en": ["Tokyo", "Seoul", "Geneva", "New York"], "ko": ["서울", "도쿄"], "ja": ["東京"]}


class DatabaseNotEmpty(Exception):
    """The database already holds members and `replace` was not given."""


def seed_coalition(*, scale=1.0, replace=False, seed=7, stdout=None):
    """Write a fake coalition, `scale` times the full size, printing timings to `stdout`."""
    return Seeder(seed=seed, stdout=stdout).run(scale=scale, replace=replace)


class Seeder:
    def __init__(self, *, seed, stdout):
        self.rng = random.Random(seed)
        self.stdout = stdout
        self.now = timezone.now()

    def write(self, text):
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    def run(self, *, scale, replace):
        counts = {name: max(1, round(n * scale)) for name, n in FULL.items()}
        if Organization.objects.exists() or Statement.objects.exists():
            if not replace:
                raise DatabaseNotEmpty("The database already holds members: add --replace.")
            self._timed("emptied the public tables", self._empty)
        started = time.monotonic()
        with transaction.atomic():
            if connection.vendor == "sqlite":
                connection.cursor().execute("PRAGMA defer_foreign_keys = ON")
            SiteSettings.objects.update_or_create(pk=1, defaults=SITE)
            self._timed("organizations", self._organizations, counts["organizations"])
            self._timed("supporters", self._supporters, counts["supporters"])
            self._timed("campaigns and milestones", self._campaigns, counts["campaigns"])
            self._timed("statements", self._statements, counts["statements"])
            self._timed("signatures", self._signatures)
            self._reset_sequences()
        # Fresh statistics, so the planner knows the tables are big (VACUUM also fills the
        # visibility map for index-only scans; it cannot run inside a transaction, as in tests).
        analyze = "ANALYZE"
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            analyze = "VACUUM ANALYZE"
        self._timed(analyze, lambda: connection.cursor().execute(analyze))
        page_cache.invalidate()
        total = time.monotonic() - started
        self.write(
            f"Seeded {counts['organizations']:,} organizations, {counts['supporters']:,} "
            f"supporters, {3 * counts['statements']:,} statements, "
            f"{self.signature_count:,} signatures, {counts['campaigns']:,} campaigns "
            f"on {connection.vendor} in {total:.1f} s."
        )

    # -- helpers -------------------------------------------------------------------------------

    def _timed(self, label, function, *args):
        started = time.monotonic()
        result = function(*args)
        self.write(f"  {label}: {time.monotonic() - started:.1f} s")
        return result

    def _empty(self):
        models = [Signature, Milestone, Statement.topics.through, Statement, Campaign]
        from statements.models import Attachment, PressContact

        models[:0] = [Attachment, PressContact]
        from members.models import JoinRequest

        models += [JoinRequest, Supporter, Organization]
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks still pending (inside a test's transaction) would
                # block TRUNCATE: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            else:
                with transaction.atomic():
                    cursor.execute("PRAGMA defer_foreign_keys = ON")
                    for table in tables:
                        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our table names)

    def _insert(self, model, rows):
        """Write rows (dicts of field name to value) in bulk; unnamed fields get defaults."""
        fields = list(model._meta.concrete_fields)
        defaults = {}
        for f in fields:
            if f.has_default():
                defaults[f.attname] = f.get_default()
            elif f.null:
                defaults[f.attname] = None
            else:
                defaults[f.attname] = "" if f.get_internal_type() in TEXT_TYPES else None
        columns = [f.column for f in fields]
        names = [f.attname for f in fields]
        table = model._meta.db_table
        count = 0
        rows = iter(rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cols = ", ".join(f'"{c}"' for c in columns)
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([row.get(n, defaults[n]) for n in names])
                        count += 1
            else:
                # SQLite stores dates, times and UUIDs as text: convert those the Django way.
                prep = {
                    f.attname: (lambda v, f=f: f.get_db_prep_save(v, connection))
                    for f in fields
                    if f.get_internal_type() in PREPARED_TYPES
                }
                prepared_defaults = {n: convert(defaults[n]) for n, convert in prep.items()}
                quoted = ", ".join(f'"{c}"' for c in columns)
                placeholders = ", ".join("?" * len(columns))
                sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})'  # noqa: S608
                while batch := list(itertools.islice(rows, BATCH)):
                    values = [
                        [
                            (prep[n](row[n]) if n in row else prepared_defaults[n])
                            if n in prep
                            else row.get(n, defaults[n])
                            for n in names
                        ]
                        for row in batch
                    ]
                    cursor.cursor.executemany(sql, values)
                    count += len(batch)
        return count

    def _reset_sequences(self):
        models = [Organization, Supporter, Campaign, Milestone, Statement, Signature]
        sql = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)

    # -- data ----------------------------------------------------------------------------------

    def _organizations(self, n):
        rng = self.rng
        kinds = OrganizationKind.values
        self.organization_ids = list(range(1, n + 1))
        self.organization_names = {}
        today = timezone.localdate()

        def rows():
            for i in self.organization_ids:
                country = "" if i % 25 == 0 else COUNTRIES[i % len(COUNTRIES)]
                listing = Listing.NAMED
                if i % 20 == 7:
                    listing = Listing.COUNTED
                elif i % 20 == 13:
                    listing = Listing.UNLISTED
                status = MemberStatus.SUSPENDED if i % 40 == 3 else MemberStatus.ACTIVE
                name = f"{rng.choice(['Citizens', 'Friends', 'Alliance', 'Network'])} for " + (
                    f"{rng.choice(WORDS['en']).title()} {i}"
                )
                self.organization_names[i] = name
                yield {
                    "id": i,
                    "name": name,
                    "slug": f"bench-org-{i:05d}",
                    "acronym": f"B{i}",
                    "country": country,
                    "region": region_for(country),
                    "kind": kinds[i % len(kinds)],
                    "description_en": f"A member organization working on {name.lower()}.",
                    "member_since": today - datetime.timedelta(days=i % 5000),
                    "status": status,
                    "listing": listing,
                    "created_at": self.now,
                    "updated_at": self.now,
                }

        self._insert(Organization, rows())

    def _supporters(self, n):
        rng = self.rng
        self.supporter_ids = list(range(1, n + 1))
        first = [
            "Ana",
            "Ben",
            "Chae",
            "Daisuke",
            "Elena",
            "Farid",
            "Grace",
            "Hyun",
            "Ines",
            "Jun",
            "Kenji",
            "Lena",
            "Min",
            "Noor",
        ]
        last = [
            "Kim",
            "Lee",
            "Park",
            "Tanaka",
            "Sato",
            "Smith",
            "Garcia",
            "Rossi",
            "Nguyen",
            "Khan",
            "Silva",
            "Müller",
        ]
        today = timezone.localdate()

        def rows():
            for i in self.supporter_ids:
                country = COUNTRIES[(i * 7) % len(COUNTRIES)]
                full_name = f"{rng.choice(first)} {rng.choice(last)} {i}"
                yield {
                    "id": i,
                    "full_name": full_name,
                    "name_initials": initials(full_name),
                    "display_name": f"Friend {i}" if i % 3 == 0 else "",
                    "affiliation": "Researcher" if i % 4 == 0 else "",
                    "country": country,
                    "region": region_for(country),
                    "visibility": VISIBILITIES[i % len(VISIBILITIES)],
                    "email": f"person{i}@example.org",
                    "status": MemberStatus.LEFT if i % 50 == 9 else MemberStatus.ACTIVE,
                    "left_on": today if i % 50 == 9 else None,
                    "member_since": today - datetime.timedelta(days=i % 4000),
                    "created_at": self.now,
                    "updated_at": self.now,
                }

        self._insert(Supporter, rows())

    def _campaigns(self, n):
        self.campaign_ids = list(range(1, n + 1))
        statuses = [Campaign.Status.ACTIVE, Campaign.Status.ACHIEVED, Campaign.Status.CLOSED]
        start = datetime.date(2010, 1, 1)
        campaigns = (
            {
                "id": i,
                "slug": f"bench-campaign-{i:03d}",
                "title_en": f"Campaign {i}: a commission of inquiry",
                "title_ko": f"캠페인 {i}: 조사위원회",
                "title_ja": f"キャンペーン {i}: 調査委員会",
                "goal_en": "A United Nations investigation of crimes against humanity.",
                "description_en": "Members campaign together for an international inquiry.",
                "status": statuses[i % 3],
                "started_on": start + datetime.timedelta(days=i * 17),
                "is_public": i % 10 != 0,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for i in self.campaign_ids
        )
        self._insert(Campaign, campaigns)
        milestones = (
            {
                "id": (c - 1) * MILESTONES_PER_CAMPAIGN + m + 1,
                "campaign_id": c,
                "date": start + datetime.timedelta(days=c * 17 + m * 60),
                "title_en": f"Step {m + 1}",
                "title_ko": f"{m + 1}단계",
                "title_ja": f"第{m + 1}段階",
            }
            for c in self.campaign_ids
            for m in range(MILESTONES_PER_CAMPAIGN)
        )
        self._insert(Milestone, milestones)

    def _statements(self, per_language):
        """20,000 a language; a quarter of the Korean and Japanese ones translate an English
        one (same translation key), the rest are originals. 2% drafts, 1% scheduled."""
        rng = self.rng
        bodies = {}
        for language, words in WORDS.items():
            bodies[language] = []
            for v in range(20):
                paragraphs = [
                    " ".join(rng.choice(words) for _ in range(60)) for _ in range(4 + v % 4)
                ]
                body = "\n\n".join(["## " + " ".join(words[v % 5 : v % 5 + 3]), *paragraphs])
                bodies[language].append((body, render_markdown(body)))
        self.statements = []  # (id, published date, translation key) for signatures
        keys = [uuid.uuid4() for _ in range(per_language)]
        kinds = Statement.Kind.values
        translated = per_language // 4
        spacing = datetime.timedelta(hours=6)
        ids = itertools.count(1)
        english_ids = {}

        def rows():
            for language in ("en", "ko", "ja"):
                words = WORDS[language]
                for i in range(per_language):
                    pk = next(ids)
                    published_at = self.now - spacing * (i + 1) - datetime.timedelta(minutes=pk)
                    status = Statement.Status.PUBLISHED
                    if i % 50 == 11:
                        status = Statement.Status.DRAFT
                    elif i % 100 == 0:
                        published_at = self.now + datetime.timedelta(days=30 + i % 7)
                    is_translation = language != "en" and i < translated
                    if language == "en":
                        english_ids[i] = pk
                    body, body_html = bodies[language][i % 20]
                    title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
                    key = keys[i] if is_translation or language == "en" else uuid.uuid4()
                    self.statements.append((pk, published_at.date(), key))
                    yield {
                        "id": pk,
                        "kind": kinds[i % len(kinds)],
                        "title": f"{title} {i}",
                        "slug": f"bench-{language}-{i:05d}",
                        "language": language,
                        "translation_key": key,
                        "translation_of_id": english_ids[i] if is_translation else None,
                        "dateline": DATELINES[language][i % len(DATELINES[language])],
                        "published_at": published_at,
                        "status": status,
                        "summary": " ".join(rng.choice(words) for _ in range(25)),
                        "body": body,
                        "body_html": body_html,
                        "campaign_id": self.campaign_ids[i % len(self.campaign_ids)]
                        if i % 4 == 0
                        else None,
                        "created_at": published_at,
                        "updated_at": published_at,
                    }

        self._insert(Statement, rows())
        # COPY bypasses save(): fill the stored search vectors in one UPDATE.
        refresh_search_vectors(Statement.objects.all())

    def _signatures(self):
        """40 on every statement: organizations (under their name at signing) then people."""
        orgs, people = self.organization_ids, self.supporter_ids
        n_orgs = min(len(orgs), SIGNATURES_PER_STATEMENT * 3 // 4)
        n_people = min(len(people), SIGNATURES_PER_STATEMENT - n_orgs)
        names = self.organization_names
        created = self.now
        ids = itertools.count(1)

        def rows():
            for index, (statement_id, signed_on, key) in enumerate(self.statements):
                base = index * 37
                for j in range(n_orgs):
                    org = orgs[(base + j) % len(orgs)]
                    yield {
                        "id": next(ids),
                        "statement_id": statement_id,
                        "translation_key": key,
                        "organization_id": org,
                        "supporter_id": None,
                        "name_at_signing": names[org],
                        "local_name_at_signing": "",  # the seeded organizations have none
                        "order": j,
                        "signed_on": signed_on,
                        "created_at": created,
                    }
                for j in range(n_people):
                    yield {
                        "id": next(ids),
                        "statement_id": statement_id,
                        "translation_key": key,
                        "organization_id": None,
                        "supporter_id": people[(base * 3 + j) % len(people)],
                        "name_at_signing": "",
                        "order": n_orgs + j,
                        "signed_on": signed_on,
                        "created_at": created,
                    }

        self.signature_count = self._insert(Signature, rows())


TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField"}
TEXT_TYPES |= {"ImageField"}
PREPARED_TYPES = {"DateField", "DateTimeField", "UUIDField"}
