"""Searching statements: ranked full-text search on PostgreSQL, plain matching on SQLite.

English uses PostgreSQL's English configuration (stemming: "investigate" finds
"investigation"). Korean and Japanese are not split into words by spaces the way PostgreSQL's
parsers expect, so for them the search looks for the query inside the text (case-insensitive
substring, which finds a word inside CJK text) and ranks title matches first, then newest.
"""

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When

MAX_QUERY_LENGTH = 200


def _substring(queryset, query):
    return queryset.filter(
        Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
    ).annotate(
        search_rank=Case(
            When(title__icontains=query, then=Value(2)),
            When(summary__icontains=query, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def search_statements(queryset, query, *, language=None):
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return queryset
    if connection.vendor != "postgresql" or (language and language != "en"):
        # No word stemming for CJK text; and no text vector to compute for every row.
        return _substring(queryset, query).order_by("-search_rank", "-published_at")

    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    english = SearchQuery(query, config="english", search_type="websearch")
    matches = queryset.annotate(search_rank=SearchRank(vector, english)).filter(
        Q(language="en", search_rank__gt=0)
        | (
            ~Q(language="en")
            & (Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query))
        )
    )
    return matches.annotate(
        title_hit=Case(
            When(title__icontains=query, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by(F("title_hit").desc(), F("search_rank").desc(), "-published_at")
