"""PostgreSQL: keep the weighted tsvector in a stored generated column instead of recomputing it.

Migration 0003 indexed the expression; the GIN index then finds the matching rows, but ranking
(ts_rank) and any plan that does not use the index computed to_tsvector again for every matched
row, which took seconds on searches matching tens of thousands of documents. A generated column
is computed once, when the row is written (PostgreSQL 12 and later). SQLite is unchanged.
"""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, summary_tokens), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'C')"
)
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS search_indexeddocument_fts",
    "ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX search_indexeddocument_vector ON search_indexeddocument "
    "USING gin (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_indexeddocument_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX search_indexeddocument_fts ON search_indexeddocument USING gin (({VECTOR}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_document_expiry")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
