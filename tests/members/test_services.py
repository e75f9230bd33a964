"""A supporter's take-down and its lifting, as services."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User

from icnk.roles import ADMINISTRATORS
from members import services
from members.models import Visibility as V
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db

PUBLIC = ["/en/members/", "/en/members/?q=Kim", "/api/v1/members/?kind=individual"]


@pytest.fixture
def chief(db):
    user = User.objects.create_user("chief", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    return user


@pytest.fixture
def person(db):
    return make_supporter("Kim Young-hwan", V.DISPLAY_NAME, display_name="Kim Y.", country="KR")


def shown(client):
    return [url for url in PUBLIC if "Kim Y." in client.get(url).text]


def test_a_take_down_hides_the_person_everywhere_at_once_and_records_who(
    client, site_settings, person, chief
):
    assert shown(client) == PUBLIC  # the pages are in the page cache now

    assert services.take_down(supporter=person, user=chief) is True

    assert shown(client) == []
    person.refresh_from_db()
    assert person.visibility == V.HIDDEN
    assert person.taken_down_by == chief and person.taken_down_at is not None
    assert person.history.latest().history_change_reason == "Taken down"
    assert LogEntry.objects.get(object_id=str(person.pk)).change_message == (
        "Taken down from every public page."
    )
    # A second take-down keeps the first stamp.
    first = person.taken_down_at
    assert services.take_down(supporter=person, user=chief) is False
    person.refresh_from_db()
    assert person.taken_down_at == first


def test_lifting_a_take_down_shows_the_person_as_agreed_before_with_the_reason_logged(
    client, site_settings, person, chief
):
    services.take_down(supporter=person, user=chief)
    assert shown(client) == []

    services.take_down_lift(supporter=person, user=chief, reason="Threat assessed as past")

    person.refresh_from_db()
    assert person.visibility == V.DISPLAY_NAME
    assert (person.taken_down_at, person.taken_down_by) == (None, None)
    assert shown(client) == PUBLIC
    latest = person.history.latest()
    assert latest.history_user == chief
    assert latest.history_change_reason == "Take-down lifted: Threat assessed as past"
    assert LogEntry.objects.filter(
        object_id=str(person.pk), change_message="Take-down lifted: Threat assessed as past"
    ).exists()


def test_a_lift_may_agree_a_narrower_visibility(site_settings, person, chief):
    services.take_down(supporter=person, user=chief)
    services.take_down_lift(
        supporter=person, user=chief, reason="Agreed by phone", visibility=V.COUNTED
    )
    person.refresh_from_db()
    assert person.visibility == V.COUNTED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_lift_without_a_reason_changes_nothing(person, chief, reason):
    services.take_down(supporter=person, user=chief)
    with pytest.raises(services.LiftError, match="Say why"):
        services.take_down_lift(supporter=person, user=chief, reason=reason)
    person.refresh_from_db()
    assert person.visibility == V.HIDDEN and person.taken_down_at is not None


def test_there_is_nothing_to_lift_on_a_person_never_taken_down(person, chief):
    with pytest.raises(services.LiftError, match="not taken down"):
        services.take_down_lift(supporter=person, user=chief, reason="By mistake")
    person.refresh_from_db()
    assert person.visibility == V.DISPLAY_NAME
