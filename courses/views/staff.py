"""School-staff screens: cohorts, their timetable against the programme, enrollments.

Front-end pages rather than Wagtail admin viewsets: every write goes through a service (reasons,
history, capacity locks, e-mails), they work on a phone, and they share the site's look. The
content admin links here ("Lớp và ghi danh"). The signed-out are sent to sign in; anyone else
who is not school staff gets 403 (courses.permissions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from courses import selectors
from courses.exceptions import DomainError
from courses.forms import (
    CohortEditForm,
    CohortForm,
    DecisionForm,
    EnrollmentFilterForm,
    SessionForm,
)
from courses.models import CERTIFICATE_RULE_FIELDS, ClassSession, Enrollment
from courses.permissions import access_cohort_for_staff, require_school_staff
from courses.services import cohorts as cohort_service
from courses.services import enrollment as enrollment_service


def _refused(form, refusal: DomainError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


@login_required
def cohort_list(request):
    require_school_staff(request.user)
    return render(
        request, "courses/staff/cohorts.html", {"cohorts": selectors.cohorts_with_counts()}
    )


@login_required
def cohort_create(request):
    require_school_staff(request.user)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            cohort = cohort_service.create_cohort(request.user, **values)
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("Đã tạo lớp %(name)s.") % {"name": cohort.name})
            return redirect("courses:staff_cohort", code=cohort.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/staff/cohort_form.html", {"form": form}, status=status)


@login_required
def cohort_edit(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    form = CohortEditForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in form.fields
            if name not in ("reason", "code", "program")
        }
        try:
            cohort_service.update_cohort(request.user, cohort, changes, form.cleaned_data["reason"])
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("Đã lưu thay đổi của lớp."))
            return redirect("courses:staff_cohort", code=cohort.code)
    cohort.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/staff/cohort_form.html",
        {
            "form": form,
            "cohort": cohort,
            "history": cohort.changes.select_related("changed_by")[:50],
            "rule_fields": CERTIFICATE_RULE_FIELDS,
        },
        status=status,
    )


@login_required
def cohort_overview(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    sessions = list(selectors.sessions_of(cohort))
    counts = selectors.cohorts_with_counts().get(pk=cohort.pk)
    return render(
        request,
        "courses/staff/cohort.html",
        {
            "cohort": cohort,
            "counts": counts,
            "sessions": sessions,
            "summary": selectors.timetable_summary(cohort, sessions),
            "attendance_ids": {session.pk for session in sessions},  # staff take any roll call
        },
    )


@login_required
def session_create(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    form = SessionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_service.add_session(request.user, cohort, form.session_data())
        except DomainError as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("Đã thêm buổi học."))
            return redirect("courses:staff_cohort", code=cohort.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/staff/session_form.html",
        {"form": form, "cohort": cohort},
        status=status,
    )


def _session_for_staff(request, pk: int) -> ClassSession:
    require_school_staff(request.user)
    return get_object_or_404(ClassSession.objects.select_related("cohort", "module"), pk=pk)


@login_required
def session_edit(request, pk: int):
    session = _session_for_staff(request, pk)
    cohort = session.cohort
    if request.method == "POST":
        form = SessionForm(request.POST, cohort=cohort)
        if form.is_valid():
            try:
                cohort_service.update_session(request.user, session, form.session_data())
            except DomainError as refusal:
                _refused(form, refusal)
            else:
                messages.success(request, _("Đã lưu buổi học."))
                return redirect("courses:staff_cohort", code=cohort.code)
    else:
        form = SessionForm(initial=SessionForm.initial_for(session), cohort=cohort)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/staff/session_form.html",
        {"form": form, "cohort": cohort, "session": session},
        status=status,
    )


@login_required
@require_POST
def session_delete(request, pk: int):
    session = _session_for_staff(request, pk)
    code = session.cohort.code
    try:
        cohort_service.delete_session(request.user, session)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Đã xóa buổi học."))
    return redirect("courses:staff_cohort", code=code)


@login_required
def enrollments(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    if request.method == "POST":
        return _decide(request, cohort)
    filters = EnrollmentFilterForm(request.GET or None)
    chosen = selectors.EnrollmentFilter()
    if filters.is_valid():
        data = filters.cleaned_data
        chosen = selectors.EnrollmentFilter(
            status=data["status"],
            role=data["role"],
            province=data["province"].pk if data["province"] else None,
            query=data["q"],
        )
    return render(
        request,
        "courses/staff/enrollments.html",
        {
            "cohort": cohort,
            "filters": filters,
            "rows": selectors.enrollments_for_staff(cohort, chosen),
            "decision_form": DecisionForm(),
        },
    )


def _decide(request, cohort):
    form = DecisionForm(request.POST)
    ids = [int(pk) for pk in request.POST.getlist("selected") if pk.isdigit()]
    if not ids:
        messages.error(request, _("Hãy chọn ít nhất một hồ sơ."))
    elif not form.is_valid():
        messages.error(request, _("Hãy chọn duyệt hoặc từ chối."))
    else:
        # First come, first served: when the places run out, the earliest applications win.
        chosen = (
            Enrollment.objects.filter(cohort=cohort, pk__in=ids)
            .select_related("user", "cohort")
            .order_by("created_at", "pk")
        )
        try:
            outcomes = enrollment_service.decide_many(
                request.user, chosen, form.cleaned_data["decision"], form.cleaned_data["reason"]
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            done = sum(outcome.ok for outcome in outcomes)
            if done:
                messages.success(
                    request,
                    ngettext("Đã cập nhật %(n)s hồ sơ.", "Đã cập nhật %(n)s hồ sơ.", done)
                    % {"n": done},
                )
            for outcome in outcomes:
                if not outcome.ok:
                    messages.warning(request, outcome.message)
    return redirect(request.get_full_path())
