"""In a real browser, no page trips the Content-Security-Policy or calls on another host.

Chromium fires `securitypolicyviolation` for every inline script, style attribute, event
handler or outside resource that the policy blocks; a listener installed before any page
script collects them. Every request the page makes is recorded too: nothing may go anywhere
but the site itself (no third-party script, font, image or analytics).
"""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.icnk.test_headers import public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTENER = """
window.__csp = [];
window.__cspMarkers = 0;
document.addEventListener("securitypolicyviolation", (e) => {
  if (e.blockedURI.includes("csp-marker.invalid")) {
    window.__cspMarkers += 1;
  } else {
    window.__csp.push(e.violatedDirective + " " + e.blockedURI);
  }
});
"""
# A violation of our own, made last: the browser reports violations in the order they happen,
# so once the listener has seen this one it has seen every violation the page made before it.
# The policy blocks the image before any request leaves the browser.
MARKER_URL = "http://csp-marker.invalid/marker.png"
MARKER = f"""() => {{
  new Image().src = "{MARKER_URL}?" + (window.__cspMarkers + 1);
  return window.__cspMarkers + 1;
}}"""
# Pages the browser shows as documents; JSON, XML and plain text are read by programs.
MACHINE_READABLE = ("/api/", "/sitemap.xml", "/robots.txt", "/healthz", "/feed/")


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def watched(page, live_server):
    """The page, with CSP violations and every request outside the live server recorded."""
    origin = urlsplit(live_server.url).netloc
    page.add_init_script(LISTENER)
    page.elsewhere = []
    page.console_refusals = []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme != "data" and parts.netloc not in (origin, urlsplit(MARKER_URL).netloc):
            page.elsewhere.append(request.url)

    def on_console(message):
        if "Content Security Policy" in message.text and MARKER_URL not in message.text:
            page.console_refusals.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    return page


def violations(page):
    """Every violation the page has made so far, once the listener has provably seen them all."""
    expected = page.evaluate(MARKER)
    page.wait_for_function(f"window.__cspMarkers >= {expected}", timeout=5000)
    return page.evaluate("window.__csp")


def visit(page, url):
    """Open `url`, wait for its load event and quiet network, and return its violations."""
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    return violations(page)


def test_the_listener_does_catch_a_violation(live_server, demo, watched):
    """A control: were the listener broken, the tests below would pass on a broken site."""
    visit(watched, f"{live_server.url}/en/")
    watched.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.appendChild(script);
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
    }"""
    )
    seen = violations(watched)
    assert any(v.startswith("script-src") for v in seen), seen
    assert any(v.startswith("style-src") for v in seen), seen
    assert watched.evaluate("window.__ran === undefined")


def test_no_public_page_in_any_language_trips_the_policy_or_calls_another_host(
    live_server, demo, watched, artifacts_dir
):
    pages = [url for url in public_pages() if not any(part in url for part in MACHINE_READABLE)]
    assert len(pages) == 3 * 12
    found = {}
    for url in pages:
        violations = visit(watched, f"{live_server.url}{url}")
        if violations:
            found[url] = sorted(set(violations))
    assert found == {}
    assert watched.console_refusals == []
    assert watched.elsewhere == []
    # The page looks as designed: the stylesheets loaded under the policy.
    assert watched.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).display"
    ) not in ("", "inline")
    watched.screenshot(path=artifacts_dir / "csp-join-ja.png", full_page=True)


def test_the_admin_trips_no_policy_from_sign_in_to_the_editing_pages(
    live_server, demo, watched, artifacts_dir
):
    from icnk.roles import EDITORS
    from members.models import JoinRequest, Organization
    from statements.models import Statement
    from tests.factories import authenticator, make_staff, totp_code

    device = authenticator(make_staff("eve", EDITORS, password="a-long-test-password-1"))
    admin = f"{live_server.url}/admin/"
    assert visit(watched, f"{admin}login/") == []
    watched.fill("#id_username", "eve")
    watched.fill("#id_password", "a-long-test-password-1")
    watched.get_by_role("button").last.click()
    watched.wait_for_url(f"{admin}two-factor/?next=/admin/")
    watched.fill("#id_code", totp_code(device))
    watched.get_by_role("button").last.click()
    watched.wait_for_url(admin)

    statement = Statement.objects.order_by("pk").first()
    organization = Organization.objects.exclude(logo="").order_by("pk").first()
    join_request = JoinRequest.objects.create(
        kind="individual", status="pending", name="Aiko Tanaka", email="aiko@example.jp"
    )
    found = {}
    for path in [
        "",
        "members/organization/",
        "members/organization/add/",
        f"members/organization/{organization.pk}/change/",
        "members/organization/import/",
        "members/organization/export/",
        "members/supporter/",
        "members/joinrequest/",
        "statements/statement/",
        "statements/statement/add/",
        f"statements/statement/{statement.pk}/change/",
        f"statements/statement/{statement.pk}/preview/",
        f"statements/statement/{statement.source_id}/signatories/",
        f"members/joinrequest/{join_request.pk}/change/",
        f"members/joinrequest/{join_request.pk}/reject/",
        "statements/campaign/",
        "icnk/sitesettings/",
        "two-factor/",
    ]:
        violations = visit(watched, f"{admin}{path}")
        if violations:
            found[path] = sorted(set(violations))
    visit(watched, f"{admin}statements/statement/{statement.pk}/change/")
    watched.screenshot(path=artifacts_dir / "csp-admin-statement.png", full_page=True)
    # The export page's "Select all" box works without an inline handler.
    visit(watched, f"{admin}members/organization/export/")
    fields = watched.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 2
    watched.locator("#select-all-toggle").uncheck()
    assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
    watched.locator("label[for=select-all-toggle]").click()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    assert found == {}
    assert watched.console_refusals == []
    assert watched.elsewhere == []
