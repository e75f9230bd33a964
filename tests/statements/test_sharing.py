"""A statement shared, followed in a feed reader, or read by a journalist on a phone (issue 13)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from statements.models import PressContact, Signature

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_a_statement_without_its_own_image_is_shared_with_the_coalitions(
    client, site_settings, statement
):
    html = client.get(statement.get_absolute_url()).content.decode()
    assert '<meta property="og:image" content="http://testserver/static/img/share.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json_ld(html)
    assert data["image"] == ["http://testserver/static/img/share.png"]
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/img/icon-512.png"
    # One set of share tags, the statement's own.
    assert html.count('property="og:title"') == 1
    assert f'<meta property="og:title" content="{statement.title}">' in html


def test_the_feed_names_its_author_and_dates_entries_by_publication(
    client, site_settings, make_statement, statement
):
    older = make_statement(title="Older")
    older.summary = "Corrected a typo today."
    older.save()  # updated_at moves on; its date as a statement does not
    feed = ET.fromstring(client.get("/en/statements/feed/").content)
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == site_settings.name_en
    updated = {
        e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}updated")
        for e in feed.findall(f"{ATOM}entry")
    }
    assert updated == {
        statement.title: statement.published_at.isoformat(),
        "Older": older.published_at.isoformat(),
    }


def test_the_feed_link_explains_what_a_feed_is_and_gives_its_address(client, site_settings):
    home = client.get("/ja/").content.decode()
    assert 'href="/ja/statements/feed/about/"' in home
    response = client.get("/ja/statements/feed/about/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "フィードリーダー" in html
    assert "http://testserver/ja/statements/feed/" in html


def test_a_journalist_finds_press_contacts_before_the_list_of_signatories(
    client, site_settings, statement, organization
):
    Signature.objects.create(statement=statement, organization=organization)
    PressContact.objects.create(statement=statement, name="Press Officer", order=1)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "Press Officer" in html and 'id="signatories-title"' in html
    assert html.index("Press Officer") < html.index('id="signatories-title"')
