"""Mail to applicants greets and signs off as Korean and Japanese letters do (issue 13)."""

import pytest
from django.core import mail

from members.models import JoinRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "greeting", "sign_off"),
    [
        ("ko", "{name} 귀중", "{coalition} 사무국 드림"),
        ("ja", "{name} 御中", "{coalition} 事務局"),
        ("en", "Hello {name},", "The secretariat\n{coalition}"),
    ],
)
def test_an_organization_is_greeted_as_one_and_the_secretariat_signs_with_the_coalitions_name(
    client, site_settings, org_data, run_worker, language, greeting, sign_off
):
    response = client.post(f"/{language}/join/", org_data)
    assert response.status_code == 302
    run_worker()
    body = mail.outbox[0].body
    coalition = getattr(site_settings, f"name_{language}")
    assert body.startswith(greeting.format(name=org_data["name"]) + "\n")
    assert sign_off.format(coalition=coalition) in body
    assert JoinRequest.objects.get().language == language


def test_a_person_is_greeted_by_name(client, site_settings, person_data, run_worker):
    client.post("/ja/join/", person_data)
    run_worker()
    assert mail.outbox[0].body.startswith("Aiko Tanaka 様\n")
