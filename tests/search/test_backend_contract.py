"""One contract for every search backend: the same documents, queries and expected answers.

Runs against the embedded backend on the configured database (SQLite or PostgreSQL), and against
Elasticsearch when ELASTICSEARCH_URL is set (skipped with the reason otherwise; the parts of the
Elasticsearch backend that need no server are in test_elasticsearch_backend.py).
"""

import datetime
import os
import uuid

import pytest
from django.utils import timezone

from search import registry
from search.backends import EmbeddedBackend
from search.fingerprint import fingerprint
from search.query import SORT_RECENT, SearchQuery
from search.registry import BODY, SUMMARY, TITLE, DocumentSchema

DOC_TYPE = "contract_item"
SCHEMA = DocumentSchema(
    text={"name_zh": TITLE, "name_en": TITLE, "summary": SUMMARY, "body_zh": BODY, "body_en": BODY},
    keywords=("kind", "markets", "hs_headings", "visibility"),
    date="updated_at",
    expires="expires_at",
    suggest=("name_zh", "name_en"),
    stored=("name_zh", "name_en", "body_zh", "body_en", "kind"),
)


def doc(pk, *, kind, markets, date, visibility="public", hs=(), **text):
    return {
        "id": pk,
        "kind": kind,
        "markets": list(markets),
        "hs_headings": list(hs),
        "visibility": visibility,
        "updated_at": date,
        **text,
    }


DOCUMENTS = [
    doc(
        1,
        kind="exporter",
        markets=["DE", "FR"],
        hs=["9403"],
        date="2026-01-01T00:00:00+00:00",
        name_zh="北京实木家具出口有限公司",
        name_en="Beijing Solid Wood Furniture Export Co.",
        body_zh="主营橡木餐桌，出口德国",
        body_en="Oak dining tables for Germany",
    ),
    doc(
        2,
        kind="platform",
        markets=["US"],
        hs=["6109"],
        date="2026-02-01T00:00:00+00:00",
        name_zh="跨境服装平台",
        body_zh="招募服装卖家，提供海外仓",
    ),
    doc(
        3,
        kind="service_provider",
        markets=["DE", "US"],
        visibility="members",
        date="2026-03-01T00:00:00+00:00",
        name_zh="海外仓物流有限公司",
        name_en="Overseas Warehouse Logistics Ltd",
        body_en="Overseas warehouses in Germany and the US; last-mile logistics",
    ),
    doc(
        4,
        kind="exporter",
        markets=["US"],
        hs=["0902"],
        date="2025-12-01T00:00:00+00:00",
        name_zh="北京茶叶进出口公司",
        body_zh="绿茶、红茶出口美国",
    ),
    doc(
        5,
        kind="exporter",
        markets=["US", "DE"],
        hs=["9503"],
        date="2026-04-01T00:00:00+00:00",
        name_zh="玩具厂",
        name_en="Toy Factory",
        body_en="Plastic toys and games <script>alert(1)</script>",
    ),
    doc(
        6,
        kind="exporter",
        markets=["FR"],
        hs=["9403"],
        date="2025-11-01T00:00:00+00:00",
        name_zh="上海橡木家具工坊",
        name_en="Oak furniture workshop",
        body_en="Solid oak dining tables and chairs",
    ),
]


def _elasticsearch_backend():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set: no Elasticsearch server to run the contract on")
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url, index_prefix=f"xbec_contract_{uuid.uuid4().hex[:8]}")


def _load_nothing(ids):
    return []


@pytest.fixture(params=["embedded", "elasticsearch"])
def backend(request, db):
    engine = EmbeddedBackend() if request.param == "embedded" else _elasticsearch_backend()
    registry.register(DOC_TYPE, load=_load_nothing, all_ids=list, schema=SCHEMA)
    engine.index(DOC_TYPE, DOCUMENTS)
    yield engine
    engine.delete(DOC_TYPE, [document["id"] for document in DOCUMENTS])
    registry.unregister(DOC_TYPE)
    if request.param == "elasticsearch":
        # Each test has its own prefix; remove its indices by name (clusters may refuse wildcard
        # deletes).
        for name in engine.client.indices.get(index=f"{engine.index_prefix}_*"):
            engine.client.indices.delete(index=name)


def run(backend, text="", **options):
    return backend.search(SearchQuery(doc_types=(DOC_TYPE,), text=text, **options))


def ids(results):
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家具", {1, 6}),  # two characters inside 北京实木家具出口有限公司
        ("服装", {2}),
        ("物流", {3}),
        ("茶叶", {4}),
        ("实木家具", {1}),
        ("furniture", {1, 6}),
        ("tables", {1, 6}),  # plural in the query, "tables" in the text
        ("table", {1, 6}),
        ("toy", {5}),
        ("warehouse", {3}),
        ("9403", set()),  # keywords are filters, not text
    ],
)
def test_words_are_found_inside_longer_text(backend, text, expected):
    results = run(backend, text)
    assert ids(results) == expected
    assert results.total == len(expected)
    assert not results.relaxed


def test_glossary_terms_are_synonyms_across_languages(backend):
    assert ids(run(backend, "overseas warehouse")) == {2, 3}  # 2 says only 海外仓
    assert ids(run(backend, "海外仓")) == {2, 3}  # 3's Chinese name holds it; its text says both


def test_every_word_must_match_until_none_does(backend):
    assert ids(run(backend, "furniture Germany")) == {1}
    relaxed = run(backend, "furniture zzzqx")
    assert relaxed.relaxed and ids(relaxed) == {1, 6}


def test_names_rank_above_descriptions(backend):
    # "oak" is in 6's name and in 1's description only.
    assert [hit.id for hit in run(backend, "oak").hits][:2] == [6, 1]


def test_filters_combine_within_and_across_fields(backend):
    assert ids(run(backend, filters={"kind": ["exporter"]})) == {1, 4, 5, 6}
    assert ids(run(backend, filters={"kind": ["exporter"], "markets": ["DE"]})) == {1, 5}
    assert ids(run(backend, filters={"markets": ["DE", "FR"]})) == {1, 3, 5, 6}
    assert ids(run(backend, "家具", filters={"markets": ["DE"]})) == {1}
    assert ids(run(backend, filters={"kind": ["nobody"]})) == set()


def counts(results, name):
    return [(value.value, value.count) for value in results.facets[name]]


def test_facet_counts(backend):
    results = run(backend, facets=("kind", "markets"))
    assert counts(results, "kind") == [("exporter", 4), ("platform", 1), ("service_provider", 1)]
    assert counts(results, "markets") == [("US", 4), ("DE", 3), ("FR", 2)]


def test_a_facet_ignores_its_own_filter_and_obeys_the_others(backend):
    results = run(backend, filters={"kind": ["exporter"]}, facets=("kind", "markets"))
    assert counts(results, "kind") == [("exporter", 4), ("platform", 1), ("service_provider", 1)]
    assert counts(results, "markets") == [("DE", 2), ("FR", 2), ("US", 2)]
    narrowed = run(backend, "家具", filters={"markets": ["FR"]}, facets=("markets",))
    assert ids(narrowed) == {1, 6}
    assert counts(narrowed, "markets") == [("FR", 2), ("DE", 1)]


def test_facet_size_limits_the_values(backend):
    results = run(backend, facets=("markets",), facet_size=1)
    assert counts(results, "markets") == [("US", 4)]


def test_sort_by_recency_and_blank_text(backend):
    expected = [5, 3, 2, 1, 4, 6]
    assert [hit.id for hit in run(backend, sort=SORT_RECENT).hits] == expected
    assert [hit.id for hit in run(backend).hits] == expected  # no text: relevance is recency
    assert [hit.id for hit in run(backend, "家具", sort=SORT_RECENT).hits] == [1, 6]


def test_pagination(backend):
    second = run(backend, sort=SORT_RECENT, per_page=2, page=2)
    assert [hit.id for hit in second.hits] == [2, 1]
    assert second.total == 6 and second.page_count == 3
    past_the_end = run(backend, sort=SORT_RECENT, per_page=2, page=9)
    assert past_the_end.hits == [] and past_the_end.total == 6


def test_hits_carry_stored_fields_and_escaped_highlights(backend):
    [hit] = run(backend, "服装").hits
    assert hit.doc_type == DOC_TYPE and hit.source["kind"] == "platform"
    assert "<mark>服装</mark>" in hit.highlights["name_zh"][0]
    [toy] = run(backend, "plastic").hits
    fragment = toy.highlights["body_en"][0]
    assert "<mark>Plastic</mark>" in fragment and "<script>" not in fragment
    assert "&lt;script&gt;" in fragment


def test_suggest_completes_names_and_obeys_filters(backend):
    phrases = [s.text for s in backend.suggest("北京", doc_types=[DOC_TYPE])]
    assert set(phrases) == {"北京实木家具出口有限公司", "北京茶叶进出口公司"}
    assert [s.text for s in backend.suggest("overs", doc_types=[DOC_TYPE])] == [
        "Overseas Warehouse Logistics Ltd"
    ]
    public_only = backend.suggest("overs", doc_types=[DOC_TYPE], filters={"visibility": ["public"]})
    assert public_only == []
    assert backend.suggest("", doc_types=[DOC_TYPE]) == []


def test_more_like_this_finds_the_similar_document_and_not_itself(backend):
    hits = backend.more_like_this(DOC_TYPE, 1, doc_types=[DOC_TYPE], limit=3)
    assert hits and hits[0].id == 6
    assert 1 not in {hit.id for hit in hits}
    assert backend.more_like_this(DOC_TYPE, 999, doc_types=[DOC_TYPE]) == []


def test_indexing_again_replaces_and_delete_removes(backend):
    backend.index(DOC_TYPE, [{**DOCUMENTS[3], "name_zh": "北京咖啡进出口公司", "body_zh": ""}])
    assert ids(run(backend, "茶叶")) == set()
    assert ids(run(backend, "咖啡")) == {4}
    backend.delete(DOC_TYPE, [2, 404])  # an unknown id is no error
    assert ids(run(backend, "服装")) == set()
    assert run(backend, facets=("kind",)).total == 5


def test_a_document_past_its_expiry_matches_nothing(backend):
    past = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    backend.index(
        DOC_TYPE,
        [
            doc(7, kind="exporter", markets=[], date=past, expires_at=past, name_en="Expired lamp"),
            doc(8, kind="exporter", markets=[], date=past, expires_at=future, name_en="Live lamp"),
        ],
    )
    assert ids(run(backend, "lamp")) == {8}
    assert run(backend, facets=("kind",)).total == 7
    assert [s.text for s in backend.suggest("lamp", doc_types=[DOC_TYPE])] == ["Live lamp"]
    assert [s.text for s in backend.suggest("live", doc_types=[DOC_TYPE])] == ["Live lamp"]
    assert [s.text for s in backend.suggest("expired", doc_types=[DOC_TYPE])] == []
    backend.delete(DOC_TYPE, [7, 8])


def test_rebuild_replaces_the_whole_set_and_fingerprints_tell_what_is_indexed(backend):
    kept = [DOCUMENTS[0], {**DOCUMENTS[1], "name_zh": "跨境童装平台"}]
    assert backend.rebuild(DOC_TYPE, [kept[:1], kept[1:]]) == 2
    assert backend.fingerprints(DOC_TYPE) == {1: fingerprint(kept[0]), 2: fingerprint(kept[1])}
    assert ids(run(backend, "童装")) == {2}
    assert ids(run(backend, "茶叶")) == set()


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "x" * 10_000,
        "家" * 10_000,
        '"unclosed',
        "*:()^~-+ AND OR NOT NEAR(a b) {a TO b} [1 TO 2] /regex/ \\",
        "'; DROP TABLE search_indexeddocument; --",
        "1' OR '1'='1",
        "name_zh:家具",
        "😀🚢📦",
        "\x00nul\x00",
        "\ud800 lone surrogate",
        "%_%",
    ],
)
def test_any_input_gives_an_answer(backend, text):
    results = run(backend, text, facets=("kind",))
    # Whatever it matched, the answer is consistent: every hit is one of ours, the count
    # covers them, and the facet counts add up to the total (each document has one kind).
    assert {hit.id for hit in results.hits} <= {document["id"] for document in DOCUMENTS}
    assert len(results.hits) == results.total <= len(DOCUMENTS)
    assert sum(value.count for value in results.facets["kind"]) == results.total
    suggestions = backend.suggest(text, doc_types=[DOC_TYPE])
    assert {s.id for s in suggestions} <= {document["id"] for document in DOCUMENTS}
