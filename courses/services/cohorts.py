"""Cohorts and their timetable.

Rules owned here:
- only school staff create and change cohorts and sessions;
- a change of a rule that decides certificates (threshold, pass mark, field study) once the
  cohort has started needs a reason; every change of a rule or certificate setting is kept in
  CohortChange (who, when, old, new, why), in the same transaction;
- sessions of one cohort never overlap; theory and discussion sessions belong to a module of
  the cohort's programme, field study and report sessions to none; a session's instructors are
  attached to the cohort as instructor enrollments.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from courses.exceptions import Conflict, InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    CERTIFICATE_RULE_FIELDS,
    CERTIFICATE_SETTING_FIELDS,
    Category,
    ClassSession,
    Cohort,
    CohortChange,
    Role,
)
from courses.services import notifications
from lms.accounts.roles import is_school_staff
from lms.text import normalize

logger = logging.getLogger(__name__)

LOGGED_FIELDS = (*CERTIFICATE_RULE_FIELDS, *CERTIFICATE_SETTING_FIELDS)


def _require_staff(actor) -> None:
    if actor is not None and not is_school_staff(actor):
        raise NotAllowed(_("Chỉ nhà trường mới quản lý được lớp và thời khóa biểu."))


def _validate(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = [str(m) for m in error.messages]
        field = next(iter(getattr(error, "error_dict", {}) or {}), None)
        raise InvalidInput(" ".join(messages), field=field) from error


def _validate_patterns(cohort: Cohort) -> None:
    for name in ("certificate_number_pattern", "register_number_pattern"):
        pattern = getattr(cohort, name)
        label = capfirst(Cohort._meta.get_field(name).verbose_name)
        try:
            pattern.format(code=cohort.code, year=2026, seq=1)
        # "{year[0]}" and "{code.x}" fail with TypeError and AttributeError, not only KeyError.
        except (KeyError, IndexError, ValueError, AttributeError, TypeError) as error:
            raise InvalidInput(
                _("%(field)s “%(pattern)s” không hợp lệ: chỉ dùng {code}, {year} và {seq}.")
                % {"field": label, "pattern": pattern},
                field=name,
            ) from error
        if "{seq" not in pattern:
            raise InvalidInput(
                _("%(field)s “%(pattern)s” phải có {seq} để mỗi chứng chỉ có số riêng.")
                % {"field": label, "pattern": pattern},
                field=name,
            )


def create_cohort(actor, **values) -> Cohort:
    """Refuses: not staff; invalid values (dates reversed, code taken, bad number pattern)."""
    _require_staff(actor)
    cohort = Cohort(created_by=actor, **values)
    _validate(cohort)
    _validate_patterns(cohort)
    with transaction.atomic():
        cohort.save()
    logger.info("Cohort %s created by user %s.", cohort.code, getattr(actor, "pk", None))
    return cohort


def _as_text(value) -> str:
    return "" if value is None else str(value)


def update_cohort(actor, cohort: Cohort, changes: dict, reason: str = "") -> list[CohortChange]:
    """Apply `changes` to the cohort and keep a history row for each logged field changed.

    Refuses: not staff; invalid values; a certificate rule changed after the cohort started
    without a reason.
    """
    _require_staff(actor)
    reason = normalize(reason or "").strip()
    with transaction.atomic():
        current = Cohort.objects.select_for_update().get(pk=cohort.pk)
        # Whether it has started is decided by the stored start date: moving the start into the
        # future in the same change must not waive the reason.
        started = current.has_started()
        before = {name: getattr(current, name) for name in changes}
        for name, value in changes.items():
            setattr(current, name, value)
        _validate(current)
        _validate_patterns(current)
        changed = [name for name in changes if before[name] != getattr(current, name)]
        changed_rules = [name for name in changed if name in CERTIFICATE_RULE_FIELDS]
        if changed_rules and started and not reason:
            labels = ", ".join(str(Cohort._meta.get_field(n).verbose_name) for n in changed_rules)
            raise InvalidInput(
                _(
                    "Lớp đã khai giảng: thay đổi %(fields)s ảnh hưởng đến việc cấp chứng chỉ, "
                    "hãy ghi lý do."
                )
                % {"fields": labels},
                field="reason",
            )
        if not changed:
            return []
        current.save(update_fields=changed)
        history = [
            CohortChange(
                cohort=current,
                field=name,
                old_value=_as_text(before[name]),
                new_value=_as_text(getattr(current, name)),
                reason=reason,
                changed_by=actor,
                changed_at=timezone.now(),
            )
            for name in changed
            if name in LOGGED_FIELDS
        ]
        CohortChange.objects.bulk_create(history)
    for name in changed:
        setattr(cohort, name, getattr(current, name))
    # Field names only: the values may be free text.
    logger.info(
        "Cohort %s updated by user %s: %s.",
        current.code,
        getattr(actor, "pk", None),
        ", ".join(changed),
    )
    return history


# --- Timetable -------------------------------------------------------------------------------


@dataclass
class SessionData:
    category: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    periods: int
    module: object | None = None
    title: str = ""
    place: str = ""
    meeting_url: str = ""
    instructors: list = field(default_factory=list)


def _format_time(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y")


def _check_session(cohort: Cohort, data: SessionData, exclude_pk: int | None = None) -> None:
    if data.category in (Category.THEORY, Category.DISCUSSION):
        if data.module is None:
            raise InvalidInput(
                _("Buổi lý thuyết hoặc thảo luận phải thuộc một chuyên đề."), field="module"
            )
        if data.module.get_parent().pk != cohort.program_id:
            raise InvalidInput(
                _("Chuyên đề “%(module)s” không thuộc chương trình của lớp.")
                % {"module": data.module.title},
                field="module",
            )
    elif data.module is not None:
        raise InvalidInput(
            _("Buổi nghiên cứu thực tế hoặc viết báo cáo không gắn với chuyên đề."),
            field="module",
        )
    if data.ends_at <= data.starts_at:
        raise InvalidInput(_("Giờ kết thúc phải sau giờ bắt đầu."), field="ends_at")
    clash = (
        ClassSession.objects.filter(
            cohort=cohort, starts_at__lt=data.ends_at, ends_at__gt=data.starts_at
        )
        .exclude(pk=exclude_pk)
        .select_related("module")
        .first()
    )
    if clash is not None:
        raise Conflict(
            _("Trùng giờ với buổi “%(title)s” (%(start)s – %(end)s) của lớp này.")
            % {
                "title": clash.display_title,
                "start": _format_time(clash.starts_at),
                "end": _format_time(clash.ends_at),
            },
            field="starts_at",
        )


def _attach_instructors(actor, cohort: Cohort, session: ClassSession, instructors) -> None:
    from courses.services.enrollment import enroll

    session.instructors.set(instructors)
    for instructor in instructors:
        enroll(
            None if actor is None else actor,
            cohort,
            instructor,
            role=Role.INSTRUCTOR,
            reason=_("Giảng viên của buổi học %(title)s") % {"title": session.display_title},
        )


def add_session(actor, cohort: Cohort, data: SessionData) -> ClassSession:
    """Refuses: not staff; module missing or from another programme; end before start;
    overlap with another session of the cohort."""
    _require_staff(actor)
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        _check_session(cohort, data)
        session = ClassSession(
            cohort=cohort,
            category=data.category,
            module=data.module,
            title=normalize(data.title or "").strip(),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            periods=data.periods,
            place=data.place,
            meeting_url=data.meeting_url,
        )
        _validate(session)
        session.save()
        _attach_instructors(actor, cohort, session, data.instructors)
    logger.info(
        "Session %s added to cohort %s by user %s.",
        session.pk,
        cohort.code,
        getattr(actor, "pk", None),
    )
    return session


def update_session(actor, session: ClassSession, data: SessionData) -> ClassSession:
    _require_staff(actor)
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=session.cohort_id)
        _check_session(session.cohort, data, exclude_pk=session.pk)
        before = (session.starts_at, session.ends_at, session.place)
        for name in ("category", "module", "starts_at", "ends_at", "periods", "place"):
            setattr(session, name, getattr(data, name))
        session.title = normalize(data.title or "").strip()
        session.meeting_url = data.meeting_url
        _validate(session)
        session.save()
        _attach_instructors(actor, session.cohort, session, data.instructors)
        _notify_if_moved(session, *before)
    logger.info(
        "Session %s of cohort %s updated by user %s.",
        session.pk,
        session.cohort.code,
        getattr(actor, "pk", None),
    )
    return session


def _notify_if_moved(session: ClassSession, starts_at, ends_at, place: str) -> None:
    """Members hear of a new time or place of a session not over yet (with the updated
    calendar event attached)."""
    moved = (session.starts_at, session.ends_at, session.place) != (starts_at, ends_at, place)
    if moved and notifications.session_is_ahead(session.ends_at, ends_at):
        notifications.notify_session_changed(session, starts_at, ends_at, place)


def delete_session(actor, session: ClassSession) -> None:
    """Refuses: not staff; a session with attendance records (they decide certificates: the
    records and their log must stay, so the session stays too — change its time instead)."""
    _require_staff(actor)
    if session.attendance_records.exists():
        raise InvalidTransition(
            _(
                "Buổi học này đã có điểm danh nên không xóa được (điểm danh quyết định việc cấp "
                "chứng chỉ và phải được giữ lại). Nếu buổi học đổi giờ, hãy sửa buổi học."
            )
        )
    session_pk, cohort_code = session.pk, session.cohort.code  # delete() clears the pk
    try:
        with transaction.atomic():
            if notifications.session_is_ahead(session.ends_at):
                # Before the delete: the cancellation's calendar file needs the session.
                notifications.notify_session_cancelled(session)
            session.delete()
    except ProtectedError as protected:  # a record written between the check and the delete
        raise InvalidTransition(
            _("Buổi học này đã có dữ liệu gắn với nó nên không xóa được.")
        ) from protected
    logger.info(
        "Session %s of cohort %s deleted by user %s.",
        session_pk,
        cohort_code,
        getattr(actor, "pk", None),
    )
