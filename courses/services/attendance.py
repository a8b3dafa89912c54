"""Attendance: roll call, corrections and self check-in.

Rules owned here:
- one record per (session, participant) — also a database constraint; only approved
  participants of the session's cohort are ever marked;
- every create and every change appends one AttendanceChange (who, when, old, new, reason,
  method, IP address) in the same transaction; saving the same values again changes nothing and
  logs nothing;
- excused needs a reason; a change after the session's day needs a reason;
- optimistic locking: each record has a version; a save based on an older version than the one
  stored is refused whole, naming the rows, their current value and who set it (existing rows are
  also locked with SELECT ... FOR UPDATE while the save runs);
- roll call and corrections: the session's instructors and school staff only;
- self check-in: only while the session's check-in is open (CheckInWindow) and inside its time
  window; the 6-digit code is derived, never stored (see `code_for`); present, or late after
  LMS_CHECKIN_LATE_AFTER_MINUTES; a check-in never overwrites an existing record.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    AttendanceChange,
    AttendanceMethod,
    AttendanceRecord,
    AttendanceStatus,
    CheckInWindow,
    ClassSession,
    Enrollment,
    Role,
    Status,
)
from courses.permissions import user_can_take_attendance
from lms.text import format_moment, format_time, normalize

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
_CODE_SALT = "courses.attendance.check-in-code"


def now() -> dt.datetime:
    """The clock of this module (tests replace it to freeze time)."""
    return timezone.now()


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def code_seconds() -> int:
    return max(5, _setting("LMS_CHECKIN_CODE_SECONDS", 30))


def _actor(user):
    return user if user is not None and user.is_authenticated else None


# --- Refusals that carry rows ------------------------------------------------------------------


class StaleRows(Conflict):
    """Someone changed these rows after the form was loaded. `rows`: enrollment ids."""

    def __init__(self, message: str, rows: list[int]):
        super().__init__(message)
        self.rows = rows


class RowsNeedReason(InvalidInput):
    """These rows need a reason (excused, or a change after the session's day)."""

    def __init__(self, message: str, rows: list[int]):
        super().__init__(message, field="reason")
        self.rows = rows


class WrongCode(InvalidInput):
    """The check-in code is wrong or expired (the view counts these for the rate limit)."""


# --- Roll call and corrections ---------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    created: int
    changed: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.created + self.changed


def session_day_is_over(session: ClassSession, moment: dt.datetime | None = None) -> bool:
    """After the local calendar day on which the session started."""
    moment = moment or now()
    return timezone.localdate(moment) > timezone.localdate(session.starts_at)


def _clean_marks(marks: dict) -> dict[int, tuple[str, str]]:
    cleaned: dict[int, tuple[str, str]] = {}
    for enrollment_id, (status, reason) in marks.items():
        if status not in AttendanceStatus.values:
            raise InvalidInput(_("Tình trạng điểm danh không hợp lệ."))
        cleaned[int(enrollment_id)] = (status, (normalize(reason or "") or "").strip())
    return cleaned


def _names(enrollments: dict[int, Enrollment], ids) -> str:
    return ", ".join(enrollments[pk].user.full_name or enrollments[pk].user.email for pk in ids)


def save_roll_call(
    actor,
    session: ClassSession,
    marks: dict,
    versions: dict | None = None,
    ip: str | None = None,
    *,
    reason: str = "",
    method: str = AttendanceMethod.ROLL_CALL,
) -> SaveResult:
    """Save the marks of a session's roll call (or a correction) in one transaction.

    `marks`: {enrollment_id: (status, reason)}; `versions`: {enrollment_id: version the form was
    loaded with, 0 for no record}; `reason`: a correction reason for changed rows without their
    own. Runs a fixed number of queries whatever the class size. Raises NotAllowed (not an
    instructor of the session or school staff; an id that is not an approved participant of the
    session's cohort — logged at WARNING), InvalidInput / RowsNeedReason (bad status, excused or
    late change without a reason), StaleRows (rows changed since the form was loaded) and
    Conflict (a concurrent first save of the same rows). Nothing is written when it raises.
    """
    if actor is not None and not user_can_take_attendance(actor, session):
        raise NotAllowed(_("Chỉ giảng viên của buổi học và nhà trường mới điểm danh được."))
    cleaned = _clean_marks(marks)
    versions = {int(k): int(v or 0) for k, v in (versions or {}).items()}
    correction_reason = (normalize(reason or "") or "").strip()
    if not cleaned:
        return SaveResult(0, 0, 0)

    members = {
        enrollment.pk: enrollment
        for enrollment in Enrollment.objects.filter(
            pk__in=list(cleaned),
            cohort_id=session.cohort_id,
            role=Role.PARTICIPANT,
            status=Status.APPROVED,
        ).select_related("user")
    }
    foreign = sorted(set(cleaned) - set(members))
    if foreign:
        logger.warning(
            "Refused attendance for session %s: enrollment ids %s are not approved participants "
            "of cohort %s (user %s, IP %s).",
            session.pk,
            foreign,
            session.cohort_id,
            getattr(actor, "pk", None),
            ip,
        )
        raise NotAllowed(
            _("Danh sách gửi lên có người không thuộc lớp của buổi học này; chưa lưu gì cả.")
        )
    unexplained = [pk for pk, (status, why) in cleaned.items() if status == "excused" and not why]
    if unexplained:
        raise RowsNeedReason(
            _("Hãy ghi lý do vắng có phép cho: %(names)s.")
            % {"names": _names(members, unexplained)},
            unexplained,
        )

    moment = now()
    late_change = session_day_is_over(session, moment)
    actor = _actor(actor)
    with transaction.atomic():
        # Roll calls of one session queue up here; existing rows are locked in a fixed order.
        list(ClassSession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
        current = {
            record.enrollment_id: record
            for record in AttendanceRecord.objects.select_for_update(of=("self",))
            .filter(session=session, enrollment_id__in=list(cleaned))
            .select_related("recorded_by")
            .order_by("pk")
        }
        stale = []
        for pk, (status, why) in cleaned.items():
            record = current.get(pk)
            if record is None or versions.get(pk, 0) == record.version:
                continue
            if (record.status, record.reason) != (status, why):
                stale.append(pk)
        if stale:
            raise StaleRows(_stale_message(members, current, stale), stale)

        to_create: list[AttendanceRecord] = []
        to_update: list[tuple[AttendanceRecord, str, str]] = []
        needs_reason = []
        for pk, (status, why) in cleaned.items():
            record = current.get(pk)
            if record is None:
                to_create.append(
                    AttendanceRecord(
                        session=session,
                        enrollment_id=pk,
                        status=status,
                        reason=why,
                        method=method,
                        recorded_by=actor,
                        recorded_at=moment,
                        ip_address=ip,
                        version=1,
                    )
                )
                continue
            if (record.status, record.reason) == (status, why):
                continue
            change_reason = correction_reason or (why if why != record.reason else "")
            if late_change and not change_reason:
                needs_reason.append(pk)
                continue
            old_status = record.status
            record.status = status
            record.reason = why
            record.method = method
            record.recorded_by = actor
            record.recorded_at = moment
            record.ip_address = ip
            record.version += 1
            to_update.append((record, old_status, change_reason))
        if needs_reason:
            raise RowsNeedReason(
                _(
                    "Buổi học đã qua ngày: hãy ghi lý do sửa điểm danh của %(names)s "
                    "(ô “Lý do sửa” cuối trang)."
                )
                % {"names": _names(members, needs_reason)},
                needs_reason,
            )
        if to_create:
            try:
                with transaction.atomic():
                    AttendanceRecord.objects.bulk_create(to_create)
            except IntegrityError as clash:
                raise Conflict(
                    _(
                        "Vừa có người khác điểm danh buổi này cùng lúc (có thể là học viên tự "
                        "điểm danh). Chưa lưu gì cả; trang đã tải lại giá trị hiện tại."
                    )
                ) from clash
        if to_update:
            AttendanceRecord.objects.bulk_update(
                [record for record, _old, _why in to_update],
                [
                    "status",
                    "reason",
                    "method",
                    "recorded_by",
                    "recorded_at",
                    "ip_address",
                    "version",
                ],
            )
        log = [
            AttendanceChange(
                record=record,
                old_status="",
                new_status=record.status,
                reason=record.reason,
                method=method,
                changed_by=actor,
                changed_at=moment,
                ip_address=ip,
                version=record.version,
            )
            for record in to_create
        ] + [
            AttendanceChange(
                record=record,
                old_status=old_status,
                new_status=record.status,
                reason=why or record.reason,
                method=method,
                changed_by=actor,
                changed_at=moment,
                ip_address=ip,
                version=record.version,
            )
            for record, old_status, why in to_update
        ]
        if log:
            AttendanceChange.objects.bulk_create(log)
    if to_create or to_update:
        logger.info(
            "Attendance of session %s saved by user %s (%s): %s created, %s changed.",
            session.pk,
            getattr(actor, "pk", None),
            method,
            len(to_create),
            len(to_update),
        )
    return SaveResult(
        created=len(to_create),
        changed=len(to_update),
        unchanged=len(cleaned) - len(to_create) - len(to_update),
    )


def _stale_message(members, current, stale) -> str:
    rows = []
    for pk in stale:
        record = current[pk]
        who = record.recorded_by.full_name if record.recorded_by else _("hệ thống")
        rows.append(
            _("%(name)s: hiện là “%(status)s” (do %(who)s ghi lúc %(when)s)")
            % {
                "name": members[pk].user.full_name or members[pk].user.email,
                "status": record.get_status_display(),
                "who": who,
                "when": format_moment(record.recorded_at),
            }
        )
    return _(
        "Có người đã sửa điểm danh sau khi bạn mở trang này, nên chưa lưu gì cả. "
        "Trang hiện giá trị mới nhất; hãy xem lại rồi lưu lại. %(rows)s."
    ) % {"rows": "; ".join(rows)}


def correct_attendance(
    actor,
    session: ClassSession,
    enrollment: Enrollment,
    status: str,
    *,
    reason: str = "",
    version: int = 0,
    ip: str | None = None,
) -> SaveResult:
    """Correct one participant's record (staff or the session's instructors); same rules and
    refusals as save_roll_call, logged with the method "correction"."""
    return save_roll_call(
        actor,
        session,
        {enrollment.pk: (status, reason if status == AttendanceStatus.EXCUSED else "")},
        {enrollment.pk: version},
        ip,
        reason=reason,
        method=AttendanceMethod.CORRECTION,
    )


# --- Self check-in ---------------------------------------------------------------------------


def check_in_period(session: ClassSession) -> tuple[dt.datetime, dt.datetime]:
    """When participants may check themselves in: from LMS_CHECKIN_OPENS_MINUTES_BEFORE the
    start to LMS_CHECKIN_CLOSES_MINUTES_AFTER it (never after the session's end)."""
    opens = session.starts_at - dt.timedelta(
        minutes=_setting("LMS_CHECKIN_OPENS_MINUTES_BEFORE", 15)
    )
    closes = session.starts_at + dt.timedelta(
        minutes=_setting("LMS_CHECKIN_CLOSES_MINUTES_AFTER", 30)
    )
    return opens, min(closes, session.ends_at)


def late_from(session: ClassSession) -> dt.datetime:
    return session.starts_at + dt.timedelta(minutes=_setting("LMS_CHECKIN_LATE_AFTER_MINUTES", 15))


def time_step(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // code_seconds()


def code_for(window: CheckInWindow, step: int) -> str:
    """The code of one time step: HMAC-SHA256 keyed by a key derived from SECRET_KEY, over the
    session id, the window's random secret and the step; reduced to 6 digits.

    Nothing to store or expire: a new window (reopening) gets a new secret, so old codes die."""
    digest = salted_hmac(
        _CODE_SALT, f"{window.session_id}:{window.secret}:{step}", algorithm="sha256"
    ).digest()
    number = int.from_bytes(digest[:8], "big") % (10**CODE_DIGITS)
    return f"{number:0{CODE_DIGITS}d}"


@dataclass(frozen=True)
class CodeDisplay:
    code: str
    valid_until: dt.datetime  # end of this step; the code is still accepted one step more


def current_code(window: CheckInWindow, moment: dt.datetime | None = None) -> CodeDisplay:
    moment = moment or now()
    step = time_step(moment)
    until = dt.datetime.fromtimestamp((step + 1) * code_seconds(), tz=dt.UTC)
    return CodeDisplay(code_for(window, step), until)


def clean_code(raw: str | None) -> str:
    return "".join(char for char in (normalize(raw or "") or "") if char.isdigit())


def code_matches(window: CheckInWindow, code: str, moment: dt.datetime | None = None) -> bool:
    """The current step's code or the previous one (read just before it rotated)."""
    code = clean_code(code)
    if len(code) != CODE_DIGITS:
        return False
    step = time_step(moment or now())
    matches = [hmac.compare_digest(code, code_for(window, s)) for s in (step, step - 1)]
    return any(matches)


def open_window(session: ClassSession) -> CheckInWindow | None:
    return CheckInWindow.objects.filter(session=session, closed_at__isnull=True).first()


def open_check_in(actor, session: ClassSession) -> CheckInWindow:
    """Open self check-in on a session (idempotent). Refuses: not the session's instructor or
    school staff; the session's check-in time is over."""
    if actor is not None and not user_can_take_attendance(actor, session):
        raise NotAllowed(_("Chỉ giảng viên của buổi học và nhà trường mới mở điểm danh được."))
    _opens, closes = check_in_period(session)
    if now() > closes:
        raise InvalidTransition(
            _("Đã qua giờ tự điểm danh của buổi này (đến %(time)s). Hãy dùng trang điểm danh.")
            % {"time": format_time(closes)}
        )
    existing = open_window(session)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            window = CheckInWindow.objects.create(
                session=session, opened_by=_actor(actor), opened_at=now()
            )
    except IntegrityError:  # opened by someone else at the same moment
        return open_window(session)
    logger.info("Check-in opened on session %s by user %s.", session.pk, getattr(actor, "pk", None))
    return window


def close_check_in(actor, session: ClassSession) -> None:
    if actor is not None and not user_can_take_attendance(actor, session):
        raise NotAllowed(_("Chỉ giảng viên của buổi học và nhà trường mới đóng điểm danh được."))
    closed = CheckInWindow.objects.filter(session=session, closed_at__isnull=True).update(
        closed_at=now(), closed_by=_actor(actor)
    )
    if closed:
        logger.info(
            "Check-in closed on session %s by user %s.", session.pk, getattr(actor, "pk", None)
        )


@dataclass(frozen=True)
class CheckInOutcome:
    record: AttendanceRecord
    created: bool
    message: str


def _already(record: AttendanceRecord) -> CheckInOutcome:
    if record.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        if record.method == AttendanceMethod.SELF_CHECK_IN:
            message = _("Bạn đã điểm danh lúc %(time)s (%(status)s).")
        else:
            message = _("Giảng viên đã ghi nhận bạn “%(status)s” lúc %(time)s.")
        return CheckInOutcome(
            record,
            False,
            message
            % {"time": format_time(record.recorded_at), "status": record.get_status_display()},
        )
    raise InvalidTransition(
        _(
            "Buổi này đã được ghi nhận là “%(status)s” lúc %(time)s; tự điểm danh không thay đổi "
            "được ghi nhận đó. Nếu bạn đang có mặt, hãy báo giảng viên để sửa."
        )
        % {"status": record.get_status_display(), "time": format_time(record.recorded_at)}
    )


def check_in(user, session: ClassSession, code: str, ip: str | None = None) -> CheckInOutcome:
    """A participant checks themself in with the code shown in class.

    Returns the outcome (also when they had checked in already: one record, no error). Raises
    NotAllowed (not an approved participant of the cohort), InvalidTransition (check-in not
    open, outside its time, or an existing record with another status), WrongCode.
    """
    enrollment = Enrollment.objects.filter(
        user=user, cohort_id=session.cohort_id, role=Role.PARTICIPANT, status=Status.APPROVED
    ).first()
    if enrollment is None:
        raise NotAllowed(_("Bạn không phải học viên của lớp có buổi học này."))
    existing = AttendanceRecord.objects.filter(session=session, enrollment=enrollment).first()
    if existing is not None:
        return _already(existing)
    moment = now()
    window = open_window(session)
    opens, closes = check_in_period(session)
    if window is None:
        raise InvalidTransition(_("Giảng viên chưa mở điểm danh cho buổi học này (hoặc đã đóng)."))
    if moment < opens:
        raise InvalidTransition(
            _("Chưa đến giờ điểm danh: buổi học nhận điểm danh từ %(time)s.")
            % {"time": format_time(opens)}
        )
    if moment > closes:
        raise InvalidTransition(
            _("Đã hết giờ tự điểm danh (đến %(time)s). Hãy báo giảng viên để được ghi nhận.")
            % {"time": format_time(closes)}
        )
    if not code_matches(window, code, moment):
        raise WrongCode(
            _("Mã điểm danh không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên màn hình."),
            field="code",
        )
    status = AttendanceStatus.LATE if moment > late_from(session) else AttendanceStatus.PRESENT
    try:
        with transaction.atomic():
            record = AttendanceRecord.objects.create(
                session=session,
                enrollment=enrollment,
                status=status,
                method=AttendanceMethod.SELF_CHECK_IN,
                recorded_by=user,
                recorded_at=moment,
                ip_address=ip,
                version=1,
            )
            AttendanceChange.objects.create(
                record=record,
                old_status="",
                new_status=status,
                method=AttendanceMethod.SELF_CHECK_IN,
                changed_by=user,
                changed_at=moment,
                ip_address=ip,
                version=1,
            )
    except IntegrityError:
        # The same person submitting twice at once: the other request created the record.
        existing = AttendanceRecord.objects.filter(session=session, enrollment=enrollment).first()
        if existing is None:
            raise
        return _already(existing)
    logger.info(
        "Self check-in of enrollment %s on session %s: %s.", enrollment.pk, session.pk, status
    )
    message = _("Đã điểm danh: %(status)s lúc %(time)s.") % {
        "status": record.get_status_display(),
        "time": format_time(moment),
    }
    return CheckInOutcome(record, True, message)
