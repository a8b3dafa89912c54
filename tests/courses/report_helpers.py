"""Builders shared by the final-report tests: real small files, an assignment with a deadline,
a frozen clock, a participant's hand-in and an instructor's grade."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.demo_reports import demo_pdf
from courses.models import Submission
from courses.services import reports as service
from tests import factories
from tests.courses.attendance_helpers import teacher

CRITERIA = [
    {"name": "Tính thực tiễn", "max_points": "2"},
    {"name": "Căn cứ pháp lý", "max_points": "2"},
    {"name": "Phân tích nguyên nhân", "max_points": "2"},
    {"name": "Tính khả thi của giải pháp", "max_points": "3"},
    {"name": "Bố cục, văn phong", "max_points": "1"},
]


def pdf(title: str = "Bao cao thu hoach") -> bytes:
    return demo_pdf([title])


def docx() -> bytes:
    """A minimal Word package: the two parts a DOCX must have."""
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
        b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        b"</Types>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
        '.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo thu hoạch</w:t></w:r>'
        "</w:p></w:body></w:document>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def upload(data: bytes | None = None, name: str = "Báo cáo thu hoạch.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf() if data is None else data)


def freeze(monkeypatch, moment):
    """Stop the final-report clock at `moment` (services and pages read it)."""
    monkeypatch.setattr("courses.services.reports.now", lambda: moment)
    return moment


def assignment(cohort, *, deadline=None, criteria=None, bands=None):
    """The cohort's assignment, due in 7 days unless told otherwise."""
    return service.save_assignment(
        None,
        cohort,
        service.AssignmentData(
            title="Báo cáo thu hoạch",
            deadline=deadline or timezone.now() + dt.timedelta(days=7),
            criteria=criteria or [],
            bands=bands or [],
        ),
    )


def hand_in(enrollment, *, title="Chuyển đổi số cấp xã", data=None, text="", name=None):
    return service.submit_report(
        enrollment.user,
        enrollment.cohort,
        title=title,
        text=text,
        upload=None if text else upload(data, name or "Báo cáo thu hoạch.pdf"),
    )


def submission_of(enrollment) -> Submission:
    return Submission.objects.select_related("assignment__cohort", "enrollment__user").get(
        enrollment=enrollment
    )


def graded(enrollment, score, grader=None, **kwargs):
    """Hand in (if needed) and grade `enrollment`'s report as an instructor of its cohort."""
    if not Submission.objects.filter(enrollment=enrollment).exists():
        hand_in(enrollment)
    grader = grader or teacher(enrollment.cohort)
    return service.grade_submission(grader, submission_of(enrollment), score=score, **kwargs)


def person(cohort, last, first, **values):
    user = factories.UserFactory(last_name=last, first_name=first)
    made = factories.enrollment(cohort, user)
    for key, value in values.items():
        setattr(made, key, value)
    if values:
        made.save(update_fields=list(values))
    return made
