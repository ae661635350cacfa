"""What an uploaded file is, decided from its bytes: size, type, digest, a safe name.

Pure checks with no database: the evidence services store only what passes here, and the
upload pages tell people the accepted types and the size limit from the same constants.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from zona.core.errors import Problem, ValidationFailed

# extension -> the content type served for it. What a file *is* is decided from its bytes.
ALLOWED_EXTENSIONS: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "mp4": "video/mp4",
    "txt": "text/plain",
    "csv": "text/csv",
}
_OOXML_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_OLE = {"doc", "xls", "ppt"}
_ODF = {"odt", "ods", "odp"}
_TEXT = {"txt", "csv"}
# filetype's name for what the bytes are -> extensions that may carry them
_SNIFFED: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "jpg": {"jpg", "jpeg"},
    "png": {"png"},
    "gif": {"gif"},
    "webp": {"webp"},
    "mp4": {"mp4"},
    "m4v": {"mp4"},
}
HEAD_BYTES = 8192
# Stored names are shortened to this length (the extension is kept), never refused for it.
FILE_NAME_MAX_CHARS = 150


def max_upload_bytes() -> int:
    return int(settings.ZONA_EVIDENCE_MAX_BYTES)


def allowed_types_text() -> str:
    return ", ".join(sorted({ext.upper() for ext in ALLOWED_EXTENSIONS} - {"JPEG"}))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _short_name(name: str) -> str:
    """A stored file name of at most FILE_NAME_MAX_CHARS, its extension kept."""
    limit = FILE_NAME_MAX_CHARS
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) >= limit // 2:
        return name[:limit]
    return stem[: limit - len(extension) - 1].rstrip("._-") + "." + extension


def check_file(upload: File) -> CheckedFile:
    """Size, type (from the content) and digest of an upload; ValidationFailed if refused."""
    original = os.path.basename(upload.name or "").strip() or "file"
    name = _short_name(get_valid_filename(original) or "file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""

    def refuse(message: str, code: str) -> ValidationFailed:
        return ValidationFailed(
            message, problems=[Problem(code=code, message=message, field=original)]
        )

    size = upload.size or 0
    limit = max_upload_bytes()
    if size > limit:
        raise refuse(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {"name": original, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise refuse(
            _("%(name)s: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": original, "types": allowed_types_text()},
            "type_not_allowed",
        )
    digest = hashlib.sha256()
    head = b""
    counted = 0
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
        counted += len(chunk)
        if counted > limit:
            raise refuse(
                _("%(name)s is larger than %(limit)s.")
                % {"name": original, "limit": filesizeformat(limit)},
                "too_large",
            )
    if counted == 0:
        raise refuse(_("%(name)s is empty.") % {"name": original}, "empty")
    if not _content_matches(upload, head, extension):
        raise refuse(
            _(
                "%(name)s does not contain what its name says (.%(ext)s). Save it again in "
                "its real format, or export it to PDF."
            )
            % {"name": original, "ext": extension},
            "content_mismatch",
        )
    upload.seek(0)
    return CheckedFile(
        name=name,
        extension=extension,
        content_type=ALLOWED_EXTENSIONS[extension],
        size=counted,
        sha256=digest.hexdigest(),
    )


def _content_matches(upload: File, head: bytes, extension: str) -> bool:
    kind = filetype.guess(head)
    if extension in _TEXT:
        if kind is not None or b"\x00" in head:
            return False
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            return False
        return True
    if kind is None:
        return False
    if extension in _OLE:
        return kind.extension in _OLE
    if extension in _OOXML_MARKERS or extension in _ODF:
        if kind.extension not in {"zip", extension}:
            return False
        return _zip_has(upload, extension)
    return extension in _SNIFFED.get(kind.extension, set())


def _zip_has(upload: File, extension: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension in _ODF:
                if "mimetype" not in names:
                    return False
                return bool(
                    archive.read("mimetype").decode("ascii", "replace").strip()
                    == ALLOWED_EXTENSIONS[extension]
                )
            marker = _OOXML_MARKERS[extension]
            return "[Content_Types].xml" in names and any(n.startswith(marker) for n in names)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    finally:
        upload.seek(0)
