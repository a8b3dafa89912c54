"""Certificate pages: the school's eligibility list with issuance (and its progress), one
certificate with its history, revocation and re-issue, the downloads (one PDF, a cohort's ZIP
or one combined PDF for printing), the eligibility export, and the participant's own page.

Writes go through courses.services.certificates; who may do what is asked of
courses.permissions. Files come out of the private storage only through these views.
"""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from courses import certificate_selectors as reads
from courses.certificate_credential import MEDIA_TYPE as CREDENTIAL_MEDIA_TYPE
from courses.certificate_export import eligibility_xlsx
from courses.certificate_forms import IssueForm, ReplaceForm, RevokeForm
from courses.downloads import XLSX, attachment_header, export_response, private_file_response
from courses.exceptions import DomainError, NotAllowed
from courses.models import IssuanceBatch
from courses.permissions import (
    access_certificate,
    access_cohort_for_staff,
    require_school_staff,
)
from courses.services import certificates as service

PDF = "application/pdf"


def _refused(form, refusal: DomainError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


def _pdf_name(certificate) -> str:
    number = certificate.certificate_number.replace("/", "-")
    return f"{_('chung-chi')}-{number}.pdf"


# --- School staff: eligibility and issuance ---------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_certificates(request, code: str):
    """Every participant, eligible or not and why, with their certificate; the issuance form."""
    cohort = access_cohort_for_staff(request.user, code)
    rows = reads.eligibility_for_cohort(cohort)
    # Only people who can be issued now may be ticked; the service checks again when issuing.
    choices = [
        (row.enrollment.pk, row.enrollment.user.full_name) for row in rows if row.can_be_issued
    ]
    form = IssueForm(request.POST or None, choices=choices, prefix="cap")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = service.start_issuance(
                    cohort,
                    actor=request.user,
                    enrollment_ids=form.chosen_ids(),
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    issued_on=data["issued_on"],
                )
            except DomainError as refusal:
                _refused(form, refusal)
                status = 403 if isinstance(refusal, NotAllowed) else 400
            else:
                return redirect("courses:staff_certificate_batch", code=cohort.code, pk=batch.pk)
        else:
            status = 400
    selected = set(form["enrollment"].value() or []) if form.is_bound else set()
    return render(
        request,
        "courses/certificates/staff_list.html",
        {
            "cohort": cohort,
            "rows": rows,
            "form": form,
            "selected": {str(pk) for pk in selected},
            "eligible_count": sum(1 for row in rows if row.eligible),
            "issuable_count": sum(1 for row in rows if row.can_be_issued),
            "issued_count": sum(1 for row in rows if row.has_certificate),
            "batches": IssuanceBatch.objects.filter(cohort=cohort)[:5],
        },
        status=status,
    )


@login_required
@require_safe
def staff_eligibility_xlsx(request, code: str):
    cohort = access_cohort_for_staff(request.user, code)
    body = eligibility_xlsx(cohort, reads.eligibility_for_cohort(cohort))
    return export_response(
        body, name=f"{_('du-dieu-kien')}-{cohort.code}", extension="xlsx", content_type=XLSX
    )


@login_required
@require_safe
def staff_batch(request, code: str, pk: int):
    """A batch's progress; the page refreshes itself (no script) until the task is done."""
    cohort = access_cohort_for_staff(request.user, code)
    batch = IssuanceBatch.objects.filter(cohort=cohort, pk=pk).first()
    if batch is None:
        raise Http404(_("Không tìm thấy đợt cấp này."))
    issued = list(batch.certificates.select_related("enrollment__user").order_by("sequence"))
    return render(
        request,
        "courses/certificates/batch.html",
        {"cohort": cohort, "batch": batch, "issued": issued},
    )


# --- School staff: one certificate -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_certificate(request, pk: int):
    """A certificate: its printed values, state and history; revoke it or issue a replacement."""
    require_school_staff(request.user)
    state = reads.certificate_state(pk)
    if state is None:
        raise Http404(_("Không tìm thấy chứng chỉ này."))
    certificate = state.certificate
    action = request.POST.get("action") if request.method == "POST" else None
    revoke_form = RevokeForm(request.POST if action == "revoke" else None, prefix="thu-hoi")
    replace_form = ReplaceForm(request.POST if action == "replace" else None, prefix="cap-lai")
    if action in ("revoke", "replace"):
        form = revoke_form if action == "revoke" else replace_form
        act = service.revoke_certificate if action == "revoke" else service.replace_certificate
        if form.is_valid():
            # The forms' fields are the services' keyword arguments.
            try:
                outcome = act(certificate, actor=request.user, **form.cleaned_data)
            except DomainError as refusal:
                _refused(form, refusal)
            else:
                return _after(request, action, certificate, outcome)
    status = 200 if action is None else 400
    return render(
        request,
        "courses/certificates/staff_detail.html",
        {
            "state": state,
            "certificate": certificate,
            "snapshot": certificate.snapshot,
            "cohort": certificate.cohort,
            "history": reads.history_of(certificate),
            "revoke_form": revoke_form,
            "replace_form": replace_form,
        },
        status=status,
    )


def _after(request, action: str, certificate, outcome):
    """The message and the page after a revocation (this certificate) or a re-issue (the new
    one)."""
    if action == "revoke":
        messages.success(
            request,
            _("Đã thu hồi chứng chỉ %(number)s.") % {"number": certificate.certificate_number},
        )
        return redirect("courses:staff_certificate", pk=certificate.pk)
    messages.success(
        request,
        _("Đã cấp lại: giấy chứng nhận số hiệu %(number)s.")
        % {"number": outcome.certificate_number},
    )
    return redirect("courses:staff_certificate", pk=outcome.pk)


# --- Downloads ---------------------------------------------------------------------------------


@login_required
@require_safe
def certificate_pdf(request, pk: int):
    """The issued PDF, exactly as stored (its SHA-256 is on the record): owner or staff."""
    certificate = access_certificate(request.user, pk)
    return private_file_response(
        certificate.pdf_name, original_name=_pdf_name(certificate), content_type=PDF
    )


@login_required
@require_safe
def certificate_credential(request, pk: int):
    """The certificate's portable credential (Open Badges 3.0, a signed JWT), the same text
    that is attached to its PDF: owner or staff. Certificates issued before credentials
    existed have none."""
    certificate = access_certificate(request.user, pk)
    if not certificate.credential:
        raise Http404
    number = certificate.certificate_number.replace("/", "-")
    response = HttpResponse(certificate.credential, content_type=CREDENTIAL_MEDIA_TYPE)
    response["Content-Disposition"] = attachment_header(f"{_('chung-nhan-so')}-{number}.jwt")
    response["Cache-Control"] = "private, no-store"
    return response


def _cohort_certificates(cohort):
    """The certificates in force of a cohort (not revoked, not replaced), in number order."""
    return [state.certificate for state in reads.register(cohort=cohort) if state.is_valid]


def _nothing_in_force(request, cohort):
    messages.info(request, _("Lớp chưa có chứng chỉ nào đang có hiệu lực."))
    return redirect("courses:staff_certificates", code=cohort.code)


def _stored_pdfs(certificates):
    """(certificate, its issued PDF's bytes) from the private storage, in the given order."""
    storage = storages["private"]
    for certificate in certificates:
        with storage.open(certificate.pdf_name, "rb") as handle:
            yield certificate, handle.read()


@login_required
@require_safe
def staff_cohort_zip(request, code: str):
    """Every certificate in force of the cohort, one PDF each, in a ZIP."""
    cohort = access_cohort_for_staff(request.user, code)
    certificates = _cohort_certificates(cohort)
    if not certificates:
        return _nothing_in_force(request, cohort)
    buffer = io.BytesIO()
    # PDFs are already compressed: storing them is as small and much faster than deflating.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate, data in _stored_pdfs(certificates):
            archive.writestr(_pdf_name(certificate), data)
    return export_response(
        buffer.getvalue(),
        name=f"{_('chung-chi')}-{cohort.code}",
        extension="zip",
        content_type="application/zip",
    )


@login_required
@require_safe
def staff_cohort_print(request, code: str):
    """Every certificate in force of the cohort as one PDF, in number order, for printing."""
    from pypdf import PdfWriter

    cohort = access_cohort_for_staff(request.user, code)
    certificates = _cohort_certificates(cohort)
    if not certificates:
        return _nothing_in_force(request, cohort)
    writer = PdfWriter()
    for _certificate, data in _stored_pdfs(certificates):
        writer.append(io.BytesIO(data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return export_response(
        buffer.getvalue(),
        name=f"{_('in-chung-chi')}-{cohort.code}",
        extension="pdf",
        content_type=PDF,
    )


# --- Participant -------------------------------------------------------------------------------


@login_required
@require_safe
def my_certificates(request):
    """The participant's certificates: download, the verification link to share, the state."""
    return render(
        request,
        "courses/certificates/mine.html",
        {"states": reads.certificates_of_user(request.user)},
    )


urlpatterns = [
    path("chung-chi/", my_certificates, name="my_certificates"),
    path("chung-chi/<int:pk>/tai-ve/", certificate_pdf, name="certificate_pdf"),
    path(
        "chung-chi/<int:pk>/chung-nhan-so/", certificate_credential, name="certificate_credential"
    ),
    path("nha-truong/lop/<str:code>/chung-chi/", staff_certificates, name="staff_certificates"),
    path(
        "nha-truong/lop/<str:code>/chung-chi/du-dieu-kien.xlsx",
        staff_eligibility_xlsx,
        name="staff_eligibility_xlsx",
    ),
    path(
        "nha-truong/lop/<str:code>/chung-chi/dot/<int:pk>/",
        staff_batch,
        name="staff_certificate_batch",
    ),
    path(
        "nha-truong/lop/<str:code>/chung-chi/tat-ca.zip",
        staff_cohort_zip,
        name="staff_certificates_zip",
    ),
    path(
        "nha-truong/lop/<str:code>/chung-chi/ban-in.pdf",
        staff_cohort_print,
        name="staff_certificates_print",
    ),
    path("nha-truong/chung-chi/<int:pk>/", staff_certificate, name="staff_certificate"),
]
