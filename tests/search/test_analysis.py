"""search.analysis: the tokens both sides of the embedded search agree on."""

import re
import threading

import pytest

from search import analysis
from search.analysis import expand_query, glossary_synonyms, index_text, query_tokens, segment

# A token holds letters and digits only: no quote, star, colon, bracket, dash, caret, NUL, space.
PLAIN_TOKEN = re.compile(r"[^\W_]+")


def groups_of(query: str) -> list[set[str]]:
    return expand_query(query_tokens(query))


def matches(groups: list[set[str]], document: str) -> bool:
    """Every group has an alternative whose tokens are all in the document's tokens."""
    tokens = set(segment(document))
    return all(
        any(set(alternative.split(" ")) <= tokens for alternative in group) for group in groups
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("北京实木家具出口企业", "家具"),
        ("北京实木家具出口企业", "实木"),
        ("主营服装出口的外贸企业", "服装"),
        ("销售男女服装及配饰", "服装"),
        ("提供国际物流服务", "物流"),
        ("提供跨境物流与清关服务", "物流"),
        ("跨境电商平台", "跨境"),
        ("跨境电商平台", "电商"),
        ("跨境电商平台", "平台"),
        ("跨境电商平台", "跨境电商"),
    ],
)
def test_words_are_found_inside_longer_text(text, word):
    assert word in segment(text)


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("家具", "北京实木家具出口企业"),
        ("服装", "主营服装出口的外贸企业"),
        ("物流", "提供国际物流服务"),
        ("实木家具", "北京实木家具出口企业"),
        ("服装出口", "主营服装出口的外贸企业"),
    ],
)
def test_chinese_queries_match_longer_text(query, document):
    assert matches(groups_of(query), document)


@pytest.mark.parametrize("text", ["我们在美国有海外仓和独立站", "海外仓服务商", "海外仓"])
def test_glossary_words_stay_one_token(text):
    assert "海外仓" in segment(text)
    assert "海外仓" in query_tokens(text)


def test_independent_site_stays_one_token():
    assert "独立站" in query_tokens("独立站建设与运营")


def test_english_is_lower_cased_split_and_plurals_stripped():
    assert segment("Overseas WAREHOUSES, cross-border Companies; glass status") == [
        "oversea",
        "warehouse",
        "cross",
        "border",
        "compani",
        "glass",
        "status",
    ]


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("company", "companies"),
        ("hoodie", "hoodies"),
        ("dress", "dresses"),
        ("box", "boxes"),
        ("watch", "watches"),
        ("toy", "toys"),
        ("warehouse", "warehouses"),
    ],
)
def test_singular_and_plural_meet(singular, plural):
    assert segment(singular) == segment(plural)


def test_hs_codes_and_full_width_digits_are_kept():
    assert segment("HS 9403.10 家具 ９４０３") == ["hs", "9403", "10", "家具", "9403"]


def test_mixed_text_separates_chinese_from_latin():
    assert segment("abc家具123") == ["abc", "家具", "123"]


def test_english_phrase_expands_to_chinese():
    assert groups_of("Overseas warehouses") == [{"oversea warehouse", "海外仓"}]


def test_chinese_word_expands_to_english_phrase():
    assert groups_of("海外仓") == [{"海外仓", "oversea warehouse"}]


def test_expansion_matches_both_ways():
    assert matches(groups_of("overseas warehouse"), "我们在德国有海外仓")
    assert matches(groups_of("海外仓"), "We run an overseas warehouse in Germany")
    assert matches(groups_of("furniture"), "北京实木家具出口企业")
    assert matches(groups_of("物流"), "International logistics provider")


def test_phrase_matched_before_its_words():
    groups = groups_of("cross-border e-commerce platform in Germany")
    assert groups == [
        {"cross border e commerce", "跨境电商", "跨境电子商务", "跨境 电商", "跨境 电子 商务"},
        {"platform", "平台"},
        {"in"},
        {"germani"},
    ]


def test_synonyms_linked_through_a_shared_translation():
    synonyms = glossary_synonyms()
    assert synonyms["独立站"] == {"自建站", "independent site"}
    assert synonyms["independent site"] == {"独立站", "自建站"}
    assert synonyms["oem"] == {"贴牌", "代工"}
    assert "家具" not in synonyms["家具"]


def test_glossary_synonyms_returns_a_copy():
    glossary_synonyms()["海外仓"].add("x")
    assert glossary_synonyms()["海外仓"] == {"oversea warehouse"}


def test_index_text_joins_tokens_with_spaces():
    assert index_text("Overseas warehouse", "", "海外仓") == "oversea warehouse 海外 海外仓"


BAD_INPUTS = [
    "",
    "   ",
    "家" * 10_000,
    "furniture " * 1_000,
    "😀🇨🇳👍🏽" * 50,
    '" * : ( ) - AND OR NEAR ^ NOT + ~ { } [ ] ! & | <-> \\ /',
    '"家具*" OR (物流 NEAR/3 服装) AND -海外仓 ^2 col:value',
    "'; DROP TABLE search_document; --",
    "a\x00b\x00家具\x00",
    "\ud800\udfff lone surrogates",
    "\t\n\r\x0b\x0c",
    "ﷺ" * 300,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gives_plain_tokens(text):
    tokens = segment(text) + query_tokens(text) + index_text(text, text).split()
    assert all(PLAIN_TOKEN.fullmatch(token) for token in tokens)
    for group in groups_of(text):
        for alternative in group:
            assert all(PLAIN_TOKEN.fullmatch(token) for token in alternative.split(" "))


def test_operators_become_plain_lower_case_words():
    assert query_tokens('"a*" OR b:c NEAR(d) ^e -f') == ["a", "or", "b", "c", "near", "d", "e", "f"]


def test_query_length_is_capped():
    long_query = "家具 " * 10_000
    assert len(query_tokens(long_query)) <= analysis.QUERY_MAX_CHARS
    assert len(expand_query([str(n) for n in range(1_000)])) == analysis.QUERY_MAX_GROUPS


def test_documents_are_capped():
    assert len(segment("ab " * analysis.INDEX_MAX_CHARS)) <= analysis.INDEX_MAX_CHARS // 3 + 1


def test_tokenizer_is_built_once_under_concurrent_first_use(monkeypatch):
    build = analysis._tokenizer_build
    builds = []

    def counting_build():
        builds.append(threading.get_ident())
        return build()

    monkeypatch.setattr(analysis, "_tokenizer", None)
    monkeypatch.setattr(analysis, "_tokenizer_build", counting_build)
    barrier = threading.Barrier(8)
    results = []

    def first_use():
        barrier.wait()
        results.append(segment("海外仓家具"))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(builds) == 1
    assert len(results) == 8
    assert all(tokens == results[0] for tokens in results)
    assert "海外仓" in results[0]
    segment("再次使用")
    assert len(builds) == 1
