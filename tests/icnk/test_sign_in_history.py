"""Each staff member sees their own sign-ins and failed attempts; administrators see anyone's."""

import pytest
from django.contrib.sessions.models import Session

from icnk.roles import ADMINISTRATORS, EDITORS
from icnk.staff import browser_summary
from tests.factories import authenticator, login_with_two_factor, make_staff, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def sign_in(client, username, password, ip, agent):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
    )


def finish_two_factor(client, device, ip, agent):
    return client.post(
        "/admin/two-factor/", {"code": totp_code(device)}, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent
    )


@pytest.fixture
def two_people(client, site_settings):
    """Eve signs in from Windows after a wrong password; Bob, from an iPhone elsewhere."""
    eve = make_staff("eve", EDITORS)
    bob = make_staff("bob", EDITORS)
    eve_device = authenticator(eve)
    authenticator(bob)  # Bob has one, and types a wrong code
    sign_in(client, "eve", "not-my-password", "192.0.2.10", FIREFOX)
    sign_in(client, "eve", PASSWORD, "192.0.2.10", FIREFOX)
    finish_two_factor(client, eve_device, "192.0.2.10", FIREFOX)
    other = client.__class__()
    sign_in(other, "bob", "guess-guess-guess", "203.0.113.77", SAFARI)
    sign_in(other, "bob", PASSWORD, "198.51.100.5", SAFARI)
    other.post("/admin/two-factor/", {"code": "000000"}, REMOTE_ADDR="198.51.100.5")
    return eve, bob


def test_staff_see_their_own_sign_ins_and_failures_only(client, two_people):
    response = client.get("/admin/sign-ins/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your sign-in history" in html
    assert html.count("Signed in<") == 1 and html.count("Wrong password<") == 1
    assert "192.0.2.10" in html and "Firefox 133 on Windows" in html
    # Bob's addresses and browser are not Eve's business.
    assert "203.0.113.77" not in html and "198.51.100.5" not in html and "iPhone" not in html


def test_times_are_in_the_current_time_zone_with_the_zone_named(client, two_people, settings):
    html = client.get("/admin/sign-ins/").content.decode()
    assert "Time (Asia/Tokyo)" in html
    assert " JST</time>" in html


def test_a_refused_two_factor_code_is_a_failed_sign_in(client, two_people):
    eve, bob = two_people
    login_with_two_factor(client, bob)
    html = client.get("/admin/sign-ins/").content.decode()
    assert "Wrong two-factor code" in html and "198.51.100.5" in html
    assert "Safari 18 on iPhone" in html


def test_the_user_menu_links_to_the_history(client, two_people):
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/sign-ins/"' in html


def test_administrators_see_anyones_history_from_their_page(client, two_people):
    eve, bob = two_people
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    page = client.get(f"/admin/auth/user/{bob.pk}/change/").content.decode()
    assert f'href="/admin/auth/user/{bob.pk}/sign-ins/"' in page
    html = client.get(f"/admin/auth/user/{bob.pk}/sign-ins/").content.decode()
    assert "Sign-in history of bob" in html
    assert "203.0.113.77" in html and "192.0.2.10" not in html


def test_editors_cannot_see_someone_elses_history(client, two_people):
    eve, bob = two_people
    response = client.get(f"/admin/auth/user/{bob.pk}/sign-ins/")
    assert response.status_code == 403


def test_the_history_needs_a_signed_in_verified_staff_member(client, site_settings):
    assert client.get("/admin/sign-ins/")["Location"].startswith("/admin/login/")
    client.force_login(make_staff("eve", EDITORS))
    assert client.get("/admin/sign-ins/")["Location"].startswith("/admin/two-factor/")


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (FIREFOX, "Firefox 133 on Windows"),
        (SAFARI, "Safari 18 on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
            "Edge 131 on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome 131 on Android",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "—"),
    ],
)
def test_browsers_are_named_plainly(agent, summary):
    assert browser_summary(agent) == summary


def test_deactivating_someone_in_the_admin_signs_them_out_everywhere(client, site_settings):
    eve = make_staff("eve", EDITORS)
    eve_client = client.__class__()
    login_with_two_factor(eve_client, eve)
    assert eve_client.get("/admin/").status_code == 200
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    response = client.post(
        "/admin/auth/user/",
        {"action": "deactivate_selected", "_selected_action": [eve.pk]},
        follow=True,
    )
    assert response.status_code == 200
    eve.refresh_from_db()
    assert not eve.is_active
    assert not Session.objects.filter(session_key=eve_client.session.session_key).exists()
    assert eve_client.get("/admin/").status_code == 302


@pytest.mark.parametrize("count", [5, 50])
def test_the_history_costs_the_same_at_any_size(
    client, site_settings, count, django_assert_num_queries
):
    from axes.models import AccessFailureLog, AccessLog

    eve = make_staff("eve", EDITORS)
    row = {"username": "eve", "ip_address": "192.0.2.1", "user_agent": FIREFOX, "http_accept": ""}
    AccessLog.objects.bulk_create(AccessLog(**row, path_info="/admin/login/") for _ in range(count))
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(**row, path_info="/admin/login/") for _ in range(count)
    )
    login_with_two_factor(client, eve)
    assert client.get("/admin/sign-ins/").status_code == 200
    with django_assert_num_queries(8):
        html = client.get("/admin/sign-ins/").content.decode()
    # Every row up to the most recent hundred (this test's own sign-in among them).
    assert html.count('<tr class="sign-in--') == min(2 * count + 1, 100)
