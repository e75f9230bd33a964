"""A reader opens a statement in a real browser and switches to its Japanese version."""

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_reads_a_statement_and_switches_to_japanese(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings
    from members.models import Organization
    from statements.models import Signature, Statement

    SiteSettings.objects.create(pk=1, **SITE)
    published = timezone.now() - datetime.timedelta(days=1)
    original = Statement.objects.create(
        title="Coalition welcomes Japan's decision",
        slug="welcomes-japan",
        language="en",
        dateline="Tokyo",
        body="The coalition **welcomes** the decision.",
        status=Statement.Status.PUBLISHED,
        published_at=published,
    )
    Statement.objects.create(
        title="国際NGO連合、日本政府の決定を歓迎",
        slug="日本政府の決定を歓迎",
        language="ja",
        dateline="東京",
        body="連合は日本政府の決定を**歓迎**します。",
        status=Statement.Status.PUBLISHED,
        published_at=published,
        translation_of=original,
    )
    organization = Organization.objects.create(name="Life Funds for North Korean Refugees")
    Signature.objects.create(
        statement=original, organization=organization, signed_on=timezone.localdate(published)
    )

    page.goto(f"{live_server.url}/en/statements/")
    page.get_by_role("link", name="Coalition welcomes Japan's decision").click()
    page.wait_for_url("**/en/statements/welcomes-japan/")
    assert page.locator("h1").inner_text() == "Coalition welcomes Japan's decision"
    assert page.locator(".dateline").inner_text().startswith("TOKYO, ")
    assert "Life Funds for North Korean Refugees" in page.locator(".signatories").inner_text()

    page.locator(".statement__versions").get_by_role("link", name="日本語").click()
    page.wait_for_url("**/ja/statements/**")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "国際NGO連合、日本政府の決定を歓迎"
    assert page.locator(".dateline").inner_text().startswith("【東京】")
    # The signatories are the original's, shared by every language version.
    assert "Life Funds for North Korean Refugees" in page.locator(".signatories").inner_text()
    page.screenshot(path=artifacts_dir / "statement-ja.png", full_page=True)
