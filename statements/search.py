"""Searching statements: ranked full-text search on PostgreSQL, plain matching on SQLite.

English uses PostgreSQL's English configuration (stemming: "investigate" finds
"investigation"), read from a vector stored on each English statement (`search_vector`, kept by
`Statement.save()` and `refresh_search_vectors()`, GIN-indexed by migration 0004), so a search
reads an index instead of parsing every statement on every request. Korean and Japanese are not
split into words by spaces the way PostgreSQL's parsers expect, so for them the search looks for
the query inside the text (case-insensitive substring, which finds a word inside CJK text; on
PostgreSQL trigram indexes serve it) and ranks title matches first, then newest.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.lookups import Contains, IContains

MAX_QUERY_LENGTH = 200
# A search ranks the newest matches only, at most this many: ranking reads each match's text
# (ts_rank on the stored vector), so ranking all of them would cost in proportion to the
# archive, 0.7 s for a common word at full size. The list says when the window is full.
SEARCH_WINDOW = 200


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


def vector_for(statement):
    """What `statement.search_vector` should hold: an expression the database evaluates on
    save. None for Korean and Japanese (searched by substring) and on databases other than
    PostgreSQL, which have no text vectors."""
    if connection.vendor != "postgresql" or statement.language != "en":
        return None
    return english_vector(
        Value(statement.title or ""), Value(statement.summary or ""), Value(statement.body or "")
    )


def refresh_search_vectors(queryset):
    """Recompute the stored vectors of many statements in one UPDATE, for writes that bypass
    `save()` (bulk loads such as benchmarks/seeding.py). Returns the rows updated."""
    if connection.vendor != "postgresql":
        return 0
    return queryset.update(
        search_vector=Case(
            When(language="en", then=english_vector()),
            default=Value(None),
            output_field=SearchVectorField(),
        )
    )


class _ContainsAnyCase(Contains):
    """`icontains` as PostgreSQL's ILIKE, which the trigram indexes on the columns themselves
    serve (Django's `icontains` there is UPPER(column) LIKE UPPER(pattern)). For a value
    only, as `_contains` gives it: an expression on the right would need Django's pattern
    operators."""

    def get_rhs_op(self, connection, rhs):
        return f"ILIKE {rhs}"


def _containing(query):
    """The lookup that finds `query` inside a column in any case, as cheaply as it can be
    asked. A query without a letter that has a case (Hangul, kana, kanji, digits) is the same
    in any case: PostgreSQL reads the text as it is (LIKE), where upper-casing every title,
    summary and body first cost a millisecond for the 200 newest statements a Korean search
    ranks. Other queries: ILIKE. Both are served by the same trigram indexes. SQLite: Django's
    own `icontains`."""
    if connection.vendor != "postgresql":
        return IContains
    if query.upper() == query.lower():
        return Contains
    return _ContainsAnyCase


def _contains(query, fields=("title", "summary", "body")):
    lookup = _containing(query)
    condition = Q()
    for name in fields:
        condition |= lookup(F(name), query)
    return condition


def _newest(queryset, condition):
    """The rows of `queryset` that meet `condition`, the newest SEARCH_WINDOW of them: one
    subquery that walks the date index (a common word) or the text index (a rare one)."""
    window = queryset.filter(condition).order_by("-published_at", "-pk").values("pk")
    return queryset.filter(pk__in=window[:SEARCH_WINDOW])


def _substring(queryset, query):
    return _newest(queryset, _contains(query)).annotate(
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
        # No word stemming for CJK text: substrings, through the trigram indexes.
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
            Q(language="en", search_vector=english) | (~Q(language="en") & _contains(query)),
        )
    return matches.annotate(
        search_rank=SearchRank(F("search_vector"), english),
        title_hit=Case(
            When(_contains(query, ["title"]), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by(F("title_hit").desc(), F("search_rank").desc(nulls_last=True), "-published_at")
    # (Korean and Japanese rows have no vector, hence no rank: after English ones of a tie.)
