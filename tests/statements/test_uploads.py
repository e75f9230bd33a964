"""What staff upload to a statement is published without what it says about its maker."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from statements.models import Attachment, Statement
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/statements/statement/"
PHOTOGRAPHER = "Kim Minji"
GPS_IFD = 0x8825
ARTIST = 0x013B


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_with_gps():
    """A real JPEG, as a phone makes it: the place it was taken and who took it."""
    exif = Image.Exif()
    exif[ARTIST] = PHOTOGRAPHER
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "#3366aa").save(out, "JPEG", exif=exif)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the photo carries both before upload
        assert check.getexif().get_ifd(GPS_IFD)
        assert check.getexif()[ARTIST] == PHOTOGRAPHER
    return SimpleUploadedFile("IMG_0042.jpg", data, content_type="image/jpeg")


def pdf_with_author():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": PHOTOGRAPHER, "/Creator": "Word on KIMLAPTOP"})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert PHOTOGRAPHER.encode() in data
    return SimpleUploadedFile("report.pdf", data, content_type="application/pdf")


def form_data(**extra):
    data = {
        "title": "Photos from the border",
        "slug": "photos-from-the-border",
        "language": "en",
        "kind": "joint_statement",
        "body": "What we saw.",
        "status": "draft",
        "image_alt": "A river at dusk",
    }
    for prefix in ("signatures", "attachments", "press_contacts"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(extra)
    return data


def test_a_statement_image_is_published_without_its_gps_position_or_author(client, editor, media):
    login_with_two_factor(client, editor)
    response = client.post(f"{CHANGELIST}add/", form_data(image=photo_with_gps()))
    assert response.status_code == 302, response.content.decode()[:3000]

    statement = Statement.objects.get(slug="photos-from-the-border")
    stored = (media / statement.image.name).read_bytes()
    assert PHOTOGRAPHER.encode() not in stored
    assert "IMG_0042" not in statement.image.name
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (120, 80)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert ARTIST not in exif


def test_a_pdf_attachment_is_published_without_its_author(client, editor, media):
    login_with_two_factor(client, editor)
    data = form_data(
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Full report",
            "attachments-0-language": "en",
            "attachments-0-order": "0",
            "attachments-0-file": pdf_with_author(),
        }
    )
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    attachment = Attachment.objects.get()
    stored = (media / attachment.file.name).read_bytes()
    assert PHOTOGRAPHER.encode() not in stored
    assert b"KIMLAPTOP" not in stored
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    assert not (reader.metadata or {}).get("/Author")
    assert attachment.size == len(stored)
    assert attachment.content_type == "application/pdf"


@pytest.mark.urls("tests.icnk.test_headers")  # the site's URLs plus media, as while developing
@pytest.mark.parametrize(
    ("uploaded_as", "disposition"),
    [
        ("report 2024.pdf", 'inline; filename="report_2024.pdf"'),
        (
            "북한 보고서.pdf",
            "inline; filename*=utf-8''%EB%B6%81%ED%95%9C_%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf",
        ),
        ("報告書<script>.pdf", "inline; filename*=utf-8''%E5%A0%B1%E5%91%8A%E6%9B%B8script.pdf"),
    ],
)
def test_a_pdf_opens_under_its_original_sanitized_name(
    client, editor, media, uploaded_as, disposition
):
    login_with_two_factor(client, editor)
    pdf = pdf_with_author()
    pdf.name = uploaded_as
    data = form_data(
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-title": "Full report",
            "attachments-0-language": "ko",
            "attachments-0-order": "0",
            "attachments-0-file": pdf,
        }
    )
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = Attachment.objects.get()
    assert uploaded_as not in attachment.file.name  # stored at random, as before
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == disposition
