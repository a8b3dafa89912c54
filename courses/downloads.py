"""Sending a file from the private storage back to a browser, safely.

The caller (a view) has already checked that the viewer may see the file; this module only makes
the response: always a download (`Content-Disposition: attachment`), with the content type
decided when the file was checked, no sniffing and no caching by shared proxies or the browser.
The participant's own file name comes back in RFC 6266 form: a plain ASCII `filename` for old
clients and a UTF-8 `filename*` (RFC 5987) so "Báo cáo thu hoạch.pdf" arrives intact.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header


def private_file_response(
    storage_name: str, *, original_name: str, content_type: str
) -> FileResponse:
    """A download of `storage_name` from the private storage, named `original_name`.

    Raises Http404 when the file is missing (or the name points outside the storage).
    """
    try:
        handle = storages["private"].open(storage_name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as error:
        raise Http404("File not found") from error
    response = FileResponse(
        handle, as_attachment=True, filename=original_name, content_type=content_type
    )
    # Django writes only `filename*` for a non-ASCII name; add the ASCII fallback RFC 6266
    # recommends, for the few clients (download managers, old mail gateways) without RFC 5987.
    response["Content-Disposition"] = attachment_header(original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_header(filename: str) -> str:
    """`attachment; filename="…"` for a plain ASCII name, else an ASCII fallback and a UTF-8
    `filename*`: `attachment; filename="Bao cao.pdf"; filename*=utf-8''B%C3%A1o%20c%C3%A1o.pdf`."""
    filename = unicodedata.normalize("NFC", filename)
    fallback = ascii_filename(filename)
    if fallback == filename:
        return content_disposition_header(True, filename)
    return f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(filename, safe='')}"


def ascii_filename(filename: str) -> str:
    """The name without diacritics (đ -> d), in printable ASCII with no quote or backslash, so
    it can sit between double quotes in a header as is."""
    decomposed = unicodedata.normalize("NFD", filename.replace("đ", "d").replace("Đ", "D"))
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        kept.append(char if " " <= char <= "~" and char not in '"\\' else "_")
    fallback = "".join(kept).strip()
    return fallback or "download"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def export_response(body: bytes, *, name: str, extension: str, content_type: str) -> HttpResponse:
    """A spreadsheet made on request, as a download named `<name>-<yyyymmdd>.<extension>`; never
    cached (it holds people's data)."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    return HttpResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": attachment_header(f"{name}-{stamp}.{extension}"),
            "Cache-Control": "private, no-store",
        },
    )
