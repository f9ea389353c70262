"""Shared pytest options: ``--update-goldens`` rewrites golden files on purpose."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the expected/ golden files from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


# The tests audit fixtures that live in the repository: none of them writes a cache there
# (tests/test_cache.py turns it on in temporary copies).
os.environ["TRACEAUDIT_NO_CACHE"] = "1"
