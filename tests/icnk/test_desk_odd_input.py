"""Odd input on the desk's lists answers with the list and a reason, never a 500, and changes
nothing: an action's selection holding something that is not an id of the model (Django
filters by it as given), a date drill-down out of range (Django's bounds overflow), and the
authenticator pages of a device that does not exist."""

import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from followers.models import Journalist
from icnk.roles import ADMINISTRATORS
from members.models import Supporter
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client, site_settings):
    user = make_staff("chief", ADMINISTRATORS)
    login_with_two_factor(client, user)
    return user


@pytest.mark.parametrize("odd", ["abc", "²", "1.5", "9" * 30])
@pytest.mark.parametrize("changelist", ["journalist", "supporter", "dbtaskresult"])
def test_an_action_on_a_selection_that_is_not_of_ids_changes_nothing_and_says_so(
    client, administrator, changelist, odd
):
    confirmed = Journalist.objects.create(
        name="Jun Writer", email="jun@example.org", status=Journalist.Status.CONFIRMED
    )
    person = Supporter.objects.create(full_name="Kim Min-ji")
    url, action, selected = {
        "journalist": ("/admin/followers/journalist/", "approve", confirmed.pk),
        "supporter": ("/admin/members/supporter/", "delete_selected", person.pk),
        # Its ids are UUIDs: a number is as odd there.
        "dbtaskresult": ("/admin/django_tasks_database/dbtaskresult/", "delete_selected", 7),
    }[changelist]
    response = client.post(
        url,
        {"action": action, "_selected_action": [str(selected), odd], "index": "0", "post": "yes"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The selection holds an item that does not exist" in page
    confirmed.refresh_from_db()
    assert confirmed.status == Journalist.Status.CONFIRMED
    assert Supporter.objects.filter(pk=person.pk).exists()


def test_an_action_on_real_ids_still_runs(client, administrator):
    waiting = Journalist.objects.create(name="Jun Writer", email="jun@example.org")
    client.post(
        "/admin/followers/journalist/?status=all",
        {"action": "delete_selected", "_selected_action": [str(waiting.pk)], "post": "yes"},
    )
    assert not Journalist.objects.filter(pk=waiting.pk).exists()


@pytest.mark.parametrize(
    "query",
    [
        "attempt_time__year=9" + "9" * 19,
        "attempt_time__year=9999",
        "attempt_time__year=²",
        "attempt_time__year=1&attempt_time__month=1&attempt_time__day=1",
    ],
)
def test_a_date_drill_down_out_of_range_is_the_list_flagged_in_error(client, administrator, query):
    response = client.get(f"/admin/axes/accesslog/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/axes/accesslog/?e=1"
    assert client.get("/admin/axes/accesslog/?attempt_time__year=2026").status_code == 200


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_no_administrator_reads_an_authenticators_secret_in_the_admin(client, administrator, view):
    colleague = User.objects.create_user("ed", "ed@example.org", "a-long-test-password-1")
    device = TOTPDevice.objects.create(user=colleague, name="phone", confirmed=True)
    for pk in (device.pk, 999999):  # a device, and one that does not exist
        response = client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/")
        assert response.status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page


@pytest.fixture
def editor(client, site_settings):
    from icnk.roles import EDITORS

    user = make_staff("ed", EDITORS)
    login_with_two_factor(client, user)
    return user


def test_a_list_cannot_be_filtered_by_a_field_the_staff_member_cannot_see(client, editor):
    """Filtered by a hidden field, a list answers yes or no for each row: an editor could read
    a mail's body (a confirmation link, an invitation to become an administrator) or a
    journalist's leave token out of it, a character at a time."""
    from icnk.mail import queue_mail
    from icnk.models import SiteSettings

    queue_mail(to="new.boss@example.org", template_prefix="join/email/verify", context={
        "link": "http://testserver/secret-link/", "days": 7, "site": SiteSettings.load(),
        "already_open": False,
    }, language="en")  # fmt: skip
    journalist = Journalist.objects.create(name="Jun Writer", email="jun@example.org")
    refused = [
        "/admin/icnk/outboundemail/?body__contains=secret-link",
        "/admin/icnk/outboundemail/?body__regex=s",
        # Press mail's one-click leave header holds the journalist's token (a JSON field).
        "/admin/icnk/outboundemail/?headers__List-Unsubscribe__startswith=%3Chttp",
        "/admin/icnk/outboundemail/?headers__icontains=leave",
        f"/admin/followers/journalist/?status=all&token__startswith={journalist.token[:1]}",
    ]
    for url in refused:
        assert client.get(url).status_code == 400, url
    # What the editor can see still filters, as the desk's own links do.
    allowed = [
        "/admin/icnk/outboundemail/?status=all",
        "/admin/icnk/outboundemail/?to__contains=boss",
        "/admin/followers/journalist/?status=all&email__contains=jun",
        "/admin/statements/statement/?status__exact=draft",
        "/admin/drives/invitation/?drive=1",
    ]
    for url in allowed:
        assert client.get(url).status_code == 200, url


def test_an_administrator_filters_by_what_they_see(client, administrator):
    assert client.get("/admin/icnk/outboundemail/?body__contains=x").status_code == 200
