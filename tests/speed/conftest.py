import pytest

from benchmarks.seeding import seed_coalition

# The bench's fake coalition at two sizes: 10 organizations, 100 supporters and 40 statements a
# language, then ten times as many (each statement with 40 signatures, as in the benchmark).
SIZES = {"small": 0.002, "large": 0.02}
ORGANIZATION = "/en/members/bench-org-00001/"
STATEMENT = "/en/statements/bench-en-00001/"
CAMPAIGN = "/en/campaigns/bench-campaign-001/"


@pytest.fixture
def seed(db):
    def run(size):
        seed_coalition(scale=SIZES[size], replace=True)

    return run


@pytest.fixture
def small(seed):
    seed("small")
