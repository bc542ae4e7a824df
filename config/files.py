"""What an uploaded file really is, read from its first bytes (its name and the browser's
content type are not trusted). Shared by every app that takes uploads (events' registration
documents, chat attachments): each decides which of these types it accepts."""

import zipfile

from django.core.files.uploadedfile import UploadedFile

# Office files are zip archives; one of these members tells which kind.
_OFFICE_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

# The content type each detected type is served with.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detected_file_type(upload: UploadedFile) -> str | None:
    """One of CONTENT_TYPES' keys, or None when the content is none of them."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
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
