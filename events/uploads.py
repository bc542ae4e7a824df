"""Checks on documents registrants upload: the size, and that the content is of a type the
question accepts (the file's name and the browser's content type are not trusted)."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from config.files import detected_file_type
from events.blocks import DOCUMENT_TYPES

_LABELS = dict(DOCUMENT_TYPES)


def validate_document(upload: UploadedFile, *, file_types: list[str], max_megabytes: int) -> str:
    """The type of an acceptable upload ("pdf", "docx", ...); ValidationError otherwise."""
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_megabytes * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": max_megabytes}, code="too_large"
        )
    detected = detected_file_type(upload)
    if detected not in file_types:
        accepted = ", ".join(_LABELS.get(file_type, file_type) for file_type in file_types)
        raise ValidationError(
            _("Upload a file of one of these types: %(types)s.") % {"types": accepted},
            code="file_type",
        )
    return detected
