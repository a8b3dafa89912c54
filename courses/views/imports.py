"""School staff import an enrolment list: upload (a dry run), review, apply; and a sample file.

The rules (file types, caps, row checks, all-or-nothing apply, e-mails) are in
courses.services.imports; these views parse the request, call it and show its refusals."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from courses.exceptions import DomainError
from courses.models import ImportBatch
from courses.permissions import access_cohort_for_staff, require_school_staff
from courses.services import imports as import_service

SAMPLE_NAME = "mau-danh-sach-hoc-vien.csv"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp danh sách (Excel .xlsx hoặc CSV UTF-8)"),
        help_text=gettext_lazy(
            "Dòng đầu là tên cột như tệp mẫu. Hệ thống chỉ kiểm tra, chưa ghi danh ai: anh/chị "
            "xem kết quả rồi mới áp dụng."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_service.check_list(request.user, cohort, upload, name=upload.name)
        except DomainError as refusal:
            # At the top of the form: the message is about the whole file, often long.
            form.add_error(None, refusal.message)
        else:
            return redirect("courses:staff_import_review", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "courses/staff/import.html",
        {
            "cohort": cohort,
            "form": form,
            "batches": import_service.batches_of(cohort),
            "columns": import_service.column_labels(),
            "required": import_service.REQUIRED_COLUMNS,
            "max_rows": import_service.MAX_ROWS,
            "max_mb": f"{import_service.max_bytes() / (1024 * 1024):g}",
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def import_review(request, pk: int):
    require_school_staff(request.user)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("cohort", "uploaded_by", "applied_by"), pk=pk
    )
    if request.method == "POST":
        try:
            done = import_service.apply_list(request.user, batch)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "Đã áp dụng danh sách: tạo %(created)s tài khoản mới, ghi danh %(enrolled)s "
                    "người, bỏ qua %(skipped)s người đã ghi danh. Thư mời đã được gửi."
                )
                % {"created": done.created, "enrolled": done.enrolled, "skipped": done.skipped},
            )
        return redirect("courses:staff_import_review", pk=batch.pk)
    return render(
        request,
        "courses/staff/import_review.html",
        {"batch": batch, "cohort": batch.cohort, "review": import_service.review(batch)},
    )


@require_safe
def import_sample(request):
    require_school_staff(request.user)
    return HttpResponse(
        import_service.sample_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, SAMPLE_NAME)},
    )


urlpatterns = [
    path("nha-truong/lop/<str:code>/nhap-danh-sach/", import_upload, name="staff_import"),
    path("nha-truong/nhap-danh-sach/<int:pk>/", import_review, name="staff_import_review"),
    path("nha-truong/nhap-danh-sach/mau.csv", import_sample, name="staff_import_sample"),
]
