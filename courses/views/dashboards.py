"""Dashboards: the instructor's home, the school's home and the at-risk screen. Reads only; each
page reads its selector (courses.instructor_home, courses.staff_home, courses.at_risk) and asks
courses.permissions who may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courses.at_risk import REPORT_WARNING_DAYS, at_risk
from courses.instructor_home import instructor_home
from courses.permissions import (
    access_cohort_for_staff,
    is_school_staff,
    require_school_staff,
    user_can_see_instructor_home,
)
from courses.staff_home import staff_home


@login_required
@require_safe
def instructor_dashboard(request):
    if not user_can_see_instructor_home(request.user):
        raise PermissionDenied(_("Trang này dành cho giảng viên."))
    return render(
        request,
        "courses/dashboards/instructor.html",
        {"home": instructor_home(request.user), "is_staff": is_school_staff(request.user)},
    )


@login_required
@require_safe
def staff_dashboard(request):
    require_school_staff(request.user)
    return render(request, "courses/dashboards/staff.html", {"rows": staff_home()})


@login_required
@require_safe
def at_risk_screen(request):
    require_school_staff(request.user)
    code = request.GET.get("lop", "").strip()
    cohort = access_cohort_for_staff(request.user, code) if code else None
    cohorts = at_risk(cohort)
    return render(
        request,
        "courses/dashboards/at_risk.html",
        {
            "cohort": cohort,
            "cohorts": cohorts,
            "total": sum(len(item.people) for item in cohorts),
            "warning_days": REPORT_WARNING_DAYS,
        },
    )


urlpatterns = [
    path("giang-day/", instructor_dashboard, name="instructor_home"),
    path("nha-truong/tong-quan/", staff_dashboard, name="staff_home"),
    path("nha-truong/nguy-co/", at_risk_screen, name="at_risk"),
]
