"""How matchmaking reacts to what lower apps announce (DESIGN.md: a lower app's signals.py
announces, a higher app's receivers.py reacts). MatchmakingConfig.ready() connects them."""

from collections.abc import Iterable

from accounts.models import Organization
from matchmaking.services.search_index import (
    INDEXED_ORGANIZATION_FIELDS,
    organization_documents_enqueue,
)
from matchmaking.services.suggestions import suggestions_recompute_enqueue

# Whether an organization gets and may be given suggestions depends on these (others' lists
# leave it out at once when it stops qualifying: selectors.matching.suggestion_list).
MATCHING_ORGANIZATION_FIELDS = frozenset({"kind", "is_active", "verification_state"})


def organization_changed_enqueue(
    sender, *, organization: Organization, changed_fields: Iterable[str], **kwargs
) -> None:
    """On accounts.signals.organization_changed: enqueue the search documents that show the
    organization (its own, and its published posts', which repeat its names, kind and district)
    when a field they hold, or that decides whether they exist, changed.

    The signal is sent inside the transaction of the change, so the jobs commit with it.
    """
    if INDEXED_ORGANIZATION_FIELDS.intersection(changed_fields):
        organization_documents_enqueue(organization=organization)
    if MATCHING_ORGANIZATION_FIELDS.intersection(changed_fields):
        suggestions_recompute_enqueue(organization_ids=[organization.pk])
