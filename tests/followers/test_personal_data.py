"""Subscribers are personal data: in the person's export and erasure, staff-only, never public."""

import json

import pytest
from django.urls import reverse

from followers.models import Delivery, Subscriber
from followers.services import announce_due
from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import Supporter
from members.models import Visibility as V
from members.personal_data import personal_data_erase, personal_data_export
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return make_staff("chief", ADMINISTRATORS)


def test_a_supporters_export_and_erasure_include_their_subscription_and_what_was_sent(
    site_settings, administrator, make_subscriber, make_statement
):
    supporter = Supporter.objects.create(
        full_name="Aiko Tanaka", visibility=V.HIDDEN, email="aiko@example.jp"
    )
    make_subscriber("AIKO@example.jp", language="ja")
    make_subscriber("other@example.org")
    make_statement(title="Coalition welcomes the inquiry")
    announce_due()

    data = personal_data_export(subject=supporter, user=administrator)
    [subscription] = data["subscriptions"]
    assert subscription["language"] == "ja" and subscription["status"] == "active"
    assert subscription["statements_sent"][0]["statement"] == "Coalition welcomes the inquiry"

    personal_data_erase(subject=supporter, user=administrator)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["other@example.org"]
    assert Delivery.objects.filter(subscriber__email__iexact="aiko@example.jp").count() == 0


def test_an_unconfirmed_request_does_not_pull_the_address_owners_records_into_an_export(
    site_settings, administrator
):
    Supporter.objects.create(full_name="Aiko Tanaka", visibility=V.HIDDEN, email="a@example.jp")
    pending = Subscriber.objects.create(email="a@example.jp", language="en")
    data = personal_data_export(subject=pending, user=administrator)
    assert data["supporters"] == [] and len(data["subscriptions"]) == 1


def test_an_administrator_exports_and_erases_a_subscriber_from_its_admin_list(
    client, site_settings, administrator, make_subscriber
):
    subscriber = make_subscriber("reader@example.org", language="ko")
    login_with_two_factor(client, administrator)
    changelist = reverse("admin:followers_subscriber_changelist")
    page = client.get(changelist)
    assert "1 subscribed, 0 awaiting confirmation, 0 stopped after refusals." in page.text
    selection = {"action": "export_personal_data", "_selected_action": [subscriber.pk]}
    client.post(changelist, selection)
    response = client.post(changelist, {**selection, "apply": "1"})
    [exported] = json.loads(response.content)["people"]
    assert exported["subscriptions"][0]["email"] == "reader@example.org"

    selection["action"] = "erase_personal_data"
    assert "reader@example.org" in client.post(changelist, selection).text
    client.post(changelist, {**selection, "apply": "1"}, follow=True)
    assert not Subscriber.objects.exists()
    assert "reader@example.org" not in client.get(reverse("admin:index")).text


def test_editors_do_not_see_subscribers_addresses(client, site_settings, make_subscriber):
    make_subscriber("reader@example.org")
    login_with_two_factor(client, make_staff("ed", EDITORS))
    assert client.get(reverse("admin:followers_subscriber_changelist")).status_code == 403
    assert client.get(reverse("admin:followers_announcement_changelist")).status_code == 200


def test_no_public_page_shows_a_subscribers_address(client, site_settings, make_subscriber):
    subscriber = make_subscriber("reader@example.org")
    for path in ["/en/", "/en/statements/", "/en/follow/", "/api/v1/statements/"]:
        assert "reader@example.org" not in client.get(path).content.decode()
    # The unsubscribe page names the address only to whoever holds its secret link.
    assert "reader@example.org" in client.get(f"/en/follow/unsubscribe/{subscriber.token}/").text
