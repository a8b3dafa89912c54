"""URLs of the LMS domain (Vietnamese paths: they are read aloud and typed on phones)."""

from django.urls import include, path

from courses.views import (
    attendance,
    calendar,
    certificate_register,
    certificates,
    cohorts,
    dashboards,
    imports,
    module_print,
    reports,
    search,
    staff,
    verification,
)
from courses.views import notifications as notification_views
from courses.views import progress as study_progress  # self-paced study

app_name = "courses"

urlpatterns = [
    # Anyone: the cohorts taking applications; signed in: apply.
    path("khoa-hoc/", cohorts.open_cohorts, name="open_cohorts"),
    path("khoa-hoc/<str:code>/nop-don/", cohorts.apply, name="apply"),
    # Members.
    path("hoc-tap/", cohorts.my_courses, name="my_courses"),
    path("hoc-tap/<str:code>/rut-don/", cohorts.withdraw, name="withdraw"),
    path("lop/<str:code>/", cohorts.cohort_page, name="cohort"),
    # School staff.
    path("nha-truong/", staff.cohort_list, name="staff_cohorts"),
    path("nha-truong/lop-moi/", staff.cohort_create, name="staff_cohort_create"),
    path("nha-truong/lop/<str:code>/", staff.cohort_overview, name="staff_cohort"),
    path("nha-truong/lop/<str:code>/sua/", staff.cohort_edit, name="staff_cohort_edit"),
    path(
        "nha-truong/lop/<str:code>/buoi-hoc/moi/", staff.session_create, name="staff_session_create"
    ),
    path("nha-truong/buoi-hoc/<int:pk>/sua/", staff.session_edit, name="staff_session_edit"),
    path("nha-truong/buoi-hoc/<int:pk>/xoa/", staff.session_delete, name="staff_session_delete"),
    path("nha-truong/lop/<str:code>/ghi-danh/", staff.enrollments, name="staff_enrollments"),
    *imports.urlpatterns,
    *calendar.urlpatterns,
    *attendance.urlpatterns,
    *reports.urlpatterns,
    *certificates.urlpatterns,
    *verification.urlpatterns,
    *certificate_register.urlpatterns,
    *search.urlpatterns,
    *module_print.urlpatterns,
    *study_progress.urlpatterns,
    *dashboards.urlpatterns,
    *notification_views.urlpatterns,
    path("", include("courses.views.discussions")),
]
