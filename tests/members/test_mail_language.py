"""Mail to applicants greets and signs off as Korean and Japanese letters do (issue 13).

Only once the address is proven: the confirmation mail to an unproven address greets nobody by a
name the submitter typed (issue 12, item 6), so greetings are checked on the welcome mail.
"""

import pytest
from django.contrib.auth.models import User
from django.core import mail

from members import services
from members.models import JoinRequest

pytestmark = pytest.mark.django_db(transaction=True)


def welcome_mail(client, language, data, run_worker):
    response = client.post(f"/{language}/join/", data)
    assert response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert join_request.language == language
    services.join_request_verify(join_request=join_request, admin_url="http://x/")
    reviewer = User.objects.create_user("reviewer", "r@example.org", "a-long-password-1")
    services.join_request_approve(join_request=join_request, reviewer=reviewer)
    run_worker()
    return [m for m in mail.outbox if m.to == [data["email"]]][-1].body


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
    body = welcome_mail(client, language, org_data, run_worker)
    coalition = getattr(site_settings, f"name_{language}")
    assert body.startswith(greeting.format(name=org_data["name"]) + "\n")
    assert sign_off.format(coalition=coalition) in body


def test_a_person_is_greeted_by_name(client, site_settings, person_data, run_worker):
    assert welcome_mail(client, "ja", person_data, run_worker).startswith("Aiko Tanaka 様\n")


@pytest.mark.parametrize("language", ["en", "ko", "ja"])
def test_the_confirmation_mail_signs_with_the_coalitions_name(
    client, site_settings, org_data, run_worker, language
):
    client.post(f"/{language}/join/", org_data)
    run_worker()
    coalition = getattr(site_settings, f"name_{language}")
    assert coalition in mail.outbox[0].body.rsplit("\n\n", 1)[-1]
