"""Browser tests: Playwright for Python driving Debian's headless Chromium against a live server.

Playwright's own browser download cannot work on our machines, so the tests launch
/usr/bin/chromium (installed by dev.py test or .ci/run) and are skipped where it is missing.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from wagtail.models import Site

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# The sync Playwright API runs an event loop in the test's thread; the ORM calls the tests make
# around it are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-quic",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def migrated_data(transactional_db, database_snapshot):
    """The data migrations made, present even after an earlier transactional test flushed it."""
    if not Site.objects.exists():
        for alias, snapshot in database_snapshot.items():
            connections[alias].creation.deserialize_db_from_string(snapshot)
