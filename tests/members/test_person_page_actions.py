"""A supporter's own page offers Take down, Export data and Erase data to those allowed each,
side by side and apart from Delete, each through its confirmation page."""

import json

import pytest
from django.urls import reverse

from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import Supporter
from members.models import Visibility as V
from tests.factories import login_with_two_factor, make_staff, make_supporter

pytestmark = pytest.mark.django_db

ACTIONS = ("take_down", "export_personal_data", "erase_personal_data")


@pytest.fixture
def person(db):
    return make_supporter("Kim Young-hwan", V.FULL_NAME, country="KR", email="kim@example.org")


def url(name, person):
    return reverse(f"admin:members_supporter_{name}", args=[person.pk])


def person_actions(html):
    """The group of buttons above the record (empty when none is offered)."""
    start = html.find('class="decision-bar person-actions"')
    return "" if start < 0 else html[start : html.find("</div>", start)]


def test_an_administrator_sees_the_three_buttons_together_and_apart_from_delete(client, person):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    html = client.get(url("change", person)).text
    group = person_actions(html)
    for name in ACTIONS:
        assert f'href="{url(name, person)}"' in group
    assert ">Take down<" in group and ">Export data<" in group and ">Erase data<" in group
    assert "deletelink" not in group and "deletelink" in html


def test_an_editor_sees_none_of_them_and_is_refused_each(client, person):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    html = client.get(url("change", person)).text
    assert person_actions(html) == ""
    for name in ACTIONS:
        assert client.get(url(name, person)).status_code == 403
        assert client.post(url(name, person), {"apply": "1"}).status_code == 403
    person.refresh_from_db()
    assert person.taken_down_at is None and person.personal_data_erased_at is None
    # Nor does the list offer it to them.
    assert "take-down-link" not in client.get(reverse("admin:members_supporter_changelist")).text


def test_take_down_from_the_list_row_goes_through_the_confirmation(client, person):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    listing = client.get(reverse("admin:members_supporter_changelist")).text
    assert f'class="take-down-link" href="{url("take_down", person)}"' in listing
    confirmation = client.get(url("take_down", person))
    assert "Take down now" in confirmation.text
    person.refresh_from_db()
    assert person.taken_down_at is None  # asking changes nothing
    client.post(url("take_down", person))
    person.refresh_from_db()
    assert person.taken_down_at is not None and person.visibility == V.HIDDEN


def test_export_from_the_persons_page_confirms_then_downloads(client, person):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    confirmation = client.get(url("export_personal_data", person)).text
    assert "Download the export" in confirmation
    # The confirmation leads back to the person, not to the whole list.
    assert f'href="{url("change", person)}" class="button cancel-link"' in confirmation
    response = client.post(
        url("export_personal_data", person), {"action": "export_personal_data", "apply": "1"}
    )
    assert response["Content-Disposition"].startswith("attachment;")
    people = json.loads(response.content)["people"]
    assert len(people) == 1 and "kim@example.org" in json.dumps(people)


def test_erase_from_the_persons_page_confirms_then_erases(client, person):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    confirmation = client.get(url("erase_personal_data", person)).text
    assert "Yes, erase their personal data" in confirmation
    assert Supporter.objects.get(pk=person.pk).email == "kim@example.org"
    response = client.post(
        url("erase_personal_data", person), {"action": "erase_personal_data", "apply": "1"}
    )
    assert response.status_code == 302 and response["Location"] == url("change", person)
    person.refresh_from_db()
    assert person.personal_data_erased_at is not None
    assert "kim@example.org" not in (person.email, person.full_name)


def test_an_organizations_page_offers_its_contacts_export_and_erasure(client):
    from members.models import Organization

    organization = Organization.objects.create(
        name="Open North Korea", slug="onk", contact_name="Kwon Eun-kyoung"
    )
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    page = reverse("admin:members_organization_change", args=[organization.pk])
    group = person_actions(client.get(page).text)
    for name in ("export_personal_data", "erase_personal_data"):
        target = reverse(f"admin:members_organization_{name}", args=[organization.pk])
        assert f'href="{target}"' in group
        assert client.get(target).status_code == 200
    assert "Take down" not in group
    login_with_two_factor(client, make_staff("editor", EDITORS))
    assert person_actions(client.get(page).text) == ""
