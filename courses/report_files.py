"""Checking and storing the file of a final report (issue 7, "safe files").

Rules owned here:
- the type is judged by the file's content, never by its name: a PDF carries `%PDF-` within its
  first 1024 bytes (where PDF readers look for it), a DOCX is a ZIP that starts with a local
  file header and holds `[Content_Types].xml` and `word/document.xml`; anything else is refused
  with a message saying what the file is when that can be told (HTML, SVG, program, old .doc…);
- a DOCX is judged from the ZIP's central directory before anything is decompressed: entry
  count, total uncompressed size, compression ratio, encrypted entries, unsafe entry names; then
  macros (`vbaProject.bin`, a macro-enabled content type) are refused. The only part ever
  inflated is `[Content_Types].xml`, at most 1 MB, searched as bytes (no XML parser at all);
- the size cap (`settings.LMS_REPORT_MAX_BYTES`) is enforced on the bytes actually read, in
  chunks, so a wrong declared size changes nothing and a huge file is never held in memory;
- when ClamAV's daemon is configured every file is streamed to it; an infected file is refused,
  and a scanner that is configured but does not answer refuses the upload (fail closed);
- a file is stored in the private storage under a random name; the name the participant gave
  is cleaned for display only and never becomes part of a path.

Nothing here writes until `store_upload`; `check_upload` only reads and rewinds.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import socket
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import storages
from django.utils.translation import gettext as _

from courses.exceptions import DomainError, InvalidInput
from lms.text import format_decimal, normalize

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_KINDS = {"pdf": (PDF, ".pdf"), "docx": (DOCX, ".docx")}

# --- Limits --------------------------------------------------------------------------------

CHUNK_BYTES = 64 * 1024
# PDF readers (Acrobat, pdf.js, Poppler) accept the header anywhere in the first 1024 bytes.
PDF_HEADER_WINDOW = 1024
# A report of a hundred pages with photos holds a few dozen ZIP entries and inflates to a few
# times its size. A ZIP bomb needs many entries, a huge total or an extreme ratio; these caps
# refuse all three from the central directory, before a single byte is inflated.
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small XML parts full of repeated empty tags can legitimately compress past 100:1 and cannot
# hurt anyone; the ratio is judged only on entries this big (the total cap covers the rest).
RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
# [Content_Types].xml is a few KB; the only part read, and never more than this of it.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_DISPLAY_NAME = 200

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "pdf" or "docx"
    content_type: str  # PDF or DOCX
    extension: str  # ".pdf" or ".docx"
    size: int
    sha256: str  # hex digest of the content
    original_name: str  # for display only; see display_name()


class ScannerUnavailable(DomainError):
    """The virus scanner is configured but did not answer: the upload is refused (fail closed)."""


# --- Public API ----------------------------------------------------------------------------


def check_upload(uploaded_file, *, max_bytes: int | None = None) -> CheckedUpload:
    """Judge an uploaded report file by its content; writes nothing and leaves the file rewound.

    Raises InvalidInput(field="file") with a message the participant can act on, or
    ScannerUnavailable when the configured virus scanner does not answer.
    """
    cap = settings.LMS_REPORT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        declared = getattr(uploaded_file, "size", None)
        if declared is not None and declared > cap:
            raise _too_big(cap)  # refused without reading a byte
        size, sha256 = _measure(uploaded_file, cap)
        kind = _detect_kind(uploaded_file)
        _scan_for_viruses(uploaded_file, sha256)
    finally:
        uploaded_file.seek(0)
    content_type, extension = _KINDS[kind]
    return CheckedUpload(
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=sha256,
        original_name=display_name(getattr(uploaded_file, "name", None), extension),
    )


def store_upload(uploaded_file, checked: CheckedUpload, *, folder: str) -> str:
    """Save a checked file to the private storage as `folder/<32 random hex><extension>` and
    return the storage name. The participant's file name never reaches the path."""
    parts = folder.strip("/").split("/")
    if "\\" in folder or any(part in {"", ".", ".."} for part in parts):
        raise ValueError(f"Unsafe storage folder: {folder!r}")
    name = "/".join([*parts, secrets.token_hex(16) + checked.extension])
    uploaded_file.seek(0)
    return storages["private"].save(name, uploaded_file)


def display_name(name: str | None, extension: str) -> str:
    """The participant's file name, fit to show and to send back in Content-Disposition.

    NFC, directory part removed (`/` and `\\`, whatever system the browser runs on), control and
    bidi-override characters removed (a U+202E can make "cod.exe" look like "exe.doc"), at most
    200 characters, ending with the extension of the type actually found: a PDF sent as
    "x.html" is offered back as "x.html.pdf", so the file opens in the right program.
    """
    text = normalize(name or "") or ""
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(char for char in text if not unicodedata.category(char).startswith("C"))
    text = " ".join(text.split())
    stem = text[: -len(extension)] if text.lower().endswith(extension) else text
    stem = stem[: MAX_DISPLAY_NAME - len(extension)].rstrip()
    if not stem.strip(". "):
        return "bao-cao" + extension
    return stem + extension


# --- Size and hash -------------------------------------------------------------------------


def _measure(uploaded_file, cap: int) -> tuple[int, str]:
    """Count and hash the content in chunks; refuse it empty or past the cap (reading stops
    at the first chunk beyond it)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in uploaded_file.chunks(CHUNK_BYTES):
        size += len(chunk)
        if size > cap:
            raise _too_big(cap)
        digest.update(chunk)
    if size == 0:
        raise InvalidInput(
            _("Tệp trống (0 byte). Hãy chọn đúng tệp báo cáo rồi tải lên lại."), field="file"
        )
    return size, digest.hexdigest()


def _too_big(cap: int) -> InvalidInput:
    megabytes = format_decimal(cap / (1024 * 1024), 1).removesuffix(",0")
    return InvalidInput(
        _(
            "Tệp lớn hơn giới hạn %(max)s MB. Hãy giảm dung lượng (nén ảnh trong báo cáo, hoặc "
            "xuất PDF với chất lượng thấp hơn) rồi tải lên lại."
        )
        % {"max": megabytes},
        field="file",
    )


# --- Type ----------------------------------------------------------------------------------


def _detect_kind(uploaded_file) -> str:
    """ "pdf" or "docx", judged by content; anything else is refused saying what it is."""
    uploaded_file.seek(0)
    head = uploaded_file.read(PDF_HEADER_WINDOW)
    if head.startswith(_ZIP_MAGIC):
        _check_docx(uploaded_file)
        return "docx"
    if head.startswith(_OLE_MAGIC):
        # Word 97-2003 documents, and also any .docx saved with a password: Office wraps an
        # encrypted document in the old compound-file format.
        raise InvalidInput(
            _(
                "Đây là tệp Word đời cũ (.doc) hoặc tệp Word có đặt mật khẩu. Hãy mở tệp trong "
                "Word, bỏ mật khẩu nếu có, chọn Lưu dưới dạng “Tài liệu Word (.docx)” hoặc PDF "
                "rồi tải lên lại."
            ),
            field="file",
        )
    offset = head.find(b"%PDF-")
    # Bytes before the header are tolerated as readers do, unless they are themselves another
    # kind of file: an HTML page with "%PDF-" in a comment must not pass as a PDF.
    found = _describe(head if offset < 0 else head[:offset])
    if offset < 0 or found:
        raise _not_a_report(found)
    return "pdf"


# Signatures checked at the start of the file, with what to tell the participant it is.
_SIGNATURES = [
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"\xca\xfe\xba\xbe", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"{\\rtf", "rtf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
]


def _describe(head: bytes) -> str | None:
    """What a file that is not a report looks like, in words, or None when it cannot be told
    (or when `head` is empty, i.e. a PDF header at offset 0)."""
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return _found_words()[what]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return _found_words()["svg"]
    if any(tag in text for tag in (b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return _found_words()["html"]
    if text.startswith(b"<"):
        return _found_words()["markup"]
    if text and _is_text(head):
        return _found_words()["text"]
    return None


def _is_text(head: bytes) -> bool:
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The window may cut a multi-byte character in two at its end: that is still text.
        if error.start < len(head) - 3:
            return False
        decoded = head[: error.start].decode("utf-8")
    return all(char.isprintable() or char in "\t\r\n" for char in decoded)


def _found_words() -> dict[str, str]:
    # Built per call so each string is translated in the language of the current request.
    return {
        "program": _("tệp này là một chương trình (.exe hoặc tương tự) được đổi tên"),
        "rtf": _("tệp này là văn bản RTF"),
        "image": _("tệp này là một ảnh"),
        "archive": _("tệp này là một tệp nén (RAR, 7z hoặc gzip)"),
        "svg": _("tệp này là ảnh SVG"),
        "html": _("tệp này là trang HTML"),
        "markup": _("tệp này là văn bản XML/HTML"),
        "text": _("tệp này là văn bản thuần (.txt)"),
        "xlsx": _("tệp này là bảng tính Excel (.xlsx)"),
        "pptx": _("tệp này là bài trình chiếu PowerPoint (.pptx)"),
        "odt": _("tệp này là tài liệu OpenDocument (.odt)"),
        "zip": _("tệp này là một tệp nén ZIP"),
    }


def _not_a_report(found: str | None) -> InvalidInput:
    if found:
        message = _(
            "Chỉ nhận tệp PDF hoặc Word (.docx), nhưng %(found)s. Hãy lưu báo cáo thành PDF hoặc "
            ".docx rồi tải lên lại."
        ) % {"found": found}
    else:
        message = _(
            "Chỉ nhận tệp PDF hoặc Word (.docx); không nhận ra loại của tệp này. Hãy lưu báo "
            "cáo thành PDF hoặc .docx rồi tải lên lại."
        )
    return InvalidInput(message, field="file")


# --- DOCX ----------------------------------------------------------------------------------


def _check_docx(uploaded_file) -> None:
    """Refuse a ZIP that is not a Word document, is not safe to open, or carries macros."""
    try:
        if not zipfile.is_zipfile(uploaded_file):
            raise zipfile.BadZipFile("no central directory")
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if not {"[Content_Types].xml", "word/document.xml"} <= names:
                raise _not_a_report(_describe_zip(names))
            _check_directory(entries)  # before anything below inflates a byte
            content_types = _read_content_types(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise InvalidInput(
            _(
                "Tệp Word bị hỏng, không mở được. Hãy mở tệp trong Word, lưu lại rồi tải lên "
                "lại (hoặc xuất ra PDF)."
            ),
            field="file",
        ) from error
    macro_entry = any(name.lower().endswith("vbaproject.bin") for name in names)
    lowered = content_types.lower()
    if macro_entry or b"macroenabled" in lowered or b"vbaproject" in lowered:
        raise InvalidInput(
            _(
                "Tệp Word này có chứa macro (thường là tệp .docm được đổi đuôi). Vì an toàn, hệ "
                "thống không nhận tệp có macro: hãy lưu lại dưới dạng “Tài liệu Word (.docx)” "
                "hoặc PDF rồi tải lên lại."
            ),
            field="file",
        )


def _describe_zip(names: set[str]) -> str:
    words = _found_words()
    if "xl/workbook.xml" in names:
        return words["xlsx"]
    if "ppt/presentation.xml" in names:
        return words["pptx"]
    if "mimetype" in names and "content.xml" in names:
        return words["odt"]
    return words["zip"]


def _check_directory(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse from the central directory alone: nothing is decompressed here."""
    total = sum(entry.file_size for entry in entries)
    abnormal = (
        len(entries) > MAX_ZIP_ENTRIES
        or total > MAX_UNCOMPRESSED_BYTES
        or len({entry.filename for entry in entries}) != len(entries)  # readers disagree on dups
        or any(
            entry.filename == "[Content_Types].xml" and entry.file_size > MAX_CONTENT_TYPES_BYTES
            for entry in entries
        )
        or any(_abnormal_entry(entry) for entry in entries)
    )
    if abnormal:
        raise InvalidInput(
            _(
                "Tệp Word bất thường: khi giải nén nó lớn hơn nhiều so với một báo cáo, có quá "
                "nhiều thành phần, có mật khẩu hoặc có cấu trúc lạ. Hãy mở tệp trong Word, lưu "
                "lại dưới dạng .docx (không đặt mật khẩu) hoặc xuất PDF rồi tải lên lại."
            ),
            field="file",
        )


def _abnormal_entry(entry: zipfile.ZipInfo) -> bool:
    name = entry.filename
    parts = re.split(r"[/\\]", name)
    return (
        entry.flag_bits & _ENCRYPTED_FLAG != 0
        or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # OOXML uses these
        or name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name) is not None
        or ".." in parts
        or (
            entry.file_size > RATIO_CHECK_ABOVE_BYTES
            and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        )
    )


def _read_content_types(archive: zipfile.ZipFile) -> bytes:
    """The raw bytes of `[Content_Types].xml` (its declared size was capped from the directory;
    the read is capped again in case the entry inflates past it). The caller searches them as
    bytes: no XML parser runs on participant files (no entity expansion, no external DTD)."""
    with archive.open("[Content_Types].xml") as part:
        return part.read(MAX_CONTENT_TYPES_BYTES + 1)[:MAX_CONTENT_TYPES_BYTES]


# --- Virus scan (ClamAV) -------------------------------------------------------------------
# The INSTREAM protocol is a dozen lines over a socket; the `clamd` package on PyPI has been
# unmaintained for years, so it is spoken here directly.


def _scan_for_viruses(uploaded_file, sha256: str) -> None:
    address = _clamd_address()
    if address is None:
        return
    try:
        reply = _clamd_instream(address, uploaded_file.chunks(CHUNK_BYTES))
    except OSError as error:  # refused, missing socket, timeout, connection closed early
        logger.warning("Virus scanner %s unavailable, upload refused: %s", address, error)
        raise _scanner_unavailable() from error
    if reply == "stream: OK":
        logger.info("Virus scanner: upload sha256=%s is clean", sha256)
        return
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        logger.warning("Virus scanner refused upload sha256=%s: %s", sha256, reply)
        raise InvalidInput(
            _(
                "Tệp có dấu hiệu nhiễm mã độc nên không được nhận. Hãy quét virus trên máy của "
                "bạn, xuất lại báo cáo từ bản gốc rồi tải lên lại."
            ),
            field="file",
        )
    # "INSTREAM size limit exceeded. ERROR" and the like: not a verdict, so fail closed.
    logger.warning("Virus scanner %s gave no verdict, upload refused: %r", address, reply)
    raise _scanner_unavailable()


def _scanner_unavailable() -> ScannerUnavailable:
    return ScannerUnavailable(
        _("Chưa kiểm tra được tệp lúc này, hãy thử lại sau ít phút."), field="file"
    )


def _clamd_address() -> str | tuple[str, int] | None:
    """The unix socket path, else (host, port), else None when no scanner is configured."""
    if settings.LMS_CLAMD_SOCKET:
        return str(settings.LMS_CLAMD_SOCKET)
    if settings.LMS_CLAMD_HOST:
        return (settings.LMS_CLAMD_HOST, int(settings.LMS_CLAMD_PORT))
    return None


def _clamd_instream(address: str | tuple[str, int], chunks) -> str:
    """Stream `chunks` to clamd and return its reply, e.g. "stream: OK".

    zINSTREAM\\0, then each chunk prefixed by its length (4 bytes, big-endian), then a zero
    length; the "z" form makes clamd end its reply with \\0. Raises OSError on any socket
    problem, including the timeout (per operation, `LMS_CLAMD_TIMEOUT` seconds).
    """
    timeout = float(settings.LMS_CLAMD_TIMEOUT)
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
    else:
        sock = socket.create_connection(address, timeout=timeout)
    with sock:
        sock.sendall(b"zINSTREAM\0")
        for chunk in chunks:
            if chunk:  # a zero length would end the stream early
                sock.sendall(struct.pack("!I", len(chunk)) + chunk)
        sock.sendall(struct.pack("!I", 0))
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < 4096:
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()
