"""The embedded search backend: the project's own database, SQLite or PostgreSQL.

Used when ELASTICSEARCH_URL is not set, and as the fallback while Elasticsearch is unreachable.
Nothing here is a search engine of its own: search.analysis cuts text into words (jieba for
Chinese, taught the trade glossary), and the database's full-text index does the rest:

- SQLite: an FTS5 table (unicode61 tokenizer, which only has to split on the spaces between our
  tokens), ranked by FTS5's bm25 with column weights;
- PostgreSQL: a weighted tsvector of the "simple" configuration, stored in a generated column
  under a GIN index, ranked by ts_rank.

Both are created by migrations (search/0003 and, for PostgreSQL's stored column, 0005), which
hold the DDL. Documents live in IndexedDocument (three token columns, one
per weight class, plus the stored fields) and IndexedKeyword (one row per keyword value, for
filters and facet counts). Every query is one SQL statement built here with parameters; tokens
hold only letters and digits (search.analysis) and are quoted as well, so user input never
becomes query syntax.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search import registry
from search.analysis import index_text, query_groups
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
from search.highlight import highlight, highlight_pattern
from search.models import IndexedDocument, IndexedKeyword
from search.query import (
    SORT_RECENT,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    Suggestion,
    plain_text,
)

# The weighted tsvector of the three token columns, a stored generated column on PostgreSQL
# (migrations search/0003 and 0005).
POSTGRES_VECTOR = "d.search_vector"
# ts_rank's weights are listed D, C, B, A: a title word counts 1.0, summary 0.6, body 0.3.
POSTGRES_RANK = f"ts_rank('{{0.1, 0.3, 0.6, 1.0}}', {POSTGRES_VECTOR}, q)"
# FTS5's bm25 is lower for better matches; its weights follow the column order. It may only be
# called where the FTS table is scanned by MATCH, hence the derived table.
SQLITE_MATCHED = (
    "(SELECT rowid AS id, -bm25(search_fts, 3.0, 2.0, 1.0) AS rank FROM search_fts "
    "WHERE search_fts MATCH %s) f JOIN search_indexeddocument d ON d.id = f.id"
)

Groups = list[set[str]]


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    # --- Writes ---------------------------------------------------------------------------

    def index(self, doc_type: str, documents: Sequence[Mapping[str, Any]]) -> None:
        schema = registry.get(doc_type).schema
        with self._errors(), transaction.atomic(using=self.using):
            self._delete_rows(doc_type, [document["id"] for document in documents])
            self._insert(doc_type, schema, documents)

    def delete(self, doc_type: str, ids: Sequence[int]) -> None:
        with self._errors(), transaction.atomic(using=self.using):
            self._delete_rows(doc_type, ids)

    def rebuild(self, doc_type: str, batches: Iterable[Sequence[Mapping[str, Any]]]) -> int:
        # One transaction: searches read the old documents until it commits.
        schema = registry.get(doc_type).schema
        count = 0
        with self._errors(), transaction.atomic(using=self.using):
            IndexedDocument.objects.using(self.using).filter(doc_type=doc_type).delete()
            for batch in batches:
                self._insert(doc_type, schema, batch)
                count += len(batch)
        return count

    def _delete_rows(self, doc_type: str, ids: Iterable[int]) -> None:
        IndexedDocument.objects.using(self.using).filter(
            doc_type=doc_type, object_id__in=list(ids)
        ).delete()

    def _insert(
        self, doc_type: str, schema: registry.DocumentSchema, documents: Iterable[Mapping]
    ) -> None:
        rows = [_document_row(doc_type, schema, document) for document in documents]
        IndexedDocument.objects.using(self.using).bulk_create(rows, batch_size=500)
        keywords = [
            IndexedKeyword(document=row, field=name, value=value)
            for row, document in zip(rows, documents, strict=True)
            for name in schema.keywords
            for value in keyword_values(document.get(name))
        ]
        IndexedKeyword.objects.using(self.using).bulk_create(keywords, batch_size=2000)

    # --- Reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        query = query.clean()
        groups = query_groups(query.text)
        with self._errors():
            hits, total = self._hits(query, groups, any_group=False)
            relaxed = False
            if total == 0 and len(groups) > 1:
                hits, total = self._hits(query, groups, any_group=True)
                relaxed = total > 0
            facets = self._facets(query, groups, any_group=relaxed) if query.facets else {}
        return SearchResults(query=query, hits=hits, total=total, facets=facets, relaxed=relaxed)

    def suggest(
        self,
        text: str,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 8,
    ) -> list[Suggestion]:
        prefix = fold(plain_text(text)).strip()[:SUGGEST_PREFIX_MAX_CHARS]
        if not prefix:
            return []
        documents = (
            IndexedDocument.objects.using(self.using)
            .filter(doc_type__in=list(doc_types), suggest_text__icontains=prefix)
            .exclude(expires_at__lte=timezone.now())
        )
        for name, values in (filters or {}).items():
            documents = documents.filter(
                pk__in=IndexedKeyword.objects.filter(field=name, value__in=list(values)).values(
                    "document_id"
                )
            )
        with self._errors():
            rows = list(
                documents.order_by("-date", "-pk").values_list(
                    "doc_type", "object_id", "suggest_text"
                )[:SUGGEST_SCAN]
            )
        return pick_suggestions(
            ((doc_type, pk, text.splitlines()) for doc_type, pk, text in rows), prefix, limit=limit
        )

    def more_like_this(
        self,
        doc_type: str,
        object_id: int,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        with self._errors():
            row = (
                IndexedDocument.objects.using(self.using)
                .filter(doc_type=doc_type, object_id=object_id)
                .values("id", "title_tokens", "summary_tokens", "body_tokens")
                .first()
            )
            if row is None:
                return []
            terms = self._characteristic_terms(row)
            if not terms:
                return []
            query = SearchQuery(
                doc_types=tuple(doc_types), filters=filters or {}, per_page=limit + 1
            ).clean()
            hits, _total = self._hits(
                query, [{term} for term in terms], any_group=True, exclude_id=row["id"]
            )
        return hits[:limit]

    def _characteristic_terms(self, row: Mapping[str, Any]) -> list[str]:
        """The words that say most about a document: frequent in it (a title word counting three
        times a body word), rare elsewhere (tf-idf). Words of one letter and short numbers say
        little; words in more than half of all documents ("有限公司", "co") say nothing."""
        weights = weighted_terms(
            {
                registry.TITLE: row["title_tokens"],
                registry.SUMMARY: row["summary_tokens"],
                registry.BODY: row["body_tokens"],
            }
        )
        candidates = sorted(weights, key=lambda token: (-weights[token], token))[
            : MORE_LIKE_THIS_TERMS * 3
        ]
        if not candidates:
            return []
        total = IndexedDocument.objects.using(self.using).count()
        frequencies = self._document_frequencies(candidates)
        scored = {
            term: weights[term] * math.log((total + 1) / (frequencies.get(term, 0) + 1))
            for term in candidates
            if frequencies.get(term, 0) <= total / 2
        }
        ranked = sorted(scored, key=lambda term: (-scored[term], term))
        return ranked[:MORE_LIKE_THIS_TERMS]

    def _document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many indexed documents (of any type) hold each term, in one statement."""
        with connections[self.using].cursor() as cursor:
            if self._vendor == "postgresql":
                cursor.execute(
                    " UNION ALL ".join(
                        [
                            "SELECT %s, (SELECT COUNT(*) FROM search_indexeddocument d "
                            f"WHERE {POSTGRES_VECTOR} @@ to_tsquery('simple'::regconfig, %s))"
                        ]
                        * len(terms)
                    ),
                    [
                        value
                        for term in terms
                        for value in (term, _tsquery([{term}], any_group=False))
                    ],
                )
            else:
                cursor.execute(
                    "SELECT term, doc FROM search_fts_vocab "
                    f"WHERE term IN ({_placeholders(terms)})",
                    list(terms),
                )
            return dict(cursor.fetchall())

    def fingerprints(self, doc_type: str) -> dict[int, str]:
        with self._errors():
            return dict(
                IndexedDocument.objects.using(self.using)
                .filter(doc_type=doc_type)
                .values_list("object_id", "fingerprint")
            )

    def ping(self) -> None:
        with self._errors():
            IndexedDocument.objects.using(self.using).exists()

    # --- SQL ------------------------------------------------------------------------------

    @property
    def _vendor(self) -> str:
        return connections[self.using].vendor

    def _matched(
        self,
        query: SearchQuery,
        groups: Groups,
        *,
        any_group: bool,
        without_filter: str | None = None,
        exclude_id: int | None = None,
    ) -> tuple[str, str, list[Any]]:
        """(score expression, FROM ... WHERE ..., params) of the documents the query matches."""
        params: list[Any] = []
        # SQLite: the unary + keeps the planner off the doc_type index, which it would otherwise
        # walk while running the full-text match once per row (seconds at 100,000 documents).
        doc_type = "+d.doc_type" if self._vendor == "sqlite" else "d.doc_type"
        conditions = [
            f"{doc_type} IN ({_placeholders(query.doc_types)})",
            "(d.expires_at IS NULL OR d.expires_at > %s)",
        ]
        if groups:
            if self._vendor == "postgresql":
                source = "search_indexeddocument d CROSS JOIN to_tsquery('simple'::regconfig, %s) q"
                conditions.insert(0, f"{POSTGRES_VECTOR} @@ q")
                params.append(_tsquery(groups, any_group=any_group))
                score = POSTGRES_RANK
            else:
                source = SQLITE_MATCHED
                params.append(_fts5_query(groups, any_group=any_group))
                score = "f.rank"
        else:
            source = "search_indexeddocument d"
            score = "0.0"
        params.extend(query.doc_types)
        params.append(timezone.now())
        for name, values in query.filters.items():
            if name == without_filter:
                continue
            conditions.append(
                "d.id IN (SELECT k.document_id FROM search_indexedkeyword k "
                f"WHERE k.field = %s AND k.value IN ({_placeholders(values)}))"
            )
            params.extend([name, *values])
        if exclude_id is not None:
            conditions.append("d.id <> %s")
            params.append(exclude_id)
        return score, f"FROM {source} WHERE {' AND '.join(conditions)}", params

    def _hits(
        self,
        query: SearchQuery,
        groups: Groups,
        *,
        any_group: bool,
        exclude_id: int | None = None,
    ) -> tuple[list[Hit], int]:
        score, matched, params = self._matched(
            query, groups, any_group=any_group, exclude_id=exclude_id
        )
        recency = "d.date DESC NULLS LAST, d.id DESC"
        order = recency if query.sort == SORT_RECENT or not groups else f"score DESC, {recency}"
        # Ids first, the stored documents of the page's rows after: sorting and counting every
        # match with its stored document in tow cost up to ten times more.
        page_sql = (
            f"SELECT d.id, {score} AS score, COUNT(*) OVER () {matched} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(page_sql, [*params, query.per_page, query.offset])
            ranked = cursor.fetchall()
            if ranked:
                total = ranked[0][2]
                cursor.execute(
                    "SELECT id, doc_type, object_id, source FROM search_indexeddocument "
                    f"WHERE id IN ({_placeholders(ranked)})",
                    [row[0] for row in ranked],
                )
                stored = {row[0]: row[1:] for row in cursor.fetchall()}
            else:
                # Past the last page (or nothing matched): the window gave no count.
                cursor.execute(f"SELECT COUNT(*) {matched}", params)
                total = cursor.fetchone()[0]
                stored = {}
        pattern = highlight_pattern(groups)
        hits = [_hit(*stored[pk], score, pattern) for pk, score, _count in ranked if pk in stored]
        return hits, total

    def _facets(
        self, query: SearchQuery, groups: Groups, *, any_group: bool
    ) -> dict[str, list[FacetValue]]:
        # Facets whose field is not filtered share one statement over the matched documents; a
        # filtered one is counted without its own filter, so the other values stay selectable.
        shared = [name for name in query.facets if name not in query.filters]
        runs: list[tuple[list[str], str | None]] = [(shared, None)] if shared else []
        runs += [([name], name) for name in query.facets if name in query.filters]
        counts: dict[str, list[FacetValue]] = {name: [] for name in query.facets}
        with connections[self.using].cursor() as cursor:
            for names, without_filter in runs:
                _score, matched, params = self._matched(
                    query, groups, any_group=any_group, without_filter=without_filter
                )
                cursor.execute(
                    "SELECT k.field, k.value, COUNT(*) FROM search_indexedkeyword k "
                    f"WHERE k.field IN ({_placeholders(names)}) "
                    f"AND k.document_id IN (SELECT d.id {matched}) GROUP BY k.field, k.value",
                    [*names, *params],
                )
                for name, value, count in cursor.fetchall():
                    counts[name].append(FacetValue(value=value, count=count))
        return {
            name: sorted(values, key=lambda item: (-item.count, item.value))[: query.facet_size]
            for name, values in counts.items()
        }

    @staticmethod
    @contextmanager
    def _errors() -> Iterator[None]:
        """Turns a database error into BackendUnavailable, as the contract asks of backends."""
        try:
            yield
        except DatabaseError as exc:
            raise BackendUnavailable(f"The search tables could not be used: {exc}") from exc


def _document_row(
    doc_type: str, schema: registry.DocumentSchema, document: Mapping[str, Any]
) -> IndexedDocument:
    def tokens(weight: int) -> str:
        return index_text(
            *(text for name in schema.fields_of_weight(weight) for text in texts(document, name))
        )

    return IndexedDocument(
        doc_type=doc_type,
        object_id=document["id"],
        source={name: document.get(name) for name in schema.stored},
        fingerprint=fingerprint(document),
        date=_date(document.get(schema.date)) if schema.date else None,
        expires_at=_date(document.get(schema.expires)) if schema.expires else None,
        title_tokens=tokens(registry.TITLE),
        summary_tokens=tokens(registry.SUMMARY),
        body_tokens=tokens(registry.BODY),
        suggest_text="\n".join(
            dict.fromkeys(
                " ".join(phrase.split())
                for name in schema.suggest
                for phrase in texts(document, name)
                if phrase.strip()
            )
        ),
    )


def _date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if value else None


def _hit(doc_type, object_id, source, score, pattern) -> Hit:
    if isinstance(source, str):
        source = json.loads(source)
    highlights = {}
    for name, value in source.items():
        if isinstance(value, str) and registry.get(doc_type).schema.text.get(name):
            fragment = highlight(value, pattern)
            if fragment:
                highlights[name] = [fragment]
    return Hit(
        doc_type=doc_type, id=object_id, score=float(score), source=source, highlights=highlights
    )


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _fts5_query(groups: Groups, *, any_group: bool) -> str:
    def alternative(text: str) -> str:
        quoted = [f'"{token.replace(chr(34), "")}"' for token in text.split()]
        return quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")"

    joined = [" OR ".join(alternative(text) for text in sorted(group)) for group in groups]
    return (" OR " if any_group else " AND ").join(f"({group})" for group in joined)


def _tsquery(groups: Groups, *, any_group: bool) -> str:
    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "").replace("'", "") + "'"

    def alternative(text: str) -> str:
        lexemes = [lexeme(token) for token in text.split()]
        return lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")"

    joined = [" | ".join(alternative(text) for text in sorted(group)) for group in groups]
    return (" | " if any_group else " & ").join(f"({group})" for group in joined)
