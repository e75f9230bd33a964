import datetime

import pytest
from django.utils import timezone

from drives import services
from members.models import Organization, Supporter, Visibility
from statements.models import Statement
from tests.factories import make_staff


@pytest.fixture
def editor(db):
    from icnk.roles import EDITORS

    return make_staff("editor", EDITORS)


@pytest.fixture
def draft(db):
    original = Statement.objects.create(
        title="Call for accountability",
        slug="call-for-accountability",
        language="en",
        body="The coalition calls for accountability.",
        summary="A call for accountability.",
    )
    Statement.objects.create(
        title="책임 규명 촉구",
        slug="call-ko",
        language="ko",
        body="연대는 책임 규명을 촉구합니다.",
        translation_of=original,
    )
    return original


@pytest.fixture
def orgs(db):
    return [
        Organization.objects.create(
            name="Citizens' Alliance",
            slug="nkhr",
            country="KR",
            contact_email="ca@example.org",
            language="ko",
        ),
        Organization.objects.create(
            name="Life Funds",
            slug="lfnkr",
            country="JP",
            contact_email="lf@example.org",
            language="ja",
        ),
        Organization.objects.create(
            name="Quiet Group",
            slug="quiet",
            country="US",
            contact_email="q@example.org",
            listing="counted",
        ),
    ]


@pytest.fixture
def person(db):
    return Supporter.objects.create(
        full_name="Jane Roe",
        display_name="J. R.",
        visibility=Visibility.FULL_NAME,
        consent_visibility=Visibility.FULL_NAME,
        consent_date=datetime.date(2025, 1, 1),
        email="jane@example.org",
    )


@pytest.fixture
def drive(draft, orgs, person, editor):
    return services.drive_start(
        statement=draft,
        user=editor,
        deadline=timezone.now() + datetime.timedelta(days=10),
        organizations=orgs,
        supporters=[person],
        reminder_days=3,
        grace_days=2,
    )
