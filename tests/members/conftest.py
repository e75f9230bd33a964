import pytest

from members.models import Organization, OrganizationKind
from members.models import Visibility as V
from tests.factories import INDIVIDUAL, ORGANIZATION, make_supporter


@pytest.fixture
def organization(db):
    return Organization.objects.create(
        name="Open North Korea",
        local_name="열린북한",
        slug="open-north-korea",
        country="KR",
        kind=OrganizationKind.NATIONAL_NGO,
        founding_member=True,
        website="https://example.org/onk",
        description_en="Works to open the country to outside information.",
        description_ko="외부 정보를 전하는 단체.",
    )


@pytest.fixture
def japanese_organization(db):
    return Organization.objects.create(
        name="Life Funds for North Korean Refugees",
        local_name="北朝鮮難民救援基金",
        slug="life-funds",
        country="JP",
        kind=OrganizationKind.NATIONAL_NGO,
    )


@pytest.fixture
def international_organization(db):
    return Organization.objects.create(
        name="Human Rights Watch",
        acronym="HRW",
        slug="human-rights-watch",
        kind=OrganizationKind.INTERNATIONAL_NGO,
    )


@pytest.fixture
def supporter(db):
    return make_supporter(
        "Suzanne Scholte",
        V.FULL_NAME,
        affiliation="Seoul Peace Prize Recipient",
        country="US",
    )


@pytest.fixture(autouse=True)
def _english():
    """A request in another language leaves it active in the thread; start each test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def org_data():
    """A complete, valid join request from an organization, as a browser posts it."""
    return dict(ORGANIZATION)


@pytest.fixture
def person_data():
    """An individual who asks to be listed publicly."""
    return {**INDIVIDUAL, "wants_listing": "on"}
