"""An organization that signed many statements shows them twenty at a time."""

import datetime

import pytest
from django.utils import timezone

from members.models import Organization
from statements.models import Signature, Statement

pytestmark = pytest.mark.django_db


def test_statements_an_organization_signed_are_paged(client, site_settings, settings):
    settings.PAGE_CACHE_SECONDS = 0
    org = Organization.objects.create(name="Open North Korea", slug="open-north-korea")
    now = timezone.now()
    for n in range(25):
        statement = Statement.objects.create(
            title=f"Signed statement {n:02d}", slug=f"signed-{n}", language="en", body="Text.",
            status="published", published_at=now - datetime.timedelta(days=n),
        )  # fmt: skip
        Signature.objects.create(statement=statement, organization=org)
    first = client.get("/en/members/open-north-korea/").content.decode()
    assert first.count("Signed statement ") == 20
    assert "Signed statement 00" in first and "Signed statement 20" not in first
    assert "Page 1 of 2" in first
    second = client.get("/en/members/open-north-korea/?page=2").content.decode()
    assert second.count("Signed statement ") == 5
    assert "Signed statement 24" in second
    # A page number out of range shows the last page rather than an error; one that is not a
    # number, the first.
    for number in ("99", "100001", "9" * 5000):  # past the APIs' largest page number too
        past = client.get(f"/en/members/open-north-korea/?page={number}").content.decode()
        assert past.count("Signed statement ") == 5 and "Page 2 of 2" in past
    odd = client.get("/en/members/open-north-korea/?page=two").content.decode()
    assert "Signed statement 00" in odd and "Page 1 of 2" in odd


def test_each_statement_it_signed_is_listed_once_in_the_readers_language_with_its_date(
    client, site_settings, settings
):
    """One row a statement, newest first: the reader's language version, else the original;
    linked to that version's page, dated in the reader's language and the coalition's zone.
    Withdrawn signatures, drafts and statements scheduled for later are not listed."""
    settings.PAGE_CACHE_SECONDS = 0
    org = Organization.objects.create(name="Open North Korea", slug="open-north-korea")
    at = datetime.datetime(2013, 1, 25, 2, 0, tzinfo=datetime.UTC)  # 11:00 in Tokyo

    def make(title, slug, language="en", days=0, **fields):
        return Statement.objects.create(
            title=title, slug=slug, language=language, body="Text.",
            status=fields.pop("status", "published"),
            published_at=at - datetime.timedelta(days=days), **fields,
        )  # fmt: skip

    original = make("Welcomes the inquiry", "welcomes")
    make("조사위원회 환영", "inquiry-ko", "ko", days=-1, translation_of=original)
    older = make("Older & shorter", "older", days=3)
    withdrawn = make("Withdrawn from", "withdrawn", days=1)
    draft = make("A draft", "draft", days=1, status="draft")
    later = make("Scheduled", "scheduled", days=-365 * 100)
    for statement in (original, older, withdrawn, draft, later):
        Signature.objects.create(statement=statement, organization=org)
    Signature.objects.filter(statement=withdrawn).update(withdrawn_on=datetime.date(2013, 2, 1))

    def rows(language):
        html = client.get(f"/{language}/members/open-north-korea/").content.decode()
        return html[
            html.index('<ul class="signed-list">') : html.index("</ul>", html.index("signed-list"))
        ]

    korean = rows("ko")
    assert korean.count("<li>") == 2
    assert (
        '<li><a href="/ko/statements/inquiry-ko/">'
        '조사위원회 환영</a> <time class="muted small" datetime="2013-01-26T11:00:00+0900">'
        "2013년 1월 26일</time></li>"
    ) in korean
    assert (
        '<li><a href="/en/statements/older/">Older &amp; shorter</a> <time class="muted small"'
        ' datetime="2013-01-22T11:00:00+0900">2013년 1월 22일</time></li>'
    ) in korean
    assert korean.index("조사위원회 환영") < korean.index("Older")
    japanese = rows("ja")
    assert japanese.count("<li>") == 2
    assert '<a href="/en/statements/welcomes/">Welcomes the inquiry</a>' in japanese
    assert ">2013年1月25日</time>" in japanese
    english = rows("en")
    assert '<a href="/en/statements/welcomes/">Welcomes the inquiry</a>' in english
    assert ">25 January 2013</time>" in english and ">22 January 2013</time>" in english
    for hidden in ("Withdrawn from", "A draft", "Scheduled", "조사위원회 환영"):
        assert hidden not in english


def test_a_statement_made_a_translation_stays_on_the_page_of_who_signed_it(
    client, site_settings, settings
):
    """Staff link a Korean statement, signed on its own, as the translation of an English one:
    the organization that signed the Korean text is listed under the statement, in English for
    an English reader, and a move of the signature to another statement moves it on the page."""
    settings.PAGE_CACHE_SECONDS = 0
    org = Organization.objects.create(name="Open North Korea", slug="open-north-korea")
    at = timezone.now() - datetime.timedelta(days=2)

    def make(title, slug, language):
        return Statement.objects.create(
            title=title, slug=slug, language=language, body="Text.", status="published",
            published_at=at,
        )  # fmt: skip

    english = make("Welcomes the inquiry", "welcomes", "en")
    korean = make("조사위원회 환영", "inquiry-ko", "ko")
    signature = Signature.objects.create(statement=korean, organization=org)

    def listed(language):
        html = client.get(f"/{language}/members/open-north-korea/").content.decode()
        start = html.index('<ul class="signed-list">')
        return html[start : html.index("</ul>", start)]

    assert "Welcomes the inquiry" not in listed("en")
    korean.translation_of = english
    korean.save()
    assert "Welcomes the inquiry" in listed("en")
    assert "조사위원회 환영" in listed("ko") and "Welcomes" not in listed("ko")

    other = make("Calls for accountability", "accountability", "en")
    signature.statement = other
    signature.save()
    english_list = listed("en")
    assert "Calls for accountability" in english_list and "Welcomes" not in english_list
