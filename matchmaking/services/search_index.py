"""What matchmaking's writes tell the search index outbox.

Every service that changes what a search document holds (matchmaking.documents) or whether it
should exist enqueues an index job here, inside its own transaction, so that the job commits
with the change or not at all (search.services.index_job_enqueue). Which write touches which
document:

- a profile, its products, warehouses and lanes: the organization's document;
- a post: its own document, while it has one or as it loses it (published, or closed now);
- the organization's own fields (names, kind, district, verification, active flag): its document
  and its posts' documents, which repeat its names, kind and district (matchmaking.receivers);
- the calendar: a post whose end date passed or whose start date arrived
  (services.posts.post_index_expired, run daily).

The drain reads the stored state, so an extra job only refreshes a document; a missing one
leaves the index stale until the next rebuild. Bulk writes collect their jobs with
index_jobs_batched() and enqueue once per document type.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from accounts.models import Organization
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import Post, PostStatus
from matchmaking.profile_fields import PROFILE_KINDS
from search.services import index_job_enqueue

# Organization fields that search documents hold, or that decide whether the organization and
# its posts have documents at all (matchmaking.documents, matchmaking.selectors).
INDEXED_ORGANIZATION_FIELDS = frozenset(
    {"kind", "name_zh", "name_en", "district", "verification_state", "is_active"}
)

# The ids collected by the innermost index_jobs_batched() of this thread (or task), per type.
_batch: ContextVar[dict[str, set[int]] | None] = ContextVar("matchmaking_index_batch", default=None)


def documents_enqueue(
    *, organization_ids: Iterable[int] = (), post_ids: Iterable[int] = ()
) -> None:
    """Enqueue index jobs for these organizations' and posts' documents, one call per type.

    Precondition: call inside the transaction that changed them; raises
    TransactionManagementError otherwise. Within index_jobs_batched(), the ids are collected
    and enqueued when the batch ends instead.
    """
    batch = _batch.get()
    for doc_type, ids in ((ORGANIZATION, set(organization_ids)), (POST, set(post_ids))):
        if not ids:
            continue
        if batch is not None:
            batch[doc_type] |= ids
        else:
            index_job_enqueue(doc_type=doc_type, object_ids=ids)


@contextmanager
def index_jobs_batched() -> Iterator[None]:
    """Collect the jobs that documents_enqueue() is asked for within the block, and enqueue
    them once per document type when it ends: a bulk import would otherwise write its jobs,
    and schedule a drain, row by row.

    Precondition: enter and leave inside the transaction of the writes. A nested batch joins
    the outer one. When the block raises, nothing is enqueued (its transaction is rolling
    back). Ids collected in a savepoint that rolled back within the block are enqueued all the
    same: their documents are only refreshed from the stored state, which is harmless.
    """
    if _batch.get() is not None:
        yield
        return
    batch: dict[str, set[int]] = defaultdict(set)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    for doc_type, ids in batch.items():
        index_job_enqueue(doc_type=doc_type, object_ids=ids)


def organization_documents_enqueue(*, organization: Organization) -> None:
    """Enqueue the organization's document and those of its published posts.

    Call inside the transaction that changed the organization. Drafts and closed posts are left
    out: a draft never had a document, and closing a post enqueued its removal. Organizations
    of other kinds than PROFILE_KINDS (the bureau) have no document of their own.
    """
    post_ids = Post.objects.filter(
        organization=organization, status=PostStatus.PUBLISHED
    ).values_list("pk", flat=True)
    documents_enqueue(
        organization_ids=[organization.pk] if organization.kind in PROFILE_KINDS else [],
        post_ids=list(post_ids),
    )
