"""Sending a private file back (issue 7): always a download, named as the participant named it.

The response is built from a file really saved in the private storage (a temporary directory in
the test settings) and read back through the response's stream.
"""

from __future__ import annotations

import unicodedata

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404

from courses.downloads import ascii_filename, private_file_response
from courses.report_files import DOCX, PDF

CONTENT = b"%PDF-1.4\n% b\xc3\xa1o c\xc3\xa1o\n%%EOF\n"


@pytest.fixture
def stored():
    """Save CONTENT in the private storage; yields its storage name, deletes it afterwards."""
    storage = storages["private"]
    name = storage.save("reports/test/0123456789abcdef0123456789abcdef.pdf", ContentFile(CONTENT))
    yield name
    storage.delete(name)


def download(name: str, original_name: str, content_type: str = PDF):
    response = private_file_response(name, original_name=original_name, content_type=content_type)
    body = b"".join(response.streaming_content)
    # Close the file itself: response.close() would send request_finished, whose handler
    # touches the database connection, which these tests have no reason to open.
    response.file_to_stream.close()
    return response, body


def test_vietnamese_name_survives_as_rfc_6266_filename_star(stored):
    response, body = download(stored, "Báo cáo thu hoạch.pdf")

    assert response.status_code == 200
    assert body == CONTENT
    assert response["Content-Disposition"] == (
        'attachment; filename="Bao cao thu hoach.pdf"; '
        "filename*=utf-8''B%C3%A1o%20c%C3%A1o%20thu%20ho%E1%BA%A1ch.pdf"
    )
    assert response["Content-Type"] == PDF
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_nfd_name_is_sent_in_nfc(stored):
    response, _body = download(stored, unicodedata.normalize("NFD", "Đào Thị Hà.pdf"))

    assert response["Content-Disposition"] == (
        "attachment; filename=\"Dao Thi Ha.pdf\"; filename*=utf-8''%C4%90%C3%A0o%20Th%E1%BB%8B"
        "%20H%C3%A0.pdf"
    )


def test_plain_ascii_name_needs_no_filename_star(stored):
    response, _body = download(stored, "report.docx", DOCX)

    assert response["Content-Disposition"] == 'attachment; filename="report.docx"'
    assert response["Content-Type"] == DOCX


def test_quotes_and_backslashes_cannot_break_out_of_the_header(stored):
    response, _body = download(stored, 'a"; filename="evil.html\\.pdf')

    fallback, encoded = response["Content-Disposition"].split("; filename*=")
    assert fallback == 'attachment; filename="a_; filename=_evil.html_.pdf"'
    assert encoded == "utf-8''a%22%3B%20filename%3D%22evil.html%5C.pdf"


def test_ascii_fallback_drops_diacritics_and_unsafe_characters():
    assert ascii_filename("Nguyễn Văn Đức – báo cáo.pdf") == "Nguyen Van Duc _ bao cao.pdf"
    assert ascii_filename("报告") == "__"
    assert ascii_filename("") == "download"


def test_missing_file_is_404():
    with pytest.raises(Http404):
        private_file_response(
            "reports/test/ffffffffffffffffffffffffffffffff.pdf",
            original_name="Báo cáo.pdf",
            content_type=PDF,
        )


def test_name_outside_the_private_storage_is_404():
    with pytest.raises(Http404):
        private_file_response("../../etc/passwd", original_name="passwd", content_type=PDF)
