"""Conversations between organizations, their messages and each reader's place in them.

Chat knows who takes part (organizations, and through their memberships their users), not why:
other apps open conversations through chat.services and name themselves in `source`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The column's declared length; the limit enforced is settings.CHAT_MESSAGE_MAX_LENGTH.
MESSAGE_MAX_LENGTH = 4000
CLIENT_ID_MAX_LENGTH = 64


class ConversationKind(models.TextChoices):
    PAIR = "pair", _("Between two organizations")
    EVENT_LOBBY = "event_lobby", _("Event lobby")
    MEETING = "meeting", _("Meeting")


class Conversation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ConversationKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("What opened the conversation, e.g. “matchmaking.meeting_request:42”."),
    )
    # The newest message's id, written under the conversation's row lock by message_send: it
    # orders the conversation list and tells each broadcast which message came before it.
    last_message_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            # Opening is idempotent: a service that opens "its" conversation twice gets one.
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="chat_conversation_unique_source"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} #{self.pk}"


class Participant(models.Model):
    """An organization taking part; all its members may read and write."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="chat_participations",
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "organization"], name="chat_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.conversation}"


def attachment_upload_to(instance: "Message", filename: str) -> str:
    # A random name with the extension of the type the content was checked to be (never the
    # uploader's name, which is kept in attachment_name for display only).
    return f"chat/{uuid.uuid4().hex}.{instance.attachment_type}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=MESSAGE_MAX_LENGTH)
    # An optional file, checked by chat.attachments and served only to participants
    # (chat.views); the text may then be empty.
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_upload_to, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=8, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    # The sender's idempotency key: a retried send with the same key returns the stored message.
    client_id = models.CharField(max_length=CLIENT_ID_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # Soft delete: the text stays for moderation but is never sent to clients again.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "author", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_unique_client_id",
            )
        ]
        # "Messages of a conversation after (or before) id X, in id order": resume and history.
        indexes = [models.Index(fields=["conversation", "id"], name="chat_message_conv_id_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.conversation_id}"

    @property
    def is_visible(self) -> bool:
        """Whether the text may be shown (neither deleted by its author nor hidden by staff)."""
        return self.deleted_at is None and self.hidden_at is None


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or offensive")
    FRAUD = "fraud", _("Fraud or scam")
    OTHER = "other", _("Other")


class ReportResolution(models.TextChoices):
    HIDDEN = "hidden", _("Message hidden")
    DISMISSED = "dismissed", _("Report dismissed")


class MessageReport(models.Model):
    """A participant's report of a message, for bureau staff to act on (chat.moderation)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=ReportResolution.choices, blank=True
    )

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        constraints = [
            # One report per message and reporter: reporting twice changes nothing.
            models.UniqueConstraint(fields=["message", "reporter"], name="chat_report_unique")
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="chat_report_open_idx")]

    def __str__(self) -> str:
        return f"report of #{self.message_id} ({self.reason})"


class ReadMarker(models.Model):
    """How far a user has read a conversation: every message up to `last_read_id` included."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_markers"
    )
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="chat_readmarker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} to {self.last_read_id}"


class DigestMarker(models.Model):
    """How far a user's e-mail digests have covered a conversation: messages up to
    `last_notified_id` were in a digest (or read), and `sent_at` is the last digest's time, so
    that a conversation gets at most one digest per period (chat.digests)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="digest_markers"
    )
    last_notified_id = models.BigIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest marker")
        verbose_name_plural = _("digest markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="chat_digest_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} notified of {self.conversation_id} to {self.last_notified_id}"
