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
    # A page number out of range shows the last page rather than an error.
    assert client.get("/en/members/open-north-korea/?page=99").status_code == 200
