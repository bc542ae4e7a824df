"""A short digest of a document, stored with it in the index, so that `manage.py search_check`
can tell a stale indexed document from a current one without reading it back."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def fingerprint(document: Mapping[str, Any]) -> str:
    """The same for equal documents whatever their key order; 20 hex characters."""
    encoded = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(encoded.encode(), digest_size=10).hexdigest()
