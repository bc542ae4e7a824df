"""Markers shared by the suite."""

import pytest

# Tests that need real commits (live servers, other threads, ASGI consumers). Every such test
# must roll back *serialized*: a plain transactional test flushes the tables and re-creates
# content types, which deletes the data migrations made (Wagtail's page tree, locales, groups)
# for every later test and breaks the next serialized restore.
transactional_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)
