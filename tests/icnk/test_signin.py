"""Staff sign-in: lockout, two-factor, session timeouts, deactivation, password rules, the log."""

import logging
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from icnk.roles import ADMINISTRATORS, EDITORS
from icnk.security import SESSION_AUTH_AT, SESSION_SEEN_AT
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a-long-test-password-1"


def attempt(client, username, password, ip="192.0.2.10", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def totp_now(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


# --- lockout ---------------------------------------------------------------------------------


def test_account_is_locked_from_that_address_after_five_failures(client, site_settings):
    make_staff("editor", EDITORS)
    for n in range(4):
        assert attempt(client, "editor", f"wrong-{n}").status_code == 200
    # The fifth failure locks the account from this address: its answer is the lockout page.
    assert attempt(client, "editor", "wrong-5").status_code == 429
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_attacker_cannot_lock_the_secretariat_out(client, site_settings):
    """Failures from the attacker's addresses do not lock the account where staff sign in."""
    make_staff("boss", ADMINISTRATORS)
    for ip in ("203.0.113.5", "203.0.113.6"):
        for n in range(6):
            attempt(client, "boss", f"wrong-{n}", ip=ip)
        assert attempt(client, "boss", PASSWORD, ip=ip).status_code == 429
    response = attempt(client.__class__(), "boss", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 302


def test_client_address_is_locked_after_failures_across_accounts(client, site_settings, settings):
    make_staff("editor", EDITORS)
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        assert attempt(client, f"nobody{n}", "wrong", ip="203.0.113.5").status_code == 200
    attempt(client, "nobody-last", "wrong", ip="203.0.113.5")
    response = attempt(client, "editor", PASSWORD, ip="203.0.113.5")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Another address can still sign in to the same account.
    assert attempt(client, "editor", PASSWORD, ip="203.0.113.6").status_code == 302


def test_forged_forwarded_for_does_not_escape_the_address_lockout(client, site_settings, settings):
    make_staff("editor", EDITORS)
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"nobody{n}", "wrong", ip="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = attempt(
        client, "editor", PASSWORD, ip="203.0.113.5", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, site_settings, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    make_staff("editor", EDITORS)
    for _n in range(5):
        attempt(client, "editor", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    proxied = {"ip": "10.0.0.1"}
    assert (
        attempt(
            client, "editor", PASSWORD, **proxied, HTTP_X_FORWARDED_FOR="203.0.113.5"
        ).status_code
        == 429
    )
    assert (
        attempt(
            client, "editor", PASSWORD, **proxied, HTTP_X_FORWARDED_FOR="203.0.113.77"
        ).status_code
        == 302
    )


def test_an_administrator_can_unlock_a_locked_account(client, site_settings):
    from axes.models import AccessAttempt

    make_staff("editor", EDITORS)
    for n in range(5):
        attempt(client, "editor", f"wrong-{n}")
    assert attempt(client, "editor", PASSWORD).status_code == 429

    admin = make_staff("boss", ADMINISTRATORS)
    admin.is_superuser = True
    admin.save()
    staff_client = client.__class__()
    login_with_two_factor(staff_client, admin)
    attempts = AccessAttempt.objects.filter(username="editor")
    response = staff_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert response.status_code == 302
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_axes_reset_ip_unlocks_an_address(client, site_settings, settings):
    from django.core.management import call_command

    make_staff("editor", EDITORS)
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"nobody{n}", "wrong", ip="203.0.113.5")
    assert attempt(client, "editor", PASSWORD, ip="203.0.113.5").status_code == 429
    call_command("axes_reset_ip", "203.0.113.5", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, "editor", PASSWORD, ip="203.0.113.5").status_code == 302


def test_the_cool_off_ends_the_lockout(client, site_settings, settings):
    import datetime

    from axes.models import AccessAttempt

    make_staff("editor", EDITORS)
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        attempt(client, "editor" if n < 5 else f"nobody{n}", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 429
    # Fifteen minutes later (the attempts age; nothing is faked in the lockout logic itself).
    past = datetime.timedelta(minutes=16)
    for row in AccessAttempt.objects.all():
        row.attempt_time -= past
        row.save()
    assert attempt(client, "editor", PASSWORD).status_code == 302


def test_forwarded_for_without_a_trusted_proxy_is_logged(client, site_settings, caplog):
    make_staff("editor", EDITORS)
    from icnk import net

    net._last_warning = 0.0
    with caplog.at_level(logging.WARNING, logger="icnk.security"):
        attempt(client, "editor", "wrong", ip="203.0.113.5", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert "X-Forwarded-For arrived from 203.0.113.5 while no proxy is trusted" in caplog.text


# --- two-factor ------------------------------------------------------------------------------


def test_administrators_must_set_up_and_pass_two_factor(client, site_settings):
    admin = make_staff("boss", ADMINISTRATORS)
    assert attempt(client, "boss", PASSWORD).status_code == 302
    response = client.get("/admin/members/organization/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/?next=/admin/members/organization/")

    setup = client.get(response["Location"])
    assert "otpauth://totp/" in setup.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    done = client.post("/admin/two-factor/", {"code": totp_now(device), "next": "/admin/"})
    html = done.content.decode()
    assert "recovery codes" in html
    assert client.get("/admin/members/organization/").status_code == 200


def test_a_used_code_is_refused_the_second_time(client, site_settings):
    admin = make_staff("boss", ADMINISTRATORS)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    code = totp_now(device)
    client.force_login(admin)
    assert client.post("/admin/two-factor/", {"code": code}).status_code == 302

    other = client.__class__()
    other.force_login(admin)
    response = other.post("/admin/two-factor/", {"code": code})
    assert response.status_code == 200
    assert "not valid, or has already been used" in response.content.decode()
    assert other.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(client, site_settings):
    from icnk.security import new_recovery_codes

    admin = make_staff("boss", ADMINISTRATORS)
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    codes = new_recovery_codes(admin)
    client.force_login(admin)
    assert client.post("/admin/two-factor/", {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    other = client.__class__()
    other.force_login(admin)
    assert other.post("/admin/two-factor/", {"code": codes[0]}).status_code == 200


def test_editors_must_set_up_and_pass_two_factor(client, site_settings):
    """An editor can un-hide people and redirect the contact address: a password is not enough."""
    editor = make_staff("editor", EDITORS)
    assert attempt(client, "editor", PASSWORD).status_code == 302
    for path in ("/admin/", "/admin/members/supporter/", "/admin/icnk/sitesettings/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"/admin/two-factor/?next={path}")
    setup = client.get("/admin/two-factor/")
    assert "otpauth://totp/" in setup.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post("/admin/two-factor/", {"code": totp_now(device)})
    assert client.get("/admin/members/supporter/").status_code == 200


def test_a_role_change_is_held_to_two_factor_on_the_next_request(client, site_settings):
    from django.contrib.auth.models import Group

    editor = make_staff("editor", EDITORS)
    client.force_login(editor)
    client.get("/admin/")
    editor.groups.set([Group.objects.get(name=ADMINISTRATORS)])
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/jsi18n/",
        "/admin/members/supporter/1/history/1/jsi18n/",
        "/admin/members/supporter/jsi18n/",
        "/admin/login/../members/supporter/",
    ],
)
def test_only_the_sign_in_pages_are_open_before_the_second_factor(client, site_settings, path):
    from members.models import Supporter

    Supporter.objects.create(pk=1, full_name="Named Person")
    client.force_login(make_staff("boss", ADMINISTRATORS))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/two-factor/")


def test_sign_in_and_two_factor_pages_open_before_the_second_factor(client, site_settings):
    client.force_login(make_staff("boss", ADMINISTRATORS))
    assert client.get("/admin/two-factor/").status_code == 200
    assert client.post("/admin/logout/").status_code == 200


# --- sessions --------------------------------------------------------------------------------


def test_a_new_session_is_issued_at_sign_in(client, site_settings):
    make_staff("editor", EDITORS)
    client.get("/en/join/")  # an anonymous session exists
    client.session["anything"] = 1
    before = client.session.session_key
    attempt(client, "editor", PASSWORD)
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("key", "seconds"), [(SESSION_SEEN_AT, 31 * 60), (SESSION_AUTH_AT, 11 * 60 * 60)]
)
def test_idle_and_absolute_timeouts_sign_staff_out(client, site_settings, key, seconds):
    editor = make_staff("editor", EDITORS)
    login_with_two_factor(client, editor)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(client, site_settings):
    editor = make_staff("editor", EDITORS)
    client.force_login(editor)
    assert Session.objects.count() == 1
    editor.is_active = False
    editor.save()
    assert Session.objects.count() == 0
    assert client.get("/admin/").status_code == 302


def test_sessions_live_in_the_database(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- passwords and the log -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("editor-editor-editor", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError, match=message):
        validate_password(password, User(username="editor-editor-editor"))


def test_long_passphrases_without_composition_rules_are_accepted():
    validate_password("correct horse battery staple " * 3)
    validate_password("1" * 12 + "7" * 60)  # only digits: no composition rule applies


def test_sign_in_failures_are_logged_without_the_password(client, site_settings, caplog):
    make_staff("editor", EDITORS)
    with caplog.at_level(logging.INFO):
        attempt(client, "editor", "my-secret-guess-123")
        attempt(client, "editor", PASSWORD)
    text = caplog.text
    assert "failed sign-in: username='editor'" in text
    assert "sign-in: user=" in text
    assert "my-secret-guess-123" not in text and PASSWORD not in text


def test_permission_refusals_are_logged(client, site_settings, caplog):
    editor = make_staff("editor", EDITORS)
    login_with_two_factor(client, editor)
    with caplog.at_level(logging.WARNING):
        response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    assert "permission refused" in caplog.text


@pytest.mark.parametrize(
    "password",
    [
        "ICNK-secretariat-2026",
        "Stop-crimes-NOW-forever",
        "north korea free 2026",
        "북한반인도범죄철폐국제연대1234",
    ],
)
def test_passwords_with_the_coalitions_name_or_cause_are_refused(site_settings, password):
    from django.contrib.auth.models import User

    with pytest.raises(ValidationError, match="coalition's name, acronym or cause"):
        validate_password(password, User(username="editor"))


def test_configured_cause_words_are_refused_too(site_settings, settings):
    from django.contrib.auth.models import User

    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "icnk.security.CoalitionWordsValidator", "OPTIONS": {"words": ["Kaesong"]}}
    ]
    with pytest.raises(ValidationError, match="kaesong"):
        validate_password("remember-KAESONG-1953", User(username="editor"))
