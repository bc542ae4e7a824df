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
