"""What readers see: the statement page, its language versions, the list, feed, campaign, API."""

import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pypdf import PdfWriter

from statements.models import Attachment, Milestone, PressContact, Statement

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = datetime.datetime(2013, 1, 25, 2, 0, tzinfo=datetime.UTC)  # 11:00 in Tokyo


def test_statement_page_links_to_its_other_language_versions(
    client, site_settings, statement, translations
):
    html = client.get(statement.get_absolute_url()).content.decode()
    ja_url = translations["ja"].get_absolute_url()
    ko_url = translations["ko"].get_absolute_url()
    assert ja_url.startswith("/ja/statements/") and ko_url.startswith("/ko/statements/")
    assert f'<a href="{ja_url}" hreflang="ja" lang="ja" rel="alternate">日本語</a>' in html
    assert f'<a href="{ko_url}" hreflang="ko" lang="ko" rel="alternate">한국어</a>' in html
    # The site-wide switcher and hreflang point at the real versions, not the English slug.
    assert f'hreflang="ja" href="http://testserver{ja_url}"' in html
    assert "/ja/statements/welcomes-inquiry/" not in html
    japanese = client.get(ja_url)
    assert japanese.status_code == 200
    assert translations["ja"].title in japanese.content.decode()


def test_a_draft_translation_is_not_linked(client, site_settings, statement, make_statement):
    make_statement(
        language="ja", slug="下書き", translation_of=statement, status=Statement.Status.DRAFT
    )
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "下書き" not in html and 'hreflang="ja" lang="ja" rel' not in html


def test_another_languages_slug_leads_to_the_readers_version(
    client, site_settings, statement, translations
):
    response = client.get("/ja/statements/welcomes-inquiry/")
    assert response.status_code == 302
    assert response["Location"] == translations["ja"].get_absolute_url()
    assert client.get("/en/statements/no-such-thing/").status_code == 404


def test_a_statements_former_slug_redirects_for_good_to_its_new_address(
    client, site_settings, statement, translations
):
    # How the Japanese demo statement left 国際連合が東京で発足 (the United Nations' name).
    ja = translations["ja"]
    old_url = ja.get_absolute_url()
    ja.slug = "国際NGO連合が調査委員会を歓迎"
    ja.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == ja.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_a_slug_only_a_draft_ever_had_leads_nowhere(client, site_settings, make_statement):
    draft = make_statement(slug="working-title", status=Statement.Status.DRAFT)
    draft.slug = "final-title"
    draft.status = Statement.Status.PUBLISHED
    draft.save()
    assert client.get("/en/statements/final-title/").status_code == 200
    assert client.get("/en/statements/working-title/").status_code == 404


@pytest.mark.parametrize(
    ("language", "place", "expected"),
    [
        ("en", "Tokyo", "TOKYO, 25 January 2013 –"),
        ("ko", "도쿄", "(도쿄=2013년 1월 25일)"),
        ("ja", "東京", "【東京】2013年1月25日"),
    ],
)
def test_dateline_is_written_the_way_each_language_writes_it(
    client, site_settings, make_statement, language, place, expected
):
    statement = make_statement(language=language, dateline=place, published_at=PUBLISHED)
    html = client.get(statement.get_absolute_url()).content.decode()
    assert expected in html
    # Search engines and share previews read the same dateline.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["dateline"] == expected


def test_statement_page_previews_well_when_shared(client, site_settings, make_statement):
    statement = make_statement(
        title="Japan leads </script><script>alert(1)</script>",
        summary="Welcome & thanks",
        published_at=PUBLISHED,
    )
    html = client.get(statement.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    # Without an image of its own it is shared with the coalition's picture, shown large.
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert (
        f'<meta property="og:url" content="http://testserver{statement.get_absolute_url()}">'
        in html
    )
    assert "<script>alert(1)" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == statement.title
    assert data["datePublished"].startswith("2013-01-25T02:00:00")
    assert "<" not in block and "&" not in block


def test_statement_page_shows_attachments_and_only_public_press_contacts(
    client, site_settings, statement
):
    Attachment.objects.create(
        statement=statement,
        title="Full report",
        language="en",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 test"),
    )
    PressContact.objects.create(
        statement=statement, name="Kanae Doi", contact="doi@example.org", contact_is_public=False
    )
    PressContact.objects.create(
        statement=statement, name="Secretariat", contact="press@example.org", contact_is_public=True
    )
    html = client.get(statement.get_absolute_url()).content.decode()
    assert "Full report" in html and "PDF, 13" in html
    assert "Kanae Doi" in html and "doi@example.org" not in html
    assert "press@example.org" in html


def test_a_translation_shows_its_originals_documents_and_press_contacts_unless_it_has_its_own(
    client, site_settings, statement, translations
):
    # The page asks whether there are any in the same query as the statement (and reads none
    # when there are none): a translation's documents and contacts hang on its original.
    Attachment.objects.create(
        statement=statement,
        title="Full report",
        language="en",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 test"),
    )
    PressContact.objects.create(statement=statement, name="Secretariat in Tokyo")
    PressContact.objects.create(statement=translations["ko"], name="서울 사무국")
    with translation.override("en"):  # the pages activate their language; later tests read English
        korean = client.get(translations["ko"].get_absolute_url()).content.decode()
        japanese = client.get(translations["ja"].get_absolute_url()).content.decode()
    assert "Full report" in korean and "Full report" in japanese
    assert "서울 사무국" in korean and "Secretariat in Tokyo" not in korean
    assert "Secretariat in Tokyo" in japanese and "서울 사무국" not in japanese


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script>", "content does not match"),
        ("letter.docx", b"%PDF-1.4", "content does not match"),
        ("sheet.xls", b"PK\x03\x04rest", "content does not match"),
        ("run.exe", b"MZ\x90\x00", "Attach a PDF or an office document"),
    ],
)
def test_attachments_are_checked_by_their_content(statement, name, content, message):
    attachment = Attachment(
        statement=statement, title="x", language="en", file=SimpleUploadedFile(name, content)
    )
    with pytest.raises(ValidationError) as error:
        attachment.full_clean()
    assert message in str(error.value.message_dict["file"])


def test_attachments_are_at_most_20_mb(statement):
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    attachment = Attachment(statement=statement, title="x", language="en", file=upload)
    with pytest.raises(ValidationError) as error:
        attachment.full_clean()
    assert "at most 20 MB" in str(error.value)


def minimal_pdf():
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", minimal_pdf(), "application/pdf"),
        ("a.docx", b"PK\x03\x04", "application/vnd.openxmlformats-officedocument"),
        ("a.odt", b"PK\x03\x04", "application/vnd.oasis.opendocument.text"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1", "application/msword"),
    ],
)
def test_valid_attachments_record_type_and_size(statement, name, content, content_type):
    attachment = Attachment(
        statement=statement, title="x", language="en", file=SimpleUploadedFile(name, content)
    )
    attachment.full_clean()
    assert attachment.content_type.startswith(content_type)
    # A PDF is rewritten without its metadata, so its size is that of the rewritten file.
    assert attachment.size == attachment.file.size
    assert attachment.size == len(content) or name.endswith(".pdf")


def test_a_damaged_pdf_is_refused_rather_than_published_with_its_metadata(statement):
    attachment = Attachment(
        statement=statement,
        title="x",
        language="en",
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.7 and nothing a reader can parse"),
    )
    with pytest.raises(ValidationError) as error:
        attachment.full_clean()
    assert "cannot be cleaned of its author details" in str(error.value)


def test_feed_is_valid_atom_with_the_languages_statements(
    client, site_settings, make_statement, statement, translations
):
    make_statement(title="Older one", published_at=PUBLISHED)
    response = client.get("/ja/statements/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [translations["ja"].title]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{translations['ja'].get_absolute_url()}"
    for entry in entries:
        for tag in ("id", "updated", "published", "title"):
            assert entry.findtext(f"{ATOM}{tag}"), tag
    english = ET.fromstring(client.get("/en/statements/feed/").content)
    titles = [e.findtext(f"{ATOM}title") for e in english.findall(f"{ATOM}entry")]
    assert titles == [statement.title, "Older one"]
    # An entry shows its summary, or the statement's HTML when it has none.
    assert english.find(f"{ATOM}entry").findtext(f"{ATOM}summary") == statement.summary
    make_statement(title="No summary", summary="", body="A **bold** body.")
    english = ET.fromstring(client.get("/en/statements/feed/").content)
    entry = english.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "No summary"
    assert entry.findtext(f"{ATOM}summary") == "<p>A <strong>bold</strong> body.</p>"


def test_the_feed_is_the_document_djangos_atom_writer_writes(
    client, site_settings, settings, statement, translations, make_statement, monkeypatch
):
    # statements.feeds adds the entries itself and writes the document to the response in one
    # piece: the same bytes as Django's syndication framework and Atom writer.
    from django.contrib.syndication.views import Feed
    from django.utils.feedgenerator import Atom1Feed

    from statements.feeds import StatementFeed

    settings.PAGE_CACHE_SECONDS = 0
    make_statement(title="Tom & Jerry <b>“quoted”</b> 🎉", summary="", body="**x** & y")
    for url in ["/en/statements/feed/", "/ja/statements/feed/"]:
        ours = client.get(url).content
        with monkeypatch.context() as patch:
            patch.setattr(StatementFeed, "feed_type", Atom1Feed)
            patch.setattr(StatementFeed, "get_feed", Feed.get_feed)
            patch.setattr(StatementFeed, "items", StatementFeed.entries)
            assert client.get(url).content == ours, url
    english = client.get("/en/statements/feed/").content
    assert "<title>Tom &amp; Jerry &lt;b&gt;“quoted”&lt;/b&gt; 🎉</title>".encode() in english


def test_the_feed_names_the_coalition_as_staff_last_wrote_it(client, site_settings, statement):
    """The feed reads the site settings as every page does, kept while nothing changes: a new
    name is the feed's title and author on the next request."""
    client.get("/en/statements/feed/")
    site_settings.name_en = "Coalition renamed"
    site_settings.save()
    feed = ET.fromstring(client.get("/en/statements/feed/").content)
    assert feed.findtext(f"{ATOM}title") == "Coalition renamed: statements"
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Coalition renamed"


def test_a_control_character_in_one_statement_does_not_take_the_feed_down(
    client, site_settings, settings, make_statement
):
    """A vertical tab pasted from a word processor cannot be written in XML: the feed leaves it
    out (Django's writer refuses the whole document, a server error for every reader)."""
    settings.PAGE_CACHE_SECONDS = 0
    make_statement(title="Joint\x0bletter", summary="On the\x01 inquiry")
    response = client.get("/en/statements/feed/")
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Jointletter"
    assert entry.findtext(f"{ATOM}summary") == "On the inquiry"


def test_list_filters_by_kind_year_and_campaign(client, site_settings, make_statement, campaign):
    make_statement(title="Press 2013", kind="press_release", published_at=PUBLISHED)
    make_statement(
        title="Letter 2011",
        kind="open_letter",
        campaign=campaign,
        published_at=datetime.datetime(2011, 10, 3, 2, tzinfo=datetime.UTC),
    )

    def titles(**params):
        html = client.get("/en/statements/", params).content.decode()
        return sorted(set(re.findall(r"(Press 2013|Letter 2011)</a></h2>", html)))

    assert titles() == ["Letter 2011", "Press 2013"]
    assert titles(kind="press_release") == ["Press 2013"]
    assert titles(year="2011") == ["Letter 2011"]
    # Every year from the newest statement's back to the oldest's, the chosen one marked.
    years = client.get("/en/statements/", {"year": "2011"}).content.decode()
    assert (
        '<option value="">All years</option>\n        <option value="2013">2013</option>'
        '<option value="2012">2012</option><option value="2011" selected>2011</option>\n'
    ) in years
    assert titles(campaign="coi") == ["Letter 2011"]
    refused = client.get("/en/statements/", {"kind": "nonsense"})
    assert refused.status_code == 400
    assert "kind" in refused.content.decode()


def test_list_pages_by_twenty(client, site_settings):
    from tests.factories import bulk_statements

    bulk_statements(45)
    first = client.get("/en/statements/").content.decode()
    assert first.count('class="statement-card"') == 20
    assert "Page 1 of 3" in first and "45 statements" in first
    last = client.get("/en/statements/", {"page": 3}).content.decode()
    assert last.count('class="statement-card"') == 5


def test_a_statement_card_prints_what_staff_typed_as_text_on_every_page_that_lists_it(
    client, site_settings, campaign, make_statement
):
    make_statement(
        title="Rights <b>now</b> & later",
        summary="Read <i>this</i>: " + "long " * 80,
        slug="rights-now",
        kind=Statement.Kind.OPEN_LETTER,
        campaign=campaign,
        published_at=PUBLISHED,
    )
    card_title = (
        '<a href="/en/statements/rights-now/">Rights &lt;b&gt;now&lt;/b&gt; &amp; later</a>'
    )
    pages = {"/en/statements/": "h2", "/en/": "h3", campaign.get_absolute_url(): "h3"}
    for url, heading in pages.items():
        html = client.get(url).content.decode()
        assert f'<{heading} class="statement-card__title">{card_title}</{heading}>' in html, url
        assert "<b>now</b>" not in html and "<i>this</i>" not in html
        summary = re.search(r'<p class="statement-card__summary">(.*?)</p>', html, re.S).group(1)
        assert summary.startswith("Read &lt;i&gt;this&lt;/i&gt;: long long")
        assert summary.endswith("…") and len(summary) < 320  # 280 characters, then escaped
        assert '<time datetime="2013-01-25T11:00:00+0900">25 January 2013</time>' in html
        assert '<p class="statement-card__meta"><span class="tag">Open letter</span>' in html
    listed = client.get("/en/statements/").content.decode()
    assert f'· <a href="{campaign.get_absolute_url()}">A UN Commission of Inquiry</a>' in listed
    # A hidden campaign is named nowhere on the card.
    campaign.is_public = False
    campaign.save()
    listed = client.get("/en/statements/").content.decode()
    assert "rights-now" in listed and "A UN Commission of Inquiry</a>" not in listed


# The list's campaigns, years and counts are kept for every reader between writes (ListFacts);
# the whole-page cache is off below, so that these tests see the kept values themselves.


def test_the_lists_campaigns_change_at_once_when_one_is_renamed_or_hidden(
    client, site_settings, settings, campaign, make_statement
):
    settings.PAGE_CACHE_SECONDS = 0
    make_statement()
    html = client.get("/en/statements/", {"campaign": "coi"}).text
    # Chosen in the filter and in the subscribe box alike.
    assert html.count('<option value="coi" selected>A UN Commission of Inquiry</option>') == 2
    campaign.title_en = "The UN Commission of Inquiry <2013>"
    campaign.save()
    html = client.get("/en/statements/").text
    assert html.count('<option value="coi">The UN Commission of Inquiry &lt;2013&gt;</option>') == 2
    assert "A UN Commission of Inquiry" not in html
    campaign.is_public = False
    campaign.save()
    html = client.get("/en/statements/").text
    assert 'value="coi"' not in html
    assert 'id="id_campaign"' not in html and 'id="follow-campaign-list"' not in html


def test_the_lists_count_and_years_follow_a_publication_at_once(
    client, site_settings, settings, make_statement
):
    settings.PAGE_CACHE_SECONDS = 0
    make_statement(published_at=PUBLISHED)
    html = client.get("/en/statements/").text
    assert "1 statement<" in html and '<option value="2011">' not in html
    older = make_statement(published_at=datetime.datetime(2011, 10, 3, 2, tzinfo=datetime.UTC))
    html = client.get("/en/statements/").text
    assert "2 statements" in html and '<option value="2011">2011</option>' in html
    assert "1 statement" in client.get("/en/statements/", {"year": "2011"}).text
    older.status = Statement.Status.UNPUBLISHED
    older.save()
    html = client.get("/en/statements/").text
    assert "1 statement<" in html and '<option value="2011">' not in html
    assert "0 statements" in client.get("/en/statements/", {"year": "2011"}).text


def test_a_card_names_its_campaign_while_it_is_public_without_a_query_per_card(
    client, site_settings, settings, campaign, make_statement, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(3):
        make_statement(title=f"In the campaign {n}", campaign=campaign)
    make_statement(title="In no campaign")
    html = client.get("/en/statements/").text
    assert html.count(' · <a href="/en/campaigns/coi/">A UN Commission of Inquiry</a>') == 3
    campaign.is_public = False
    campaign.save()
    client.get("/en/statements/")  # the site-wide and the list's kept values read again
    with django_assert_num_queries(1):  # the page of statements, nothing a card
        html = client.get("/en/statements/").text
    assert "In the campaign 2" in html and "/campaigns/coi/" not in html


def test_the_homes_latest_statements_follow_every_change_at_once(
    client, site_settings, settings, campaign, make_statement
):
    # Kept under the page cache's generation (statements.queries.latest_statements).
    settings.PAGE_CACHE_SECONDS = 0
    make_statement(title="First statement", campaign=campaign)
    make_statement(title="첫 성명", slug="first-ko", language="ko")
    card_link = ' · <a href="/en/campaigns/coi/">{}</a>'
    html = client.get("/en/").text
    assert "First statement" in html and "첫 성명" not in html
    assert card_link.format("A UN Commission of Inquiry") in html
    assert "첫 성명" in client.get("/ko/").text
    newer = make_statement(title="Newer statement", published_at=timezone.now())
    assert "Newer statement" in client.get("/en/").text
    campaign.title_en = "Renamed campaign"
    campaign.save()
    assert card_link.format("Renamed campaign") in client.get("/en/").text
    newer.status = Statement.Status.UNPUBLISHED
    newer.save()
    assert "Newer statement" not in client.get("/en/").text


def test_a_scheduled_statement_is_counted_on_the_list_from_its_time(
    client, site_settings, settings, make_statement
):
    from tests.factories import wait_for

    settings.PAGE_CACHE_SECONDS = 0
    make_statement()
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    make_statement(title="Embargoed statement", published_at=due)
    html = client.get("/en/statements/").text
    assert "1 statement<" in html and "Embargoed statement" not in html
    wait_for(lambda: timezone.now() > due, what="the statement's publication time")
    html = client.get("/en/statements/").text
    assert "2 statements" in html and "Embargoed statement" in html


def test_campaign_page_shows_timeline_and_related_statements(
    client, site_settings, campaign, make_statement
):
    make_statement(title="Related statement", campaign=campaign)
    html = client.get("/en/campaigns/coi/").content.decode()
    assert 'class="timeline"' in html
    assert html.index("8 July 2010") < html.index("21 March 2013")
    assert "timeline__item--achieved" in html
    assert "Related statement" in html
    assert "国連調査委員会の設置" in client.get("/ja/campaigns/coi/").content.decode()


def test_a_milestone_links_its_statement_in_the_readers_language(
    client, site_settings, settings, campaign, statement, translations
):
    """The reader's language version where one is published, else the original; never a
    version that is not public."""
    settings.PAGE_CACHE_SECONDS = 0
    Milestone.objects.filter(date=datetime.date(2013, 3, 21)).update(
        statement_key=statement.translation_key
    )
    translations["ja"].status = Statement.Status.DRAFT
    translations["ja"].save()

    def link(language):
        html = client.get(f"/{language}/campaigns/coi/").text
        start = html.index('class="timeline"')
        return html[start : html.index("</ol>", start)]

    assert f'href="{translations["ko"].get_absolute_url()}"' in link("ko")
    assert translations["ko"].title in link("ko")
    japanese = link("ja")
    assert f'href="{statement.get_absolute_url()}"' in japanese
    assert translations["ja"].title not in japanese
    assert f'href="{statement.get_absolute_url()}"' in link("en")


def test_sitemap_lists_statements_with_hreflang_alternates(
    client, site_settings, statement, translations, campaign
):
    xml = client.get("/sitemap-statements.xml").content.decode()
    ja = f"http://testserver{translations['ja'].get_absolute_url()}"
    assert f"<loc>http://testserver{statement.get_absolute_url()}</loc>" in xml
    assert f'hreflang="ja" href="{ja}"' in xml
    english = f"http://testserver{statement.get_absolute_url()}"
    assert f'hreflang="x-default" href="{english}"' in xml
    campaigns = client.get("/sitemap-campaigns.xml").content.decode()
    assert "<loc>http://testserver/ko/campaigns/coi/</loc>" in campaigns


def test_api_lists_and_shows_public_statements(client, site_settings, statement, translations):
    listing = client.get("/api/v1/statements/", {"language": "ja"}).json()
    assert listing["count"] == 1
    assert listing["results"][0]["title"] == translations["ja"].title
    detail = client.get(f"/api/v1/statements/{statement.slug}/").json()
    assert detail["title"] == statement.title
    assert {v["language"] for v in detail["versions"]} == {"ko", "ja"}
    assert client.get("/api/v1/statements/", {"language": "fr"}).status_code == 400
    assert client.get("/api/v1/statements/", {"page": 9}).status_code == 404


def test_the_apis_summary_of_a_statement_is_the_same_in_the_list_and_on_its_own(
    client, site_settings, settings, statement, translations, campaign
):
    settings.PAGE_CACHE_SECONDS = 0
    korean = translations["ko"]
    korean.campaign = campaign
    korean.save()
    expected = {
        "slug": "국제연대-환영",
        "language": "ko",
        "translation_key": str(statement.translation_key),
        "kind": "joint_statement",
        "title": "국제연대, 조사위원회 환영",
        "summary": korean.summary,
        "dateline": "도쿄",
        "published_at": korean.published_at.isoformat(),
        "updated_at": korean.updated_at.isoformat(),
        "campaign": "coi",
        # Each under its own language, the slug quoted as reverse() quotes it.
        "url": "http://testserver/ko/statements/%EA%B5%AD%EC%A0%9C%EC%97%B0%EB%8C%80-%ED%99%98%EC%98%81/",
        "api_url": "http://testserver/api/v1/statements/"
        "%EA%B5%AD%EC%A0%9C%EC%97%B0%EB%8C%80-%ED%99%98%EC%98%81/?language=ko",
    }  # fmt: skip
    listed = client.get("/api/v1/statements/", {"language": "ko"}).json()["results"]
    assert listed == [expected]
    detail = client.get(f"/api/v1/statements/{korean.slug}/", {"language": "ko"}).json()
    assert {name: detail[name] for name in expected} == expected
    english = client.get("/api/v1/statements/").json()["results"]
    by_language = {row["language"]: row for row in english}
    assert by_language["ja"]["url"].startswith("http://testserver/ja/statements/")
    assert by_language["en"]["url"] == "http://testserver/en/statements/welcomes-inquiry/"
    assert by_language["en"]["campaign"] is None
    # A campaign that is no longer public is named nowhere.
    campaign.is_public = False
    campaign.save()
    listed = client.get("/api/v1/statements/", {"language": "ko"}).json()["results"]
    assert listed == [{**expected, "campaign": None}]
    detail = client.get(f"/api/v1/statements/{korean.slug}/", {"language": "ko"}).json()
    assert detail["campaign"] is None


def test_the_apis_count_follows_every_change_at_once(
    client, site_settings, settings, statement, campaign, make_statement,
    django_assert_num_queries,
):  # fmt: skip
    # The count is kept under the page cache's generation (statements.queries.api_count);
    # the whole-page cache is off, so that this test sees the kept count itself.
    from tests.factories import wait_for

    settings.PAGE_CACHE_SECONDS = 0

    def count(**filters):
        return client.get("/api/v1/statements/", filters).json()["count"]

    assert (count(), count(language="en"), count(language="ko")) == (1, 1, 0)
    with django_assert_num_queries(1):  # the page of statements; the count is kept
        assert count() == 1
    other = make_statement(title="In the campaign", campaign=campaign, kind="news")
    assert (count(), count(language="en"), count(kind="news")) == (2, 2, 1)
    assert count(campaign="coi") == count(campaign="coi", kind="news") == 1
    campaign.is_public = False
    campaign.save()
    assert count(campaign="coi") == 0
    other.status = Statement.Status.UNPUBLISHED
    other.save()
    assert (count(), count(kind="news")) == (1, 0)
    assert count(q="campaign") == 0  # a search is counted each time, never kept
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    make_statement(title="Embargoed statement", published_at=due)
    assert count() == 1
    wait_for(lambda: timezone.now() > due, what="the statement's publication time")
    assert count() == 2


def test_a_statement_published_with_microseconds_carries_a_valid_machine_date(
    client, site_settings, statement
):
    # "Publish now" stores timezone.now(), microseconds and all; HTML allows at most three
    # digits of a second in <time datetime>, so the page and the list give whole seconds.
    Statement.objects.filter(pk=statement.pk).update(
        published_at=PUBLISHED.replace(microsecond=968649)
    )
    for url in (statement.get_absolute_url(), "/en/statements/"):
        html = client.get(url).content.decode()
        dates = re.findall(r'<time[^>]* datetime="([^"]+)"', html)
        assert dates, url
        for value in dates:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", value), (url, value)
            assert datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z") == PUBLISHED
