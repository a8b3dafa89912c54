"""Demo final reports for `make run`, in cohort GDS-2026-5: most directors have handed in a small
PDF (one of them twice, to show the version history), giangvien@lms.test has graded some of them
(one below the pass mark), one director has not handed anything in, and grades are not released
yet. Idempotent: a participant who already has a submission is left as they are.

Written through courses.services.reports, so files pass the same checks (courses.report_files)
and grades get their history like any other. The PDFs are built here, a few hundred bytes each.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from courses.demo_cohorts import RUNNING_CODE
from courses.models import Cohort, Enrollment, Role, Status, Submission
from courses.services import enrollment as enrollment_service
from courses.services import reports as service

GRADER = "giangvien@lms.test"
MISSING = "giamdoc09@lms.test"  # also the director who can no longer reach attendance
FAILING = ("giamdoc12@lms.test", "4,5")
RESUBMITTED = "hocvien@lms.test"  # two versions
SCORES = {
    "giamdoc01@lms.test": "8,5",
    "giamdoc02@lms.test": "7,0",
    "giamdoc03@lms.test": "9,0",
    "giamdoc04@lms.test": "6,5",
    "giamdoc05@lms.test": "8,0",
    "giamdoc06@lms.test": "7,5",
    FAILING[0]: FAILING[1],
    RESUBMITTED: "8,5",
}
COMMENTS = {
    "4,5": "Vấn đề chọn còn rộng, thiếu số liệu của Sở; phần giải pháp chưa có lộ trình và nguồn "
    "lực. Cần viết lại phần phân tích nguyên nhân.",
}
DEFAULT_COMMENT = (
    "Vấn đề sát thực tiễn của Sở, căn cứ pháp lý đầy đủ; phần kế hoạch thực hiện cần cụ thể hơn "
    "về nguồn lực và chỉ số đánh giá."
)

TOPICS = [
    "Sắp xếp lại các hệ thống thông tin trùng lặp của tỉnh",
    "Nâng tỷ lệ hồ sơ trực tuyến toàn trình của nhóm thủ tục đất đai",
    "Quản lý hạ tầng viễn thông thụ động dùng chung trên địa bàn tỉnh",
    "Bảo đảm an toàn thông tin cho hệ thống cấp xã sau sắp xếp đơn vị hành chính",
    "Xây dựng kho dữ liệu dùng chung và điều phối dữ liệu giữa các sở, ngành",
    "Phát triển bưu chính phục vụ thương mại điện tử nông sản",
    "Chuyển đổi số trong hoạt động thông tin cơ sở",
]


def _ascii(text: str) -> str:
    """The text without diacritics (đ -> d): the PDF uses a standard font without Vietnamese."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if 32 <= ord(char) < 127 else "?" for char in kept)


def _pdf_string(text: str) -> bytes:
    escaped = _ascii(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("ascii") + b")"


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF 1.4 showing `lines` in Helvetica, with a correct cross-reference table."""
    text = (
        b"BT /F1 14 Tf 56 780 Td 18 TL "
        + b" ".join(_pdf_string(line) + b" '" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
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


def _hand_in(enrollment, cohort, title: str, version: int) -> None:
    user = enrollment.user
    pdf = demo_pdf(
        [
            "BAO CAO THU HOACH",
            title,
            f"Hoc vien: {user.full_name}",
            enrollment.organisation_name,
            f"Ban {version}",
        ]
    )
    service.submit_report(
        user,
        cohort,
        title=title,
        abstract="Báo cáo phân tích một vấn đề của Sở, nguyên nhân và đề xuất giải pháp khả thi "
        "trong thẩm quyền của Sở và Ủy ban nhân dân tỉnh.",
        upload=SimpleUploadedFile(
            f"Báo cáo thu hoạch - {user.full_name}.pdf", pdf, content_type="application/pdf"
        ),
        notify=False,
    )


@transaction.atomic
def seed_reports() -> int:
    """Returns how many participants handed in a report (0 on a second run)."""
    cohort = Cohort.objects.select_related("program").filter(code=RUNNING_CODE).first()
    if cohort is None:
        return 0
    assignment = service.ensure_assignment(cohort)
    grader = get_user_model().objects.filter(email=GRADER).first()
    if grader is not None:
        enrollment_service.enroll(None, cohort, grader, role=Role.INSTRUCTOR, how="seed")
    done = set(
        Submission.objects.filter(assignment=assignment).values_list("enrollment_id", flat=True)
    )
    participants = (
        Enrollment.objects.filter(cohort=cohort, role=Role.PARTICIPANT, status=Status.APPROVED)
        .exclude(pk__in=done)
        .exclude(user__email=MISSING)
        .select_related("user")
        .order_by("user__email")
    )
    # Handed in on time, whenever the demo is seeded: a day before the deadline at the latest.
    moment = min(timezone.now(), assignment.deadline - dt.timedelta(days=1))
    created = 0
    with mock.patch.object(service, "now", return_value=moment):
        for index, enrollment in enumerate(participants):
            enrollment.cohort = cohort
            title = TOPICS[index % len(TOPICS)]
            email = enrollment.user.email
            for version in range(1, 3 if email == RESUBMITTED else 2):
                _hand_in(enrollment, cohort, title, version)
            created += 1
            score = SCORES.get(email)
            if grader is not None and score:
                submission = Submission.objects.select_related("assignment").get(
                    assignment=assignment, enrollment=enrollment
                )
                submission.assignment.cohort = cohort
                service.grade_submission(
                    grader,
                    submission,
                    score=score,
                    comments=COMMENTS.get(score, DEFAULT_COMMENT),
                )
    return created


__all__ = ["FAILING", "MISSING", "RESUBMITTED", "SCORES", "demo_pdf", "seed_reports"]
