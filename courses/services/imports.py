"""Importing an enrolment list (CSV or XLSX) into a cohort: a dry run, then all or nothing.

Rules owned here:
- the file type is decided by its content, never by its name: XLSX is a ZIP holding
  `[Content_Types].xml` and `xl/workbook.xml`; anything else must be UTF-8 text (CSV);
- size caps before any parsing: the upload (`settings.LMS_IMPORT_MAX_BYTES`), the ZIP's entry
  count, total uncompressed size and compression ratio (checked from the ZIP directory, before
  openpyxl inflates anything), and the number of rows;
- every row is checked and every error is reported with its line number (a list is fixed in
  one go, not one error per upload); text is stored in NFC; provinces are those valid on the
  cohort's start date, and a name merged away on 1 July 2025 is refused naming its successor;
- a dry run (`check_list`) stores the file (private storage, random name) and its report;
  `apply_list` re-reads the stored file, checks it again against the database as it is now,
  and creates accounts, profiles and approved enrollments in one transaction, or nothing;
- a batch is applied at most once; re-importing people already enrolled changes nothing;
- e-mails (an invitation with a set-password link for a new account, a notice for an existing
  one) are sent only after the transaction commits.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.exceptions import CapacityReached, InvalidInput, InvalidTransition, NotAllowed
from courses.models import Cohort, Enrollment, ImportBatch, ParticipantProfile, Province, Role
from courses.models import Status as EnrollmentStatus
from courses.notifications import send_on_commit
from courses.services.enrollment import Profile, enroll, match_organisation, save_profile
from lms.accounts.roles import is_school_staff
from lms.text import format_date_short, normalize, normalize_name, search_key

logger = logging.getLogger(__name__)

# --- Limits --------------------------------------------------------------------------------

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 40
# A real XLSX holds a dozen entries and inflates to a few times its size; a ZIP bomb does not.
MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_ABOVE_BYTES = 1024 * 1024  # tiny entries compress oddly; judge only the big ones

XLSX = "xlsx"
CSV = "csv"

# --- Columns -------------------------------------------------------------------------------

# Column key -> the heading the sample file uses. Headings are matched by `_column_key`, so
# "Họ và tên đệm", "ho va ten dem" and "HO_VA_TEN_DEM" are the same column.
COLUMNS = {
    "email": "Email",
    "ho_va_ten_dem": "Họ và tên đệm",
    "ten": "Tên",
    "ngay_sinh": "Ngày sinh",
    "co_quan": "Cơ quan",
    "chuc_vu": "Chức vụ",
    "tinh_thanh": "Tỉnh/thành",
    "dien_thoai": "Điện thoại",
}
REQUIRED_COLUMNS = (
    "email",
    "ho_va_ten_dem",
    "ten",
    "ngay_sinh",
    "co_quan",
    "chuc_vu",
    "tinh_thanh",
)
ALIASES = {
    "e_mail": "email",
    "dia_chi_email": "email",
    "thu_dien_tu": "email",
    "ho_va_ten_lot": "ho_va_ten_dem",
    "ho_dem": "ho_va_ten_dem",
    "ho": "ho_va_ten_dem",
    "co_quan_don_vi": "co_quan",
    "don_vi": "co_quan",
    "tinh_thanh_pho": "tinh_thanh",
    "tinh": "tinh_thanh",
    "so_dien_thoai": "dien_thoai",
    "sdt": "dien_thoai",
}
SAMPLE_ROW = {
    "email": "nguyen.thi.dao@tuyenquang.gov.vn",
    "ho_va_ten_dem": "Nguyễn Thị",
    "ten": "Đào",
    "ngay_sinh": "05/02/1975",
    "co_quan": "Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
    "chuc_vu": "Giám đốc",
    "tinh_thanh": "Tuyên Quang",
    "dien_thoai": "0912345678",
}
# The same plausibility rule as the application form: born in 1940 or later, an adult.
ADULT = dt.timedelta(days=18 * 365)
MAX_LENGTHS = {"ho_va_ten_dem": 100, "ten": 50, "co_quan": 255, "chuc_vu": 120, "dien_thoai": 20}


def column_labels() -> dict[str, str]:
    """Column key -> its name in the user's language (for messages and the guide)."""
    return {
        "email": _("Email"),
        "ho_va_ten_dem": _("Họ và tên đệm"),
        "ten": _("Tên"),
        "ngay_sinh": _("Ngày sinh"),
        "co_quan": _("Cơ quan"),
        "chuc_vu": _("Chức vụ"),
        "tinh_thanh": _("Tỉnh, thành phố"),
        "dien_thoai": _("Điện thoại"),
    }


def _column_key(heading) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", search_key(str(heading or ""))).strip("_")
    return ALIASES.get(key, key)


# --- Outcomes ------------------------------------------------------------------------------

CREATE = "create"  # no account yet: create one and enrol it
ENROL = "enrol"  # an account exists (perhaps with an application): enrol it
SKIP = "skip"  # already enrolled: nothing to do
ERROR = "error"
OUTCOMES = (CREATE, ENROL, SKIP, ERROR)


def outcome_labels() -> dict[str, str]:
    return {
        CREATE: _("Tạo tài khoản mới và ghi danh"),
        ENROL: _("Ghi danh tài khoản đã có"),
        SKIP: _("Đã ghi danh (bỏ qua)"),
        ERROR: _("Có lỗi"),
    }


# --- Reading the file ----------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "LMS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class Table:
    kind: str  # XLSX or CSV
    columns: dict[str, int]  # column key -> index in each row
    rows: list[tuple[int, list]]  # (line number as the spreadsheet shows it, cells)


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a ZIP that would inflate to far more than a list of people ever needs.

    Reads only the ZIP's directory: nothing is decompressed here."""
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    bomb = len(entries) > MAX_ZIP_ENTRIES or total > MAX_UNCOMPRESSED_BYTES
    bomb = bomb or any(
        entry.file_size > RATIO_CHECK_ABOVE_BYTES
        and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    bomb = bomb or (total > RATIO_CHECK_ABOVE_BYTES and total > MAX_COMPRESSION_RATIO * packed)
    if bomb:
        raise InvalidInput(
            _(
                "Tệp nén bất thường: khi giải nén nó lớn hơn nhiều so với một danh sách học "
                "viên. Hãy mở tệp trong Excel, lưu lại dưới dạng .xlsx hoặc CSV UTF-8 rồi tải "
                "lên lại."
            ),
            field="file",
        )


def detect_kind(data: bytes) -> str:
    """XLSX or CSV, judged by content. Refuses anything else with a message saying what to do."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if {"[Content_Types].xml", "xl/workbook.xml"} <= names:
                    _check_zip(archive)
                    return XLSX
        except zipfile.BadZipFile as broken:
            raise InvalidInput(
                _("Tệp Excel bị hỏng, không mở được. Hãy lưu lại tệp rồi tải lên lại."),
                field="file",
            ) from broken
        raise InvalidInput(
            _(
                "Tệp này là một tệp nén nhưng không phải bảng tính Excel (.xlsx). Hãy tải lên "
                "tệp .xlsx hoặc CSV UTF-8."
            ),
            field="file",
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InvalidInput(
            _(
                "Đây là tệp Excel đời cũ (.xls). Hãy mở trong Excel, chọn Lưu dưới dạng "
                "“Sổ làm việc Excel (.xlsx)” hoặc “CSV UTF-8” rồi tải lên lại."
            ),
            field="file",
        )
    return CSV


def _not_a_list() -> InvalidInput:
    return InvalidInput(
        _(
            "Không đọc được tệp: đây không phải bảng tính Excel (.xlsx) cũng không phải tệp CSV. "
            "Hãy dùng tệp mẫu, rồi trong Excel chọn “Lưu dưới dạng CSV UTF-8” hoặc “.xlsx”."
        ),
        field="file",
    )


def _decode_csv(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode Text" is UTF-16 with a byte-order mark.
        raise InvalidInput(
            _(
                "Tệp này được lưu ở dạng “Unicode Text” (UTF-16), không phải CSV UTF-8. Hãy mở "
                "trong Excel và chọn “Lưu dưới dạng CSV UTF-8 (phân tách bằng dấu phẩy)”."
            ),
            field="file",
        )
    if b"\x00" in data:
        raise _not_a_list()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            legacy = data.decode("cp1258")
        except UnicodeDecodeError:
            raise _not_a_list() from None
        if _is_text(legacy):
            raise InvalidInput(
                _(
                    "Tệp CSV không ở bảng mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi. Hãy mở tệp trong "
                    "Excel và “Lưu dưới dạng CSV UTF-8” (Tệp → Lưu dưới dạng → CSV UTF-8 (phân "
                    "tách bằng dấu phẩy)) rồi tải lên lại."
                ),
                field="file",
            ) from None
        raise _not_a_list() from None
    if not _is_text(text):
        raise _not_a_list()
    return text


def _is_text(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n")
    return controls == 0


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    text = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    # Excel in Vietnamese regional settings separates with ";" (the comma is the decimal mark).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    filled = 0
    try:
        for line, cells in enumerate(reader, start=1):
            rows.append((line, cells[:MAX_COLUMNS]))
            filled += any(_is_filled(cell) for cell in cells)
            if filled > MAX_ROWS + 1:  # enough to say "too many"; read no further
                break
    except csv.Error as broken:
        raise InvalidInput(
            _("Tệp CSV bị lỗi ở dòng %(line)s: %(error)s")
            % {"line": reader.line_num, "error": broken},
            field="file",
        ) from broken
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    import openpyxl  # imported here: only imports need it, and it is slow to load

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as broken:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(
            _("Không mở được tệp Excel này. Hãy lưu lại tệp (.xlsx) rồi tải lên lại."),
            field="file",
        ) from broken
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        rows = []
        data_rows = 0
        # Read-only worksheets yield blank rows for the gaps, so the count is the line number.
        for line, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1):
            if any(_is_filled(cell) for cell in cells):
                data_rows += 1
                rows.append((line, list(cells)))
            if data_rows > MAX_ROWS + 1:
                break
        return rows
    except Exception as broken:
        raise InvalidInput(
            _("Không đọc được trang tính đầu tiên của tệp Excel. Hãy lưu lại tệp rồi thử lại."),
            field="file",
        ) from broken
    finally:
        workbook.close()


def _is_filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def read_table(data: bytes) -> Table:
    """Parse a list into its header and rows. Raises InvalidInput for a file-level problem."""
    if not data:
        raise InvalidInput(_("Tệp trống."), field="file")
    kind = detect_kind(data)
    raw = _read_xlsx(data) if kind == XLSX else _read_csv(data)
    filled = [(line, cells) for line, cells in raw if any(_is_filled(c) for c in cells)]
    if not filled:
        raise InvalidInput(_("Tệp không có dòng nào."), field="file")
    _header_line, header = filled[0]
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _column_key(heading)
        if key in COLUMNS and key not in columns:
            columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        labels = column_labels()
        raise InvalidInput(
            _(
                "Thiếu cột: %(columns)s. Dòng đầu tiên của tệp phải là tên các cột, như trong "
                "tệp mẫu."
            )
            % {"columns": ", ".join(f"{labels[key]} ({key})" for key in missing)},
            field="file",
        )
    rows = filled[1:]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            _("Danh sách có hơn %(max)s dòng. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {"max": MAX_ROWS},
            field="file",
        )
    return Table(kind=kind, columns=columns, rows=rows)


# --- Checking the rows ---------------------------------------------------------------------

# Text typed with the old 8-bit Vietnamese fonts, read as Unicode (docs/guides/nhap-danh-sach.md):
# - TCVN3 ("ABC", .VnTime) puts Vietnamese letters on bytes 0xA1-0xFE. Those in 0xA1-0xBF come
#   out as signs no Vietnamese word contains ("Hµ Néi", "§µo", "V¨n"); many lower-case toned
#   letters come out as capitals inside a word ("NguyÔn" for "Nguyễn", "ThÞ" for "Thị").
# - VNI (VNI-Times) writes the mark as a second character after the letter: "Haø Noäi",
#   "Ñaøo", "Tröôøng", using Latin-1 letters Vietnamese never uses (ø ï ä ö ñ ...).
_TCVN3_SIGNS = frozenset(chr(code) for code in range(0xA1, 0xC0))
_FOREIGN_LETTERS = frozenset("ÄÅÆÇËÎÏÑÖØÛÜÞßäåæçëîïñöøûüþÿ")
_LEGACY_SIGNS = _TCVN3_SIGNS | _FOREIGN_LETTERS


def looks_like_legacy_encoding(text: str) -> bool:
    """True when text shows the marks of TCVN3 or VNI (a heuristic, tuned for names and
    workplaces: a legacy sign touching a letter, or a non-ASCII capital inside a word)."""
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char in _LEGACY_SIGNS and (before.isalpha() or after.isalpha()):
            return True
        if "\u00c0" <= char <= "\u00de" and before.islower():
            return True
    return False


_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize(str(value)).strip()


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _DATE_ISO.match(text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _province_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", " ", search_key(text)).strip()
    key = re.sub(r"^(tinh|thanh pho|tp)\s+", "", key)
    return {"hcm": "ho chi minh"}.get(key, key)


class ProvinceIndex:
    """All provincial units in memory (a hundred rows), looked up by name on a given day."""

    def __init__(self):
        self.by_pk = {p.pk: p for p in Province.objects.all()}
        self.by_key: dict[str, list[Province]] = {}
        self.predecessors = Counter(p.successor_id for p in self.by_pk.values() if p.successor_id)
        for unit in self.by_pk.values():
            self.by_key.setdefault(_province_key(unit.name), []).append(unit)

    def find(self, text: str, day: dt.date) -> tuple[Province | None, str]:
        """(the unit valid on day, "") or (None, why not)."""
        candidates = self.by_key.get(_province_key(text), [])
        for unit in candidates:
            if unit.is_valid_on(day):
                return unit, ""
        for unit in candidates:
            if unit.valid_to and unit.valid_to < day and unit.successor_id:
                successor = self.by_pk[unit.successor_id]
                since = unit.valid_to + dt.timedelta(days=1)
                while not successor.is_valid_on(day) and successor.successor_id:
                    successor = self.by_pk[successor.successor_id]
                old = unit.full_name[:1].upper() + unit.full_name[1:]
                values = {"old": old, "new": successor.name, "day": format_date_short(since)}
                if self.predecessors[unit.successor_id] > 1:
                    message = _("%(old)s đã sáp nhập vào %(new)s từ %(day)s; hãy ghi “%(new)s”.")
                else:
                    message = _("%(old)s đã trở thành %(new)s từ %(day)s; hãy ghi “%(new)s”.")
                return None, message % values
        if candidates:
            return None, _(
                "Tỉnh, thành phố “%(value)s” không có trong danh mục áp dụng ngày %(day)s "
                "(ngày khai giảng)."
            ) % {"value": text, "day": format_date_short(day)}
        return None, _("Không có tỉnh, thành phố “%(value)s” trong danh mục.") % {"value": text}


@dataclass
class Row:
    """One line of the list as checked: the values, what applying it would do, and why not."""

    line: int
    email: str = ""
    last_name: str = ""
    first_name: str = ""
    date_of_birth: dt.date | None = None
    organisation_name: str = ""
    organisation_matched: bool = False
    position: str = ""
    province: Province | None = None
    province_text: str = ""
    phone: str = ""
    outcome: str = CREATE
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    user: object = None

    def profile(self) -> Profile:
        return Profile(
            last_name=self.last_name,
            first_name=self.first_name,
            date_of_birth=self.date_of_birth,
            organisation_name=self.organisation_name,
            position=self.position,
            province=self.province,
            phone=self.phone,
        )

    def as_report(self) -> dict:
        return {
            "line": self.line,
            "email": self.email,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "organisation": self.organisation_name,
            "organisation_matched": self.organisation_matched,
            "position": self.position,
            "province": self.province.name if self.province else self.province_text,
            "phone": self.phone,
            "outcome": self.outcome,
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass
class Checked:
    kind: str
    rows: list[Row]
    problems: list[str]  # about the whole list (capacity), not one row

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.outcome for row in self.rows)
        return {outcome: counted.get(outcome, 0) for outcome in OUTCOMES}

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or any(row.errors for row in self.rows)

    @property
    def to_enrol(self) -> int:
        return sum(row.outcome in (CREATE, ENROL) for row in self.rows)

    def as_report(self) -> dict:
        return {
            "kind": self.kind,
            "counts": self.counts,
            "problems": self.problems,
            "rows": [row.as_report() for row in self.rows],
        }


def _parse_row(line: int, cells: list, columns: dict[str, int], day: dt.date, lookups) -> Row:
    provinces, organisation_matches = lookups
    labels = column_labels()

    def cell(key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    row = Row(line=line)
    row.email = get_user_model().objects.normalize_email(_cell_text(cell("email")))
    row.last_name = normalize_name(_cell_text(cell("ho_va_ten_dem")))
    row.first_name = normalize_name(_cell_text(cell("ten")))
    row.organisation_name = " ".join(_cell_text(cell("co_quan")).split())
    row.position = " ".join(_cell_text(cell("chuc_vu")).split())
    row.province_text = " ".join(_cell_text(cell("tinh_thanh")).split())
    row.phone = _cell_text(cell("dien_thoai"))

    if not row.email:
        row.errors.append(_("Thiếu email."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("Email “%(value)s” không hợp lệ.") % {"value": row.email})

    texts = {
        "ho_va_ten_dem": row.last_name,
        "ten": row.first_name,
        "co_quan": row.organisation_name,
        "chuc_vu": row.position,
        "tinh_thanh": row.province_text,
    }
    legacy = [key for key, text in texts.items() if looks_like_legacy_encoding(text)]
    if legacy:
        row.errors.append(
            _(
                "Cột %(columns)s có vẻ được gõ bằng bảng mã cũ (TCVN3/VNI), hãy chuyển sang "
                "Unicode (ví dụ bằng công cụ chuyển mã của Unikey)."
            )
            % {"columns": ", ".join(labels[key] for key in legacy)}
        )
    for key, text in texts.items():
        if not text and key in REQUIRED_COLUMNS:
            row.errors.append(_("Thiếu %(column)s.") % {"column": labels[key].lower()})
        elif len(text) > MAX_LENGTHS.get(key, 10**6):
            row.errors.append(
                _("%(column)s dài quá %(max)s ký tự.")
                % {"column": labels[key], "max": MAX_LENGTHS[key]}
            )

    born_cell = cell("ngay_sinh")
    if not _is_filled(born_cell):
        row.errors.append(_("Thiếu ngày sinh."))
    else:
        row.date_of_birth = _parse_date(born_cell)
        today = timezone.localdate()
        if row.date_of_birth is None:
            row.errors.append(
                _("Ngày sinh “%(value)s” không đúng dạng ngày/tháng/năm (ví dụ 05/02/1975).")
                % {"value": _cell_text(born_cell)}
            )
        elif row.date_of_birth.year < 1940 or row.date_of_birth > today - ADULT:
            row.errors.append(
                _("Ngày sinh %(value)s chưa đúng; hãy kiểm tra lại năm sinh.")
                % {"value": format_date_short(row.date_of_birth)}
            )

    if row.province_text and "tinh_thanh" not in legacy:
        row.province, why = provinces.find(row.province_text, day)
        if why:
            row.errors.append(why)

    if row.phone and not _PHONE.match(row.phone):
        row.errors.append(_("Số điện thoại “%(value)s” không hợp lệ.") % {"value": row.phone})

    if row.organisation_name and "co_quan" not in legacy:
        row.organisation_matched = organisation_matches(row.organisation_name)
        if not row.organisation_matched:
            row.warnings.append(_("Cơ quan chưa có trong danh mục; sẽ lưu đúng như đã ghi."))
    return row


def check_table(cohort: Cohort, table: Table) -> Checked:
    """Check every row against the rules and the database as it is now (reads only)."""
    day = cohort.start_date
    matched: dict[str, bool] = {}

    def organisation_matches(name: str) -> bool:
        # One query per distinct name: a list repeats the same departments many times.
        key = search_key(name)
        if key not in matched:
            matched[key] = match_organisation(name, day) is not None
        return matched[key]

    lookups = (ProvinceIndex(), organisation_matches)
    rows = [_parse_row(line, cells, table.columns, day, lookups) for line, cells in table.rows]

    # Duplicates within the file: every line after the first names the first one.
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.email:
            continue
        if row.email in first_line:
            row.errors.append(
                _("Email %(email)s trùng với dòng %(line)s.")
                % {"email": row.email, "line": first_line[row.email]}
            )
        else:
            first_line[row.email] = row.line

    users = {
        user.email: user for user in get_user_model().objects.filter(email__in=list(first_line))
    }
    statuses = dict(
        Enrollment.objects.filter(cohort=cohort, user__in=list(users.values())).values_list(
            "user_id", "status"
        )
    )
    for row in rows:
        row.user = users.get(row.email)
        status = statuses.get(row.user.pk) if row.user else None
        if row.user is not None and status not in (
            None,
            EnrollmentStatus.APPROVED,
            EnrollmentStatus.APPLIED,
        ):
            row.errors.append(
                _(
                    "%(email)s đã có hồ sơ ở lớp này với trạng thái “%(status)s”; hãy xử lý ở "
                    "trang Ghi danh."
                )
                % {"email": row.email, "status": EnrollmentStatus(status).label}
            )
        if row.errors:
            row.outcome = ERROR
        elif row.user is None:
            row.outcome = CREATE
        elif status == EnrollmentStatus.APPROVED:
            row.outcome = SKIP
        else:
            row.outcome = ENROL

    checked = Checked(kind=table.kind, rows=rows, problems=[])
    if not rows:
        checked.problems.append(_("Tệp chỉ có dòng tên cột, chưa có ai trong danh sách."))
    free = cohort.capacity - _approved_participants(cohort)
    if checked.to_enrol > free:
        checked.problems.append(_capacity_message(cohort, free, checked.to_enrol))
    return checked


def _approved_participants(cohort: Cohort) -> int:
    return cohort.enrollments.filter(
        role=Role.PARTICIPANT, status=EnrollmentStatus.APPROVED
    ).count()


def _capacity_message(cohort: Cohort, free: int, wanted: int) -> str:
    return _(
        "Lớp có sĩ số tối đa %(capacity)s và còn %(free)s chỗ, nhưng danh sách ghi danh thêm "
        "%(wanted)s người. Hãy tăng sĩ số ở trang Thiết lập lớp hoặc bớt người trong danh sách."
    ) % {"capacity": cohort.capacity, "free": max(free, 0), "wanted": wanted}


# --- The dry run ---------------------------------------------------------------------------


def _require_staff(actor) -> None:
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới nhập được danh sách học viên."))


def _read_upload(upload) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    data = b"" if size is not None and size > limit else upload.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise InvalidInput(
            _(
                "Tệp lớn quá %(size)s MB. Một danh sách học viên chỉ cần vài chục KB; hãy bỏ "
                "các trang tính, hình ảnh thừa rồi lưu lại."
            )
            % {"size": f"{limit / (1024 * 1024):g}"},
            field="file",
        )
    return data


def check_list(actor, cohort: Cohort, upload, *, name: str = "") -> ImportBatch:
    """Dry run: read and check an uploaded list, store it and its report; changes no one.

    Refuses (InvalidInput, nothing stored): too big, not XLSX/CSV UTF-8, an abnormal ZIP,
    missing columns, too many rows. Row errors do not refuse: they are in the report.
    """
    _require_staff(actor)
    data = _read_upload(upload)
    table = read_table(data)
    checked = check_table(cohort, table)
    digest = hashlib.sha256(data).hexdigest()
    report = checked.as_report()
    earlier = (
        ImportBatch.objects.filter(cohort=cohort, sha256=digest, applied_at__isnull=False)
        .order_by("-applied_at")
        .first()
    )
    report["same_file_applied_at"] = earlier.applied_at.isoformat() if earlier else ""
    batch = ImportBatch(
        cohort=cohort,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        original_name=(normalize(name or "") or "").strip()[:255],
        sha256=digest,
        row_count=len(checked.rows),
        report=report,
    )
    # The name is random (see import_file_path); only the extension comes from the content.
    batch.file.save(f"list.{table.kind}", ContentFile(data), save=False)
    batch.save()
    # Counts only: the file's name and rows are personal data.
    logger.info(
        "Import batch %s checked for cohort %s by user %s: %s rows, %s with errors.",
        batch.pk,
        cohort.code,
        getattr(actor, "pk", None),
        batch.row_count,
        sum(1 for row in checked.rows if row.errors),
    )
    return batch


# --- Reviewing -----------------------------------------------------------------------------


@dataclass
class Review:
    """What the review page shows, from the stored report (no further queries)."""

    rows: list[dict]
    counts: dict[str, int]
    problems: list[str]
    errors: list[tuple[int, str]]  # (line, message), in line order
    can_apply: bool
    nothing_to_do: bool
    same_file_applied_at: dt.datetime | None


def review(batch: ImportBatch) -> Review:
    report = batch.report or {}
    labels = outcome_labels()
    rows = []
    for stored in report.get("rows", []):
        born = stored.get("date_of_birth")
        rows.append(
            stored
            | {
                "label": labels.get(stored.get("outcome"), ""),
                "date_of_birth": dt.date.fromisoformat(born) if born else None,
                "full_name": " ".join(
                    part for part in (stored.get("last_name"), stored.get("first_name")) if part
                ),
            }
        )
    errors = [(row["line"], message) for row in rows for message in row.get("errors", [])]
    counts = dict.fromkeys(OUTCOMES, 0) | report.get("counts", {})
    problems = list(report.get("problems", []))
    nothing_to_do = counts[CREATE] + counts[ENROL] == 0
    same = report.get("same_file_applied_at")
    return Review(
        rows=rows,
        counts=counts,
        problems=problems,
        errors=errors,
        can_apply=not batch.is_applied and not errors and not problems and not nothing_to_do,
        nothing_to_do=nothing_to_do,
        same_file_applied_at=dt.datetime.fromisoformat(same) if same else None,
    )


def batches_of(cohort: Cohort, limit: int = 10):
    """The latest lists uploaded for a cohort, for its import page."""
    return cohort.import_batches.select_related("uploaded_by", "applied_by")[:limit]


# --- Applying ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    created: int
    enrolled: int
    skipped: int


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {format_date_short(local.date())}"


def _set_password_path(user) -> str:
    """allauth's own reset-from-key link, so the person sets a password on allauth's form."""
    key = default_token_generator.make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )


def _create_account(row: Row):
    user = get_user_model().objects.create_user(email=row.email, password=None)
    save_profile(user, row.profile())
    # The school vouches for the address, and only its holder can use the set-password link
    # (which proves control of the mailbox as a confirmation link would), so it counts as
    # verified; with mandatory verification the person could not sign in otherwise.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _complete_profile(user, row: Row) -> None:
    """An existing account keeps what its owner wrote; the list fills only what is missing."""
    if ParticipantProfile.objects.filter(user=user).exists():
        return
    profile = row.profile()
    save_profile(
        user,
        Profile(
            last_name=user.last_name or profile.last_name,
            first_name=user.first_name or profile.first_name,
            date_of_birth=user.date_of_birth or profile.date_of_birth,
            organisation_name=profile.organisation_name,
            position=profile.position,
            province=profile.province,
            phone=user.phone or profile.phone,
        ),
    )


def apply_list(actor, batch: ImportBatch) -> Applied:
    """Create the accounts and approved enrollments of a checked list, all or nothing.

    Re-reads the stored file and checks it again under the cohort's lock. Refuses: not staff,
    already applied, the file changed or has errors, nothing to do, cohort capacity exceeded
    (CapacityReached), or any refusal of `enroll`, in which case nothing is written.
    """
    _require_staff(actor)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("cohort").get(pk=batch.pk)
        if batch.is_applied:
            raise InvalidTransition(
                _("Danh sách này đã được áp dụng lúc %(when)s.") % {"when": _when(batch.applied_at)}
            )
        cohort = Cohort.objects.select_for_update().get(pk=batch.cohort_id)
        with batch.file.open("rb") as stored:
            data = stored.read(max_bytes() + 1)
        if hashlib.sha256(data).hexdigest() != batch.sha256:
            raise InvalidInput(_("Tệp đã lưu không còn khớp với tệp đã kiểm tra; hãy tải lên lại."))
        checked = check_table(cohort, read_table(data))
        errors = [f"{row.line}: {message}" for row in checked.rows for message in row.errors]
        if errors:
            raise InvalidInput(
                _("Danh sách có %(n)s lỗi (dòng %(first)s); hãy sửa tệp rồi tải lên lại.")
                % {"n": len(errors), "first": errors[0]}
            )
        free = cohort.capacity - _approved_participants(cohort)
        if checked.to_enrol > free:
            raise CapacityReached(_capacity_message(cohort, free, checked.to_enrol))
        if checked.problems:
            raise InvalidInput(checked.problems[0])
        if not checked.to_enrol:
            raise InvalidTransition(
                _("Mọi người trong danh sách đã được ghi danh; không có gì để áp dụng.")
            )
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("nhập từ danh sách %(name)s") % {"name": batch.original_name or batch.pk}
        created = enrolled = 0
        for row in checked.rows:
            if row.outcome == SKIP:
                continue
            if row.outcome == CREATE:
                user = _create_account(row)
                created += 1
            else:
                user = row.user
                _complete_profile(user, row)
            enroll(actor, cohort, user, role=Role.PARTICIPANT, how="import", reason=reason)
            enrolled += 1
            context = {"user": user, "cohort": cohort}
            if row.outcome == CREATE:
                context |= {
                    "set_password_path": _set_password_path(user),
                    "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
                }
                send_on_commit("import_invitation", [user.email], context)
            else:
                send_on_commit("import_enrolled", [user.email], context)
        batch.applied_at = timezone.now()
        batch.applied_by = actor if actor is not None and actor.is_authenticated else None
        batch.report = checked.as_report() | {
            "same_file_applied_at": (batch.report or {}).get("same_file_applied_at", "")
        }
        batch.save(update_fields=["applied_at", "applied_by", "report"])
    logger.info(
        "Import batch %s applied to cohort %s by user %s: %s accounts created, %s enrolled, "
        "%s skipped.",
        batch.pk,
        cohort.code,
        getattr(actor, "pk", None),
        created,
        enrolled,
        checked.counts[SKIP],
    )
    return Applied(created=created, enrolled=enrolled, skipped=checked.counts[SKIP])


# --- The sample file -----------------------------------------------------------------------


def sample_csv() -> bytes:
    """The header and one example row, UTF-8 with a BOM so that Excel shows the accents."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    writer.writerow(SAMPLE_ROW[key] for key in COLUMNS)
    return buffer.getvalue().encode("utf-8-sig")
