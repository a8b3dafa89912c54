"""The final-report file checks (issue 7, "Bad input"), on real small files built here.

Every file is made in the test: a PDF with a correct cross-reference table, DOCX packages written
with `zipfile`, a real ZIP bomb, renamed programs and web pages. A fake clamd speaks the
INSTREAM protocol on a unix socket (or TCP) to test the virus-scan hook.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import socket
import struct
import threading
import unicodedata
import warnings
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from courses import report_files
from courses.exceptions import DomainError, InvalidInput
from courses.report_files import (
    DOCX,
    PDF,
    CheckedUpload,
    ScannerUnavailable,
    check_upload,
    display_name,
    store_upload,
)

MB = 1024 * 1024

# --- Building real files -------------------------------------------------------------------


def pdf_bytes() -> bytes:
    """A one-page PDF 1.4 with a correct xref table, as small as a real one gets."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
MACRO_CONTENT_TYPES = CONTENT_TYPES.replace(
    b"vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"vnd.ms-word.document.macroEnabled.main+xml",
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Báo cáo thu hoạch: chuyển đổi số ở Sở Thông tin và Truyền thông "
    "tỉnh Đắk Lắk</w:t></w:r></w:p></w:body></w:document>"
).encode()


def zip_bytes(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_entries(content_types: bytes = CONTENT_TYPES) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": content_types,
        "_rels/.rels": RELS,
        "word/document.xml": DOCUMENT,
    }


def docx_bytes(**extra: bytes) -> bytes:
    """A real minimal DOCX (Word and LibreOffice open it), plus `extra` entries."""
    return zip_bytes({**docx_entries(), **extra})


def upload(data: bytes, name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    # The browser's content type is deliberately wrong: it must never matter.
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(data: bytes, name: str = "bao-cao.pdf", **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_upload(upload(data, name), **kwargs)
    assert caught.value.field == "file"
    return caught.value


# --- Accepted files ------------------------------------------------------------------------


def test_accepts_a_real_pdf_and_describes_it():
    data = pdf_bytes()
    file = upload(data, "Báo cáo thu hoạch.pdf")

    checked = check_upload(file)

    assert checked == CheckedUpload(
        kind="pdf",
        content_type=PDF,
        extension=".pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name="Báo cáo thu hoạch.pdf",
    )
    assert file.tell() == 0  # rewound, ready for store_upload


def test_accepts_a_real_docx_with_vietnamese_text_whatever_its_name():
    data = docx_bytes()

    checked = check_upload(upload(data, "bao-cao.pdf"))

    assert (checked.kind, checked.content_type, checked.extension) == ("docx", DOCX, ".docx")
    assert checked.size == len(data)
    # The name is kept for display but must end with the type actually found.
    assert checked.original_name == "bao-cao.pdf.docx"


def test_accepts_a_pdf_whose_header_comes_after_some_bytes_within_the_first_kilobyte():
    checked = check_upload(upload(b"\x00\x01" * 400 + pdf_bytes()))

    assert checked.kind == "pdf"


def test_a_large_upload_spooled_to_disk_is_checked_the_same_way():
    # Django writes uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file on disk.
    data = docx_bytes()
    file = TemporaryUploadedFile("Báo cáo.docx", "application/octet-stream", len(data), None)
    file.write(data)
    file.seek(0)

    with file:
        checked = check_upload(file)

        assert checked.kind == "docx"
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert file.tell() == 0


# --- Refused by content --------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
HTML_POLYGLOT = b"<html><!-- %PDF-1.4 --><script>alert(1)</script></html>\n" + pdf_bytes()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
SVG_WITH_PROLOG = b'\xef\xbb\xbf<?xml version="1.0"?>\n' + SVG
XML_POLYGLOT = b'<?xml version="1.0"?><!-- %PDF-1.4 -->' + pdf_bytes()
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
TEXT = "Báo cáo thu hoạch\nHọ tên: Trần Văn Hòa\n".encode()
XLSX = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})
PPTX = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"})
PLAIN_ZIP = zip_bytes({"bao-cao/anh.jpg": b"\xff\xd8\xff" + b"\x01" * 100})
UNKNOWN = bytes(range(256)) * 8
LATE_PDF_HEADER = b"\x00\x01" * 600 + pdf_bytes()  # header after byte 1024


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        pytest.param(EXE, "report.pdf", "một chương trình", id="exe-renamed-pdf"),
        pytest.param(HTML, "report.pdf", "trang HTML", id="html-renamed-pdf"),
        pytest.param(HTML_POLYGLOT, "report.pdf", "trang HTML", id="html-with-pdf-header"),
        pytest.param(SVG, "report.pdf", "ảnh SVG", id="svg-renamed-pdf"),
        pytest.param(SVG_WITH_PROLOG, "report.pdf", "ảnh SVG", id="svg-with-xml-prolog"),
        pytest.param(XML_POLYGLOT, "report.pdf", "văn bản XML/HTML", id="xml-with-pdf-header"),
        pytest.param(PNG, "report.pdf", "một ảnh", id="png-renamed-pdf"),
        pytest.param(TEXT, "report.pdf", "văn bản thuần", id="plain-text"),
        pytest.param(XLSX, "report.docx", "bảng tính Excel (.xlsx)", id="xlsx"),
        pytest.param(PPTX, "report.docx", "PowerPoint (.pptx)", id="pptx"),
        pytest.param(PLAIN_ZIP, "report.docx", "tệp nén ZIP", id="zip"),
        pytest.param(UNKNOWN, "report.pdf", "không nhận ra loại", id="unknown-binary"),
        pytest.param(LATE_PDF_HEADER, "report.pdf", "không nhận ra loại", id="header-too-late"),
    ],
)
def test_refuses_what_is_not_a_pdf_or_docx_saying_what_it_is(data, name, says):
    error = refusal(data, name)

    assert error.message.startswith("Chỉ nhận tệp PDF hoặc Word (.docx)")
    assert says in error.message


def test_refuses_an_old_word_document_saying_how_to_convert_it():
    error = refusal(OLE_DOC, "Báo cáo.doc")

    assert "Word đời cũ (.doc)" in error.message
    assert ".docx" in error.message


def test_refused_file_is_left_rewound():
    file = upload(HTML)

    with pytest.raises(InvalidInput):
        check_upload(file)

    assert file.tell() == 0


# --- Size ----------------------------------------------------------------------------------


def test_refuses_an_empty_file():
    error = refusal(b"")

    assert "Tệp trống" in error.message


def test_default_cap_is_20_mb_and_refuses_by_declared_size_before_reading(settings):
    file = upload(pdf_bytes())
    file.size = 21 * MB  # what the upload handler counted

    with pytest.raises(InvalidInput) as caught:
        check_upload(file)

    assert settings.LMS_REPORT_MAX_BYTES == 20 * MB
    assert "giới hạn 20 MB" in caught.value.message


def test_cap_is_a_setting_shown_with_a_decimal_comma(settings):
    settings.LMS_REPORT_MAX_BYTES = int(1.5 * MB)
    base = pdf_bytes()
    at_cap = base + b"%" + b"x" * (settings.LMS_REPORT_MAX_BYTES - len(base) - 1)

    assert check_upload(upload(at_cap)).size == settings.LMS_REPORT_MAX_BYTES
    error = refusal(at_cap + b"x")
    assert "giới hạn 1,5 MB" in error.message


def test_cap_is_counted_on_the_bytes_read_not_on_the_declared_size():
    file = upload(pdf_bytes() + b"%" + b"x" * 4096)
    file.size = 10  # a lying size must not let the file through

    with pytest.raises(InvalidInput) as caught:
        check_upload(file, max_bytes=2048)

    assert "giới hạn" in caught.value.message


# --- DOCX safety ---------------------------------------------------------------------------


def _refuse_to_open(*args, **kwargs):
    raise AssertionError("a ZIP entry was decompressed")


def directory_refusal(monkeypatch, data: bytes) -> str:
    """The refusal message for `data` sent as a DOCX; fails the test if any ZIP entry is opened
    on the way, since the refusal must come from the central directory alone."""
    with monkeypatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "open", _refuse_to_open)
        return refusal(data, "bao-cao.docx").message


def bomb_bytes(entry_bytes: int) -> bytes:
    """A DOCX with one more entry of `entry_bytes` zeros, written in 1 MB pieces (200 MB of
    zeros deflate to about 200 KB in half a second)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_entries().items():
            archive.writestr(name, data)
        with archive.open("word/media/image1.png", "w") as entry:
            left = entry_bytes
            while left:
                piece = min(left, MB)
                entry.write(bytes(piece))
                left -= piece
    return buffer.getvalue()


ABNORMAL = "Tệp Word bất thường"


def test_refuses_a_zip_bomb_from_the_directory_alone(monkeypatch):
    data = bomb_bytes(200 * MB)
    assert len(data) < MB

    assert ABNORMAL in directory_refusal(monkeypatch, data)


def test_refuses_one_entry_compressed_past_the_ratio(monkeypatch):
    data = bomb_bytes(2 * MB)  # 2 MB of zeros deflate about 1000 to 1; the total is small

    assert ABNORMAL in directory_refusal(monkeypatch, data)


def test_refuses_a_total_uncompressed_size_past_the_cap(monkeypatch):
    photo = os.urandom(300 * 1024)  # incompressible: only the total can refuse it
    data = zip_bytes({**docx_entries(), "word/media/image1.jpg": photo})
    assert check_upload(upload(data, "a.docx")).kind == "docx"

    monkeypatch.setattr(report_files, "MAX_UNCOMPRESSED_BYTES", 256 * 1024)

    assert ABNORMAL in refusal(data, "a.docx").message


def test_refuses_too_many_entries(monkeypatch):
    extra = {f"word/media/image{number}.png": b"x" for number in range(1001)}

    assert ABNORMAL in directory_refusal(monkeypatch, docx_bytes(**extra))


def test_refuses_an_encrypted_entry(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in docx_entries().items():
            archive.writestr(name, data)
        archive.getinfo("word/document.xml").flag_bits |= 0x1  # the directory says "encrypted"

    assert ABNORMAL in directory_refusal(monkeypatch, buffer.getvalue())


@pytest.mark.parametrize(
    "entry_name",
    ["../../etc/cron.d/evil", "/etc/passwd", "C:/Windows/evil.dll", "word\\..\\..\\evil.bat"],
)
def test_refuses_entries_with_absolute_or_parent_paths(entry_name, monkeypatch):
    data = zip_bytes({**docx_entries(), entry_name: b"x"})

    assert ABNORMAL in directory_refusal(monkeypatch, data)


def test_refuses_duplicate_entry_names(monkeypatch):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name", which is the point
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in docx_entries().items():
                archive.writestr(name, data)
            archive.writestr("word/document.xml", b"<other/>")

    assert ABNORMAL in directory_refusal(monkeypatch, buffer.getvalue())


def test_refuses_a_compression_method_word_never_uses(monkeypatch):
    data = zip_bytes(docx_entries(), compression=zipfile.ZIP_BZIP2)

    assert ABNORMAL in directory_refusal(monkeypatch, data)


@pytest.mark.parametrize("entry_name", ["word/vbaProject.bin", "customUI/VBAPROJECT.BIN"])
def test_refuses_a_docm_in_disguise_by_its_vba_project(entry_name):
    data = docx_bytes(**{entry_name: b"\xd0\xcf\x11\xe0 macro"})

    error = refusal(data, "bao-cao.docx")

    assert "có chứa macro" in error.message


def test_refuses_a_macro_enabled_content_type_without_reading_xml_with_a_parser():
    data = zip_bytes(docx_entries(MACRO_CONTENT_TYPES))

    assert "có chứa macro" in refusal(data, "bao-cao.docx").message


def test_refuses_a_broken_docx():
    data = docx_bytes()

    assert "bị hỏng" in refusal(data[: len(data) // 2], "bao-cao.docx").message
    assert "bị hỏng" in refusal(b"PK\x03\x04" + b"\x00" * 200, "bao-cao.docx").message


# --- Names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "extension", "shown"),
    [
        ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
        ("C:\\Users\\x\\Báo cáo.pdf", ".pdf", "Báo cáo.pdf"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Đào.docx"), ".docx", "Nguyễn Thị Đào.docx"),
        ("Báo\x00 cáo\u202e\t\n.pdf", ".pdf", "Báo cáo.pdf"),
        ("Báo cáo.PDF", ".pdf", "Báo cáo.pdf"),
        ("report.html", ".pdf", "report.html.pdf"),
        ("", ".docx", "bao-cao.docx"),
        (None, ".pdf", "bao-cao.pdf"),
        ("../..", ".pdf", "bao-cao.pdf"),
        (".pdf", ".pdf", "bao-cao.pdf"),
    ],
)
def test_display_name_keeps_only_a_clean_file_name(raw, extension, shown):
    assert display_name(raw, extension) == shown


def test_display_name_is_trimmed_to_200_characters_keeping_the_extension():
    shown = display_name("Chuyển đổi số " * 30 + ".docx", ".docx")

    assert 195 <= len(shown) <= 200
    assert shown.startswith("Chuyển đổi số")
    assert shown.endswith(".docx")


def test_upload_name_with_a_windows_path_and_nfd_is_shown_clean():
    raw = unicodedata.normalize("NFD", "C:\\Users\\x\\Báo cáo thu hoạch.pdf")

    checked = check_upload(upload(pdf_bytes(), raw))

    assert checked.original_name == "Báo cáo thu hoạch.pdf"
    assert unicodedata.is_normalized("NFC", checked.original_name)


# --- Storing -------------------------------------------------------------------------------


@pytest.fixture
def private_storage():
    storage = storages["private"]
    saved: list[str] = []
    yield storage, saved
    for name in saved:
        storage.delete(name)


def test_store_upload_saves_under_a_random_name_in_the_folder(private_storage):
    storage, saved = private_storage
    data = pdf_bytes()
    file = upload(data, "../../Báo cáo thu hoạch.pdf")
    checked = check_upload(file)

    name = store_upload(file, checked, folder="reports/cohort-7")
    saved.append(name)

    assert re.fullmatch(r"reports/cohort-7/[0-9a-f]{32}\.pdf", name)
    assert "báo" not in name.lower()
    assert "bao" not in name.lower()
    assert ".." not in name
    with storage.open(name, "rb") as stored:
        assert stored.read() == data


def test_store_upload_never_reuses_a_name_and_keeps_the_docx_extension(private_storage):
    storage, saved = private_storage
    file = upload(docx_bytes(), "bao-cao.docx")
    checked = check_upload(file)

    first = store_upload(file, checked, folder="reports")
    second = store_upload(file, checked, folder="reports")
    saved += [first, second]

    assert first != second
    assert first.endswith(".docx")
    assert second.endswith(".docx")
    with storage.open(second, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == checked.sha256


@pytest.mark.parametrize("folder", ["", "..", "reports/../..", "reports//x", "reports\\x"])
def test_store_upload_refuses_an_unsafe_folder(folder):
    file = upload(pdf_bytes())

    with pytest.raises(ValueError, match="Unsafe storage folder"):
        store_upload(file, check_upload(file), folder=folder)


# --- Virus scan ----------------------------------------------------------------------------


class FakeClamd:
    """A clamd that reads one INSTREAM per connection and answers `reply` (None: never)."""

    def __init__(self, listener: socket.socket, reply: bytes | None):
        self.listener = listener
        self.reply = reply
        self.received: list[bytes] = []
        self.stopping = threading.Event()
        self.listener.settimeout(0.05)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                self.received.append(self.read_stream(connection.makefile("rb")))
                if self.reply is not None:
                    connection.sendall(self.reply)
                while connection.recv(1024):  # until the client hangs up
                    pass

    @staticmethod
    def read_stream(stream) -> bytes:
        assert stream.read(10) == b"zINSTREAM\0"
        data = b""
        while length := struct.unpack("!I", stream.read(4))[0]:
            data += stream.read(length)
        return data

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def clamd(settings, tmp_path_factory):
    """Start a fake clamd and point the settings at it: clamd(b"stream: OK\\0", tcp=False)."""
    servers: list[FakeClamd] = []

    def start(reply: bytes | None, *, tcp: bool = False) -> FakeClamd:
        if tcp:
            listener = socket.create_server(("127.0.0.1", 0))
            settings.LMS_CLAMD_HOST, settings.LMS_CLAMD_PORT = listener.getsockname()
        else:
            # A short directory: unix socket paths are limited to 108 bytes.
            path = tmp_path_factory.mktemp("clamd") / "clamd.sock"
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(str(path))
            listener.listen()
            settings.LMS_CLAMD_SOCKET = str(path)
        server = FakeClamd(listener, reply)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_scanner_receives_the_whole_file_and_a_clean_file_passes(clamd):
    server = clamd(b"stream: OK\0")
    data = pdf_bytes() + b"%" + os.urandom(200 * 1024)  # several INSTREAM chunks

    checked = check_upload(upload(data))

    assert checked.kind == "pdf"
    assert server.received == [data]


def test_scanner_over_tcp(clamd):
    server = clamd(b"stream: OK\0", tcp=True)

    check_upload(upload(docx_bytes(), "a.docx"))

    assert server.received == [docx_bytes()]


def test_infected_file_is_refused_without_technical_words(clamd, caplog):
    clamd(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")

    with caplog.at_level(logging.WARNING, logger="courses.report_files"):
        error = refusal(pdf_bytes())

    assert error.message.startswith("Tệp có dấu hiệu nhiễm mã độc")
    assert "EICAR" not in error.message
    assert any("EICAR_HDB-1 FOUND" in record.getMessage() for record in caplog.records)


def test_configured_but_missing_scanner_fails_closed(settings, tmp_path, caplog):
    settings.LMS_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")

    with (
        caplog.at_level(logging.WARNING, logger="courses.report_files"),
        pytest.raises(ScannerUnavailable) as caught,
    ):
        check_upload(upload(pdf_bytes()))

    assert isinstance(caught.value, DomainError)
    assert caught.value.field == "file"
    assert caught.value.message == "Chưa kiểm tra được tệp lúc này, hãy thử lại sau ít phút."
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_scanner_that_does_not_answer_in_time_fails_closed(clamd, settings):
    clamd(None)
    settings.LMS_CLAMD_TIMEOUT = 0.3

    with pytest.raises(ScannerUnavailable):
        check_upload(upload(pdf_bytes()))


def test_scanner_error_instead_of_a_verdict_fails_closed(clamd):
    clamd(b"INSTREAM size limit exceeded. ERROR\0")

    with pytest.raises(ScannerUnavailable):
        check_upload(upload(pdf_bytes()))


def test_a_refused_type_is_never_sent_to_the_scanner(clamd):
    server = clamd(b"stream: OK\0")

    refusal(HTML)

    assert server.received == []
