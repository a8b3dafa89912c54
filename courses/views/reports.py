"""Final-report pages: the participant's brief and hand-in, the graders' list and quick grading
screen, the school's gradebook (with its XLSX export and the release of grades), the school's
settings of the assignment with late permissions, and the one door to a report's file.

Every write goes through courses.services.reports; these views parse the form, ask
courses.permissions, call the service and show its refusal on the field it names. The signed-out
are sent to sign in; people outside the cohort get 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from courses import report_export as export
from courses import report_selectors as reads
from courses.downloads import XLSX, export_response, private_file_response
from courses.exceptions import Conflict, DomainError, NotAllowed
from courses.models import Enrollment, Role
from courses.permissions import (
    access_cohort,
    access_cohort_for_grading,
    access_cohort_for_staff,
    access_report_file,
    access_submission_for_grading,
    is_school_staff,
    user_can_grade_reports,
    user_can_submit_report,
)
from courses.report_files import ScannerUnavailable
from courses.report_forms import AssignmentForm, GradeForm, LateAllowanceForm, SubmitForm
from courses.selectors import members_of
from courses.services import reports as service
from courses.views import client_ip
from lms.text import format_decimal, format_moment

# Hand-ins allowed per person and hour (django-ratelimit, group "report-submit"): far above what
# anyone needs, low enough that nobody can make the server check and scan files all day.
SUBMIT_RATE = "20/h"


def _refused(form, refusal: DomainError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


def _max_mb() -> str:
    return format_decimal(settings.LMS_REPORT_MAX_BYTES / (1024 * 1024), 1).removesuffix(",0")


def _status_of(refusal: DomainError) -> int:
    if isinstance(refusal, NotAllowed):
        return 403
    if isinstance(refusal, Conflict):
        return 409
    if isinstance(refusal, ScannerUnavailable):
        return 503
    return 400


# --- Participant -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_page(request, code: str):
    """The brief, the deadline, the participant's versions and grade (once released), and the
    hand-in form. Graders are sent to their list."""
    cohort = access_cohort(request.user, code)
    if not user_can_submit_report(request.user, cohort):
        if user_can_grade_reports(request.user, cohort):
            return redirect("courses:report_grading", code=cohort.code)
        raise Http404(_("Không tìm thấy trang này."))
    enrollment = Enrollment.objects.get(user=request.user, cohort=cohort, role=Role.PARTICIPANT)
    enrollment.cohort = cohort
    form = SubmitForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    status = 200
    if request.method == "POST":
        limit = {"group": "report-submit", "key": "user", "rate": SUBMIT_RATE}
        if is_ratelimited(request, increment=True, **limit):
            form.add_error(
                None,
                _("Bạn đã nộp quá nhiều lần trong một giờ. Hãy đợi một lúc rồi nộp lại."),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                version = service.submit_report(
                    request.user,
                    cohort,
                    title=data["title"],
                    abstract=data["abstract"],
                    text=data["text"],
                    upload=data["file"],
                    ip=client_ip(request),
                )
            except DomainError as refusal:
                _refused(form, refusal)
                status = _status_of(refusal)
            else:
                message = _("Đã nhận báo cáo (lần nộp %(number)s) lúc %(when)s.") % {
                    "number": version.number,
                    "when": format_moment(version.submitted_at),
                }
                if version.is_late:
                    message += " " + _("Bài được ghi là nộp muộn, theo phép của nhà trường.")
                messages.success(request, message)
                return redirect("courses:report", code=cohort.code)
        else:
            status = 400
    report = reads.participant_report(enrollment)
    moment = service.now()
    deadline_passed = moment > report.assignment.deadline
    return render(
        request,
        "courses/reports/participant.html",
        {
            "cohort": cohort,
            "assignment": report.assignment,
            "page": reads.final_report_page(cohort),
            "report": report,
            "form": form,
            "deadline_passed": deadline_passed,
            "can_submit": not deadline_passed or report.allowance is not None,
            "show_grade": report.result.released and report.grade is not None,
            "max_mb": _max_mb(),
        },
        status=status,
    )


# --- Graders -----------------------------------------------------------------------------------


def _release_action(request, cohort) -> None:
    """Release or withhold the cohort's grades (POST "action"), with the service's message."""
    assignment = service.ensure_assignment(cohort)
    action = request.POST.get("action")
    try:
        if action == "release":
            mailed = service.release_grades(request.user, assignment)
            messages.success(
                request,
                _("Đã công bố điểm; %(n)s học viên được báo qua email.") % {"n": mailed},
            )
        elif action == "withhold":
            service.withhold_grades(request.user, assignment)
            messages.success(request, _("Đã ẩn điểm; học viên không còn thấy điểm."))
    except DomainError as refusal:
        messages.error(request, refusal.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grading_list(request, code: str):
    """The graders' list; its one form releases (or withholds) the cohort's grades."""
    cohort = access_cohort_for_grading(request.user, code)
    if request.method == "POST":
        _release_action(request, cohort)
        return redirect("courses:report_grading", code=cohort.code)
    book = reads.gradebook(cohort)
    return render(
        request,
        "courses/reports/grading.html",
        {"cohort": cohort, "book": book, "is_staff": is_school_staff(request.user)},
    )


def _grade_initial(detail) -> dict:
    grade = detail.grade
    if grade is None:
        return {"revision": 0}
    initial = {
        "score": format_decimal(grade.score, 1),
        "comments": grade.comments,
        "revision": grade.revision,
    }
    for index, item in enumerate(grade.criterion_scores or []):
        if item.get("score") is not None:
            initial[f"criterion-{index}"] = format_decimal(item["score"], 1)
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def grade_page(request, code: str, pk: int):
    """The quick grading screen of one submission: its versions, the score form, the history."""
    cohort = access_cohort(request.user, code)
    submission = access_submission_for_grading(request.user, cohort, pk)
    criteria = submission.assignment.criteria_points
    detail = reads.submission_detail(submission)
    status = 200
    if request.method == "POST":
        form = GradeForm(request.POST, criteria=criteria)
        if form.is_valid():
            data = form.cleaned_data
            try:
                grade = service.grade_submission(
                    request.user,
                    submission,
                    score=data["score"],
                    comments=data["comments"],
                    criterion_scores=form.criterion_scores(),
                    reason=data["reason"],
                    revision=data["revision"] if data["revision"] is not None else 0,
                )
            except DomainError as refusal:
                status = _status_of(refusal)
                if isinstance(refusal, Conflict):
                    # Someone else saved meanwhile: show their values, not the stale form.
                    detail = reads.submission_detail(submission)
                    form = GradeForm(initial=_grade_initial(detail), criteria=criteria)
                    messages.error(request, refusal.message)
                else:
                    _refused(form, refusal)
            else:
                messages.success(
                    request,
                    _("Đã lưu điểm %(score)s cho %(name)s.")
                    % {
                        "score": format_decimal(grade.score, 1),
                        "name": submission.enrollment.user.full_name,
                    },
                )
                return redirect("courses:report_grading", code=cohort.code)
        else:
            status = 400
    else:
        form = GradeForm(initial=_grade_initial(detail), criteria=criteria)
    result = reads.report_result(submission.enrollment)
    return render(
        request,
        "courses/reports/grade.html",
        {
            "cohort": cohort,
            "assignment": submission.assignment,
            "submission": submission,
            "participant": submission.enrollment,
            "detail": detail,
            "result": result,
            "form": form,
            "regrade_needed": bool(
                detail.grade and detail.latest and detail.grade.version_id != detail.latest.pk
            ),
        },
        status=status,
    )


@login_required
@require_safe
def report_file(request, pk: int):
    """A report's file, for its author, the cohort's graders and school staff; 404 otherwise."""
    version = access_report_file(request.user, pk)
    return private_file_response(
        version.storage_name,
        original_name=version.original_name,
        content_type=version.content_type,
    )


# --- School staff ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_gradebook(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    if request.method == "POST":
        _release_action(request, cohort)
        return redirect("courses:staff_gradebook", code=cohort.code)
    return render(
        request,
        "courses/reports/gradebook.html",
        {"cohort": cohort, "book": reads.gradebook(cohort), "is_staff": True},
    )


@login_required
@require_safe
def staff_gradebook_xlsx(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    return export_response(
        export.as_xlsx(reads.gradebook(cohort)),
        name=f"bang-diem-bao-cao-{cohort.code}",
        extension="xlsx",
        content_type=XLSX,
    )


def _assignment_initial(assignment) -> dict:
    return {
        "title": assignment.title,
        "deadline": timezone.localtime(assignment.deadline),
        "instructions": assignment.instructions,
        "criteria": service.criteria_lines(assignment.criteria),
        "bands": service.band_lines(assignment.bands),
    }


def _save_assignment(request, cohort, form) -> bool:
    data = form.cleaned_data
    try:
        service.save_assignment(
            request.user,
            cohort,
            service.AssignmentData(
                title=data["title"],
                deadline=data["deadline"],
                instructions=data["instructions"],
                criteria=service.parse_criteria_lines(data["criteria"]),
                bands=service.parse_band_lines(data["bands"]),
            ),
        )
    except DomainError as refusal:
        _refused(form, refusal)
        return False
    messages.success(request, _("Đã lưu thiết lập bài báo cáo thu hoạch."))
    return True


def _allow_late(request, form) -> bool:
    enrollment = form.chosen()
    data = form.cleaned_data
    try:
        service.allow_late(request.user, enrollment, until=data["until"], reason=data["reason"])
    except DomainError as refusal:
        _refused(form, refusal)
        return False
    messages.success(
        request,
        _("Đã cho phép %(name)s nộp muộn đến %(until)s.")
        % {"name": enrollment.user.full_name, "until": format_moment(data["until"])},
    )
    return True


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_report_settings(request, code: str):
    """The assignment (title, deadline, instructions, criteria, bands) and late permissions."""
    cohort = access_cohort_for_staff(request.user, code)
    participants = members_of(cohort, Role.PARTICIPANT)
    for member in participants:
        member.cohort = cohort
    assignment = reads.assignment_of(cohort)
    action = request.POST.get("action") if request.method == "POST" else None
    assignment_form = AssignmentForm(
        request.POST if action == "assignment" else None,
        initial=_assignment_initial(assignment),
        prefix="bai",
    )
    chosen = request.GET.get("hoc-vien", "")
    late_form = LateAllowanceForm(
        request.POST if action == "late" else None,
        participants=participants,
        initial={"enrollment": int(chosen) if chosen.isdigit() else None},
        prefix="muon",
    )
    status = 200
    if action == "assignment":
        if assignment_form.is_valid() and _save_assignment(request, cohort, assignment_form):
            return redirect("courses:staff_report_settings", code=cohort.code)
        status = 400
    elif action == "late":
        if late_form.is_valid() and _allow_late(request, late_form):
            return redirect("courses:staff_report_settings", code=cohort.code)
        status = 400
    return render(
        request,
        "courses/reports/settings.html",
        {
            "cohort": cohort,
            "assignment": assignment,
            "assignment_form": assignment_form,
            "late_form": late_form,
            "allowances": reads.late_allowances_of(cohort),
            "now": service.now(),
        },
        status=status,
    )


urlpatterns = [
    path("lop/<str:code>/bao-cao/", report_page, name="report"),
    path("lop/<str:code>/bao-cao/cham/", grading_list, name="report_grading"),
    path("lop/<str:code>/bao-cao/<int:pk>/", grade_page, name="report_grade"),
    path("bao-cao/tep/<int:pk>/", report_file, name="report_file"),
    path("nha-truong/lop/<str:code>/bang-diem/", staff_gradebook, name="staff_gradebook"),
    path(
        "nha-truong/lop/<str:code>/bang-diem.xlsx",
        staff_gradebook_xlsx,
        name="staff_gradebook_xlsx",
    ),
    path(
        "nha-truong/lop/<str:code>/bao-cao/",
        staff_report_settings,
        name="staff_report_settings",
    ),
]
