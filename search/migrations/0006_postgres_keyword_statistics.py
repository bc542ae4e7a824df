"""PostgreSQL: tell the planner that keyword fields and values go together.

Without it the planner multiplies the selectivity of `field = 'visibility'` by that of
`value = 'public'` as if independent, expects a few thousand rows where there are most of the
documents, and picks plans that took seconds in the 100,000-document benchmark.
"""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS search_keyword_field_value (dependencies, mcv) "
    "ON field, value FROM search_indexedkeyword"
)
DROP = "DROP STATISTICS IF EXISTS search_keyword_field_value"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_postgres_stored_vector")]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
        # The statistics are gathered by ANALYZE; do it now rather than at autovacuum's pleasure.
        migrations.RunPython(_run("ANALYZE search_indexedkeyword"), migrations.RunPython.noop),
    ]
