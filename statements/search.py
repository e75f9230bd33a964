"""Searching statements: ranked full-text search on PostgreSQL, plain matching on SQLite.

English uses PostgreSQL's English configuration (stemming: "investigate" finds
"investigation"), read from a vector stored on each English statement (`search_vector`, kept by
`Statement.save()` and `refresh_search_vectors()`, GIN-indexed by migration 0004), so a search
reads an index instead of parsing every statement on every request. Korean and Japanese are not
split into words by spaces the way PostgreSQL's parsers expect, so for them the search looks for
the query inside the text (case-insensitive substring, which finds a word inside CJK text) and
ranks title matches first, then newest.

On PostgreSQL a Korean or Japanese statement's `search_vector` holds its character pairs
instead (`grams()`: "북한인권" gives 북한, 한인 and 인권, and every single character), so that the
same GIN index finds the few statements that can contain a query before any text is read:
neither a word of two characters, the commonest Korean and Japanese search, nor a rare one had
an index to narrow them (pg_trgm needs three characters, and misjudged rare words), and a
search for "UN" read all 20,000 Korean statements of the benchmark's archive (0.5 s).
"""

import time
from itertools import batched, pairwise

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import IContains, Lookup

from statements.models import BODY_MAX_LENGTH, Statement

MAX_QUERY_LENGTH = 200
# A search ranks the newest matches only, at most this many: ranking reads each match's text
# (ts_rank on the stored vector), so ranking all of them would cost in proportion to the
# archive, 0.7 s for a common word at full size. The list says when the window is full.
SEARCH_WINDOW = 200
# Korean and Japanese statements whose pairs a bulk refresh writes per round trip.
BATCH = 500


def english_vector(title="title", summary="summary", body="body"):
    """The English vector of a statement, title weighted above summary above body.

    The arguments are columns (to recompute stored rows in one UPDATE) or `Value`s (for one
    row being saved: an INSERT cannot read the row's own columns).
    """
    return (
        SearchVector(title, weight="A", config="english")
        + SearchVector(summary, weight="B", config="english")
        + SearchVector(body, weight="C", config="english")
    )


def grams(*texts):
    """What a Korean or Japanese statement's vector holds, each text (title, summary, body)
    lower-cased and cut at its spaces into runs: every character and pair of characters of
    each run, and where two runs meet, the last character of one, a space and the first of
    the next ("정의 인권" gives 의 인). A query found inside a text has its own such grams
    (`_gram_query`) among these: each run of the query lies inside a run of the text, and
    where the query has a space, the text has runs that meet there."""
    found = set()
    for text in texts:
        runs = _lower(text or "").split()
        for run in runs:
            found.update(run)
            found.update(_pairs(run))
        found.update(_meetings(runs))
    return found


# Python lower-cases two letters otherwise than PostgreSQL, whose lower() the search for a query
# with capitals reads the text with: İ (to i and a combining dot, where PostgreSQL gives i) and
# Σ (to ς at the end of a word, where PostgreSQL always gives σ). Both as PostgreSQL does.
_AS_POSTGRESQL = str.maketrans({"İ": "i", "Σ": "σ"})


def _lower(text):
    return text.translate(_AS_POSTGRESQL).lower()


def _pairs(run):
    return (run[i : i + 2] for i in range(len(run) - 1))


def _meetings(runs):
    return (f"{before[-1]} {after[0]}" for before, after in pairwise(runs))


# Every gram is stored after a space, which no word of an English statement's vector can hold,
# so that a gram never meets an English word of the same letters: "un", from "UN", is in most
# English statements, and would have made the Latin letters of a Korean search look common.
MARK = " "


def _quoted(grams):
    """Grams as tsvector and tsquery text write them: marked, quoted, quotes and backslashes
    doubled, so that no character of a statement or a query is read as syntax."""
    return [
        "'" + MARK + gram.replace("\\", "\\\\").replace("'", "''") + "'" for gram in sorted(grams)
    ]


def _gram_text(title, summary, body):
    """The text of a Korean or Japanese statement's vector. Of a body longer than the forms
    accept (written some other way), the part they would: a longer one could make more grams
    than a vector holds, and the save would fail."""
    return " ".join(_quoted(grams(title, summary, (body or "")[:BODY_MAX_LENGTH])))


def _gram_vector(statement):
    return Cast(
        Value(_gram_text(statement.title, statement.summary, statement.body)),
        SearchVectorField(),
    )


def _gram_query(query):
    """The tsquery every statement containing `query` meets: the two rarest (`_rarest`) of
    the grams of the query (`grams`: each pair of each run, where runs meet; a run of one
    character: the character), as a constant, so that PostgreSQL's statistics say how common
    they are: few statements, the index; many, the newest by date until 200 match.

    None when even the rarest is common (COMMON_SHARE): the newest statements by date hold
    the query soon enough, and testing each one's grams on the way only adds to the cost
    (the vector of 2 KB read for each: 2.3 ms against 0.4 for the 200 newest matches of
    인권)."""
    runs = _lower(query).split()
    needed = set(_meetings(runs))
    for run in runs:
        needed.update(_pairs(run) if len(run) > 1 else run)
    frequencies = _frequencies()
    rarest = _rarest(needed, frequencies)
    if frequencies.get(rarest[0], 0.0) >= COMMON_SHARE:
        return None
    return _Holds(F("search_vector"), " & ".join(_quoted(rarest)))


# A gram in this share of the statements that have a vector (a fifth: three in five Korean
# statements where the three languages are alike in number) is common.
COMMON_SHARE = 0.2


def _rarest(needed, frequencies, count=2):
    """The `count` grams of `needed` that fewest statements hold, as far as `frequencies` (the
    share of statements holding each common gram) tells; one it does not name is rarer than
    any it does. Two, not all: PostgreSQL multiplies the shares of the grams it is asked for,
    as if they came independently, so the four pairs of 조사위원회, in every Korean statement
    of the benchmark, looked rare together (1 statement in 100) and it read all 20,000 through
    the index (60 ms) where the newest 200 are the first 200 by date (10 ms). The text, read
    after, says which statements hold the whole query."""
    return sorted(needed, key=lambda gram: (frequencies.get(gram, 0.0), gram))[:count]


# The column's most common grams and words as PostgreSQL's statistics give them (refreshed
# when it analyses the table), read again at most this often by each process.
STATISTICS_SECONDS = 600
_statistics = {"read_at": -STATISTICS_SECONDS, "frequencies": {}}


def _frequencies():
    now = time.monotonic()
    if now - _statistics["read_at"] < STATISTICS_SECONDS:
        return _statistics["frequencies"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs"
            " FROM pg_stats JOIN pg_class ON pg_class.oid = %s::regclass"
            " JOIN pg_namespace ON pg_namespace.oid = pg_class.relnamespace"
            " WHERE schemaname = nspname AND tablename = relname AND attname = 'search_vector'",
            [Statement._meta.db_table],
        )
        row = cursor.fetchone()
    # Grams only, not English words. (The frequencies end with figures of their own, the
    # least and the most: zip leaves them.)
    common = zip(row[0], row[1], strict=False) if row and row[0] else ()
    frequencies = {lexeme[1:]: share for lexeme, share in common if lexeme.startswith(MARK)}
    _statistics.update(read_at=now, frequencies=frequencies)
    return frequencies


class _Holds(Lookup):
    """`vector @@ 'text'::tsquery`: the lexemes as written, where Django's `search_vector=`
    would parse them through a text search configuration (which splits "#1" and drops "in")."""

    lookup_name = "holds"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", (*lhs_params, *rhs_params)


def vector_for(statement):
    """What `statement.search_vector` should hold: an expression the database evaluates on
    save, English words for an English statement and character pairs for the others. None on
    databases other than PostgreSQL, which have no text vectors."""
    if connection.vendor != "postgresql":
        return None
    if statement.language != "en":
        return _gram_vector(statement)
    return english_vector(
        Value(statement.title or ""), Value(statement.summary or ""), Value(statement.body or "")
    )


def refresh_search_vectors(queryset):
    """Recompute the stored vectors of many statements, for writes that bypass `save()` (bulk
    loads such as benchmarks/seeding.py): the English ones in one UPDATE, the others' pairs
    worked out here. Returns the rows updated."""
    if connection.vendor != "postgresql":
        return 0
    updated = queryset.filter(language="en").update(search_vector=english_vector())
    others = queryset.exclude(language="en").values_list("pk", "title", "summary", "body")
    table = queryset.model._meta.db_table
    with connection.cursor() as cursor:
        for batch in batched(others.iterator(chunk_size=BATCH), BATCH, strict=False):
            cursor.executemany(
                f"UPDATE {table} SET search_vector = %s::tsvector WHERE id = %s",
                [(_gram_text(*texts), pk) for pk, *texts in batch],
            )
            updated += len(batch)
    return updated


class _Inside(Lookup):
    """`strpos(column, query) > 0`: the query inside the column as it is written, every
    character literal (no wildcard to escape). Cheaper than LIKE, and PostgreSQL has no
    estimate for it, so it takes the pairs' statistics as the measure of how many statements
    match. (It judged LIKE '%인권 정의%' so rare that it read all 20,000 Korean statements
    through the index, 95 ms, where the newest 200 matches are the first 220 by date, 2 ms.)"""

    lookup_name = "inside"
    template = "strpos({lhs}, {rhs}) > 0"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return self.template.format(lhs=lhs, rhs=rhs), (*lhs_params, *rhs_params)


class _InsideAnyCase(_Inside):
    template = "strpos(lower({lhs}), lower({rhs})) > 0"


def _containing(query):
    """The lookup that finds `query` inside a column in any case, as cheaply as it can be
    asked. A query without a letter that has a case (Hangul, kana, kanji, digits) is the same
    in any case: PostgreSQL reads the text as it is, where lower-casing every title, summary
    and body first costs four times as much on Korean text. Either reads only the statements
    the index of pairs gave, or the newest by date until 200 match. SQLite: Django's own
    `icontains`."""
    if connection.vendor != "postgresql":
        return IContains
    if query.upper() == query.lower():
        return _Inside
    return _InsideAnyCase


def _contains(query, fields=("title", "summary", "body")):
    lookup = _containing(query)
    condition = Q()
    for name in fields:
        condition |= lookup(F(name), query)
    return condition


def _newest(queryset, condition):
    """The rows of `queryset` that meet `condition`, the newest SEARCH_WINDOW of them: one
    subquery that walks the date index (a common word) or the vectors' index (a rare one)."""
    window = queryset.filter(condition).order_by("-published_at", "-pk").values("pk")
    return queryset.filter(pk__in=window[:SEARCH_WINDOW])


def _found_inside(query):
    """Korean and Japanese statements containing `query`: on PostgreSQL, unless the query is
    common, those whose grams hold the query's (the index), of which the text then says
    which really do."""
    if connection.vendor == "postgresql" and (grams_needed := _gram_query(query)) is not None:
        return grams_needed & _contains(query)
    return _contains(query)


def _substring(queryset, query):
    return _newest(queryset, _found_inside(query)).annotate(
        search_rank=Case(
            When(_contains(query, ["title"]), then=Value(2)),
            When(_contains(query, ["summary"]), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def search_statements(queryset, query, *, language=None):
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return queryset
    if connection.vendor != "postgresql" or (language and language != "en"):
        # No word stemming for CJK text: substrings, narrowed by their character pairs.
        return _substring(queryset, query).order_by("-search_rank", "-published_at")

    english = SearchQuery(query, config="english", search_type="websearch")
    # `@@` (the lookup on the stored vector) is what the GIN index answers. It also means what
    # websearch syntax says: every word, "a phrase", -not this word. (A rank above zero did
    # not: ts_rank gives 1e-20 to a statement that matches no word of a two-word query.)
    if language == "en":
        matches = _newest(queryset, Q(search_vector=english))
    else:
        matches = _newest(
            queryset,
            Q(language="en", search_vector=english) | (~Q(language="en") & _found_inside(query)),
        )
    return matches.annotate(
        # The others' vectors hold character pairs, not English words: no rank, so after
        # English statements of a tie.
        search_rank=Case(
            When(language="en", then=SearchRank(F("search_vector"), english)),
            default=Value(None),
            output_field=FloatField(),
        ),
        title_hit=Case(
            When(_contains(query, ["title"]), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by(F("title_hit").desc(), F("search_rank").desc(nulls_last=True), "-published_at")
