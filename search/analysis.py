"""Text analysis shared by the embedded search backend: tokens for indexing and for querying.

Both sides of a search must cut text the same way, so everything that turns text into tokens lives
here and nowhere else.

Tokens
    Text is NFKC-normalised (full-width letters and digits become ASCII) and lower-cased. Runs of
    Chinese characters are segmented by jieba; every other run of letters or digits is one token,
    split on anything that is not a letter or digit (so "cross-border" gives "cross", "border" and
    "9403.10" gives "9403", "10"). Emoji, punctuation, NUL and query-syntax characters
    (" * : ( ) - ^ ...) are separators and never appear in a token: a token holds only letters and
    digits. Words like "and", "or", "near" stay ordinary lower-case tokens; backends still quote
    every token they put into a query.

English normalisation
    Deliberately tiny, applied to ASCII words of four letters or more, so that singular and plural
    meet: a final "ies", "ie" or consonant + "y" becomes "i" ("companies", "company" -> "compani";
    "hoodies", "hoodie" -> "hoodi"; "toys" -> "toy"); "es" is dropped after ss, sh, ch, x and z
    ("dresses" -> "dress", "boxes" -> "box"); otherwise a final "s" is dropped unless it follows
    s, u or i ("warehouses" -> "warehouse"; "glass", "status", "analysis" kept). It is not a
    stemmer and need not produce real words ("overseas" -> "oversea"): it only has to be the same
    on both sides.

Chinese
    jieba, taught every Chinese term of the trade glossary (search/data/trade_glossary.csv)
    so that 海外仓 and 独立站 stay whole words. Documents are cut with jieba's search mode:
    each word plus the dictionary words of two and three characters inside it (跨境电商平台
    gives 跨境, 电商, 跨境电商, 平台). On top of that, every dictionary word of two characters
    that straddles the words jieba chose is kept too (北京实木家具 cuts as 实 / 木家具, yet 实木
    is a token), so that two-character words are found inside any longer text. The price is a
    little noise (美国有海外仓 also gives 国有), which ranking absorbs. Queries are cut into
    jieba's whole words only; `expand_query` lets each also match the words inside it.

    The tokenizer is built once per process, on first use, under a lock (about a second: loading
    jieba's dictionary from its cache file in the temporary directory, plus the glossary words).

Limits
    `segment` reads at most INDEX_MAX_CHARS characters of a document; `query_tokens` at most
    QUERY_MAX_CHARS characters of a query, and `expand_query` keeps at most QUERY_MAX_GROUPS
    groups. Longer input is cut, never refused, so that any string gives tokens and never raises.
"""

from __future__ import annotations

import csv
import functools
import logging
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "trade_glossary.csv"

INDEX_MAX_CHARS = 100_000
QUERY_MAX_CHARS = 200
QUERY_MAX_GROUPS = 32
# Runs of Chinese characters up to this length have their words remembered (_han_words).
CACHED_RUN_MAX_CHARS = 64

# CJK ideographs: unified, extension A, compatibility, and extensions B-F.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# A run of Chinese characters, or a run of other letters/digits ([^\W_] is \w without "_").
_RUN_RE = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")
# One or more Chinese characters; other modules use it to tell Chinese tokens from Latin ones.
HAN_RE = re.compile(rf"[{_HAN}]+")

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()

logger = logging.getLogger(__name__)


def segment(text: str) -> list[str]:
    """Tokens of a document (or any text to be indexed), in order, repeats kept for ranking."""
    return list(_tokens(text[:INDEX_MAX_CHARS], for_search=True))


def index_text(*parts: str) -> str:
    """What a full-text column stores: the tokens of all parts, separated by single spaces.

    The database's own tokenizer (FTS5 unicode61, PostgreSQL's "simple" configuration) then only
    has to split on spaces. Empty parts are skipped.
    """
    return " ".join(token for part in parts if part for token in segment(part))


def query_tokens(text: str) -> list[str]:
    """Tokens of a user's query: jieba's whole words (no inner words) and the same Latin tokens.

    Reads at most QUERY_MAX_CHARS characters. Pass the result to `expand_query`.
    """
    return list(_tokens(text[:QUERY_MAX_CHARS], for_search=False))


# Words that carry no meaning of their own in a query ("furniture exporters in Germany",
# 出口到德国的家具): requiring them would only lose documents that happen not to contain them.
QUERY_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "of", "on"}
    | {"or", "the", "to", "with", "的", "和", "与", "及", "或", "在", "到", "了", "是", "等"}
)


def query_groups(text: str) -> list[set[str]]:
    """What a backend matches for the user's `text`: expand_query over the query's tokens, with
    the groups that are a lone stop word left out (unless nothing else is left). Glossary phrases
    are matched first, so "bill of lading" keeps its "of"."""
    groups = expand_query(query_tokens(text))
    meaningful = [group for group in groups if not group <= QUERY_STOP_WORDS]
    return meaningful or groups


def glossary_synonyms() -> dict[str, set[str]]:
    """Each glossary term, normalised, mapped to the other terms it is interchangeable with.

    A term is the space-joined tokens of a glossary entry ("海外仓", "oversea warehouse").
    Entries are linked through shared terms: 独立站 and 自建站 both translate "independent site",
    so each maps to the other two. The result is a fresh copy the caller may change.
    """
    return {term: set(others) for term, others in _synonyms().items()}


def expand_query(tokens: Iterable[str]) -> list[set[str]]:
    """Groups to match: every group must match, any alternative within a group may.

    Glossary phrases are matched first, longest first, on the token sequence (so "overseas
    warehouse" is one group with 海外仓, not two). Any other token is a group of itself. A
    Chinese word with dictionary words inside it also matches those inner words together
    (实木家具 also matches text cut as 实木 / 家具; the glossary's 电商平台 also 电商 / 平台).

    An alternative is one token or several joined by spaces; several tokens mean "all of them"
    (backends may rank them higher when adjacent). Duplicate groups are dropped and at most
    QUERY_MAX_GROUPS are kept.
    """
    tokens = [token for token in tokens if token]
    phrases = _phrases_by_first_token()
    synonyms = _synonyms()
    groups: list[set[str]] = []
    i = 0
    while i < len(tokens) and len(groups) < QUERY_MAX_GROUPS:
        for phrase in phrases.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                term = " ".join(phrase)
                group = {term, *synonyms[term]}
                group |= {
                    inner for word in list(group) if len(word) >= 4 for inner in _inner_words(word)
                }
                i += len(phrase)
                break
        else:
            group = {tokens[i], *_inner_words(tokens[i])}
            i += 1
        if group not in groups:
            groups.append(group)
    return groups


def _tokens(text: str, *, for_search: bool) -> Iterator[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    for match in _RUN_RE.finditer(text):
        han, other = match.groups()
        if han:
            if len(han) <= CACHED_RUN_MAX_CHARS:
                yield from _han_words(han, for_search)
            else:
                yield from _han_tokens(han, for_search=for_search)
        else:
            yield _normalise_latin(other)


@functools.lru_cache(maxsize=50_000)
def _han_words(run: str, for_search: bool) -> tuple[str, ...]:
    """The words of a run of Chinese characters, remembered: names, product words and taxonomy
    names repeat across documents, and jieba is most of the cost of indexing."""
    return tuple(_han_tokens(run, for_search=for_search))


def _han_tokens(run: str, *, for_search: bool) -> Iterator[str]:
    tokenizer = _tokenizer_get()
    if not for_search:
        yield from tokenizer.cut(run)
        return
    words = list(tokenizer.cut_for_search(run))
    yield from words
    # Dictionary words of two characters that straddle the words jieba chose (see the module
    # docstring). Occurrences search mode already gave are not repeated, so term counts stay true.
    # FREQ is jieba's dictionary (0 marks a mere prefix of a longer word).
    given = Counter(words)
    for start in range(len(run) - 1):
        pair = run[start : start + 2]
        if not tokenizer.FREQ.get(pair):
            continue
        if given[pair]:
            given[pair] -= 1
        else:
            yield pair


def _normalise_latin(token: str) -> str:
    if len(token) < 4 or not (token.isascii() and token.isalpha()):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "i"  # companies, hoodies -> compani, hoodi
    if token.endswith("ie"):
        return token[:-2] + "i"  # hoodie -> hoodi
    if token.endswith("y") and token[-2] not in "aeiou":
        return token[:-1] + "i"  # company -> compani (but toy, day stay)
    if token.endswith(("sses", "shes", "ches", "xes", "zes")):
        return token[:-2]  # dresses, brushes, watches, boxes -> dress, brush, watch, box
    if token.endswith("s") and token[-2] not in "sui":
        return token[:-1]
    return token


def _inner_words(token: str) -> set[str]:
    """Inner dictionary words of a Chinese query word, as one all-of alternative (or nothing)."""
    if len(token) < 3 or not HAN_RE.fullmatch(token):
        return set()
    inner = [word for word in _tokenizer_get().cut_for_search(token) if word != token]
    return {" ".join(dict.fromkeys(inner))} if inner else set()


def _tokenizer_get() -> jieba.Tokenizer:
    global _tokenizer
    # Double-checked: the lock is only contended by the threads racing the very first use.
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                _tokenizer = _tokenizer_build()
    return _tokenizer


def _tokenizer_build() -> jieba.Tokenizer:
    # Imported here so that processes that never search (migrations, workers) skip jieba's import.
    import jieba

    # jieba logs its dictionary loading at DEBUG level to stderr through its own handler.
    jieba.setLogLevel(logging.WARNING)
    # A private tokenizer rather than jieba's global one: our glossary words stay ours.
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for row in _glossary_rows():
        # Without a frequency jieba picks one just high enough for the word to beat its own split.
        tokenizer.add_word(row["zh"])
    logger.debug("jieba tokenizer ready with %d glossary words", len(_glossary_rows()))
    return tokenizer


@functools.cache
def _glossary_rows() -> tuple[dict[str, str], ...]:
    with GLOSSARY_PATH.open(encoding="utf-8", newline="") as file:
        rows = [{"zh": row["zh"].strip(), "en": row["en"].strip()} for row in csv.DictReader(file)]
    return tuple(row for row in rows if row["zh"] and row["en"])


@functools.cache
def _synonyms() -> dict[str, frozenset[str]]:
    # Union the terms of each row; terms repeated across rows join their classes.
    parent: dict[str, str] = {}

    def root(term: str) -> str:
        while parent.setdefault(term, term) != term:
            term = parent[term]
        return term

    for row in _glossary_rows():
        zh, en = " ".join(query_tokens(row["zh"])), " ".join(query_tokens(row["en"]))
        if zh and en:
            parent[root(zh)] = root(en)
    classes: dict[str, set[str]] = {}
    for term in parent:
        classes.setdefault(root(term), set()).add(term)
    return {term: frozenset(members - {term}) for members in classes.values() for term in members}


@functools.cache
def _phrases_by_first_token() -> dict[str, tuple[tuple[str, ...], ...]]:
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for term in _synonyms():
        phrase = tuple(term.split(" "))
        phrases.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in phrases.items()}
