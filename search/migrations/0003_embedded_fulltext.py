"""The full-text index of the embedded backend, which each database builds its own way.

SQLite: an external-content FTS5 table over the three token columns (rowid = IndexedDocument
id), kept in step by triggers, so that every write of a document row (including cascades and a
test database flush) updates it in the same transaction. PostgreSQL: a GIN index over the weighted
tsvector of the three token columns ("simple" configuration: the tokens are already cut by
search.analysis, the database only splits on spaces). search/backends/embedded.py repeats the
same expression in its queries, so that the planner uses this index.
"""

from django.db import migrations

COLUMNS = "title_tokens, summary_tokens, body_tokens"
NEW = "new.title_tokens, new.summary_tokens, new.body_tokens"
OLD = "old.title_tokens, old.summary_tokens, old.body_tokens"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE search_fts USING fts5({COLUMNS}, content='search_indexeddocument', "
    "content_rowid='id', tokenize = 'unicode61 remove_diacritics 0')",
    # How many documents hold each word, for "more like this" (search.backends.embedded).
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_indexeddocument BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TABLE IF EXISTS search_fts_vocab",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS search_indexeddocument_fts ON search_indexeddocument USING gin (("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, summary_tokens), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'C')))"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS search_indexeddocument_fts"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    else:
        raise RuntimeError(f"The embedded search backend does not support {vendor}.")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_embedded_index")]

    operations = [migrations.RunPython(create, drop)]
