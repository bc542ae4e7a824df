"""Highlighted fragments of stored text for the embedded backend (Elasticsearch has its own
highlighter and returns fragments of the same form): HTML-escaped text with the words the query
matched wrapped in <mark>, cut around the first match when the text is long.

Matching follows search.analysis: a Chinese query word is found as a substring; a Latin token as
the start of a word, case-insensitively, so that "warehouse" marks "Warehouses" too.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape

from search.analysis import HAN_RE

FRAGMENT_CHARS = 160


def highlight_pattern(groups: Iterable[set[str]]) -> re.Pattern[str] | None:
    """One regular expression for every token of every alternative; None when there is none."""
    tokens = {token for group in groups for alternative in group for token in alternative.split()}
    if not tokens:
        return None
    parts = []
    for token in sorted(tokens, key=len, reverse=True):
        if HAN_RE.search(token):
            parts.append(re.escape(token))
        else:
            # A word starting with the token (plural and other endings); not inside a word.
            parts.append(rf"(?<![^\W_]){re.escape(token)}")
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None) -> str | None:
    """An escaped fragment of `text` with the matches in <mark>; None when nothing matches."""
    if not text or pattern is None:
        return None
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    start = 0
    end = len(text)
    if len(text) > FRAGMENT_CHARS:
        start = max(matches[0].start() - FRAGMENT_CHARS // 4, 0)
        end = min(start + FRAGMENT_CHARS, len(text))
    pieces = ["…"] if start else []
    position = start
    for match in matches:
        if match.start() < position or match.end() > end:
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
