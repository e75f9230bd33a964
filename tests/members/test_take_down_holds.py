"""A take-down holds until an administrator lifts it, and reaches every reader at once."""

import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from icnk.roles import ADMINISTRATORS, EDITORS
from members import services
from members.models import Supporter, TakenDownError
from members.models import Visibility as V
from tests.factories import login_with_two_factor, make_staff, make_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief(db):
    return make_staff("chief", ADMINISTRATORS)


@pytest.fixture
def person(db):
    return make_supporter("Kim Young-hwan", V.FULL_NAME, country="KR")


@pytest.fixture
def taken_down(person, chief):
    services.take_down(supporter=person, user=chief)
    person.refresh_from_db()
    return person


def change_url(supporter):
    return reverse("admin:members_supporter_change", args=[supporter.pk])


def change_form(supporter, **changes):
    data = {
        "full_name": supporter.full_name,
        "display_name": "",
        "affiliation": "",
        "country": supporter.country,
        "visibility": supporter.visibility,
        "consent_date": "",
        "consent_means": "",
        "status": "active",
        "member_since": supporter.member_since.isoformat(),
        "left_on": "",
        "email": "",
        "phone": "",
        "private_notes": "",
    }
    data.update(changes)
    return data


def shown_in_directory(client, name="Kim Young-hwan"):
    return name in client.get("/en/members/?kind=individual").text


# -- an edit cannot undo a take-down ----------------------------------------------------------


def test_an_editor_cannot_show_a_taken_down_person_again_by_editing_them(client, taken_down):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    page = client.get(change_url(taken_down)).text
    assert 'name="visibility"' not in page  # read-only while taken down

    response = client.post(
        change_url(taken_down), change_form(taken_down, visibility=V.FULL_NAME, affiliation="X")
    )
    assert response.status_code == 302
    taken_down.refresh_from_db()
    assert taken_down.affiliation == "X"  # other fields stay editable
    assert taken_down.visibility == V.HIDDEN and taken_down.taken_down_at is not None
    client.logout()
    assert not shown_in_directory(client)


def test_a_copy_loaded_before_the_take_down_cannot_undo_it(person, chief):
    stale = Supporter.objects.get(pk=person.pk)
    services.take_down(supporter=person, user=chief)

    with pytest.raises(TakenDownError):
        stale.save()  # still says "full name", and no take-down
    stale.visibility = V.HIDDEN
    stale.save()  # hidden: allowed, and the take-down stays stamped
    person.refresh_from_db()
    assert person.visibility == V.HIDDEN
    assert person.taken_down_at is not None and person.taken_down_by == chief


def test_nothing_but_the_lift_makes_the_person_visible(taken_down):
    taken_down.visibility = V.DISPLAY_NAME
    with pytest.raises(TakenDownError):
        taken_down.save()


# -- the change page carries the take-down and its lifting ------------------------------------


def test_an_administrator_takes_a_person_down_from_their_own_page(client, site_settings, person):
    assert shown_in_directory(client)  # and now in the page cache
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    page = client.get(change_url(person)).text
    take_down_url = reverse("admin:members_supporter_take_down", args=[person.pk])
    assert f'href="{take_down_url}"' in page

    assert client.get(take_down_url).status_code == 200  # a confirmation; nothing changed yet
    person.refresh_from_db()
    assert person.taken_down_at is None
    response = client.post(take_down_url, follow=True)
    assert "Taken down from every public page." in response.text
    person.refresh_from_db()
    assert person.visibility == V.HIDDEN and person.taken_down_by.username == "chief"
    client.logout()
    assert not shown_in_directory(client)


def test_lifting_a_take_down_needs_a_reason_and_is_logged(client, site_settings, taken_down):
    login_with_two_factor(client, make_staff("chief2", ADMINISTRATORS))
    lift_url = reverse("admin:members_supporter_lift_take_down", args=[taken_down.pk])
    assert f'href="{lift_url}"' in client.get(change_url(taken_down)).text

    refused = client.post(lift_url, {"reason": "  ", "visibility": ""})
    assert refused.status_code == 200
    taken_down.refresh_from_db()
    assert taken_down.taken_down_at is not None

    client.post(lift_url, {"reason": "Threat assessed as past", "visibility": ""})
    taken_down.refresh_from_db()
    assert taken_down.taken_down_at is None and taken_down.visibility == V.FULL_NAME
    assert LogEntry.objects.filter(
        object_id=str(taken_down.pk), change_message="Take-down lifted: Threat assessed as past"
    ).exists()
    client.logout()
    assert shown_in_directory(client)


def test_an_editor_can_neither_take_down_nor_lift(client, person, taken_down):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    assert "take-down" not in client.get(change_url(taken_down)).text
    for name in ("take_down", "lift_take_down"):
        url = reverse(f"admin:members_supporter_{name}", args=[taken_down.pk])
        assert client.post(url, {"reason": "Because"}).status_code == 403
    taken_down.refresh_from_db()
    assert taken_down.taken_down_at is not None


# -- a take-down the cache could not take is reported -----------------------------------------


def test_a_take_down_the_cache_could_not_take_is_reported_to_the_administrator(
    client, site_settings, person, settings, caplog
):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    # Redis down during the write (nothing listens on port 1), configured as in production.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    take_down_url = reverse("admin:members_supporter_take_down", args=[person.pk])
    with caplog.at_level(logging.ERROR, logger="icnk.cache"):
        response = client.post(take_down_url, follow=True)
    assert "The public pages could not be refreshed" in response.text
    assert any(
        r.levelno == logging.ERROR and "invalidation failed" in r.getMessage()
        for r in caplog.records
    )
    person.refresh_from_db()
    assert person.taken_down_at is not None  # the take-down itself holds
