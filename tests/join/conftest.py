import pytest

from tests.factories import INDIVIDUAL, ORGANIZATION


@pytest.fixture
def org_data():
    return dict(ORGANIZATION)


@pytest.fixture
def person_data():
    """An individual who asks to be listed publicly."""
    return {**INDIVIDUAL, "wants_listing": "on"}
