"""Checks on files attached to messages: not empty, not larger than CHAT_ATTACHMENT_MAX_MB, and
content (read from its first bytes, not its name) of an accepted type."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from config.files import detected_file_type

# What people exchange when they negotiate: pictures of products, catalogues, price lists.
ACCEPTED_TYPES = {
    "png": "PNG",
    "jpg": "JPEG",
    "gif": "GIF",
    "webp": "WebP",
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
}
IMAGE_TYPES = {"png", "jpg", "gif", "webp"}
NAME_MAX_LENGTH = 200


def max_bytes() -> int:
    return settings.CHAT_ATTACHMENT_MAX_MB * 1024 * 1024


def attachment_check(upload: UploadedFile) -> tuple[str, str]:
    """The detected type and a display name for an acceptable upload.

    Raises ValueError with a message for the sender (chat.services turns it into a ChatError).
    """
    if upload.size == 0:
        raise ValueError(_("The file is empty."))
    if upload.size > max_bytes():
        raise ValueError(
            _("The file is larger than %(size)d MB.") % {"size": settings.CHAT_ATTACHMENT_MAX_MB}
        )
    file_type = detected_file_type(upload)
    if file_type not in ACCEPTED_TYPES:
        raise ValueError(
            _("Attach a file of one of these types: %(types)s.")
            % {"types": ", ".join(ACCEPTED_TYPES.values())}
        )
    # Only the last path part, without control characters, for display and download.
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or f"attachment.{file_type}"
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: NAME_MAX_LENGTH - len(extension) - 1] + dot + extension) if dot else name
        name = name[:NAME_MAX_LENGTH]
    return file_type, name
