"""Browser tests: Playwright for Python driving Debian's headless Chromium against a live server.

Playwright's own browser download cannot work on our machines, so the tests launch
/usr/bin/chromium (installed by dev.py test or .ci/run) and are skipped where it is missing.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
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
    """The data migrations made, present even after an earlier transactional test flushed it.

    That flush ran post_migrate, which recreated content types and permissions in another order
    (and so with other ids) than the migrations did, and the snapshot's rows would collide with
    them; so empty the tables once more, this time without post_migrate, and load the snapshot.
    """
    for alias, snapshot in database_snapshot.items():
        if not Site.objects.using(alias).exists():
            # As Django's own flush between transactional tests: sequences keep counting, so
            # rows the test creates never take an id the snapshot's rows hold.
            call_command(
                "flush",
                database=alias,
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
                verbosity=0,
            )
            connections[alias].creation.deserialize_db_from_string(snapshot)
        # With the snapshot on this connection object, the flush after the test skips
        # post_migrate as well, so the next serialized test restores onto empty tables.
        connections[alias]._test_serialized_contents = snapshot
