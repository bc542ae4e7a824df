"""Rules both backends apply the same way, so that they give the same answers: how a document's
values become keywords and text, how autocomplete picks phrases, and which words "more like
this" starts from."""

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from search.query import Suggestion

KEYWORD_MAX_CHARS = 200
# Documents read to collect autocomplete phrases; enough for `limit` distinct phrases.
SUGGEST_SCAN = 50
SUGGEST_PREFIX_MAX_CHARS = 100
# How many of a document's words "more like this" looks for in others.
MORE_LIKE_THIS_TERMS = 25


def texts(document: Mapping[str, Any], name: str) -> list[str]:
    """A text field's values as strings (a field may hold one string or a list)."""
    value = document.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None]
    return [str(value)]


def keyword_values(value: Any) -> list[str]:
    """A keyword field's distinct, non-empty values as strings, each cut to KEYWORD_MAX_CHARS."""
    values = value if isinstance(value, list | tuple | set) else [value]
    return list(
        dict.fromkeys(
            str(item)[:KEYWORD_MAX_CHARS] for item in values if item is not None and item != ""
        )
    )


def fold(text: str) -> str:
    """Text as autocomplete compares it: NFKC-normalised, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def phrase_matches(phrase: str, prefix: str) -> bool:
    """On folded text: a phrase starts with the prefix, has a word starting with it, or
    (Chinese, which has no spaces) contains it."""
    if phrase.startswith(prefix) or f" {prefix}" in phrase:
        return True
    return not prefix.isascii() and prefix in phrase


def pick_suggestions(
    candidates: Iterable[tuple[str, int, Sequence[str]]], prefix: str, *, limit: int
) -> list[Suggestion]:
    """From (doc_type, id, phrases) of candidate documents, best first: the phrases that match
    the folded `prefix` (phrase_matches), each once, at most `limit`."""
    suggestions: list[Suggestion] = []
    seen: set[str] = set()
    for doc_type, object_id, phrases in candidates:
        for phrase in phrases:
            folded = fold(phrase)
            if folded in seen or not phrase_matches(folded, prefix):
                continue
            seen.add(folded)
            suggestions.append(Suggestion(text=phrase, doc_type=doc_type, id=object_id))
            if len(suggestions) >= limit:
                return suggestions
    return suggestions


def weighted_terms(tokens_by_weight: Mapping[int, str]) -> dict[str, int]:
    """A document's words with their weighted frequency (a title word counting three times a
    body word), from its token strings per weight. Words of one letter and short numbers say
    little about what a document is about and are left out."""
    weights: dict[str, int] = {}
    for weight, tokens in tokens_by_weight.items():
        for token in (tokens or "").split():
            if len(token) < 2 or (token.isdigit() and len(token) < 4):
                continue
            weights[token] = weights.get(token, 0) + weight
    return weights
