"""Attendance pages: roll call on a phone, the check-in board (code + QR), the participant's
check-in, and one participant's records and log for school staff.

Every write goes through courses.services.attendance; these views parse the form, ask
courses.permissions, call the service and show its refusal as it is."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from courses import attendance_export as export
from courses import attendance_selectors as reads
from courses import downloads
from courses.exceptions import DomainError, NotAllowed
from courses.models import AttendanceStatus, ClassSession, Enrollment, Role
from courses.permissions import (
    access_cohort,
    access_cohort_for_staff,
    access_session_for_attendance,
    is_school_staff,
    user_can_see_cohort_attendance,
)
from courses.services import attendance as service
from courses.views import client_ip

# Wrong check-in codes allowed per person before a pause (django-ratelimit, group "checkin").
CHECK_IN_RATE = "10/5m"

# (value, CSS modifier, the short label of the tap target)
STATUS_CHOICES = [
    (AttendanceStatus.PRESENT, "present", gettext_lazy("Có mặt")),
    (AttendanceStatus.LATE, "late", gettext_lazy("Muộn")),
    (AttendanceStatus.EXCUSED, "excused", gettext_lazy("Có phép")),
    (AttendanceStatus.ABSENT, "absent", gettext_lazy("Vắng")),
]


# --- Roll call -------------------------------------------------------------------------------


def _parse_roll_call(post) -> tuple[dict, dict]:
    marks: dict[int, tuple[str, str]] = {}
    versions: dict[int, int] = {}
    for key, value in post.items():
        if key.startswith("s-") and key[2:].isdigit():
            pk = int(key[2:])
            marks[pk] = (value, post.get(f"r-{pk}", ""))
            version = post.get(f"v-{pk}", "0")
            versions[pk] = int(version) if version.isdigit() else 0
    return marks, versions


def _form_rows(rows, submitted=None, flagged=(), all_present=False):
    """What each row of the form shows: the stored value, or what was just submitted (after a
    refusal), except for rows someone else changed meanwhile (flagged: their current value)."""
    submitted = submitted or {}
    result = []
    for row in rows:
        pk = row.enrollment.pk
        status = row.record.status if row.record else ""
        reason = row.record.reason if row.record else ""
        if pk in submitted and pk not in flagged:
            status, reason = submitted[pk]
        if not status and all_present:
            status = AttendanceStatus.PRESENT
        result.append(
            {
                "pk": pk,
                "name": row.enrollment.user.full_name or row.enrollment.user.email,
                "detail": row.enrollment.organisation_name,
                "record": row.record,
                "status": status,
                "reason": reason,
                "version": row.version,
                "flagged": pk in flagged,
            }
        )
    return result


def _roll_call_context(request, session, rows, **form_state):
    form_rows = _form_rows(rows, **form_state)
    marked = sum(1 for row in rows if row.record)
    return {
        "session": session,
        "cohort": session.cohort,
        "rows": form_rows,
        "marked": marked,
        "statuses": STATUS_CHOICES,
        "day_is_over": service.session_day_is_over(session),
        "is_staff": is_school_staff(request.user),
        "window": reads.open_window_of(session),
    }


@require_http_methods(["GET", "POST"])
def roll_call(request, pk: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    session = access_session_for_attendance(request.user, pk)
    if request.method == "POST":
        marks, versions = _parse_roll_call(request.POST)
        try:
            result = service.save_roll_call(
                request.user,
                session,
                marks,
                versions,
                client_ip(request),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
            rows = reads.roll_call_rows(session)
            context = _roll_call_context(
                request,
                session,
                rows,
                submitted=marks,
                flagged=set(getattr(refusal, "rows", ()) or ()),
            )
            context["correction_reason"] = request.POST.get("reason", "")
            status = 403 if isinstance(refusal, NotAllowed) else 409
            return render(request, "courses/attendance/roll_call.html", context, status=status)
        if result.written:
            messages.success(
                request,
                _("Đã lưu điểm danh: %(created)s người mới ghi, %(changed)s người thay đổi.")
                % {"created": result.created, "changed": result.changed},
            )
        else:
            messages.info(request, _("Không có gì thay đổi; điểm danh vẫn như trước."))
        return redirect("courses:roll_call", pk=session.pk)
    rows = reads.roll_call_rows(session)
    context = _roll_call_context(
        request, session, rows, all_present=request.GET.get("tat-ca") == "co-mat"
    )
    return render(request, "courses/attendance/roll_call.html", context)


# --- Check-in board (instructor) ---------------------------------------------------------------


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Sized by the stylesheet, not in millimetres; announced as an image with a name.
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg class="qr__image" role="img" aria-label="{}"'.format(_("Mã QR để điểm danh")),
        svg,
        count=1,
    )


def _board_state(request, session):
    window = reads.open_window_of(session)
    opens, closes = service.check_in_period(session)
    moment = service.now()
    state = {
        "window": window,
        "opens": opens,
        "closes": closes,
        "in_time": opens <= moment <= closes,
        "before_time": moment < opens,
        "check_ins": reads.check_ins_of(session),
        "code": None,
    }
    if window is not None and state["in_time"]:
        code = service.current_code(window, moment)
        url = request.build_absolute_uri(reverse("courses:check_in")) + f"?ma={code.code}"
        state |= {
            "code": code.code,
            "code_url": url,
            # Our own SVG, drawn from the URL above: no user data in it.
            "qr": mark_safe(_qr_svg(url)),  # noqa: S308
            "seconds_left": max(1, int((code.valid_until - moment).total_seconds())),
        }
    return state


@require_http_methods(["GET", "POST"])
def check_in_board(request, pk: int):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    session = access_session_for_attendance(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open":
                service.open_check_in(request.user, session)
                messages.success(request, _("Đã mở tự điểm danh."))
            elif action == "close":
                service.close_check_in(request.user, session)
                messages.success(request, _("Đã đóng tự điểm danh."))
        except DomainError as refusal:
            messages.error(request, refusal.message)
        return redirect("courses:check_in_board", pk=session.pk)
    context = {"session": session, "cohort": session.cohort} | _board_state(request, session)
    return render(request, "courses/attendance/check_in_board.html", context)


@require_safe
def check_in_board_data(request, pk: int):
    """The board's code, QR and arrivals as JSON, for the page's script to refresh in place."""
    if not request.user.is_authenticated:
        raise Http404
    session = access_session_for_attendance(request.user, pk)
    state = _board_state(request, session)
    data = {
        "open": state["window"] is not None,
        "in_time": state["in_time"],
        "code": state["code"],
        "code_url": state.get("code_url"),
        "qr": str(state.get("qr") or ""),
        "seconds_left": state.get("seconds_left"),
        "check_ins": [
            {
                "name": record.enrollment.user.full_name,
                "time": timezone.localtime(record.recorded_at).strftime("%H:%M"),
                "status": record.get_status_display(),
                "status_key": record.status,
            }
            for record in state["check_ins"]
        ],
    }
    return JsonResponse(data, headers={"Cache-Control": "no-store"})


# --- Participant check-in ----------------------------------------------------------------------


def _choose_session(request, candidates, code):
    """The session to check into: the one chosen, the only one open, or the one whose code
    matches (several open at once is rare: e.g. two cohorts in one hall)."""
    chosen = request.POST.get("buoi", "")
    if chosen.isdigit():
        session = ClassSession.objects.select_related("cohort").filter(pk=int(chosen)).first()
        if session is None:
            raise NotAllowed(_("Không tìm thấy buổi học này."))
        return session
    if len(candidates) == 1:
        return candidates[0]
    matching = [
        session
        for session in candidates
        if (window := reads.open_window_of(session)) and service.code_matches(window, code)
    ]
    if len(matching) == 1:
        return matching[0]
    if not matching:
        raise service.WrongCode(
            _("Mã điểm danh không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên màn hình."),
            field="code",
        )
    raise service.InvalidInput(_("Hãy chọn buổi học bạn đang dự."), field="buoi")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    candidates = reads.sessions_open_for_check_in(request.user, service.now())
    code = service.clean_code(request.POST.get("ma") or request.GET.get("ma") or "")
    context = {"candidates": candidates, "code": code, "error": ""}
    if request.method == "GET":
        return render(request, "courses/attendance/check_in.html", context)
    limit = {"group": "checkin", "key": "user", "rate": CHECK_IN_RATE}
    too_many = _(
        "Bạn đã nhập sai mã quá nhiều lần. Hãy đợi vài phút rồi thử lại, hoặc báo giảng viên."
    )
    if is_ratelimited(request, increment=False, **limit):
        context["error"] = too_many
        return render(request, "courses/attendance/check_in.html", context, status=429)
    if not candidates and not request.POST.get("buoi"):
        context["error"] = _("Hiện không có buổi học nào của bạn đang mở điểm danh.")
        return render(request, "courses/attendance/check_in.html", context, status=400)
    try:
        session = _choose_session(request, candidates, code)
        outcome = service.check_in(request.user, session, code, client_ip(request))
    except service.WrongCode as refusal:
        limited = is_ratelimited(request, increment=True, **limit)
        context["error"] = too_many if limited else refusal.message
        return render(
            request, "courses/attendance/check_in.html", context, status=429 if limited else 400
        )
    except DomainError as refusal:
        context["error"] = refusal.message
        status = 403 if isinstance(refusal, NotAllowed) else 400
        return render(request, "courses/attendance/check_in.html", context, status=status)
    if outcome.created:
        messages.success(request, outcome.message)
    else:
        messages.info(request, outcome.message)
    return redirect("courses:check_in")


# --- One participant, for school staff -------------------------------------------------------


def participant_attendance(request, code: str, enrollment_pk: int):
    cohort = access_cohort_for_staff(request.user, code)
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("user", "cohort", "province"),
        pk=enrollment_pk,
        cohort=cohort,
        role=Role.PARTICIPANT,
    )
    if request.method == "POST":
        session_pk = request.POST.get("session", "")
        session = get_object_or_404(
            ClassSession.objects.select_related("cohort").prefetch_related("instructors"),
            pk=int(session_pk) if session_pk.isdigit() else 0,
            cohort=cohort,
        )
        version = request.POST.get("version", "0")
        try:
            result = service.correct_attendance(
                request.user,
                session,
                enrollment,
                request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                version=int(version) if version.isdigit() else 0,
                ip=client_ip(request),
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            if result.written:
                day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
                messages.success(request, _("Đã lưu điểm danh của buổi %(date)s.") % {"date": day})
            else:
                messages.info(request, _("Không có gì thay đổi."))
        return redirect(request.path)
    return render(
        request,
        "courses/attendance/participant.html",
        {
            "cohort": cohort,
            "enrollment": enrollment,
            "summary": reads.attended_periods(enrollment),
            "sessions": reads.participant_sessions(enrollment),
            "log": reads.attendance_log(enrollment),
            "statuses": STATUS_CHOICES,
        },
    )


# --- Progress and the cohort matrix -----------------------------------------------------------


@login_required
@require_safe
def cohort_attendance(request, code: str):
    """A participant's own progress; for instructors and school staff, the whole class."""
    cohort = access_cohort(request.user, code)
    if user_can_see_cohort_attendance(request.user, cohort):
        matrix = reads.attendance_matrix(cohort)
        return render(
            request,
            "courses/attendance/matrix.html",
            {
                "cohort": cohort,
                "matrix": matrix,
                "legend": export.symbol_legend(),
                "is_staff": is_school_staff(request.user),
            },
        )
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("cohort"),
        cohort=cohort,
        user=request.user,
        role=Role.PARTICIPANT,
    )
    return render(
        request,
        "courses/attendance/mine.html",
        {
            "cohort": cohort,
            "summary": reads.attended_periods(enrollment),
            "sessions": reads.participant_sessions(enrollment),
        },
    )


@login_required
@require_safe
def cohort_attendance_export(request, code: str, fmt: str):
    cohort = access_cohort(request.user, code)
    if not user_can_see_cohort_attendance(request.user, cohort):
        raise Http404(_("Không tìm thấy trang này."))
    matrix = reads.attendance_matrix(cohort)
    if fmt == "xlsx":
        body, content_type = export.as_xlsx(matrix), downloads.XLSX
    else:
        body, content_type = export.as_csv(matrix), downloads.CSV
    return downloads.export_response(
        body, name=f"chuyen-can-{cohort.code}", extension=fmt, content_type=content_type
    )


urlpatterns = [
    path("diem-danh/buoi/<int:pk>/", roll_call, name="roll_call"),
    path("diem-danh/buoi/<int:pk>/tu-diem-danh/", check_in_board, name="check_in_board"),
    path(
        "diem-danh/buoi/<int:pk>/tu-diem-danh/ma.json",
        check_in_board_data,
        name="check_in_board_data",
    ),
    path("diem-danh/vao-lop/", check_in, name="check_in"),
    path("lop/<str:code>/chuyen-can/", cohort_attendance, name="cohort_attendance"),
    path(
        "lop/<str:code>/chuyen-can.xlsx",
        cohort_attendance_export,
        {"fmt": "xlsx"},
        name="cohort_attendance_xlsx",
    ),
    path(
        "lop/<str:code>/chuyen-can.csv",
        cohort_attendance_export,
        {"fmt": "csv"},
        name="cohort_attendance_csv",
    ),
    path(
        "nha-truong/lop/<str:code>/hoc-vien/<int:enrollment_pk>/chuyen-can/",
        participant_attendance,
        name="staff_participant_attendance",
    ),
]
