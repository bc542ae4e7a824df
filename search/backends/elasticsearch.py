"""The Elasticsearch search backend, used when ELASTICSEARCH_URL is set.

It answers exactly what the embedded backend (search.backends.embedded) answers for the same
documents, so that a search falling back to the embedded index while Elasticsearch is down finds
the same things. Hence:

Indices and aliases
    One index per document type, reached through the alias `<prefix>_<doc_type>`. The concrete
    indices behind it are `<prefix>_<doc_type>_<UTC timestamp>_<random>`, built by rebuild(),
    which loads a new index completely, then moves the alias to it in one atomic
    update_aliases call (alias_swap_actions) and drops the old index: searches read the old
    documents until the new set is complete. The first write to a type that has no alias yet
    creates `<prefix>_<doc_type>_initial` with the alias; the fixed name lets concurrent first
    writers agree on one index. Writes name the alias with `require_alias`, so a write never
    auto-creates an unmapped index under the alias's name. Documents written while a rebuild
    runs go to the old index and are lost with it, until their next change is indexed.

What queries match: the embedded backend's token fields
    Each document holds the three weight classes of search.registry as whitespace-analysed
    fields (tokens_title, tokens_summary, tokens_body), filled with search.analysis.index_text
    over the text fields of that weight, exactly what the embedded backend stores. Queries are
    search.analysis.query_groups, matched as the embedded backend matches them: every group
    must match (or, relaxed, any group), an alternative matches when all its tokens appear in
    the document's token fields taken together (a `combined_fields` query with operator "and",
    field boosts 3/2/1 as the weights). Filters and facets use keyword fields holding the same
    values the embedded backend counts (strings of at most KEYWORD_MAX_CHARS, repeats dropped);
    a facet counts the documents passing every other filter: filters of faceted fields go to
    `post_filter`, and each facet is a `filter` aggregation (the other faceted filters) around
    a `terms` aggregation. Terms aggregations are exact while a field has fewer distinct values
    per index than their shard_size (1.5 x facet_size + 10); then counts may be a little low.

What highlighting reads: the raw text
    The schema's text fields are also kept as written, analysed with Elasticsearch's built-in
    `cjk` analyzer (fields ending in _zh), `english` (_en), or `cjk` with an `english`
    subfield (others, which may hold either language). The highlighter (one fragment per
    stored text field, HTML-escaped, matches in <mark>) runs on them with a query built from
    the query's tokens: Chinese tokens as bigrams, Latin tokens as the start of a word (a
    prefix query) on cjk fields and stemmed on english ones, the way search.highlight marks
    them for the embedded backend. No plugin is needed, only built-in analyzers.

Autocomplete: a `completion` suggester field
    fed with each phrase and its suffixes from every word start (and from every Chinese
    character, since Chinese has no spaces), so that a prefix finds what the embedded backend's
    rule finds: a phrase starting with the text, with a word starting with it, or (Chinese)
    containing it. The visibility keyword is the field's category context, so that a visitor is
    never offered a members-only name; other filters and expiry, which a suggester cannot
    express, are applied to the SUGGEST_SCAN options it returns.

"More like this" takes the same characteristic terms of a document as the embedded backend,
queried as a relaxed search.

Every request is bounded by a timeout and never retried: the search timeout, or the longer
maintenance timeout for creating an index and for rebuilds. Every client error (connection
refused, timeout, error status, refused documents) becomes BackendUnavailable.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    TransportError,
)
from elasticsearch.dsl import Completion, Date, Keyword, Long, Object, Q, Search, Text
from elasticsearch.dsl import Mapping as IndexMapping
from elasticsearch.dsl.query import Query
from elasticsearch.helpers import BulkIndexError, ScanError, bulk, scan

from search import registry
from search.analysis import HAN_RE, index_text, query_groups
from search.backends.base import BackendUnavailable
from search.backends.common import (
    MORE_LIKE_THIS_TERMS,
    SUGGEST_PREFIX_MAX_CHARS,
    SUGGEST_SCAN,
    fold,
    keyword_values,
    pick_suggestions,
    texts,
    weighted_terms,
)
from search.fingerprint import fingerprint
from search.query import (
    SORT_RECENT,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    Suggestion,
    plain_text,
)

logger = logging.getLogger(__name__)

TOKEN_FIELDS = {
    registry.TITLE: "tokens_title",
    registry.SUMMARY: "tokens_summary",
    registry.BODY: "tokens_body",
}
# The weights as boosts: a title word counts three times a body word, as in the embedded backend.
TOKEN_FIELDS_BOOSTED = [f"{field}^{weight}" for weight, field in TOKEN_FIELDS.items()]

# The embedded backend's limits (search.backends.embedded), so that both hold the same values.
# Lucene refuses terms over 32,766 bytes; 8,000 characters of at most 4 bytes stay below.
# The completion field's inputs: suffixes per phrase, and characters per input (the field's
# max_input_length; longer inputs are cut there anyway).
SUFFIXES_PER_PHRASE = 30
COMPLETION_INPUT_CHARS = 50
# A document with no visibility keyword still needs a context value to be indexed.
NO_CONTEXT = "_none"
FRAGMENT_CHARS = 160

HIGHLIGHT_OPTIONS = {
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",
    "fragment_size": FRAGMENT_CHARS,
    "number_of_fragments": 1,
}

# Newest first; documents without a date after those with one; then the newest id.
SUGGESTION = "phrases"
RECENCY = [
    {"date": {"order": "desc", "missing": "_last"}},
    {"id": {"order": "desc"}},
    {"doc_type": {"order": "asc"}},
]


Groups = list[set[str]]


class ElasticsearchBackend:
    """A SearchBackend on an Elasticsearch 8 cluster at `url`.

    `timeout` bounds every request (seconds; no retries), so that a search can fall back to the
    embedded index in about that time, and an outbox drain gives up in about that time too. The
    requests of rebuild() (creating an index, which waits for its shards; bulk loading; the
    alias swap) are bounded by `maintenance_timeout` instead. `client` replaces the
    client built from `url` (tests).
    """

    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        *,
        index_prefix: str = "xbec",
        timeout: float = 2.0,
        shards: int = 1,
        replicas: int = 0,
        maintenance_timeout: float = 60.0,
        client: Elasticsearch | None = None,
    ) -> None:
        self.client = client or Elasticsearch(
            url, request_timeout=timeout, max_retries=0, retry_on_timeout=False
        )
        self.index_prefix = index_prefix
        self.shards = shards
        self.replicas = replicas
        self.maintenance_timeout = maintenance_timeout

    def alias(self, doc_type: str) -> str:
        return f"{self.index_prefix}_{doc_type}"

    # --- Writes ---------------------------------------------------------------------------

    def index(self, doc_type: str, documents: Sequence[Mapping[str, Any]]) -> None:
        if not documents:
            return
        schema = registry.get(doc_type).schema
        alias = self.alias(doc_type)
        with _unavailable_on_error(f"index documents of {doc_type}"):
            self._alias_ensure(alias, schema)
            # wait_for: a search right after the write finds it, as on the embedded backend.
            bulk(
                self.client,
                _index_actions(alias, doc_type, schema, documents),
                refresh="wait_for",
                require_alias=True,
            )

    def delete(self, doc_type: str, ids: Sequence[int]) -> None:
        if not ids:
            return
        alias = self.alias(doc_type)
        with _unavailable_on_error(f"delete documents of {doc_type}"):
            if not self.client.indices.exists_alias(name=alias):
                return
            # 404: the id is not indexed, which is what deleting it asks for.
            bulk(
                self.client,
                (
                    {"_op_type": "delete", "_index": alias, "_id": str(object_id)}
                    for object_id in ids
                ),
                refresh="wait_for",
                ignore_status=(404,),
            )

    def rebuild(self, doc_type: str, batches: Iterable[Sequence[Mapping[str, Any]]]) -> int:
        schema = registry.get(doc_type).schema
        alias = self.alias(doc_type)
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        new_index = f"{alias}_{stamp}_{uuid.uuid4().hex[:6]}"
        client = self.client.options(request_timeout=self.maintenance_timeout)
        with _unavailable_on_error(f"create the index {new_index}"):
            client.indices.create(
                index=new_index, **index_body(schema, shards=self.shards, replicas=self.replicas)
            )
        count = 0
        try:
            with _unavailable_on_error(f"rebuild the index of {doc_type}"):
                for batch in batches:
                    bulk(client, _index_actions(new_index, doc_type, schema, batch))
                    count += len(batch)
                client.indices.refresh(index=new_index)
                old_indices = self._indices_behind(alias)
                client.indices.update_aliases(
                    actions=alias_swap_actions(alias, new_index, old_indices)
                )
        except BaseException:
            self._index_drop(new_index)
            raise
        for old_index in old_indices:
            # The alias already serves the new documents: a leftover index only costs disk.
            self._index_drop(old_index)
        return count

    def _alias_ensure(self, alias: str, schema: registry.DocumentSchema) -> None:
        if self.client.indices.exists_alias(name=alias):
            return
        # Within the ordinary timeout: this runs in the outbox drain, which may run inside a
        # request. A cluster too slow to create the index fails this attempt; the job is retried
        # (and the index, still being created, is usually there by then).
        try:
            self.client.indices.create(
                index=f"{alias}_initial",
                aliases={alias: {}},
                **index_body(schema, shards=self.shards, replicas=self.replicas),
            )
        except BadRequestError as error:
            # Another writer created it between our check and our create.
            if error.error != "resource_already_exists_exception":
                raise

    def _indices_behind(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    def _index_drop(self, index: str) -> None:
        try:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        except (TransportError, ApiError):
            logger.warning("Could not delete the search index %s.", index, exc_info=True)

    # --- Reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        query = query.clean()
        schemas = _schemas(query.doc_types)
        groups = query_groups(query.text)
        response = self._search(search_for(query, schemas, groups=groups), query.doc_types)
        relaxed = False
        if _total(response) == 0 and len(groups) > 1:
            response = self._search(
                search_for(query, schemas, groups=groups, any_group=True), query.doc_types
            )
            relaxed = _total(response) > 0
        return SearchResults(
            query=query,
            hits=hits_from(response, schemas),
            total=_total(response),
            facets=facets_from(response, query.facets),
            relaxed=relaxed,
        )

    def suggest(
        self,
        text: str,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 8,
    ) -> list[Suggestion]:
        prefix = fold(plain_text(text)).strip()[:SUGGEST_PREFIX_MAX_CHARS]
        # No types would be a search of every index in the cluster.
        if not prefix or not doc_types:
            return []
        response = self._search(suggest_search(prefix, filters or {}), doc_types)
        return suggestions_from(response, prefix, limit=limit, filters=filters)

    def more_like_this(
        self,
        doc_type: str,
        object_id: int,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        with _unavailable_on_error(f"read {doc_type} {object_id}"):
            try:
                found = self.client.get(
                    index=self.alias(doc_type),
                    id=str(object_id),
                    source_includes=list(TOKEN_FIELDS.values()),
                )
            except NotFoundError:
                return []
        terms = characteristic_terms(found["_source"])
        if not terms:
            return []
        query = SearchQuery(doc_types=tuple(doc_types), filters=filters or {}, per_page=limit)
        query = query.clean()
        schemas = _schemas(query.doc_types)
        search = search_for(
            query,
            schemas,
            groups=[{term} for term in terms],
            any_group=True,
            exclude=(doc_type, object_id),
        )
        return hits_from(self._search(search, query.doc_types), schemas)[:limit]

    def fingerprints(self, doc_type: str) -> dict[int, str]:
        alias = self.alias(doc_type)
        with _unavailable_on_error(f"read the fingerprints of {doc_type}"):
            if not self.client.indices.exists_alias(name=alias):
                return {}
            hits = scan(
                self.client,
                index=alias,
                query={"query": {"match_all": {}}, "_source": ["id", "fingerprint"]},
            )
            return {int(hit["_source"]["id"]): hit["_source"]["fingerprint"] for hit in hits}

    def ping(self) -> None:
        with _unavailable_on_error("report its health"):
            health = self.client.cluster.health()
        if health["status"] == "red":
            raise BackendUnavailable("The Elasticsearch cluster is red: some data is missing.")

    def _search(self, search: Search, doc_types: Sequence[str]) -> dict[str, Any]:
        # A type nothing was indexed for yet has no alias: it contributes no documents.
        with _unavailable_on_error("search"):
            return self.client.search(
                index=[self.alias(doc_type) for doc_type in doc_types],
                body=search.to_dict(),
                ignore_unavailable=True,
                allow_no_indices=True,
            ).body


@contextmanager
def _unavailable_on_error(action: str) -> Iterator[None]:
    """Turns what the client raises into BackendUnavailable, as the contract asks."""
    try:
        yield
    except BulkIndexError as error:
        first = next(iter(error.errors[0].values()), {}) if error.errors else {}
        raise BackendUnavailable(
            f"Elasticsearch refused {len(error.errors)} document(s) trying to {action}; "
            f"the first because: {first.get('error')}"
        ) from error
    except (TransportError, ApiError, ScanError) as error:
        # The client's connection errors print as "Connection error"; their cause says which
        # (refused, reset, name not resolved).
        cause = f" ({error.__cause__})" if error.__cause__ else ""
        raise BackendUnavailable(f"Elasticsearch could not {action}: {error}{cause}") from error


# --- Mapping and documents ------------------------------------------------------------------


def _text_analyzers(name: str) -> dict[str, str]:
    """Analyzer of a raw text field ("") and of its subfields, chosen by the name's language."""
    if name.endswith("_zh"):
        return {"": "cjk"}
    if name.endswith("_en"):
        return {"": "english"}
    return {"": "cjk", "en": "english"}


def mapping_for(schema: registry.DocumentSchema) -> IndexMapping:
    """The mapping of an index for documents of `schema` (see document_for).

    Fields outside it are kept in _source but not indexed (dynamic: false), so that a schema
    that gained a field keeps being written; `rebuild` brings the mapping up to date.
    """
    mapping = IndexMapping()
    mapping.meta("dynamic", False)
    mapping.field("id", Long())
    mapping.field("doc_type", Keyword())
    mapping.field("fingerprint", Keyword())
    mapping.field("date", Date())
    mapping.field("expires", Date())
    for field in TOKEN_FIELDS.values():
        mapping.field(field, Text(analyzer="whitespace"))
    text_fields = {}
    for name in schema.text:
        analyzers = _text_analyzers(name)
        subfields = {sub: Text(analyzer=analyzer) for sub, analyzer in analyzers.items() if sub}
        text_fields[name] = Text(
            analyzer=analyzers[""], **({"fields": subfields} if subfields else {})
        )
    mapping.field("text", Object(properties=text_fields))
    mapping.field("keywords", Object(properties={name: Keyword() for name in schema.keywords}))
    # Autocomplete phrases as written (returned) and their completion inputs (matched).
    mapping.field("suggest", Keyword(index=False, doc_values=False))
    mapping.field(
        "suggest_complete",
        Completion(
            analyzer="simple",
            max_input_length=COMPLETION_INPUT_CHARS,
            contexts=[{"name": "visibility", "type": "category"}],
        ),
    )
    mapping.field("stored", Object(enabled=False))
    return mapping


def index_body(schema: registry.DocumentSchema, *, shards: int, replicas: int) -> dict[str, Any]:
    """Settings and mappings of a new index, as the keyword arguments of indices.create()."""
    return {
        "settings": {"number_of_shards": shards, "number_of_replicas": replicas},
        "mappings": mapping_for(schema).to_dict(),
    }


def document_for(
    doc_type: str, schema: registry.DocumentSchema, document: Mapping[str, Any]
) -> dict[str, Any]:
    """What is indexed for a document: the embedded backend's values (tokens, keywords, date,
    phrases, stored fields, fingerprint) plus the raw text for highlighting."""
    phrases = list(
        dict.fromkeys(
            " ".join(phrase.split())
            for name in schema.suggest
            for phrase in texts(document, name)
            if phrase.strip()
        )
    )
    return {
        "id": int(document["id"]),
        "doc_type": doc_type,
        "fingerprint": fingerprint(document),
        "date": _date(document.get(schema.date)) if schema.date else None,
        "expires": _date(document.get(schema.expires)) if schema.expires else None,
        **{field: _tokens(schema, document, weight) for weight, field in TOKEN_FIELDS.items()},
        "text": {name: texts(document, name) for name in schema.text},
        "keywords": {name: keyword_values(document.get(name)) for name in schema.keywords},
        "suggest": phrases,
        "suggest_complete": {
            "input": completion_inputs(phrases),
            "contexts": {"visibility": keyword_values(document.get("visibility")) or [NO_CONTEXT]},
        },
        "stored": {name: document.get(name) for name in schema.stored},
    }


def _index_actions(
    index: str,
    doc_type: str,
    schema: registry.DocumentSchema,
    documents: Iterable[Mapping[str, Any]],
) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": str(document["id"]),
            "_source": document_for(doc_type, schema, document),
        }


def alias_swap_actions(alias: str, new_index: str, old_indices: Sequence[str]) -> list[dict]:
    """The update_aliases actions that point `alias` at `new_index` alone, in one atomic step."""
    removals = [{"remove": {"index": index, "alias": alias}} for index in old_indices]
    return [*removals, {"add": {"index": new_index, "alias": alias}}]


def _tokens(schema: registry.DocumentSchema, document: Mapping[str, Any], weight: int) -> str:
    return index_text(
        *(text for name in schema.fields_of_weight(weight) for text in texts(document, name))
    )


def _date(value: Any) -> str | None:
    """An ISO 8601 value Elasticsearch parses; None for a missing or unreadable date (the
    embedded backend, reading it with Django's parse_datetime, leaves those undated too)."""
    if isinstance(value, date):
        return value.isoformat()
    try:
        return datetime.fromisoformat(value).isoformat() if value else None
    except (TypeError, ValueError):
        return None


# --- Queries --------------------------------------------------------------------------------


def _schemas(doc_types: Iterable[str]) -> dict[str, registry.DocumentSchema]:
    return {doc_type: registry.get(doc_type).schema for doc_type in doc_types}


def _keyword_filter(name: str, values: Sequence[str]) -> Query:
    return Q("terms", **{f"keywords.{name}": list(values)})


def _text_query(groups: Groups, *, any_group: bool) -> Query:
    """Every group (or any, relaxed) has an alternative whose tokens all appear in the token
    fields together."""

    def alternatives(group: set[str]) -> list[Query]:
        return [
            Q("combined_fields", query=text, fields=TOKEN_FIELDS_BOOSTED, operator="and")
            for text in sorted(group)
        ]

    if any_group:
        return Q("bool", should=alternatives(set().union(*groups)), minimum_should_match=1)
    return Q(
        "bool",
        must=[Q("bool", should=alternatives(group), minimum_should_match=1) for group in groups],
    )


def _highlight_fields(schemas: Mapping[str, registry.DocumentSchema]) -> dict[str, str]:
    """Raw field path -> its analyzer, for the stored text fields (those a hit shows)."""
    fields = {}
    for schema in schemas.values():
        for name in schema.stored:
            if name in schema.text:
                for sub, analyzer in _text_analyzers(name).items():
                    fields[f"text.{name}.{sub}" if sub else f"text.{name}"] = analyzer
    return dict(sorted(fields.items()))


def _highlight_query(fields: Mapping[str, str], groups: Groups) -> Query:
    """Marks what search.highlight marks for the embedded backend: a Chinese token wherever it
    appears (a phrase of its bigrams on cjk fields), a Latin token as the start of a word (a
    prefix on cjk fields, which keep Latin words whole; stemmed on english fields)."""
    tokens = sorted({token for group in groups for text in group for token in text.split()})
    han = [token for token in tokens if HAN_RE.search(token)]
    latin = [token for token in tokens if not HAN_RE.search(token)]
    clauses = []
    for path, analyzer in fields.items():
        if analyzer == "english":
            if latin:
                clauses.append(Q("match", **{path: " ".join(latin)}))
            continue
        clauses.extend(Q("match_phrase", **{path: token}) for token in han)
        clauses.extend(Q("prefix", **{path: token}) for token in latin)
    return Q("bool", should=clauses)


# A document whose expiry passed matches nothing (DocumentSchema.expires), as on the embedded
# backend; "now" is the cluster's clock.
NOT_EXPIRED = Q(
    "bool",
    should=[Q("bool", must_not=Q("exists", field="expires")), Q("range", expires={"gt": "now"})],
    minimum_should_match=1,
)


def search_for(
    query: SearchQuery,
    schemas: Mapping[str, registry.DocumentSchema],
    *,
    groups: Groups | None = None,
    any_group: bool = False,
    exclude: tuple[str, int] | None = None,
) -> Search:
    """The search request for a cleaned `query` over documents of `schemas` (its doc_types).

    `groups` defaults to query_groups(query.text); `any_group` asks for the relaxed match;
    `exclude` (doc_type, id) leaves one document out ("more like this").
    """
    groups = query_groups(query.text) if groups is None else groups
    faceted = {name for name in query.filters if name in query.facets}
    bool_query: dict[str, list[Query]] = {}
    if groups:
        bool_query["must"] = [_text_query(groups, any_group=any_group)]
    bool_query["filter"] = [
        NOT_EXPIRED,
        *(
            _keyword_filter(name, values)
            for name, values in query.filters.items()
            if name not in faceted
        ),
    ]
    if exclude is not None:
        doc_type, object_id = exclude
        bool_query["must_not"] = [
            Q("bool", filter=[Q("term", doc_type=doc_type), Q("term", id=object_id)])
        ]
    search = Search().query(Q("bool", **bool_query))

    # Filters of faceted fields apply to the hits only; each facet applies the others.
    faceted_filters = {name: _keyword_filter(name, query.filters[name]) for name in sorted(faceted)}
    if faceted_filters:
        search = search.post_filter(Q("bool", filter=list(faceted_filters.values())))
    for name in query.facets:
        others = [clause for other, clause in faceted_filters.items() if other != name]
        search.aggs.bucket(
            name, "filter", filter=Q("bool", filter=others) if others else Q("match_all")
        ).bucket(
            "values",
            "terms",
            field=f"keywords.{name}",
            size=query.facet_size,
            order=[{"_count": "desc"}, {"_key": "asc"}],
        )

    relevance = groups and query.sort != SORT_RECENT
    search = search.sort(*([{"_score": {"order": "desc"}}] if relevance else []), *RECENCY)
    search = search.extra(
        from_=query.offset, size=query.per_page, track_total_hits=True, track_scores=True
    ).source(["id", "doc_type", "stored"])

    fields = _highlight_fields(schemas)
    if groups and fields:
        search = search.highlight(*fields).highlight_options(
            **HIGHLIGHT_OPTIONS, highlight_query=_highlight_query(fields, groups).to_dict()
        )
    return search


def completion_inputs(phrases: Sequence[str]) -> list[str]:
    """Folded phrases and their suffixes from each word start and each Chinese character, so
    that a completion prefix finds a phrase wherever embedded autocomplete would."""
    inputs: dict[str, None] = {}
    for phrase in phrases:
        folded = fold(phrase)
        starts = [
            index
            for index, character in enumerate(folded)
            if index == 0 or folded[index - 1] == " " or HAN_RE.match(character)
        ]
        for start in starts[:SUFFIXES_PER_PHRASE]:
            suffix = folded[start : start + COMPLETION_INPUT_CHARS].strip()
            if suffix:
                inputs[suffix] = None
    return list(inputs)


def suggest_search(prefix: str, filters: Mapping[str, Sequence[str]]) -> Search:
    """A completion suggestion of SUGGEST_SCAN documents for the folded `prefix`, within the
    visibility filter's values (the field's context); suggestions_from applies the rest."""
    completion: dict[str, Any] = {
        "field": "suggest_complete",
        "size": SUGGEST_SCAN,
    }
    if filters.get("visibility"):
        completion["contexts"] = {"visibility": list(filters["visibility"])}
    return (
        Search()
        .suggest(SUGGESTION, prefix, completion=completion)
        .extra(size=0)
        .source(["id", "doc_type", "suggest", "keywords", "expires"])
    )


# --- Responses ------------------------------------------------------------------------------


def _total(response: Mapping[str, Any]) -> int:
    return response["hits"]["total"]["value"]


def hits_from(
    response: Mapping[str, Any], schemas: Mapping[str, registry.DocumentSchema]
) -> list[Hit]:
    """The hits of a search_for response. A field's fragment comes from its main (cjk or
    english) field, else from its english subfield; like the embedded backend, only text
    fields whose stored value is one string get a fragment."""
    hits = []
    for raw in response["hits"]["hits"]:
        source = raw["_source"]
        schema = schemas[source["doc_type"]]
        stored = source.get("stored") or {}
        highlights: dict[str, list[str]] = {}
        for path, fragments in sorted(raw.get("highlight", {}).items()):
            name = path.removeprefix("text.").removesuffix(".en")
            if name in schema.text and isinstance(stored.get(name), str) and fragments:
                highlights.setdefault(name, fragments[:1])
        hits.append(
            Hit(
                doc_type=source["doc_type"],
                id=int(source["id"]),
                score=float(raw.get("_score") or 0.0),
                source=stored,
                highlights=highlights,
            )
        )
    return hits


def facets_from(response: Mapping[str, Any], facets: Sequence[str]) -> dict[str, list[FacetValue]]:
    aggregations = response.get("aggregations", {})
    return {
        name: [
            FacetValue(value=str(bucket["key"]), count=bucket["doc_count"])
            for bucket in aggregations.get(name, {}).get("values", {}).get("buckets", [])
        ]
        for name in facets
    }


def suggestions_from(
    response: Mapping[str, Any],
    prefix: str,
    *,
    limit: int,
    filters: Mapping[str, Sequence[str]] | None = None,
    now: datetime | None = None,
) -> list[Suggestion]:
    """Matching phrases of the suggested documents that pass `filters` and have not expired,
    in the suggester's order, each phrase once."""
    now = now or datetime.now(UTC)
    options = (
        option["_source"]
        for entry in response.get("suggest", {}).get(SUGGESTION, [])
        for option in entry.get("options", [])
    )
    return pick_suggestions(
        (
            (source["doc_type"], int(source["id"]), source.get("suggest") or [])
            for source in options
            if _passes(source, filters or {}, now)
        ),
        prefix,
        limit=limit,
    )


def _passes(source: Mapping[str, Any], filters: Mapping[str, Sequence[str]], now: datetime) -> bool:
    """A suggested document's keyword filters and expiry, checked on its _source."""
    expires = source.get("expires")
    if expires:
        moment = datetime.fromisoformat(expires)
        if (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) <= now:
            return False
    keywords = source.get("keywords") or {}
    return all(
        set(keywords.get(name) or ()) & set(values) for name, values in filters.items() if values
    )


def characteristic_terms(token_fields: Mapping[str, str]) -> list[str]:
    """A document's most frequent words (search.backends.common.weighted_terms); Elasticsearch's
    own scoring weighs their rarity when it runs the query."""
    weights = weighted_terms(
        {weight: token_fields.get(field) for weight, field in TOKEN_FIELDS.items()}
    )
    ranked = sorted(weights, key=lambda token: (-weights[token], token))
    return ranked[:MORE_LIKE_THIS_TERMS]
