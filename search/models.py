import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndexJob(models.Model):
    """One object whose search document must be refreshed: the durable index outbox.

    Written in the same transaction as the data change (services.index_job_enqueue), applied after
    commit by services.index_outbox_drain, deleted once the backend took the change. There is at
    most one row per object: changes coalesce, and the drain always reads the object's current
    state, so one refresh covers every change made before it.

    `token` is replaced by every enqueue. The drain deletes a job only if the token is still the
    one it claimed, so a change that arrives while its batch is in flight is never dropped.
    `failed_at` is set after SEARCH_OUTBOX_MAX_ATTEMPTS failed attempts: the job stays visible
    and is retried only on request (services.index_outbox_retry_failed).
    """

    doc_type = models.CharField(_("document type"), max_length=64)
    object_id = models.BigIntegerField(_("object id"))
    token = models.UUIDField(default=uuid.uuid4)
    # The first change not yet in the index: an upsert keeps it, so its age is the index's lag.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), default=timezone.now, db_index=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("index job")
        verbose_name_plural = _("index jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id"], name="search_indexjob_one_per_object"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


class IndexedDocument(models.Model):
    """A document in the embedded search index (search.backends.embedded).

    The three *_tokens columns hold search.analysis.index_text of the document's text fields of
    each weight; the full-text index over them is database-specific and created by migration
    0003 (an FTS5 table on SQLite, a GIN expression index on PostgreSQL). On SQLite the FTS
    table is kept in step by triggers on this table: a migration that makes Django rebuild the
    table (changing a column rather than adding one) drops them and must create them again.
    """

    doc_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    source = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=40)
    date = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    title_tokens = models.TextField(blank=True)
    summary_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    # Autocomplete phrases, one per line, as written.
    suggest_text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id"], name="search_indexeddocument_one_per_object"
            ),
        ]
        indexes = [models.Index(fields=["doc_type", "date"], name="search_doc_type_date")]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.object_id}"


class IndexedKeyword(models.Model):
    """One value of one keyword field of an IndexedDocument: what filters and facets read."""

    document = models.ForeignKey(IndexedDocument, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=64)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(fields=["field", "value", "document"], name="search_keyword_lookup"),
            models.Index(fields=["document", "field"], name="search_keyword_document"),
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value}"
