"""Search finds statements in every language; ranked full-text on PostgreSQL, plain on SQLite.

These run on both databases (DATABASE_URL decides); the last one only on PostgreSQL.
"""

import datetime

import pytest
from django.db import connection
from django.utils.html import escape

from statements.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_statement):
    return {
        "inquiry": make_statement(
            title="Coalition welcomes Japan's decision",
            body="Japan will negotiate for a commission of inquiry into crimes against humanity.",
        ),
        "camps": make_statement(title="Prison camps report", body="About political prisoners."),
        "ko": make_statement(
            language="ko",
            title="국제연대, 일본 정부의 결정 환영",
            body="북한의 반인도범죄를 조사할 유엔 조사위원회 설립을 촉구합니다.",
        ),
        "ja": make_statement(
            language="ja",
            title="日本政府の決定を歓迎",
            body="北朝鮮における人道に対する罪を調査する国連調査委員会の設置を求めます。",
        ),
    }


def titles(client, lang, q):
    html = client.get(f"/{lang}/statements/", {"q": q}).content.decode()
    return [s for s in Statement.objects.values_list("title", flat=True) if escape(s) in html]


def test_search_finds_english_words(client, site_settings, corpus):
    assert titles(client, "en", "inquiry") == [corpus["inquiry"].title]
    assert titles(client, "en", "prison") == [corpus["camps"].title]


def test_search_finds_words_inside_korean_and_japanese_text(client, site_settings, corpus):
    assert titles(client, "ko", "조사위원회") == [corpus["ko"].title]
    assert titles(client, "ja", "調査委員会") == [corpus["ja"].title]
    assert titles(client, "ja", "人道") == [corpus["ja"].title]


def test_korean_and_japanese_search_finds_latin_words_in_any_case_and_wildcards_as_text(
    client, site_settings, make_statement
):
    """A query with letters that have a case is matched in any case; one without (Hangul,
    kana, kanji, digits) as it is, which is the same thing. % and _ are characters."""
    now = datetime.datetime.now(datetime.UTC)
    report = make_statement(
        language="ko",
        title="유엔 COI 보고서",
        body="Commission of Inquiry 설립을 촉구합니다. 참여율 50%, 파일 report_v2.",
        published_at=now - datetime.timedelta(days=1),
    )
    other = make_statement(
        language="ko",
        title="다른 소식",
        body="참여자 500명, 파일 reportXv2. 유엔 보고서의 coi 요약.",
        published_at=now,
    )
    assert titles(client, "ko", "commission of INQUIRY") == [report.title]
    assert titles(client, "ko", "50%") == [report.title]
    assert titles(client, "ko", "REPORT_V2") == [report.title]
    # Both match; the one with the word in its title comes first, though older.
    for query in ["coi", "보고서"]:
        found = Statement.objects.published().search(query, language="ko")
        assert [s.title for s in found] == [report.title, other.title], query


def test_search_with_no_match_says_so(client, site_settings, corpus):
    html = client.get("/en/statements/", {"q": "zzzz"}).content.decode()
    assert "No statement matches “zzzz”." in html


def test_search_ranks_title_matches_first(client, site_settings, make_statement):
    make_statement(title="Other news", body="The word camps appears only in the body here.")
    make_statement(title="Camps in the title", body="Nothing else.")
    assert [s.title for s in Statement.objects.published().search("camps")] == [
        "Camps in the title",
        "Other news",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_search_stems_english_words(corpus):
    # "investigating" and "inquiries" share stems with words in the text, not substrings.
    found = Statement.objects.published().in_language("en").search("inquiries")
    assert [s.title for s in found] == [corpus["inquiry"].title]


def test_a_search_matching_more_than_the_window_ranks_the_newest_and_says_so(
    client, make_statement, monkeypatch
):
    # Ranking reads every match's text: a search ranks the newest SEARCH_WINDOW matches only,
    # so its cost does not grow with the archive, and the page tells the reader.
    from statements import search

    monkeypatch.setattr(search, "SEARCH_WINDOW", 3)
    now = datetime.datetime.now(datetime.UTC)
    for days in range(5):
        make_statement(title=f"Camps report {days}", published_at=now - datetime.timedelta(days))
    for lang, query in [("en", "camps")]:
        html = client.get(f"/{lang}/statements/", {"q": query}).content.decode()
        assert [f"Camps report {d}" in html for d in range(5)] == [True] * 3 + [False] * 2
        assert "Only the 3 most recent matches are shown." in html
    html = client.get("/en/statements/", {"q": "Camps report 4"}).content.decode()
    assert "most recent matches" not in html


def test_a_search_counts_its_matches_and_pages_them(client, site_settings, make_statement):
    # The page and the number of matches are read together (statements.views.SearchPaginator).
    now = datetime.datetime.now(datetime.UTC)
    for days in range(25):
        make_statement(
            title=f"Camps report {days:02d}", published_at=now - datetime.timedelta(days)
        )
    make_statement(title="Other news", body="Nothing to find.")

    def page(**params):
        response = client.get("/en/statements/", {"q": "camps", **params})
        return response.status_code, response.content.decode()

    status, first = page()
    assert status == 200 and "25 statements" in first and "Page 1 of 2" in first
    assert first.count('class="statement-card"') == 20
    assert "Camps report 00" in first and "Camps report 20" not in first
    status, second = page(page=2)
    assert "25 statements" in second and "Page 2 of 2" in second
    assert second.count('class="statement-card"') == 5 and "Camps report 24" in second
    assert page(page=3)[0] == 404
    status, kind = page(kind="report")
    assert status == 200 and "0 statements" in kind and "No statement matches" in kind
