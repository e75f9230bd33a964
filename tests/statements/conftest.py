import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import Organization, Supporter, Visibility
from statements.models import Campaign, Milestone, Statement

_numbers = itertools.count(1)


@pytest.fixture
def make_statement(db):
    """Create a statement; published a day ago unless told otherwise."""

    def make(**fields):
        n = next(_numbers)
        values = {
            "title": f"Statement number {n}",
            "slug": f"statement-{n}",
            "language": "en",
            "body": f"Body of statement {n}.",
            "summary": f"Summary {n}",
            "dateline": "Tokyo",
            "status": Statement.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(days=1),
        }
        values.update(fields)
        return Statement.objects.create(**values)

    return make


@pytest.fixture
def statement(make_statement):
    return make_statement(title="Coalition welcomes the inquiry", slug="welcomes-inquiry")


@pytest.fixture
def translations(statement, make_statement):
    """The Korean and Japanese versions of `statement`."""
    ko = make_statement(
        title="국제연대, 조사위원회 환영",
        slug="국제연대-환영",
        language="ko",
        dateline="도쿄",
        translation_of=statement,
    )
    ja = make_statement(
        title="国際NGO連合、調査委員会を歓迎",
        slug="調査委員会を歓迎",
        language="ja",
        dateline="東京",
        translation_of=statement,
    )
    return {"ko": ko, "ja": ja}


@pytest.fixture
def organization(db):
    return Organization.objects.create(name="Human Rights Watch", acronym="HRW", slug="hrw")


@pytest.fixture
def supporter(db):
    return Supporter.objects.create(full_name="Suzanne Scholte", visibility=Visibility.FULL_NAME)


@pytest.fixture
def campaign(db):
    campaign = Campaign.objects.create(
        slug="coi",
        title_en="A UN Commission of Inquiry",
        title_ja="国連調査委員会の設置",
        goal_en="An inquiry into crimes against humanity.",
        started_on=datetime.date(2011, 10, 3),
        status=Campaign.Status.ACHIEVED,
    )
    Milestone.objects.create(
        campaign=campaign, date=datetime.date(2010, 7, 8), title_en="European Parliament asks"
    )
    Milestone.objects.create(
        campaign=campaign, date=datetime.date(2013, 3, 21), title_en="Commission established"
    )
    return campaign


def _staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _staff(django_user_model, "editor", EDITORS)


@pytest.fixture
def administrator(db, django_user_model):
    return _staff(django_user_model, "administrator", ADMINISTRATORS)
