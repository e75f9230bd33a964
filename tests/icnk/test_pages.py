"""Site-wide pages in three languages: redirect, switcher, hreflang, 404, robots, sitemap."""

import datetime
import re

import pytest

from statements.models import Campaign

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko", "ja"]
# What a reader sees in the main navigation, per language.
NAV_ABOUT = {"en": "About", "ko": "소개", "ja": "概要"}
PAGES = ["/{lang}/", "/{lang}/about/"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("ko-KR,ko;q=0.9,en;q=0.5", "/ko/"), ("ja,en;q=0.5", "/ja/"), ("fr-FR", "/en/"), ("", "/en/")],
)
def test_root_redirects_to_the_readers_language(client, site_settings, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_each_language_with_translated_navigation(
    client, site_settings, lang, url
):
    response = client.get(url.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    start = html.index('class="site-nav"')
    nav = html[start : html.index("</nav>", start)]
    assert NAV_ABOUT[lang] in nav
    # The coalition's name is shown in the reader's language.
    assert getattr(site_settings, f"name_{lang}") in html


@pytest.mark.parametrize("url", PAGES)
def test_every_page_lists_hreflang_alternates_for_all_languages(client, site_settings, url):
    html = client.get(url.format(lang="ko")).content.decode()
    path = url.format(lang="{}")
    for lang in LANGUAGES:
        assert (
            f'<link rel="alternate" hreflang="{lang}" href="http://testserver{path.format(lang)}">'
            in html
        )
    assert 'hreflang="x-default" href="http://testserver/en/' in html


def test_both_language_switchers_mark_the_readers_language_and_keep_the_search(
    client, site_settings
):
    html = client.get("/ja/statements/?q=rights&kind=open_letter").content.decode()
    navs = re.findall(
        r'<nav class="language-switcher[^"]*" aria-label="([^"]+)">(.*?)</nav>', html, re.S
    )
    assert [label for label, _links in navs] == ["言語を選択", "言語"]
    assert '<p class="language-switcher__label">このページを他の言語で読む：</p>' in navs[1][1]
    for _label, links in navs:
        assert re.findall(r"<li>(.*?)</li>", links) == [
            '<a href="/en/statements/?kind=open_letter&amp;q=rights" hreflang="en" lang="en">'
            "English</a>",
            '<a href="/ko/statements/?kind=open_letter&amp;q=rights" hreflang="ko" lang="ko">'
            "한국어</a>",
            '<a href="/ja/statements/?kind=open_letter&amp;q=rights" hreflang="ja" lang="ja"'
            ' aria-current="true">日本語</a>',
        ]
    # Open Graph names the page in the reader's language, and the other two as alternates.
    assert (
        '<meta property="og:url" content="http://testserver/ja/statements/?kind=open_letter&amp;'
        in html
    )
    assert '<meta property="og:locale" content="ja_JP">' in html
    assert re.findall(r'og:locale:alternate" content="(\w+)"', html) == ["en_GB", "ko_KR"]


def test_language_switcher_keeps_the_reader_on_the_same_page(client, site_settings):
    html = client.get("/en/about/").content.decode()
    switcher = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"[^>]*>([^<]+)</a>', html)
    targets = {lang: (href, label) for href, lang, label in switcher}
    assert targets["ko"] == ("/ko/about/", "한국어")
    assert targets["ja"] == ("/ja/about/", "日本語")
    assert client.get(targets["ja"][0]).status_code == 200


def test_about_page_shows_the_objectives_staff_wrote(client, site_settings):
    site_settings.objectives_ja = "第一段落です。\n\n第二段落です。"
    site_settings.save()
    html = client.get("/ja/about/").content.decode()
    assert "<p>第一段落です。</p>" in html
    assert "<p>第二段落です。</p>" in html


def test_untranslated_text_falls_back_to_english(client, site_settings):
    site_settings.mission_ko = ""
    site_settings.save()
    html = client.get("/ko/").content.decode()
    assert site_settings.mission_en in html


def test_unknown_page_gets_a_404_in_the_sites_design(client, site_settings):
    response = client.get("/ko/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "페이지를 찾을 수 없습니다" in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize(
    ("language", "how", "advice", "never"),
    [
        # A browser that withholds cookies (plain HTTP: no Referer check).
        ("en", {}, "Allow cookies for this site", "Referer"),
        # Over HTTPS, a browser that withholds the Referer header.
        ("ja", {"secure": True}, "「Referer」ヘッダー", "クッキー"),
        # The cookie is there but the form's token is not (an old page, another window).
        ("ko", {"cookie": True}, "양식이 있는 페이지를 오래 열어 두셨거나", "쿠키"),
    ],
)
def test_a_refused_form_says_in_the_readers_language_what_to_do_and_keeps_nothing(
    site_settings, language, how, advice, never
):
    from django.test import Client

    from members.models import JoinRequest

    client = Client(enforce_csrf_checks=True)
    if how.get("cookie"):
        client.cookies["csrftoken"] = "a" * 32
    response = client.post(
        f"/{language}/join/", {"name": "Someone at risk"}, secure=how.get("secure", False)
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and 'class="site-header"' in html
    assert advice in html and never not in html
    # Django's page for developers, and its Japanese あなた, are not what a reader gets.
    assert "DEBUG" not in html and "CSRF" not in html and "あなた" not in html
    assert f'href="/{language}/join/"' in html  # back to the form
    assert not JoinRequest.objects.exists()


def test_robots_txt_points_to_the_sitemap_and_keeps_only_the_emailed_links_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    # The call to join is findable; the one-time confirmation links are not crawled.
    assert "Disallow: /en/join/\n" not in body
    assert "Disallow: /en/join/confirm/" in body and "Disallow: /ja/join/confirm/" in body
    assert "admin" not in body  # the admin's address is not advertised


def test_sitemap_lists_site_pages_in_every_language(client, site_settings):
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    body = response.content.decode()
    for lang in LANGUAGES:
        assert f"<loc>http://testserver/{lang}/about/</loc>" in body
        assert f"<loc>http://testserver/{lang}/privacy/</loc>" in body
    assert 'hreflang="ko" href="http://testserver/ko/"' in body


def test_sitemap_lists_both_lists_and_its_x_default_is_the_english_page(client, site_settings):
    body = client.get("/sitemap-pages.xml").content.decode()
    for lang in LANGUAGES:
        assert f"<loc>http://testserver/{lang}/members/</loc>" in body
        assert f"<loc>http://testserver/{lang}/statements/</loc>" in body
    # The URL the pages' own <head> names, not a prefix-less one that only redirects.
    assert 'hreflang="x-default" href="http://testserver/en/about/"' in body
    assert 'hreflang="x-default" href="http://testserver/about/"' not in body


def test_site_settings_edit_shows_at_once(client, site_settings):
    client.get("/en/")
    site_settings.mission_en = "A freshly edited mission."
    site_settings.save()
    assert "A freshly edited mission." in client.get("/en/").content.decode()


def test_the_campaign_in_the_navigation_follows_staff_edits_at_once(client, site_settings):
    """The navigation's campaign is kept in each process (icnk.cache.per_generation) while no
    campaign changes: a new active campaign, or hiding it, shows on the next page."""

    def navigation():
        html = client.get("/en/about/").content.decode()
        start = html.index('class="site-nav"')
        return html[start : html.index("</nav>", start)]

    assert "/en/campaigns/" not in navigation()
    campaign = Campaign.objects.create(
        slug="inquiry", title_en="Inquiry", started_on=datetime.date(2026, 1, 1)
    )
    assert 'href="/en/campaigns/inquiry/"' in navigation()
    newer = Campaign.objects.create(
        slug="accountability", title_en="Accountability", started_on=datetime.date(2026, 6, 1)
    )
    assert 'href="/en/campaigns/accountability/"' in navigation()
    newer.is_public = False
    newer.save()
    assert 'href="/en/campaigns/inquiry/"' in navigation()
    campaign.delete()
    assert "/en/campaigns/" not in navigation()


def test_the_navigation_marks_the_section_of_each_page_in_its_language(client, site_settings):
    """The header is kept per section, language and generation ({% kept %}): each page still
    marks its own section, in its own language."""

    def current(url):
        html = client.get(url).content.decode()
        start = html.index('class="site-nav"')
        nav = html[start : html.index("</nav>", start)]
        return re.findall(r'<a[^>]*href="([^"]+)"[^>]*aria-current="page"', nav)

    for _ in range(2):  # the second time from what was kept
        assert current("/en/members/") == ["/en/members/"]
        assert current("/en/statements/") == ["/en/statements/"]
        assert current("/en/about/") == ["/en/about/"]
        assert current("/ko/members/") == ["/ko/members/"]
        assert current("/ja/join/") == ["/ja/join/"]
        assert current("/en/privacy/") == []


def test_a_new_name_for_the_coalition_shows_in_header_and_footer_at_once(client, site_settings):
    client.get("/en/about/")
    site_settings.name_en = "Coalition Renamed Today"
    site_settings.save()
    html = client.get("/en/about/").content.decode()
    header = html[html.index('class="site-header"') : html.index("</header>")]
    footer = html[html.index('class="site-footer"') :]
    assert "Coalition Renamed Today" in header and "Coalition Renamed Today" in footer
