"""What search_rebuild and search_check share: which document types and which indices."""

from django.core.management.base import CommandError, CommandParser

from search import registry
from search.backends import EmbeddedBackend, SearchBackend, configured_backend


def add_doc_type_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--type",
        action="append",
        dest="doc_types",
        metavar="DOC_TYPE",
        help="Only this document type (repeatable; default: all).",
    )


def chosen_doc_types(doc_types: list[str] | None) -> list[str]:
    """The document types asked for (all by default); CommandError names unknown ones."""
    known = registry.doc_types()
    unknown = sorted(set(doc_types or ()) - set(known))
    if unknown:
        raise CommandError(f"Unknown document type(s): {', '.join(unknown)} (known: {known}).")
    return list(doc_types or known)


def index_targets() -> list[SearchBackend]:
    """The configured backend, and the embedded fallback index when that is Elasticsearch."""
    backend = configured_backend()
    if isinstance(backend, EmbeddedBackend):
        return [backend]
    return [backend, EmbeddedBackend()]
