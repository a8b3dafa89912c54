"""Final report (báo cáo thu hoạch): the assignment, submissions and their versions, late
permissions, grades and their release.

Rules owned here:
- one assignment per cohort (also a database constraint), made from the programme's
  FinalReportPage the first time it is needed: its title, the criteria its text states as
  "…: tối đa N điểm", and the deadline rule "N days after the last session", capped at the
  cohort's end date (certificates are issued on the closing day, so grades must be in by then);
  school staff change it; the criteria are fixed once a grade uses them;
- submit: approved participants of the cohort only; until the deadline, or after it only under
  a late permission that school staff gave (until its time), the version then marked late with
  that permission; a title, and a file (PDF or DOCX, checked by courses.report_files) or an
  online text — one of the two; every submission adds a numbered version and nothing is
  replaced; a receipt is mailed after commit;
- late permission: school staff only, with a reason, until a moment after both now and the
  deadline; append-only, the latest permission counts;
- grade: the cohort's instructors and school staff; a score on the 10-point scale typed "8,5" or
  "8.5" with at most one decimal; criterion scores within each criterion's maximum (their sum is
  the score when the score is left empty); changing the score of an existing grade needs a
  reason; every create and change appends one GradeChange in the same transaction; a save based
  on an older revision than the one stored is refused (two graders at once);
- release: graders; participants see grade and comments only once released (mailed on commit);
- pass and classification (`passes`, `classify`): pure rules, read by courses.report_selectors.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from courses import notifications
from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    ClassSession,
    Cohort,
    Enrollment,
    Grade,
    GradeChange,
    LateAllowance,
    ReportAssignment,
    Role,
    Status,
    Submission,
    SubmissionVersion,
)
from courses.permissions import user_can_allow_late_reports, user_can_grade_reports
from courses.services import notifications as notification_service
from lms.text import format_decimal, format_moment, normalize, normalize_name

logger = logging.getLogger(__name__)

SCALE = Decimal(10)
ONE_DECIMAL = Decimal("0.1")
TITLE_MAX = 300
ABSTRACT_MAX = 3000
TEXT_MAX = 200_000  # about 60 A4 pages: the report asks for 10-15
COMMENTS_MAX = 5000
DEFAULT_DEADLINE_DAYS = 14


def now() -> dt.datetime:
    """The clock of this module (tests replace it to freeze time)."""
    return timezone.now()


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _clean(text: str | None) -> str:
    return (normalize(text or "") or "").strip()


# --- Pure rules: scores, pass, classification ----------------------------------------------------

_NUMBER = re.compile(r"^(\d{1,3})(?:[.,](\d+))?$")
_MINUS = ("-", "\u2212", "\u2013")


def parse_score(raw, *, maximum: Decimal = SCALE, field: str = "score") -> Decimal:
    """A score typed the Vietnamese way ("8,5") or the English way ("8.5"), 0 to `maximum`, at
    most one decimal. Raises InvalidInput naming what is wrong."""
    text = _clean(str(raw) if raw is not None else "").replace(" ", "")
    limit = format_decimal(maximum, 1 if maximum != maximum.to_integral() else 0)
    if not text:
        raise InvalidInput(
            _("Hãy nhập điểm, từ 0 đến %(max)s (ví dụ 8,5).") % {"max": limit}, field=field
        )
    if text.startswith(_MINUS):
        raise InvalidInput(
            _("Điểm không được âm: hãy nhập một số từ 0 đến %(max)s.") % {"max": limit},
            field=field,
        )
    match = _NUMBER.match(text)
    if match is None:
        raise InvalidInput(
            _("“%(value)s” không phải là điểm: hãy nhập một số từ 0 đến %(max)s, ví dụ 8,5.")
            % {"value": text, "max": limit},
            field=field,
        )
    whole, fraction = match.groups()
    value = Decimal(f"{whole}.{fraction or '0'}")
    if value > maximum:
        raise InvalidInput(
            _("Điểm tối đa là %(max)s: “%(value)s” vượt thang điểm.")
            % {"max": limit, "value": text},
            field=field,
        )
    if value != value.quantize(ONE_DECIMAL):
        raise InvalidInput(
            _("Điểm chỉ lấy đến một chữ số thập phân (ví dụ 8,5), không phải “%(value)s”.")
            % {"value": text},
            field=field,
        )
    return value.quantize(ONE_DECIMAL)


def passes(score: Decimal | None, pass_mark: Decimal) -> bool:
    """Passed: a score at or above the cohort's pass mark (exact decimal comparison)."""
    return score is not None and Decimal(score) >= Decimal(pass_mark)


def classify(score: Decimal | None, bands) -> str:
    """The label of the first band (highest first) whose lower bound the score reaches; "" when
    there is no score or no band table."""
    if score is None:
        return ""
    for low, label in bands or []:
        if Decimal(score) >= Decimal(str(low)):
            return label
    return ""


# --- The assignment ---------------------------------------------------------------------------

_POINTS = r"(?P<points>\d+(?:[.,]\d+)?)"
_CRITERION = re.compile(rf"^(?P<name>.+?)\s*[:|]\s*(?:tối đa\s*)?{_POINTS}\s*(?:điểm)?\.?$")
_PAGE_CRITERION = re.compile(rf"^(?P<name>.+?)\s*:\s*tối đa\s*{_POINTS}\s*điểm", re.I)
_BAND = re.compile(r"^(?P<low>\d+(?:[.,]\d+)?)\s*[:|]\s*(?P<label>.+)$")
_ITEM = re.compile(r"<li[^>]*>(.*?)</li>", re.S | re.I)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as error:  # the patterns above make this unreachable
        raise InvalidInput(_("“%(value)s” không phải là số.") % {"value": text}) from error


def criteria_from_page(html: str) -> list[dict]:
    """The criteria a FinalReportPage's text states as list items "<name>: tối đa N điểm"."""
    found = []
    for item in _ITEM.findall(html or ""):
        text = " ".join(strip_tags(item).split())
        match = _PAGE_CRITERION.match(text)
        if match:
            points = _decimal(match["points"])
            found.append({"name": match["name"].strip(), "max_points": f"{points.normalize():f}"})
    return found


def parse_criteria_lines(text: str) -> list[dict]:
    """Criteria typed one per line as "Tên tiêu chí: 2" (or "…: tối đa 2 điểm"). Raises
    InvalidInput(field="criteria")."""
    criteria = []
    for number, line in enumerate(_clean(text).splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        match = _CRITERION.match(line)
        if match is None:
            raise InvalidInput(
                _("Dòng %(n)s: hãy ghi “Tên tiêu chí: số điểm tối đa”, ví dụ “Tính khả thi: 3”.")
                % {"n": number},
                field="criteria",
            )
        criteria.append(
            {"name": match["name"], "max_points": f"{_decimal(match['points']).normalize():f}"}
        )
    return clean_criteria(criteria)


def clean_criteria(criteria: list[dict]) -> list[dict]:
    """Names given, each maximum above 0 with at most one decimal, the total exactly 10."""
    if not criteria:
        return []
    total = Decimal(0)
    cleaned = []
    for item in criteria:
        name = normalize_name(item.get("name"))
        points = Decimal(str(item.get("max_points", "0")))
        if not name:
            raise InvalidInput(_("Mỗi tiêu chí cần có tên."), field="criteria")
        if points <= 0 or points != points.quantize(ONE_DECIMAL):
            raise InvalidInput(
                _(
                    "Điểm tối đa của tiêu chí “%(name)s” phải lớn hơn 0, lấy đến một chữ số thập "
                    "phân."
                )
                % {"name": name},
                field="criteria",
            )
        total += points
        cleaned.append({"name": name, "max_points": f"{points.normalize():f}"})
    if total != SCALE:
        raise InvalidInput(
            _("Tổng điểm tối đa của các tiêu chí phải bằng 10 (hiện là %(total)s).")
            % {"total": format_decimal(total, 1)},
            field="criteria",
        )
    return cleaned


def parse_band_lines(text: str) -> list[list]:
    """Classification bands typed one per line as "9: Xuất sắc" (the lowest score of the band),
    highest first; empty text = no classification. Raises InvalidInput(field="bands")."""
    bands = []
    for number, line in enumerate(_clean(text).splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        match = _BAND.match(line)
        if match is None:
            raise InvalidInput(
                _("Dòng %(n)s: hãy ghi “điểm thấp nhất: xếp loại”, ví dụ “8: Giỏi”.")
                % {"n": number},
                field="bands",
            )
        bands.append([match["low"], match["label"]])
    return clean_bands(bands)


def clean_bands(bands: list) -> list[list]:
    cleaned = []
    previous = None
    for low, label in bands:
        label = normalize_name(label)
        value = parse_score(low, field="bands")
        if not label:
            raise InvalidInput(_("Mỗi mức xếp loại cần có tên."), field="bands")
        if previous is not None and value >= previous:
            raise InvalidInput(
                _("Các mức xếp loại phải ghi từ cao xuống thấp, mỗi mức một điểm khác nhau."),
                field="bands",
            )
        previous = value
        cleaned.append([f"{value:f}", label])
    return cleaned


def criteria_lines(criteria: list[dict]) -> str:
    return "\n".join(
        f"{item['name']}: {format_decimal(Decimal(str(item['max_points'])), 1).removesuffix(',0')}"
        for item in criteria or []
    )


def band_lines(bands: list) -> str:
    return "\n".join(
        f"{format_decimal(Decimal(str(low)), 1).removesuffix(',0')}: {label}"
        for low, label in bands or []
    )


def _final_report_page(cohort: Cohort):
    from content.models import FinalReportPage

    return FinalReportPage.objects.child_of(cohort.program).live().first()


def default_deadline(cohort: Cohort, days: int = DEFAULT_DEADLINE_DAYS) -> dt.datetime:
    """23:59 (local) `days` after the last session's day, but not after the cohort's end date
    when it ends later than its last session."""
    last = ClassSession.objects.filter(cohort=cohort).aggregate(last=Max("ends_at"))["last"]
    return deadline_after(last, cohort.end_date, days)


def deadline_after(last_ends_at: dt.datetime | None, end_date: dt.date, days: int) -> dt.datetime:
    """The rule of default_deadline from its inputs (no query: pages that read many cohorts
    fetch the last session of each at once)."""
    last_day = timezone.localdate(last_ends_at) if last_ends_at else end_date
    day = last_day + dt.timedelta(days=days)
    if end_date > last_day:
        day = min(day, end_date)
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def default_assignment(cohort: Cohort) -> ReportAssignment:
    """The assignment a cohort gets before school staff change anything (not saved)."""
    page = _final_report_page(cohort)
    days = page.deadline_days_after_last_session if page else DEFAULT_DEADLINE_DAYS
    return ReportAssignment(
        cohort=cohort,
        title=page.title if page else _("Báo cáo thu hoạch"),
        criteria=criteria_from_page(page.grading_criteria) if page else [],
        deadline=default_deadline(cohort, days),
        bands=[],
    )


def ensure_assignment(cohort: Cohort) -> ReportAssignment:
    """The cohort's assignment, created from the defaults the first time (a trusted call)."""
    existing = ReportAssignment.objects.filter(cohort=cohort).first()
    if existing is not None:
        existing.cohort = cohort
        return existing
    made = default_assignment(cohort)
    try:
        with transaction.atomic():
            made.save()
    except IntegrityError:  # created by another request at the same moment
        made = ReportAssignment.objects.get(cohort=cohort)
    else:
        logger.info("Report assignment of cohort %s created from the defaults.", cohort.code)
    made.cohort = cohort
    return made


@dataclass(frozen=True)
class AssignmentData:
    title: str
    deadline: dt.datetime
    instructions: str = ""
    criteria: list | None = None  # [{"name", "max_points"}]; None = keep
    bands: list | None = None  # [[low, label]]; None = keep


def save_assignment(actor, cohort: Cohort, data: AssignmentData) -> ReportAssignment:
    """School staff set the cohort's title, instructions, deadline, criteria and bands.
    Refuses: not school staff (NotAllowed); empty title, naive deadline, criteria not totalling
    10, bands not in descending order (InvalidInput); criteria changed once a grade exists
    (InvalidTransition)."""
    if actor is not None and not user_can_allow_late_reports(actor, cohort):
        raise NotAllowed(_("Chỉ nhà trường mới thiết lập bài báo cáo thu hoạch được."))
    title = normalize_name(data.title)
    if not title:
        raise InvalidInput(_("Hãy ghi tên bài."), field="title")
    if data.deadline is None or timezone.is_naive(data.deadline):
        raise InvalidInput(_("Hãy ghi hạn nộp (ngày và giờ)."), field="deadline")
    instructions = _clean(data.instructions)
    if len(instructions) > 5000:
        raise InvalidInput(_("Hướng dẫn dài quá 5.000 ký tự."), field="instructions")
    with transaction.atomic():
        assignment = ensure_assignment(cohort)
        assignment = ReportAssignment.objects.select_for_update().get(pk=assignment.pk)
        assignment.cohort = cohort
        if data.criteria is not None:
            criteria = clean_criteria(data.criteria)
            if (
                criteria != (assignment.criteria or [])
                and Grade.objects.filter(submission__assignment=assignment)
                .exclude(criterion_scores=[])
                .exists()
            ):
                raise InvalidTransition(
                    _(
                        "Đã có bài được chấm theo từng tiêu chí hiện tại, nên không đổi tiêu chí "
                        "được nữa."
                    ),
                )
            assignment.criteria = criteria
        if data.bands is not None:
            assignment.bands = clean_bands(data.bands)
        assignment.title = title
        assignment.instructions = instructions
        assignment.deadline = data.deadline
        assignment.updated_at = now()
        assignment.updated_by = _actor(actor)
        assignment.save()
    logger.info(
        "Report assignment of cohort %s saved by user %s (deadline %s).",
        cohort.code,
        getattr(actor, "pk", None),
        data.deadline.isoformat(),
    )
    return assignment


# --- Late permission ---------------------------------------------------------------------------


def active_allowance(
    assignment: ReportAssignment, enrollment: Enrollment, moment: dt.datetime | None = None
) -> LateAllowance | None:
    """The participant's latest late permission, if it still runs at `moment`."""
    latest = (
        LateAllowance.objects.filter(assignment=assignment, enrollment=enrollment)
        .select_related("allowed_by")
        .order_by("-allowed_at", "-pk")
        .first()
    )
    if latest is None or latest.until < (moment or now()):
        return None
    return latest


def _participant(cohort: Cohort, enrollment: Enrollment | None) -> Enrollment:
    if (
        enrollment is None
        or enrollment.cohort_id != cohort.pk
        or enrollment.role != Role.PARTICIPANT
        or enrollment.status != Status.APPROVED
    ):
        raise NotAllowed(_("Người này không phải học viên đang học của lớp."))
    return enrollment


def allow_late(actor, enrollment: Enrollment, *, until: dt.datetime, reason: str) -> LateAllowance:
    """School staff let one participant submit after the deadline, until `until`.
    Refuses: not school staff, not an approved participant (NotAllowed); no reason, `until` not
    after now and the deadline (InvalidInput)."""
    cohort = enrollment.cohort
    if actor is not None and not user_can_allow_late_reports(actor, cohort):
        raise NotAllowed(_("Chỉ nhà trường mới cho phép nộp muộn được."))
    _participant(cohort, enrollment)
    reason = _clean(reason)
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do cho phép nộp muộn."), field="reason")
    if len(reason) > 1000:
        raise InvalidInput(_("Lý do dài quá 1.000 ký tự."), field="reason")
    if until is None or timezone.is_naive(until):
        raise InvalidInput(_("Hãy ghi thời hạn nộp muộn (ngày và giờ)."), field="until")
    assignment = ensure_assignment(cohort)
    moment = now()
    if until <= moment:
        raise InvalidInput(_("Thời hạn nộp muộn phải ở tương lai."), field="until")
    if until <= assignment.deadline:
        raise InvalidInput(
            _("Thời hạn nộp muộn phải sau hạn chung (%(deadline)s); trước hạn đó ai cũng nộp được.")
            % {"deadline": format_moment(assignment.deadline)},
            field="until",
        )
    allowance = LateAllowance.objects.create(
        assignment=assignment,
        enrollment=enrollment,
        until=until,
        reason=reason,
        allowed_by=_actor(actor),
        allowed_at=moment,
    )
    logger.info(
        "Late report allowed for enrollment %s until %s by user %s.",
        enrollment.pk,
        until.isoformat(),
        getattr(actor, "pk", None),
    )
    return allowance


# --- Submission --------------------------------------------------------------------------------


def _private_storage():
    return storages["private"]


def _next_version_number(submission: Submission) -> int:
    last = submission.versions.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _locked_submission(assignment, enrollment, moment) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .filter(assignment=assignment, enrollment=enrollment)
        .first()
    )
    if submission is not None:
        return submission
    try:
        with transaction.atomic():
            return Submission.objects.create(
                assignment=assignment, enrollment=enrollment, created_at=moment
            )
    except IntegrityError:  # the same person's other request created it just now
        return Submission.objects.select_for_update().get(
            assignment=assignment, enrollment=enrollment
        )


def submit_report(
    user,
    cohort: Cohort,
    *,
    title: str,
    abstract: str = "",
    text: str = "",
    upload=None,
    ip: str | None = None,
    notify: bool = True,
) -> SubmissionVersion:
    """A participant hands in their report (a new version each time); `notify=False` (the demo
    seed) sends no receipt.

    Refuses: not an approved participant of the cohort (NotAllowed); after the deadline without
    a running late permission (InvalidTransition); no title, neither or both of a file and a
    text, texts too long, a file that is not a real PDF/DOCX or too large (InvalidInput, from
    courses.report_files); the virus scanner configured but down (ScannerUnavailable).
    Nothing is stored when it raises.
    """
    from courses.report_files import check_upload, store_upload

    enrollment = Enrollment.objects.filter(
        user=user, cohort=cohort, role=Role.PARTICIPANT, status=Status.APPROVED
    ).first()
    if enrollment is None:
        raise NotAllowed(_("Chỉ học viên của lớp mới nộp báo cáo thu hoạch được."))
    assignment = ensure_assignment(cohort)
    moment = now()
    allowance = None
    if moment > assignment.deadline:
        allowance = active_allowance(assignment, enrollment, moment)
        if allowance is None:
            raise InvalidTransition(
                _(
                    "Đã hết hạn nộp báo cáo (%(deadline)s). Sau hạn, chỉ nhà trường mới cho phép "
                    "nộp muộn: hãy liên hệ nhà trường."
                )
                % {"deadline": format_moment(assignment.deadline)}
            )
    title = normalize_name(title)
    abstract = _clean(abstract)
    text = _clean(text)
    if not title:
        raise InvalidInput(_("Hãy ghi tên báo cáo."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("Tên báo cáo dài quá %(n)s ký tự.") % {"n": TITLE_MAX}, field="title")
    if len(abstract) > ABSTRACT_MAX:
        raise InvalidInput(
            _("Tóm tắt dài quá %(n)s ký tự.") % {"n": f"{ABSTRACT_MAX:,}".replace(",", ".")},
            field="abstract",
        )
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            _("Nội dung viết trực tiếp dài quá %(n)s ký tự; hãy nộp tệp PDF hoặc DOCX.")
            % {"n": f"{TEXT_MAX:,}".replace(",", ".")},
            field="text",
        )
    if upload is not None and text:
        raise InvalidInput(
            _("Hãy chọn một cách nộp: tải tệp lên hoặc viết trực tiếp, không cả hai."),
            field="file",
        )
    if upload is None and not text:
        raise InvalidInput(
            _("Hãy tải tệp báo cáo lên (PDF hoặc DOCX) hoặc viết nội dung trực tiếp."),
            field="file",
        )

    checked = None
    storage_name = ""
    if upload is not None:
        checked = check_upload(upload)
        storage_name = store_upload(upload, checked, folder=f"reports/{cohort.pk}")
    try:
        with transaction.atomic():
            submission = _locked_submission(assignment, enrollment, moment)
            try:
                with transaction.atomic():
                    version = SubmissionVersion.objects.create(
                        submission=submission,
                        number=_next_version_number(submission),
                        title=title,
                        abstract=abstract,
                        text=text,
                        storage_name=storage_name,
                        original_name=checked.original_name if checked else "",
                        content_type=checked.content_type if checked else "",
                        size=checked.size if checked else 0,
                        sha256=checked.sha256 if checked else "",
                        submitted_at=moment,
                        submitted_by=user,
                        is_late=allowance is not None,
                        late_allowance=allowance,
                        ip_address=ip,
                    )
            except IntegrityError as clash:
                raise Conflict(
                    _(
                        "Một bản khác của bạn vừa được nộp cùng lúc. Hãy tải lại trang để xem "
                        "các phiên bản đã nộp."
                    )
                ) from clash
            if notify:
                _send_receipt(user, cohort, assignment, version)
    except BaseException:
        if storage_name:
            _private_storage().delete(storage_name)
        raise
    logger.info(
        "Report version %s of enrollment %s submitted%s.",
        version.number,
        enrollment.pk,
        " late" if version.is_late else "",
    )
    return version


def _send_receipt(user, cohort, assignment, version) -> None:
    notifications.send_on_commit(
        "report_received",
        [user.email],
        {
            "user": user,
            "cohort": cohort,
            "assignment": assignment,
            "version": version,
            "when": format_moment(version.submitted_at),
            "size_kb": format_decimal(Decimal(version.size) / 1024, 0) if version.size else "",
            "page_path": reverse("courses:report", args=[cohort.code]),
        },
    )


# --- Grading -----------------------------------------------------------------------------------


def clean_criterion_scores(assignment: ReportAssignment, raw_scores) -> list[dict]:
    """Scores per criterion, aligned with assignment.criteria ("" or None = not scored); [] when
    none is given. Each within its criterion's maximum, at most one decimal."""
    criteria = assignment.criteria_points
    raw_scores = list(raw_scores or [])
    if not criteria or not any(_clean(str(v or "")) for v in raw_scores):
        return []
    cleaned = []
    for index, (name, maximum) in enumerate(criteria):
        raw = raw_scores[index] if index < len(raw_scores) else ""
        value = None
        if _clean(str(raw or "")):
            try:
                value = parse_score(raw, maximum=maximum, field=f"criterion-{index}")
            except InvalidInput as refusal:
                raise InvalidInput(
                    _("Tiêu chí “%(name)s”: %(message)s")
                    % {"name": name, "message": refusal.message},
                    field=refusal.field,
                ) from refusal
        cleaned.append(
            {
                "name": name,
                "max_points": f"{maximum.normalize():f}",
                "score": None if value is None else f"{value:f}",
            }
        )
    return cleaned


def _stale_grade_message(grade: Grade) -> str:
    who = grade.graded_by.full_name if grade.graded_by else _("hệ thống")
    return _(
        "%(who)s vừa chấm bài này %(score)s điểm lúc %(when)s, sau khi bạn mở trang. Chưa lưu gì "
        "cả; trang hiện điểm mới nhất, hãy xem lại rồi lưu lại."
    ) % {
        "who": who,
        "score": format_decimal(grade.score, 1),
        "when": format_moment(grade.graded_at),
    }


def grade_submission(
    actor,
    submission: Submission,
    *,
    score="",
    comments: str = "",
    criterion_scores=None,
    reason: str = "",
    revision: int | None = None,
) -> Grade:
    """Grade (or re-grade) the latest version of a submission.

    `score`: text as typed or a Decimal; left empty, the sum of the criterion scores when every
    criterion is scored. `revision`: the grade's revision the form was loaded with (0: none).
    Refuses: not an instructor of the cohort or school staff (NotAllowed); a bad score or
    criterion score, a changed score without a reason (InvalidInput); nothing submitted
    (InvalidTransition); a grade saved by someone else since the form was loaded (Conflict).
    Saving the same values again changes and logs nothing.
    """
    assignment = submission.assignment
    cohort = assignment.cohort
    if actor is not None and not user_can_grade_reports(actor, cohort):
        raise NotAllowed(_("Chỉ giảng viên của lớp và nhà trường mới chấm báo cáo của lớp được."))
    per_criterion = clean_criterion_scores(assignment, criterion_scores)
    if not _clean(str(score if score is not None else "")) and per_criterion:
        if any(item["score"] is None for item in per_criterion):
            raise InvalidInput(
                _("Hãy nhập điểm tổng, hoặc chấm đủ mọi tiêu chí để hệ thống cộng điểm."),
                field="score",
            )
        score = sum((Decimal(item["score"]) for item in per_criterion), Decimal(0))
    value = parse_score(score)
    comments = _clean(comments)
    if len(comments) > COMMENTS_MAX:
        raise InvalidInput(_("Nhận xét dài quá 5.000 ký tự."), field="comments")
    reason = _clean(reason)
    actor = _actor(actor)
    moment = now()
    with transaction.atomic():
        list(Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk"))
        latest = submission.versions.order_by("-number").first()
        if latest is None:
            raise InvalidTransition(_("Học viên chưa nộp bài nào để chấm."))
        grade = (
            Grade.objects.select_for_update(of=("self",))
            .select_related("graded_by")
            .filter(submission=submission)
            .first()
        )
        if grade is None:
            if revision:
                raise Conflict(_("Bài này chưa có điểm như trang đã hiện; hãy tải lại trang."))
            grade = Grade.objects.create(
                submission=submission,
                version=latest,
                score=value,
                comments=comments,
                criterion_scores=per_criterion,
                graded_by=actor,
                graded_at=moment,
                revision=1,
            )
            old_score = None
        else:
            if revision is not None and revision != grade.revision:
                raise Conflict(_stale_grade_message(grade))
            unchanged = (
                grade.score == value
                and grade.comments == comments
                and grade.criterion_scores == per_criterion
                and grade.version_id == latest.pk
            )
            if unchanged:
                return grade
            if grade.score != value and not reason:
                raise InvalidInput(
                    _(
                        "Bài đã được chấm %(old)s điểm; muốn đổi thành %(new)s điểm hãy ghi lý do "
                        "sửa điểm."
                    )
                    % {"old": format_decimal(grade.score, 1), "new": format_decimal(value, 1)},
                    field="reason",
                )
            old_score = grade.score
            grade.version = latest
            grade.score = value
            grade.comments = comments
            grade.criterion_scores = per_criterion
            grade.graded_by = actor
            grade.graded_at = moment
            grade.revision += 1
            grade.save()
        GradeChange.objects.create(
            grade=grade,
            old_score=old_score,
            new_score=value,
            comments=comments,
            criterion_scores=per_criterion,
            reason=reason,
            changed_by=actor,
            changed_at=moment,
            revision=grade.revision,
            version_number=latest.number,
        )
    logger.info(
        "Submission %s graded %s (revision %s) by user %s.",
        submission.pk,
        value,
        grade.revision,
        getattr(actor, "pk", None),
    )
    return grade


# --- Release -----------------------------------------------------------------------------------


def release_grades(actor, assignment: ReportAssignment) -> int:
    """Show participants their grade and comments; mails each graded participant on commit.
    Returns how many were mailed (0 when already released). Refuses: not a grader (NotAllowed)."""
    cohort = assignment.cohort
    if actor is not None and not user_can_grade_reports(actor, cohort):
        raise NotAllowed(_("Chỉ giảng viên của lớp và nhà trường mới công bố điểm được."))
    with transaction.atomic():
        locked = ReportAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.released_at is not None:
            assignment.released_at, assignment.released_by = locked.released_at, locked.released_by
            return 0
        locked.released_at = now()
        locked.released_by = _actor(actor)
        locked.save(update_fields=["released_at", "released_by"])
        assignment.released_at, assignment.released_by = locked.released_at, locked.released_by
        graded = Enrollment.objects.filter(
            report_submissions__assignment=assignment, report_submissions__grade__isnull=False
        ).select_related("user")
        # Mailed (or not) as each person's preference for grades says.
        people = [enrollment.user for enrollment in graded]
        notification_service.notify_grades_released(people, cohort)
        mailed = len(people)
    logger.info(
        "Report grades of cohort %s released by user %s.", cohort.code, getattr(actor, "pk", None)
    )
    return mailed


def withhold_grades(actor, assignment: ReportAssignment) -> None:
    """Hide the grades again (e.g. released by mistake). Refuses: not a grader (NotAllowed)."""
    cohort = assignment.cohort
    if actor is not None and not user_can_grade_reports(actor, cohort):
        raise NotAllowed(_("Chỉ giảng viên của lớp và nhà trường mới ẩn điểm được."))
    ReportAssignment.objects.filter(pk=assignment.pk).update(released_at=None, released_by=None)
    assignment.released_at = None
    assignment.released_by = None
    logger.info(
        "Report grades of cohort %s withheld by user %s.", cohort.code, getattr(actor, "pk", None)
    )


__all__ = [
    "AssignmentData",
    "active_allowance",
    "allow_late",
    "band_lines",
    "classify",
    "clean_bands",
    "clean_criteria",
    "criteria_from_page",
    "criteria_lines",
    "default_assignment",
    "ensure_assignment",
    "grade_submission",
    "parse_band_lines",
    "parse_criteria_lines",
    "parse_score",
    "passes",
    "release_grades",
    "save_assignment",
    "submit_report",
    "withhold_grades",
]
