"""A logo sent with a request to join costs little to refuse (issue 12, item 7)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from icnk.uploads import clean_image
from members.models import JoinRequest
from tests.factories import ORGANIZATION

pytestmark = pytest.mark.django_db


def png(size):
    # Mode "1" keeps the file a few kilobytes however many pixels it claims.
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), "image/png")


def test_a_logo_wider_than_2000_pixels_is_refused_with_its_size(client, site_settings):
    response = client.post("/en/join/", {**ORGANIZATION, "logo": png((2400, 300))})
    assert response.status_code == 400
    assert "The image is 2400×300 pixels; at most 2000×2000 is allowed." in (
        response.content.decode()
    )
    assert JoinRequest.objects.count() == 0


def test_a_logo_of_2000_pixels_a_side_is_still_accepted(client, site_settings):
    response = client.post("/en/join/", {**ORGANIZATION, "logo": png((2000, 2000))})
    assert response.status_code == 302
    assert JoinRequest.objects.get().logo


def test_an_image_over_16_megapixels_is_refused_before_decoding_whatever_its_sides():
    # 5000×3400 is 17 million pixels: within a generous side limit, over the pixel cap. Only the
    # header is whole; decoding the rest would fail, so the refusal proves nothing was decoded.
    upload = png((5000, 3400))
    truncated = SimpleUploadedFile("big.png", upload.read()[:200], "image/png")
    with pytest.raises(ValidationError) as refused:
        clean_image(truncated, max_side=8000)
    assert refused.value.code == "too_many_pixels"
    assert "at most 16 million pixels" in refused.value.messages[0]
