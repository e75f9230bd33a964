"""The sign-on page and the drive's admin lists cost the same number of queries whatever the
number of invited members (10 or 100)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from drives import services
from drives.models import Answer
from drives.tokens import token_for
from icnk.roles import ADMINISTRATORS
from members.models import Organization, Supporter
from tests.factories import empty_cache, login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

# The admin pages include the desk's two: whether the viewer is an administrator (the System
# section), and the site settings for the coalition's time zone (no settings row here, so read
# again by the page's header rather than from the cache).
# The sign-on page reads the coalition's time zone for its deadline: one more read of the
# site settings here, where no settings row exists to be cached.
QUERIES = {"sign": 9, "drive_list": 14, "tally": 16}


@pytest.fixture(params=[10, 100])
def big_drive(request, draft, editor, settings):
    settings.PAGE_CACHE_SECONDS = 0
    n = request.param
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Org {i}", slug=f"org-{i}", contact_email=f"o{i}@example.org")
        for i in range(n)
    )
    people = [
        Supporter.objects.create(
            full_name=f"Person {i}", visibility="initials", email=f"p{i}@x.org"
        )
        for i in range(3)
    ]
    drive = services.drive_start(
        statement=draft,
        user=editor,
        deadline=timezone.now() + datetime.timedelta(days=5),
        organizations=orgs,
        supporters=people,
    )
    for invitation in drive.invitations.all()[: n // 2]:
        services.answer(invitation=invitation, choice=Answer.Choice.SIGNED)
    return drive


@pytest.mark.parametrize("language", ["en", "ko"])
def test_sign_on_page_queries(client, big_drive, django_assert_num_queries, language):
    url = f"/{language}/sign/{token_for(big_drive.invitations.first())}/"
    assert client.get(url).status_code == 200
    empty_cache()
    with django_assert_num_queries(QUERIES["sign"]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("path", "key"), [("drives/drive/", "drive_list"), ("drives/invitation/", "tally")]
)
def test_drive_admin_queries(client, big_drive, django_assert_num_queries, path, key):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    url = f"/{django_settings.ADMIN_URL}{path}"
    assert client.get(url).status_code == 200
    empty_cache()
    with django_assert_num_queries(QUERIES[key]):
        assert client.get(url).status_code == 200
