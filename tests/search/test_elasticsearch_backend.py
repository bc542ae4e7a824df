"""The Elasticsearch backend: its mapping, documents and requests, checked without a server;
its failures against local sockets that refuse, fail or hang; and, when ELASTICSEARCH_URL
names a cluster, real indexing and searching (TestAgainstElasticsearch).

The requests are compared as dictionaries because they are what decides which documents match:
the backend must find what the embedded backend finds, and the token fields and queries here
are how it does so (search.backends.elasticsearch explains why).
"""

import datetime
import os
import time
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from search import registry
from search.analysis import index_text, query_groups
from search.backends.base import BackendUnavailable, SearchBackend
from search.backends.common import phrase_matches
from search.backends.elasticsearch import (
    NOT_EXPIRED,
    RECENCY,
    SUGGEST_SCAN,
    TOKEN_FIELDS_BOOSTED,
    ElasticsearchBackend,
    alias_swap_actions,
    characteristic_terms,
    completion_inputs,
    document_for,
    facets_from,
    hits_from,
    index_body,
    mapping_for,
    search_for,
    suggest_search,
    suggestions_from,
)
from search.fingerprint import fingerprint
from search.query import SORT_RECENT, FacetValue, Hit, SearchQuery, Suggestion
from search.registry import BODY, SUMMARY, TITLE, DocumentSchema
from tests.search.es_stub import answering_url, refusing_url, silent_url

NOT_EXPIRED_BODY = NOT_EXPIRED.to_dict()
ORG = "es_test_org"
POST = "es_test_post"
ORG_SCHEMA = DocumentSchema(
    text={"name_zh": TITLE, "name_en": TITLE, "summary": SUMMARY, "description_en": BODY},
    keywords=("kind", "markets", "visibility"),
    date="updated_at",
    suggest=("name_zh", "name_en"),
    stored=("name_zh", "name_en", "summary", "kind", "completeness"),
)
POST_SCHEMA = DocumentSchema(
    text={"title_zh": TITLE, "body_zh": BODY},
    keywords=("kind", "markets"),
    date="published_at",
    suggest=("title_zh",),
    stored=("title_zh",),
)
SCHEMAS = {ORG: ORG_SCHEMA, POST: POST_SCHEMA}


def _load(ids):
    return []


def _all_ids():
    return []


@pytest.fixture
def doc_types() -> Iterator[None]:
    for doc_type, schema in SCHEMAS.items():
        registry.register(doc_type, load=_load, all_ids=_all_ids, schema=schema)
    yield
    for doc_type in SCHEMAS:
        registry.unregister(doc_type)


def _combined(text: str) -> dict:
    return {"combined_fields": {"query": text, "fields": TOKEN_FIELDS_BOOSTED, "operator": "and"}}


def _body(query: SearchQuery, **kwargs) -> dict:
    return search_for(query.clean(), SCHEMAS, **kwargs).to_dict()


def _analyzers(mapping: dict) -> set[str]:
    found = set()
    for key, value in mapping.items():
        if key == "analyzer":
            found.add(value)
        elif isinstance(value, dict):
            found |= _analyzers(value)
    return found


def test_the_backend_fulfils_the_protocol():
    backend = ElasticsearchBackend("http://127.0.0.1:9200")

    assert isinstance(backend, SearchBackend)
    assert backend.name == "elasticsearch"
    assert backend.alias("post") == "xbec_post"


# --- Mapping ----------------------------------------------------------------------------------


def test_token_fields_are_split_on_spaces_only():
    properties = mapping_for(ORG_SCHEMA).to_dict()["properties"]

    for field in ("tokens_title", "tokens_summary", "tokens_body"):
        assert properties[field] == {"type": "text", "analyzer": "whitespace"}


def test_raw_text_fields_are_analysed_by_their_language():
    text = mapping_for(ORG_SCHEMA).to_dict()["properties"]["text"]["properties"]

    assert text == {
        "name_zh": {"type": "text", "analyzer": "cjk"},
        "name_en": {"type": "text", "analyzer": "english"},
        "summary": {
            "type": "text",
            "analyzer": "cjk",
            "fields": {"en": {"type": "text", "analyzer": "english"}},
        },
        "description_en": {"type": "text", "analyzer": "english"},
    }


def test_keywords_date_suggestions_and_stored_fields():
    mapping = mapping_for(ORG_SCHEMA).to_dict()
    properties = mapping["properties"]

    assert mapping["dynamic"] is False
    assert properties["keywords"]["properties"] == {
        "kind": {"type": "keyword"},
        "markets": {"type": "keyword"},
        "visibility": {"type": "keyword"},
    }
    assert properties["date"] == {"type": "date"}
    assert properties["id"] == {"type": "long"}
    assert properties["doc_type"] == {"type": "keyword"}
    assert properties["fingerprint"] == {"type": "keyword"}
    assert properties["expires"] == {"type": "date"}
    assert properties["suggest_complete"] == {
        "type": "completion",
        "analyzer": "simple",
        "max_input_length": 50,
        "contexts": [{"name": "visibility", "type": "category"}],
    }
    assert properties["suggest"] == {"type": "keyword", "index": False, "doc_values": False}
    assert properties["stored"] == {"type": "object", "enabled": False}


def test_only_built_in_analyzers_are_used():
    body = index_body(ORG_SCHEMA, shards=2, replicas=1)

    assert _analyzers(body["mappings"]) == {"whitespace", "cjk", "english", "simple"}
    assert body["settings"] == {"number_of_shards": 2, "number_of_replicas": 1}


# --- Documents --------------------------------------------------------------------------------

ORGANIZATION = {
    "id": 7,
    "kind": "exporter",
    "markets": ["DE", "DE", "", None, "x" * 300],
    "visibility": "public",
    "name_zh": "北京实木家具有限公司",
    "name_en": "Beijing  Solid Wood   Furniture",
    "summary": ["海外仓 in Germany", "Toys"],
    "description_en": "We ship furniture to overseas warehouses.",
    "completeness": 80,
    "updated_at": "2024-05-01 12:30:00+08:00",
    "phone": "not in any schema",
}


def test_a_document_holds_the_embedded_backends_tokens():
    document = document_for(ORG, ORG_SCHEMA, ORGANIZATION)

    assert document["id"] == 7
    assert document["doc_type"] == ORG
    assert document["tokens_title"] == index_text(
        "北京实木家具有限公司", "Beijing  Solid Wood   Furniture"
    )
    assert document["tokens_summary"] == index_text("海外仓 in Germany", "Toys")
    assert document["tokens_body"] == index_text("We ship furniture to overseas warehouses.")
    assert "实木" in document["tokens_title"].split()


def test_a_document_holds_keywords_raw_text_and_stored_fields():
    document = document_for(ORG, ORG_SCHEMA, ORGANIZATION)

    assert document["keywords"] == {
        "kind": ["exporter"],
        "markets": ["DE", "x" * 200],
        "visibility": ["public"],
    }
    assert document["text"]["summary"] == ["海外仓 in Germany", "Toys"]
    assert document["text"]["name_zh"] == ["北京实木家具有限公司"]
    assert document["stored"] == {
        "name_zh": "北京实木家具有限公司",
        "name_en": "Beijing  Solid Wood   Furniture",
        "summary": ["海外仓 in Germany", "Toys"],
        "kind": "exporter",
        "completeness": 80,
    }
    assert "phone" not in str(document)
    assert document["fingerprint"] == fingerprint(ORGANIZATION)


def test_a_document_holds_its_phrases_and_date():
    document = document_for(
        ORG, ORG_SCHEMA, {**ORGANIZATION, "name_zh": "ＡＢＣ  Trading", "name_en": "ABC Trading"}
    )

    assert document["suggest"] == ["ＡＢＣ Trading", "ABC Trading"]
    assert document["suggest_complete"] == {
        "input": ["abc trading", "trading"],
        "contexts": {"visibility": [ORGANIZATION["visibility"]]},
    }
    assert document["date"] == "2024-05-01T12:30:00+08:00"


@pytest.mark.parametrize("value", [None, "", "yesterday", "2024-13-45"])
def test_a_missing_or_unreadable_date_leaves_the_document_undated(value):
    document = document_for(ORG, ORG_SCHEMA, {**ORGANIZATION, "updated_at": value})

    assert document["date"] is None


# --- Search requests --------------------------------------------------------------------------

GROUPS = [{"oversea warehouse", "海外仓"}, {"furniture", "家具"}]


def test_every_group_must_match_and_any_alternative_may():
    body = _body(SearchQuery(doc_types=(ORG,), text="ignored"), groups=GROUPS)

    assert body["query"] == {
        "bool": {
            "filter": [NOT_EXPIRED_BODY],
            "must": [
                {
                    "bool": {
                        "must": [
                            {
                                "bool": {
                                    "should": [
                                        _combined("oversea warehouse"),
                                        _combined("海外仓"),
                                    ],
                                    "minimum_should_match": 1,
                                }
                            },
                            {
                                "bool": {
                                    "should": [_combined("furniture"), _combined("家具")],
                                    "minimum_should_match": 1,
                                }
                            },
                        ]
                    }
                }
            ],
        }
    }


def test_the_groups_are_those_of_the_analysis_with_synonyms():
    text = "overseas warehouse furniture"
    groups = query_groups(text)

    body = _body(SearchQuery(doc_types=(ORG,), text=text))

    assert any({"oversea warehouse", "海外仓"} <= group for group in groups)
    assert body == _body(SearchQuery(doc_types=(ORG,), text=text), groups=groups)
    musts = body["query"]["bool"]["must"][0]["bool"]["must"]
    assert [
        {clause["combined_fields"]["query"] for clause in must["bool"]["should"]} for must in musts
    ] == groups


def test_relaxed_matching_accepts_any_alternative_of_any_group():
    body = _body(SearchQuery(doc_types=(ORG,)), groups=GROUPS, any_group=True)

    assert body["query"] == {
        "bool": {
            "filter": [NOT_EXPIRED_BODY],
            "must": [
                {
                    "bool": {
                        "should": [
                            _combined("furniture"),
                            _combined("oversea warehouse"),
                            _combined("家具"),
                            _combined("海外仓"),
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
        }
    }


def test_facets_count_without_their_own_filter():
    query = SearchQuery(
        doc_types=(ORG, POST),
        text="家具",
        filters={"kind": ["exporter"], "markets": ["DE", "FR"], "visibility": ["public"]},
        facets=("kind", "markets"),
    )

    body = _body(query)

    kind = {"terms": {"keywords.kind": ["exporter"]}}
    markets = {"terms": {"keywords.markets": ["DE", "FR"]}}
    # A filter on a field nobody counts narrows everything, facets included.
    assert body["query"]["bool"]["filter"] == [
        NOT_EXPIRED_BODY,
        {"terms": {"keywords.visibility": ["public"]}},
    ]
    # Filters on counted fields narrow the hits...
    assert body["post_filter"] == {"bool": {"filter": [kind, markets]}}

    # ...and each other facet's counts, not their own.
    def terms(field):
        return {
            "terms": {
                "field": f"keywords.{field}",
                "size": 50,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }

    assert body["aggs"] == {
        "kind": {"filter": {"bool": {"filter": [markets]}}, "aggs": {"values": terms("kind")}},
        "markets": {"filter": {"bool": {"filter": [kind]}}, "aggs": {"values": terms("markets")}},
    }


def test_a_facet_without_filters_counts_every_match():
    body = _body(SearchQuery(doc_types=(ORG,), facets=("kind",), facet_size=5))

    assert "post_filter" not in body
    assert body["aggs"]["kind"]["filter"] == {"match_all": {}}
    assert body["aggs"]["kind"]["aggs"]["values"]["terms"]["size"] == 5


def test_relevance_ranks_by_score_then_recency():
    body = _body(SearchQuery(doc_types=(ORG,), text="家具"))

    assert body["sort"] == [{"_score": {"order": "desc"}}, *RECENCY]
    assert body["track_scores"] is True


@pytest.mark.parametrize(
    ("text", "sort"), [("家具", SORT_RECENT), ("", "relevance"), ("  --?! ", "relevance")]
)
def test_recent_and_blank_searches_rank_by_recency(text, sort):
    body = _body(SearchQuery(doc_types=(ORG,), text=text, sort=sort))

    assert body["sort"] == [
        {"date": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "desc"}},
        {"doc_type": {"order": "asc"}},
    ]


@pytest.mark.parametrize("text", ["", "   ", "?!——"])
def test_blank_text_matches_every_document_and_highlights_nothing(text):
    body = _body(SearchQuery(doc_types=(ORG,), text=text))

    assert body["query"] == {"bool": {"filter": [NOT_EXPIRED_BODY]}}
    assert "highlight" not in body


def test_blank_text_with_filters_is_only_filters():
    body = _body(SearchQuery(doc_types=(ORG,), filters={"visibility": ["public"]}))

    assert body["query"] == {
        "bool": {"filter": [NOT_EXPIRED_BODY, {"terms": {"keywords.visibility": ["public"]}}]}
    }


def test_pages_are_windows_of_the_ranked_hits():
    body = _body(SearchQuery(doc_types=(ORG,), page=3, per_page=10))

    assert (body["from"], body["size"]) == (20, 10)
    assert body["track_total_hits"] is True
    assert body["_source"] == ["id", "doc_type", "stored"]


def test_pages_past_the_result_window_are_clamped():
    body = _body(SearchQuery(doc_types=(ORG,), page=10**6, per_page=30))

    assert body["from"] + body["size"] <= 10_000


def test_highlights_cover_stored_text_fields_with_marks_and_escaping():
    body = _body(SearchQuery(doc_types=(ORG, POST)), groups=[{"海外仓"}, {"warehouse"}])
    highlight = body["highlight"]

    # description_en and body_zh are searched but not stored: no hit shows them.
    assert list(highlight["fields"]) == [
        "text.name_en",
        "text.name_zh",
        "text.summary",
        "text.summary.en",
        "text.title_zh",
    ]
    assert highlight["pre_tags"] == ["<mark>"]
    assert highlight["post_tags"] == ["</mark>"]
    assert highlight["encoder"] == "html"
    assert highlight["number_of_fragments"] == 1
    assert highlight["highlight_query"] == {
        "bool": {
            "should": [
                {"match": {"text.name_en": "warehouse"}},
                {"match_phrase": {"text.name_zh": "海外仓"}},
                {"prefix": {"text.name_zh": "warehouse"}},
                {"match_phrase": {"text.summary": "海外仓"}},
                {"prefix": {"text.summary": "warehouse"}},
                {"match": {"text.summary.en": "warehouse"}},
                {"match_phrase": {"text.title_zh": "海外仓"}},
                {"prefix": {"text.title_zh": "warehouse"}},
            ]
        }
    }


def test_more_like_this_leaves_the_document_itself_out():
    body = _body(SearchQuery(doc_types=(ORG, POST)), groups=GROUPS, exclude=(ORG, 7))

    assert body["query"]["bool"]["must_not"] == [
        {"bool": {"filter": [{"term": {"doc_type": ORG}}, {"term": {"id": 7}}]}}
    ]


def test_suggestions_complete_the_prefix_within_the_visibility_context():
    body = suggest_search("家具", {"visibility": ["public"], "kind": ["exporter"]}).to_dict()

    assert body == {
        "suggest": {
            "phrases": {
                "prefix": "家具",
                "completion": {
                    "field": "suggest_complete",
                    "size": SUGGEST_SCAN,
                    "contexts": {"visibility": ["public"]},
                },
            }
        },
        "size": 0,
        "_source": ["id", "doc_type", "suggest", "keywords", "expires"],
    }
    unfiltered = suggest_search("家具", {}).to_dict()
    assert "contexts" not in unfiltered["suggest"]["phrases"]["completion"]


def test_completion_inputs_start_at_every_word_and_chinese_character():
    assert completion_inputs(["北京家具", "Solid Wood", "ＡＢＣ"]) == [
        "北京家具",
        "京家具",
        "家具",
        "具",
        "solid wood",
        "wood",
        "abc",
    ]


# --- Responses --------------------------------------------------------------------------------


def _response(hits: list[dict], total: int | None = None, aggregations=None) -> dict:
    response = {"hits": {"total": {"value": len(hits) if total is None else total}, "hits": hits}}
    if aggregations is not None:
        response["aggregations"] = aggregations
    return response


def test_hits_carry_stored_fields_and_one_fragment_per_field():
    stored = {"name_zh": "家具公司", "name_en": "Furniture", "summary": "Furnitures", "kind": "e"}
    response = _response(
        [
            {
                "_score": 2.5,
                "_source": {"id": 7, "doc_type": ORG, "stored": stored},
                "highlight": {
                    "text.name_zh": ["<mark>家具</mark>公司", "second"],
                    "text.summary": ["<mark>Furnitures</mark>"],
                    "text.summary.en": ["stemmed <mark>Furnitures</mark>"],
                    "text.name_en": ["<mark>Furniture</mark>"],
                },
            },
            {
                "_score": None,
                "_source": {"id": 8, "doc_type": POST, "stored": {"title_zh": ["a", "b"]}},
                "highlight": {"text.title_zh": ["<mark>a</mark>"]},
            },
        ]
    )

    hits = hits_from(response, SCHEMAS)

    assert hits == [
        Hit(
            doc_type=ORG,
            id=7,
            score=2.5,
            source=stored,
            highlights={
                "name_en": ["<mark>Furniture</mark>"],
                "name_zh": ["<mark>家具</mark>公司"],
                "summary": ["<mark>Furnitures</mark>"],
            },
        ),
        # A stored list gets no fragment, as on the embedded backend.
        Hit(doc_type=POST, id=8, score=0.0, source={"title_zh": ["a", "b"]}, highlights={}),
    ]


def test_an_english_subfield_fragment_stands_in_for_a_missing_main_one():
    response = _response(
        [
            {
                "_score": 1.0,
                "_source": {"id": 1, "doc_type": ORG, "stored": {"summary": "Toys"}},
                "highlight": {"text.summary.en": ["<mark>Toys</mark>"]},
            }
        ]
    )

    assert hits_from(response, SCHEMAS)[0].highlights == {"summary": ["<mark>Toys</mark>"]}


def test_facet_counts_come_from_the_terms_buckets():
    response = _response(
        [],
        aggregations={
            "kind": {
                "doc_count": 3,
                "values": {
                    "buckets": [{"key": "exporter", "doc_count": 2}, {"key": 5, "doc_count": 1}]
                },
            }
        },
    )

    assert facets_from(response, ("kind", "markets")) == {
        "kind": [FacetValue("exporter", 2), FacetValue("5", 1)],
        "markets": [],
    }
    assert facets_from(_response([]), ()) == {}


@pytest.mark.parametrize(
    ("phrase", "prefix", "matches"),
    [
        ("overseas warehouse", "over", True),
        ("overseas warehouse", "ware", True),
        ("overseas warehouse", "seas", False),
        ("北京实木家具有限公司", "实木", True),
        ("北京实木家具有限公司", "北京", True),
        ("abc trading", "abc t", True),
    ],
)
def test_phrases_match_like_on_the_embedded_backend(phrase, prefix, matches):
    assert phrase_matches(phrase, prefix) is matches


def _suggestions(sources: list[dict]) -> dict:
    return {"suggest": {"phrases": [{"options": [{"_source": source} for source in sources]}]}}


def test_suggestions_are_the_matching_phrases_each_once():
    response = _suggestions(
        [
            {"id": 1, "doc_type": ORG, "suggest": ["Overseas Trade", "海外贸易"]},
            {"id": 2, "doc_type": POST, "suggest": ["overseas trade", "Oversize"]},
            {"id": 3, "doc_type": ORG, "suggest": ["Over the top", "Hangover"]},
        ]
    )

    assert suggestions_from(response, "over", limit=8) == [
        Suggestion(text="Overseas Trade", doc_type=ORG, id=1),
        Suggestion(text="Oversize", doc_type=POST, id=2),
        Suggestion(text="Over the top", doc_type=ORG, id=3),
    ]
    assert len(suggestions_from(response, "over", limit=2)) == 2


def test_suggested_documents_pass_the_other_filters_and_expiry():
    now = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    response = _suggestions(
        [
            {"id": 1, "doc_type": ORG, "suggest": ["Oak A"], "keywords": {"kind": ["exporter"]}},
            {"id": 2, "doc_type": ORG, "suggest": ["Oak B"], "keywords": {"kind": ["platform"]}},
            {
                "id": 3,
                "doc_type": POST,
                "suggest": ["Oak C"],
                "keywords": {"kind": ["exporter"]},
                "expires": "2026-05-31T16:00:00+00:00",
            },
        ]
    )

    found = suggestions_from(response, "oak", limit=8, filters={"kind": ["exporter"]}, now=now)
    assert [s.id for s in found] == [1]
    assert [s.id for s in suggestions_from(response, "oak", limit=8, now=now)] == [1, 2]


def test_characteristic_terms_weigh_titles_above_bodies():
    terms = characteristic_terms(
        {
            "tokens_title": "家具 出口",
            "tokens_summary": "海外仓 家具",
            "tokens_body": "海外仓 海外仓 a 12 9403 出口 物流",
        }
    )

    # 家具 3+2, 海外仓 2+1+1, 出口 3+1, then 9403 and 物流 (short words and numbers dropped).
    assert terms == ["家具", "出口", "海外仓", "9403", "物流"]


def test_alias_swap_is_one_atomic_list_of_actions():
    assert alias_swap_actions("xbec_post", "xbec_post_2", ["xbec_post_0", "xbec_post_1"]) == [
        {"remove": {"index": "xbec_post_0", "alias": "xbec_post"}},
        {"remove": {"index": "xbec_post_1", "alias": "xbec_post"}},
        {"add": {"index": "xbec_post_2", "alias": "xbec_post"}},
    ]
    assert alias_swap_actions("xbec_post", "xbec_post_2", []) == [
        {"add": {"index": "xbec_post_2", "alias": "xbec_post"}}
    ]


# --- When the engine does not answer ----------------------------------------------------------

DOCUMENT = {"id": 1, "name_zh": "家具", "kind": "exporter", "updated_at": "2024-05-01"}
CALLS = {
    "index": lambda backend: backend.index(ORG, [DOCUMENT]),
    "delete": lambda backend: backend.delete(ORG, [1]),
    "rebuild": lambda backend: backend.rebuild(ORG, [[DOCUMENT]]),
    "search": lambda backend: backend.search(SearchQuery(doc_types=(ORG,), text="家具")),
    "suggest": lambda backend: backend.suggest("家", doc_types=[ORG]),
    "more_like_this": lambda backend: backend.more_like_this(ORG, 1, doc_types=[ORG]),
    "fingerprints": lambda backend: backend.fingerprints(ORG),
    "ping": lambda backend: backend.ping(),
}
# Generous: these are bounds on a hang, not benchmarks.
TIMEOUT = 0.5
BOUND = 5.0


def _fails_in_time(url: str, call, maintenance_timeout: float = TIMEOUT) -> BackendUnavailable:
    backend = ElasticsearchBackend(url, timeout=TIMEOUT, maintenance_timeout=maintenance_timeout)
    started = time.monotonic()
    with pytest.raises(BackendUnavailable) as raised:
        call(backend)
    assert time.monotonic() - started < BOUND
    return raised.value


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_a_refused_connection_is_unavailable(doc_types, call):
    with refusing_url() as url:
        error = _fails_in_time(url, call)

    assert error.__cause__ is not None


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_an_engine_answering_errors_is_unavailable(doc_types, call):
    with answering_url(503) as url:
        error = _fails_in_time(url, call)

    assert "503" in str(error)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_an_engine_that_never_answers_is_unavailable_after_the_timeout(doc_types, call):
    with silent_url() as url:
        _fails_in_time(url, call)


# Everything but rebuild() starts with a request bounded by the search timeout.
FIRST_REQUEST_QUICK = {name: call for name, call in CALLS.items() if name != "rebuild"}


@pytest.mark.parametrize("call", FIRST_REQUEST_QUICK.values(), ids=FIRST_REQUEST_QUICK.keys())
def test_a_long_maintenance_timeout_does_not_slow_the_other_calls(doc_types, call):
    with silent_url() as url:
        _fails_in_time(url, call, maintenance_timeout=60)


# --- Against a real cluster -------------------------------------------------------------------

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.mark.skipif(not ELASTICSEARCH_URL, reason="needs ELASTICSEARCH_URL naming a cluster")
class TestAgainstElasticsearch:
    @pytest.fixture
    def backend(self, doc_types) -> Iterator[ElasticsearchBackend]:
        prefix = f"xbectest{uuid.uuid4().hex[:8]}"
        backend = ElasticsearchBackend(ELASTICSEARCH_URL, index_prefix=prefix, timeout=10)
        yield backend
        client = Elasticsearch(ELASTICSEARCH_URL, request_timeout=30)
        # By name: clusters may refuse to delete indices by wildcard.
        for name in client.indices.get(index=f"{prefix}_*").body:
            client.indices.delete(index=name)

    @pytest.fixture
    def indexed(self, backend) -> ElasticsearchBackend:
        backend.index(
            ORG,
            [
                {
                    "id": 1,
                    "kind": "exporter",
                    "markets": ["DE"],
                    "visibility": "public",
                    "name_zh": "北京实木家具有限公司",
                    "name_en": "Beijing Solid Wood Furniture",
                    "summary": "出口德国的实木家具",
                    "updated_at": "2024-03-01T00:00:00+00:00",
                },
                {
                    "id": 2,
                    "kind": "platform",
                    "markets": ["DE", "FR"],
                    "visibility": "public",
                    "name_zh": "欧洲跨境平台",
                    "name_en": "Europe Cross-border Platform",
                    "summary": "招募家具卖家，提供海外仓",
                    "updated_at": "2024-04-01T00:00:00+00:00",
                },
                {
                    "id": 3,
                    "kind": "exporter",
                    "markets": ["US"],
                    "visibility": "members",
                    "name_zh": "宁波玩具厂",
                    "name_en": "Ningbo Toys",
                    "summary": "Toys for overseas warehouses",
                    "updated_at": "2024-05-01T00:00:00+00:00",
                },
            ],
        )
        backend.index(
            POST,
            [
                {
                    "id": 1,
                    "kind": "demand",
                    "markets": ["DE"],
                    "title_zh": "寻找实木家具供应商",
                    "body_zh": "德国海外仓",
                    "published_at": "2024-02-01",
                }
            ],
        )
        return backend

    def test_a_chinese_word_inside_a_sentence_is_found_and_marked(self, indexed):
        results = indexed.search(SearchQuery(doc_types=(ORG, POST), text="实木"))

        assert {(hit.doc_type, hit.id) for hit in results.hits} == {(ORG, 1), (POST, 1)}
        organization = next(hit for hit in results.hits if hit.doc_type == ORG)
        assert "<mark>" in organization.highlights["name_zh"][0]
        assert organization.source["name_en"] == "Beijing Solid Wood Furniture"

    def test_a_synonym_finds_the_other_language(self, indexed):
        results = indexed.search(SearchQuery(doc_types=(ORG,), text="海外仓"))

        assert {hit.id for hit in results.hits} == {2, 3}

    def test_facets_count_without_their_own_filter(self, indexed):
        results = indexed.search(
            SearchQuery(
                doc_types=(ORG,),
                filters={"kind": ["exporter"], "visibility": ["public"]},
                facets=("kind", "markets"),
            )
        )

        assert [hit.id for hit in results.hits] == [1]
        assert results.facets["kind"] == [FacetValue("exporter", 1), FacetValue("platform", 1)]
        assert results.facets["markets"] == [FacetValue("DE", 1)]

    def test_a_query_no_document_fully_matches_is_relaxed(self, indexed):
        results = indexed.search(SearchQuery(doc_types=(ORG,), text="玩具 平台"))

        assert results.relaxed
        assert {hit.id for hit in results.hits} == {2, 3}

    def test_recent_sort_and_pages(self, indexed):
        query = SearchQuery(doc_types=(ORG, POST), sort=SORT_RECENT, per_page=2, page=2)
        results = indexed.search(query)

        assert results.total == 4
        assert [(hit.doc_type, hit.id) for hit in results.hits] == [(ORG, 1), (POST, 1)]

    def test_suggestions_respect_filters(self, indexed):
        everyone = indexed.suggest("n", doc_types=[ORG])
        public = indexed.suggest("n", doc_types=[ORG], filters={"visibility": ["public"]})

        assert [s.text for s in everyone] == ["Ningbo Toys"]
        assert public == []
        assert [s.text for s in indexed.suggest("实木", doc_types=[ORG, POST])] == [
            "北京实木家具有限公司",
            "寻找实木家具供应商",
        ]

    def test_more_like_this(self, indexed):
        similar = indexed.more_like_this(ORG, 1, doc_types=[ORG, POST])

        assert (ORG, 1) not in {(hit.doc_type, hit.id) for hit in similar}
        assert (POST, 1) in {(hit.doc_type, hit.id) for hit in similar}
        assert indexed.more_like_this(ORG, 99, doc_types=[ORG]) == []

    def test_rebuild_swaps_the_alias_and_drops_the_old_index(self, indexed):
        client = indexed.client
        before = set(client.indices.get_alias(name=indexed.alias(ORG)).body)

        count = indexed.rebuild(ORG, [[{"id": 9, "name_zh": "新公司", "kind": "exporter"}]])

        after = set(client.indices.get_alias(name=indexed.alias(ORG)).body)
        assert count == 1
        assert before.isdisjoint(after)
        assert not client.indices.exists(index=",".join(before))
        assert list(indexed.fingerprints(ORG)) == [9]

    def test_fingerprints_and_delete(self, indexed):
        assert indexed.fingerprints(POST) == {
            1: fingerprint(
                {
                    "id": 1,
                    "kind": "demand",
                    "markets": ["DE"],
                    "title_zh": "寻找实木家具供应商",
                    "body_zh": "德国海外仓",
                    "published_at": "2024-02-01",
                }
            )
        }

        indexed.delete(POST, [1, 404])

        assert indexed.fingerprints(POST) == {}
        assert indexed.search(SearchQuery(doc_types=(POST,))).total == 0

    def test_ping(self, backend):
        backend.ping()
