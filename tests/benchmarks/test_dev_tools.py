"""The development tools (benchmarks/) are offered only where DEBUG or DEV_TOOLS is on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEV_COMMANDS = {"bench", "seed_bench", "loadtest"}
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qp-9vK2mZr8tLw4nYb6cHs1dFj3gAe5uIo0pRq7sTv9wXy2zBn4mCk6lDh8jGf",
    "ALLOWED_HOSTS": "icnk.example.org",
    "DATABASE_URL": "sqlite:////tmp/icnk-deploy-check.sqlite3",
}


def listed_commands(**env_vars):
    """The command names `manage.py help` prints, in a fresh process with only these settings."""
    test_only = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DEV_TOOLS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only} | env_vars
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_production_help_offers_no_bench_seed_or_load_test():
    commands = listed_commands(**PRODUCTION_ENV)
    assert "worker" in commands and "migrate" in commands  # the product's own commands stay
    assert not DEV_COMMANDS & commands


@pytest.mark.parametrize("switch", [{"DEBUG": "1"}, {**PRODUCTION_ENV, "DEV_TOOLS": "1"}])
def test_debug_or_dev_tools_offers_them(switch):
    assert listed_commands(**switch) >= DEV_COMMANDS
