"""Pages for applicants and members: open cohorts, applying, my courses, the cohort page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import progress_selectors, selectors
from courses.exceptions import DomainError
from courses.forms import ApplicationForm, ReasonForm
from courses.models import Cohort, Enrollment, Role, Status
from courses.permissions import (
    access_cohort,
    attendance_session_ids,
    is_school_staff,
    user_can_see_study_progress,
    user_teaches,
)
from courses.services import enrollment as enrollment_service


def open_cohorts(request):
    cohorts = list(selectors.open_cohorts())
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Enrollment.objects.filter(user=request.user, cohort__in=cohorts).values_list(
                "cohort_id", "status"
            )
        )
    rows = [
        (cohort, Status(mine[cohort.pk]).label if cohort.pk in mine else "") for cohort in cohorts
    ]
    return render(request, "courses/open_cohorts.html", {"rows": rows})


@login_required
def apply(request, code: str):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), code=code)
    existing = Enrollment.objects.filter(user=request.user, cohort=cohort).first()
    if existing is not None:
        messages.info(
            request,
            _("Bạn đã có hồ sơ ở lớp này (trạng thái: %(status)s).")
            % {"status": existing.get_status_display()},
        )
        return redirect("courses:my_courses")
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                enrollment_service.apply(
                    request.user, cohort, form.profile(), form.cleaned_data["motivation"]
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Đã nộp đơn vào %(cohort)s. Nhà trường sẽ báo kết quả qua email.")
                    % {"cohort": cohort.name},
                )
                return redirect("courses:my_courses")
    else:
        form = ApplicationForm(initial=ApplicationForm.initial_for(request.user))
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/apply.html", {"cohort": cohort, "form": form}, status=status)


@login_required
def my_courses(request):
    """ "Học tập của tôi": a panel per cohort the person studies in (courses.participant_home),
    then every enrollment with its links, as before."""
    from courses.participant_home import participant_home
    from courses.services.calendar import active_feed

    enrollments = selectors.enrollments_of_user(request.user)
    home = participant_home(request.user, enrollments, request)
    # Sessions of the cohorts with a panel are listed in the panel; the list keeps the rest
    # (cohorts the person teaches).
    in_panels = {panel.cohort.pk for panel in home.cohorts}
    upcoming = [
        s for s in selectors.upcoming_sessions_of_user(request.user) if s.cohort_id not in in_panels
    ]
    return render(
        request,
        "courses/my_courses.html",
        {
            "enrollments": enrollments,
            "home": home,
            "upcoming": upcoming,
            "calendar_feed": active_feed(request.user),
            "withdraw_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def withdraw(request, code: str):
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("cohort"),
        user=request.user,
        cohort__code=code,
        role=Role.PARTICIPANT,
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy ghi lý do rút khỏi lớp."))
        return redirect("courses:my_courses")
    try:
        enrollment_service.withdraw(request.user, enrollment, form.cleaned_data["reason"])
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Bạn đã rút khỏi %(cohort)s.") % {"cohort": enrollment.cohort.name}
        )
    return redirect("courses:my_courses")


def cohort_page(request, code: str):
    """For members and school staff: timetable, instructors, classmates (404 for others)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    cohort = access_cohort(request.user, code)
    sessions = list(selectors.sessions_of(cohort))
    return render(
        request,
        "courses/cohort.html",
        {
            "cohort": cohort,
            "sessions": sessions,
            "summary": selectors.timetable_summary(cohort, sessions),
            "participants": selectors.members_of(cohort, Role.PARTICIPANT),
            "instructors": selectors.members_of(cohort, Role.INSTRUCTOR),
            "is_staff": is_school_staff(request.user),
            "teaches": user_teaches(request.user, cohort),
            "attendance_ids": attendance_session_ids(request.user, sessions),
            "study": (
                progress_selectors.cohort_study(cohort)
                if user_can_see_study_progress(request.user, cohort)
                else None
            ),
        },
    )
