from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

# seed_bench at two sizes: 10 organizations, 100 supporters and 40 statements a language, then
# ten times as many (each statement with 40 signatures, as in the benchmark).
SIZES = {"small": 0.002, "large": 0.02}
ORGANIZATION = "/en/members/bench-org-00001/"
STATEMENT = "/en/statements/bench-en-00001/"
CAMPAIGN = "/en/campaigns/bench-campaign-001/"


@pytest.fixture
def seed(db):
    def run(size):
        # seed_bench fills only a development database (DEBUG on) or a bench database.
        with override_settings(DEBUG=True):
            call_command("seed_bench", scale=SIZES[size], replace=True, stdout=StringIO())

    return run


@pytest.fixture
def small(seed):
    seed("small")
