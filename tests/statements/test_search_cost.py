"""A search costs an index lookup, and a query that runs too long is cut short with a 503.

On PostgreSQL only: SQLite has neither text vectors, GIN indexes nor a statement timeout (it
searches by plain matching, tested in test_search.py).
"""

import os
import random
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from statements import search
from statements.models import Statement
from tests.factories import another_session, bulk_statements

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes and timeout"),
]


def plan(queryset):
    """The plan PostgreSQL picks for a search's own conditions when it may avoid reading the
    whole table (a test's table is tiny, and a scan of a few rows is cheaper than any index).
    The list page and the API add language, status and date, which other indexes serve.

    A search ranks its newest matches only (SEARCH_WINDOW): for a common word PostgreSQL walks
    the date index, for a rare one the text indexes. On a tiny table the date index always
    looks cheaper, so plain index walks are off too: what is left is what a rare word reads."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


def test_english_search_reads_the_gin_index_of_stored_vectors(make_statement):
    make_statement(title="Inquiry into crimes", body="A commission of inquiry.")
    found = Statement.objects.search("inquiries", language="en")
    assert "statement_search_idx" in plan(found)
    assert [s.title for s in found] == ["Inquiry into crimes"]


def test_korean_and_japanese_search_read_the_index_of_character_pairs(make_statement):
    # Two characters (the commonest Korean and Japanese search, which no trigram could
    # serve), a longer word, and Latin letters in any case.
    ko = make_statement(language="ko", title="유엔 조사위원회", body="UN이 조사합니다.")
    ja = make_statement(language="ja", title="国連調査委員会", body="人道に対する罪を調査します。")
    for language, query, statement in [
        ("ko", "유엔", ko),
        ("ko", "조사위원회", ko),
        ("ko", "un", ko),
        ("ja", "調査委員会", ja),
        ("ja", "罪", ja),
    ]:
        found = Statement.objects.search(query, language=language)
        text = plan(found)
        assert "statement_search_idx" in text, text
        assert "Seq Scan" not in text, text
        assert list(found) == [statement], query


def test_a_search_in_every_language_reads_all_the_indexes(make_statement):
    # The API without ?language=: English by its words, the others by their pairs.
    english = make_statement(title="Inquiry into crimes", body="A commission of inquiry.")
    korean = make_statement(language="ko", title="Inquiry 보고서", body="조사위원회 보고서.")
    found = Statement.objects.search("inquiry")
    text = plan(found)
    assert "Seq Scan" not in text, text
    assert "statement_search_idx" in text, text
    assert set(found) == {english, korean}


def test_the_pairs_find_what_the_text_holds_whatever_its_characters(make_statement):
    """Quotes, backslashes and the tsquery operators are characters of the text, in a
    statement and in a query alike; a phrase is found where its words stand together."""
    odd = make_statement(
        language="ko",
        title="성명: 'O\\Brien' & <보고서> | !중요",
        body="유엔 조사위원회 설립을 촉구합니다.",
    )
    make_statement(language="ko", title="다른 소식", body="조사위원회와 유엔.")
    for query in ["'o\\b", "& <보고", "| !중", "유엔 조사위원회", "성"]:
        assert list(Statement.objects.search(query, language="ko")) == [odd], query
    assert list(Statement.objects.search("유엔 설립", language="ko")) == []


def test_editing_a_korean_statement_updates_its_pairs(make_statement):
    statement = make_statement(language="ko", title="수용소", body="강제노동에 관한 보고.")
    statement.body = "생존자들의 증언."
    statement.save(update_fields=["body"])
    korean = Statement.objects.published().in_language("ko")
    assert list(korean.search("증언", language="ko")) == [statement]
    assert list(korean.search("강제노동", language="ko")) == []


def test_a_bulk_load_writes_the_pairs_of_korean_and_japanese_statements():
    bulk_statements(3, language="ja")
    found = Statement.objects.search("statement 1", language="ja")
    assert "statement_search_idx" in plan(found)
    assert [s.slug for s in found] == ["bulk-ja-1"]


def test_editing_a_statement_updates_what_search_finds(make_statement):
    statement = make_statement(title="Camps", body="Forced labour in the camps.")
    statement.body = "Testimony of survivors."
    statement.save()
    english = Statement.objects.published().in_language("en")
    assert list(english.search("testimonies", language="en")) == [statement]
    assert list(english.search("labour", language="en")) == []


def test_english_search_needs_every_word(make_statement):
    both = make_statement(title="Detention camps", body="Survivors of detention camps speak.")
    make_statement(title="Detention", body="Nothing about the other word.")
    make_statement(title="Unrelated", body="Famine.")
    found = Statement.objects.published().search("detention camps", language="en")
    assert list(found) == [both]


def test_web_requests_are_capped_and_commands_are_not():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
    environment = {**os.environ, "DEBUG": "1"}
    environment.pop("DATABASE_STATEMENT_TIMEOUT", None)
    shown = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection; c = connection.cursor(); "
            "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert shown.stdout.strip().splitlines()[-1] == "0"


@pytest.fixture
def statements_locked():
    """Another session holds the statements table, as a long migration would: every query of
    it waits, and the time limit cancels it. (Requests run in autocommit here, as in
    production, hence the transactional tests.)"""
    other = another_session()
    other.execute("LOCK TABLE statements_statement IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 300")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")
    other.rollback()
    other.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/en/statements/?q=inquiry", "took too long"),
        ("/ko/statements/?q=조사", "데이터베이스 처리 시간이 너무 길어"),
    ],
)
def test_a_search_over_the_time_limit_answers_503_with_a_reason(
    client, site_settings, statements_locked, path, reason
):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert reason in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_api_search_over_the_time_limit_answers_503_in_json(
    client, site_settings, statements_locked
):
    response = client.get("/api/v1/statements/", {"q": "inquiry"})
    assert response.status_code == 503
    assert "took too long" in response.json()["detail"]


def test_the_index_is_asked_for_the_grams_fewest_statements_hold(make_statement, monkeypatch):
    """PostgreSQL multiplies the shares of the grams it is asked for, as if independent: the
    search asks for the two rarest only, by the table's statistics, so that a common word of
    many pairs is not taken for a rare one (and read through the index, every statement)."""
    for i in range(30):
        make_statement(language="ko", title=f"조사위원회 {i}", body="조사위원회 보고서.")
    rare = make_statement(language="ko", title="조사위원장", body="위원장 성명.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")
    monkeypatch.setattr(search, "_statistics", {"read_at": -1e9, "frequencies": {}})
    frequencies = search._frequencies()
    assert frequencies["조사"] > 0.5  # in every Korean statement
    assert frequencies.get("원장", 0) < 0.1  # in one
    # 조사위원장: the pairs only the rare statement has come first.
    assert search._rarest({"조사", "사위", "위원", "원장"}, frequencies) == ["원장", "사위"]
    rare_search = Statement.objects.search("조사위원장", language="ko")
    assert list(rare_search) == [rare]
    assert "@@" in str(rare_search.query)  # through the index
    # A word every statement holds: the newest by date, without reading each one's grams.
    common_search = Statement.objects.search("조사위원회", language="ko")
    assert len(common_search) == 30
    assert "@@" not in str(common_search.query)


def test_english_words_do_not_make_a_korean_search_look_common(make_statement, monkeypatch):
    """ "UN" is in most English statements ("un" in their vectors); in one Korean statement
    it is rare, and a Korean search for it reads the index."""
    for i in range(30):
        make_statement(title=f"UN inquiry {i}", body="The UN must act. UN members agree.")
    korean = make_statement(language="ko", title="UN 조사위원회", body="보고서.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")
    monkeypatch.setattr(search, "_statistics", {"read_at": -1e9, "frequencies": {}})
    assert search._frequencies().get("un", 0) < 0.1
    found = Statement.objects.search("UN", language="ko")
    assert list(found) == [korean]
    assert "@@" in str(found.query)


def test_a_body_written_past_the_forms_limit_is_saved_and_searched_as_far_as_they_allow(
    make_statement,
):
    """Written other than through a form (a shell, a bulk load), a body of 200,000 kanji
    that never repeat a pair would make more grams than a vector holds: the vector takes the
    part a form would have accepted, and the save goes through."""
    rng = random.Random(1)
    noise = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(200_000))
    statement = make_statement(language="ja", title="長文", body=f"拉致問題 {noise}")
    assert list(Statement.objects.search("拉致問題", language="ja")) == [statement]


def test_letters_python_and_postgresql_lower_case_differently_are_still_found(make_statement):
    """İ and a word-final Σ: the grams lower-case them as PostgreSQL does, whose lower() the
    search reads a text with when the query has capitals."""
    turkish = make_statement(language="ko", title="İstanbul 회의", body="회의 보고.")
    greek = make_statement(language="ja", title="ΝΟΣ 報告", body="ΝΟΣΟΚΟΜΕΙΟ の報告。")
    for query in ["istanbul", "İSTANBUL", "Istanbul"]:
        assert list(Statement.objects.search(query, language="ko")) == [turkish], query
    for query in ["ΝΟΣ", "νοσοκομειο", "ΝΟΣ 報告"]:
        assert list(Statement.objects.search(query, language="ja")) == [greek], query
