import pytest

from conftest import login_with_two_factor as login_administrator  # noqa: F401
from members.models import Organization, OrganizationKind, Supporter
from members.models import Visibility as V


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


def make_supporter(full_name, visibility, **extra):
    return Supporter.objects.create(full_name=full_name, visibility=visibility, **extra)


@pytest.fixture
def supporter(db):
    return make_supporter(
        "Suzanne Scholte",
        V.FULL_NAME,
        affiliation="Seoul Peace Prize Recipient",
        country="US",
    )


def bulk_organizations(count, *, countries=("KR", "JP", "US", "GB", ""), start=0):
    """`count` listed organizations in one INSERT; bulk_create skips save(), so set the region."""
    from members.regions import region_for

    organizations = [
        Organization(
            name=f"Organization {i:04d}",
            slug=f"organization-{i:04d}",
            acronym=f"O{i}",
            country=countries[i % len(countries)],
            region=region_for(countries[i % len(countries)]),
            kind=list(OrganizationKind)[i % len(OrganizationKind)],
            logo="logos/example.png" if i % 3 == 0 else "",
        )
        for i in range(start, start + count)
    ]
    Organization.objects.bulk_create(organizations)
    Supporter.objects.bulk_create(
        Supporter(
            full_name=f"Person {i:04d}",
            name_initials=f"P. {i:04d}.",
            visibility=list(V)[i % len(V)],
            country=countries[i % len(countries)],
            region=region_for(countries[i % len(countries)]),
        )
        for i in range(start, start + count // 5 + 1)
    )


@pytest.fixture(autouse=True)
def _english():
    """A request in another language leaves it active in the thread; start each test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
