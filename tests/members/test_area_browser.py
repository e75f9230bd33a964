"""In a real browser: a supporter asks for a sign-in link, opens it from the mail (a real SMTP
server on 127.0.0.1, the real worker), moves from full name to initials, and the statement
page and the directory, both kept whole in the page cache, no longer name them at once."""

import datetime
import email
import re

import pytest
from django.utils import timezone

from tests.factories import SMTPSink, make_supporter, send_mail_to, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Zephyrine Quobble"


@pytest.fixture
def sink(settings, free_port):
    send_mail_to(settings, free_port)
    server = SMTPSink(port=free_port)
    server.start()
    yield server
    server.stop()


def text_of(message):
    parsed = email.message_from_string(message)
    return parsed.get_payload(decode=True).decode(parsed.get_content_charset() or "utf-8")


def test_a_supporter_signs_in_by_mail_and_hides_their_full_name_at_once(
    live_server, page, browser, site_settings, sink, settings, run_worker, artifacts_dir
):
    from members.models import Visibility as V
    from statements.models import Signature, Statement

    settings.PAGE_CACHE_SECONDS = 600
    person = make_supporter(
        NAME,
        V.FULL_NAME,
        email="zq@example.org",
        affiliation="Quobble Institute",
        country="JP",
        consent_date=datetime.date(2025, 1, 1),
        consent_visibility=V.FULL_NAME,
    )
    statement = Statement.objects.create(
        title="Joint call for an inquiry",
        slug="joint-call",
        language="en",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
        body="We call for a commission of inquiry.",
    )
    Signature.objects.create(statement=statement, supporter=person)

    reader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = reader_context.new_page()
    public = [f"{live_server.url}{statement.get_absolute_url()}", f"{live_server.url}/en/members/"]
    for url in public:  # the reader's visits keep both pages whole in the cache
        reader.goto(url)
        assert NAME in reader.content()

    page.goto(f"{live_server.url}/en/members/area/")
    page.get_by_label("Your email").fill("zq@example.org")
    page.get_by_role("button", name="Send me a sign-in link").click()
    assert "If this address belongs to a member" in page.content()

    run_worker()
    wait_for(lambda: sink.messages, what="the sign-in mail")
    body = text_of(sink.messages[-1])
    link = re.search(r"http://\S+/members/area/link/\S+/", body).group(0)

    page.goto(link)
    assert "/members/area/home/" not in page.url  # opening the link signs no one in
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/members/area/home/")
    assert NAME in page.locator(".area__profile").inner_text()

    for language in ("en", "ko"):
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/{language}/members/area/home/")
            shot = artifacts_dir / f"area-home-{language}-{width}.png"
            page.screenshot(path=shot, full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/en/members/area/")  # signed in: straight to the home page
    page.get_by_role("link", name="Change how you are shown").click()
    assert "Z. Q." in page.locator("form.consent").inner_text()  # each level's preview
    page.get_by_label(re.compile("^Initials only")).check()
    page.get_by_role("button", name="Save my choice").click()
    page.wait_for_url("**/members/area/home/")
    assert "now shown this way everywhere" in page.content()
    assert "Z. Q." in page.locator(".area__profile").inner_text()

    for url in public:
        reader.goto(url)
        assert NAME not in reader.content(), url
        assert "Quobble Institute" not in reader.content(), url
    reader.goto(public[0])
    assert "Z. Q." in reader.content()
    reader_context.close()
