"""What a shared link previews, and the icons a browser asks for: the product's defaults, or
the coalition's own images from the site settings (issue 13)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from icnk.demo import SITE
from icnk.models import SiteSettings
from icnk.roles import ADMINISTRATORS
from statements.models import Statement
from tests.factories import bulk_statements, login_with_two_factor, make_staff, png_bytes

pytestmark = pytest.mark.django_db

CHANGE = "/admin/icnk/sitesettings/1/change/"
DEFAULT_SHARE = "http://testserver/static/img/share.png"
PHOTOGRAPHER = "Kim Minji"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def statement(db):
    bulk_statements(1)
    return Statement.objects.get()


@pytest.fixture
def administrator_client(client, site_settings):
    login_with_two_factor(client, make_staff("ada", ADMINISTRATORS))
    return client


def meta(html, key):
    """The content of every <meta property|name=key> in the page."""
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return re.findall(pattern, html)


def photo(size=(1200, 630)):
    exif = Image.Exif()
    exif[0x013B] = PHOTOGRAPHER  # Artist
    out = io.BytesIO()
    Image.new("RGB", size, "#204060").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("our banner.jpg", out.getvalue(), content_type="image/jpeg")


def settings_form(**extra):
    data = {k: v for k, v in SITE.items() if k != "founded_on"}
    data["founded_on"] = SITE["founded_on"].isoformat() if SITE.get("founded_on") else ""
    data["time_zone"] = "Asia/Tokyo"
    data["membership_period"] = "anniversary"
    data["grace_days"] = "30"
    data.update(extra)
    return data


@pytest.mark.parametrize("path", ["/en/", "/ko/members/", "/ja/join/", "/en/about/"])
def test_every_page_has_complete_share_tags_with_the_default_image(client, site_settings, path):
    html = client.get(path).content.decode()
    for key in ("og:url", "og:type", "og:site_name", "og:title", "og:description", "og:locale"):
        assert len(meta(html, key)) == 1, key
        assert meta(html, key)[0], key
    assert meta(html, "og:image") == [DEFAULT_SHARE]
    assert meta(html, "og:image:width") == ["1200"]
    assert meta(html, "og:image:height") == ["630"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:image") == [DEFAULT_SHARE]
    assert len(meta(html, "og:locale:alternate")) == 2


def test_the_share_image_set_in_site_settings_is_what_every_page_is_shared_with(
    administrator_client, media, statement
):
    client = administrator_client
    response = client.post(
        CHANGE,
        settings_form(share_image=photo(), share_image_alt="Members at the launch in Tokyo"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = SiteSettings.objects.get()
    assert "our banner" not in stored.share_image.name
    assert PHOTOGRAPHER.encode() not in (media / stored.share_image.name).read_bytes()
    assert (stored.share_image_width, stored.share_image_height) == (1200, 630)

    client.logout()
    expected = f"http://testserver/media/{stored.share_image.name}"
    for path in ("/en/", "/ko/members/", statement.get_absolute_url()):
        html = client.get(path).content.decode()
        assert meta(html, "og:image") == [expected], path
        assert meta(html, "twitter:image") == [expected], path
        assert meta(html, "og:image:alt") == ["Members at the launch in Tokyo"], path
    home = client.get("/en/").content.decode()
    assert meta(home, "og:image:width") == ["1200"]


def test_a_statement_with_its_own_image_keeps_it(client, site_settings, statement, media):
    statement.image = SimpleUploadedFile("s.png", png_bytes(), content_type="image/png")
    statement.image_alt = "A river at dusk"
    statement.save()
    html = client.get(statement.get_absolute_url()).content.decode()
    assert meta(html, "og:image") == [f"http://testserver{statement.image.url}"]
    assert meta(html, "og:image:alt") == ["A river at dusk"]
    assert len(meta(html, "og:title")) == 1 and meta(html, "og:type") == ["article"]


def test_the_coalitions_mark_becomes_the_favicon_and_publisher_logo(
    administrator_client, media, statement
):
    client = administrator_client
    wide = SimpleUploadedFile("mark.png", png_bytes(size=(600, 300)), content_type="image/png")
    response = client.post(CHANGE, settings_form(mark=wide))
    assert response.status_code == 200
    assert "The mark must be square" in response.content.decode()
    assert not SiteSettings.objects.get().mark

    square = SimpleUploadedFile("mark.png", png_bytes(size=(800, 800)), content_type="image/png")
    assert client.post(CHANGE, settings_form(mark=square)).status_code == 302
    mark = SiteSettings.objects.get().mark
    with Image.open(media / mark.name) as image:
        assert image.size == (512, 512)

    client.logout()
    html = client.get("/en/").content.decode()
    assert f'<link rel="icon" href="{mark.url}" type="image/png">' in html
    assert f'<link rel="apple-touch-icon" href="{mark.url}">' in html
    assert client.get("/favicon.ico")["Location"] == mark.url
    statement_html = client.get(statement.get_absolute_url()).content.decode()
    assert f'"logo": {{"@type": "ImageObject", "url": "http://testserver{mark.url}"}}' in (
        statement_html
    )


def test_without_a_mark_the_shipped_icons_answer(client, site_settings):
    html = client.get("/en/").content.decode()
    assert 'rel="apple-touch-icon" href="/static/img/apple-touch-icon.png"' in html
    assert client.get("/favicon.ico")["Location"] == "/static/img/favicon.ico"
    assert client.head("/favicon.ico").status_code == 302  # a HEAD is answered too
