"""Checks on documents registrants upload: the size, and that the content is of a type the
question accepts (the file's name and the browser's content type are not trusted)."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from events.blocks import DOCUMENT_TYPES

_LABELS = dict(DOCUMENT_TYPES)
# Office files are zip archives; one of these members tells which kind.
_OFFICE_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _detected_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        for file_type, member in _OFFICE_MEMBERS.items():
            if member in names:
                return file_type
    return None


def validate_document(upload: UploadedFile, *, file_types: list[str], max_megabytes: int) -> str:
    """The type of an acceptable upload ("pdf", "docx", ...); ValidationError otherwise."""
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_megabytes * 1024 * 1024:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": max_megabytes}, code="too_large"
        )
    detected = _detected_type(upload)
    if detected not in file_types:
        accepted = ", ".join(_LABELS.get(file_type, file_type) for file_type in file_types)
        raise ValidationError(
            _("Upload a file of one of these types: %(types)s.") % {"types": accepted},
            code="file_type",
        )
    return detected
