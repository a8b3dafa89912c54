"""The register of issued certificates (sổ cấp chứng chỉ) and its XLSX export: school staff only.

Everything issued — originals and replacements, valid, revoked or replaced — in issue order,
filterable by cohort and year; the values printed on each certificate (its snapshot). The
register holds personal data (names, dates of birth): who viewed or exported it, with which
filters, is logged (logger "courses.certificates"). A fixed number of queries whatever its size.
"""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from courses import certificate_selectors as reads
from courses.certificate_register_export import register_rows, register_xlsx
from courses.downloads import XLSX, export_response
from courses.models import Cohort
from courses.permissions import require_school_staff

logger = logging.getLogger("courses.certificates")


class RegisterFilterForm(forms.Form):
    lop = forms.ChoiceField(label=gettext_lazy("Lớp"), required=False)
    nam = forms.TypedChoiceField(
        label=gettext_lazy("Năm cấp"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, cohorts, years):
        super().__init__(data)
        self.cohorts = {cohort.code: cohort for cohort in cohorts}
        self.fields["lop"].choices = [("", _("Tất cả các lớp"))] + [
            (cohort.code, f"{cohort.code} – {cohort.name}") for cohort in cohorts
        ]
        self.fields["nam"].choices = [("", _("Tất cả các năm"))] + [
            (str(year), str(year)) for year in years
        ]

    def chosen(self) -> tuple[Cohort | None, int | None]:
        data = self.cleaned_data
        return self.cohorts.get(data.get("lop") or ""), data.get("nam")


def _filters(request) -> RegisterFilterForm:
    cohorts = list(Cohort.objects.filter(certificates__isnull=False).distinct().order_by("code"))
    return RegisterFilterForm(request.GET, cohorts=cohorts, years=reads.register_years())


def _log(request, action: str, cohort, year, count: int) -> None:
    logger.info(
        "Certificate register %s by user %s (cohort=%s, year=%s): %s rows.",
        action,
        request.user.pk,
        cohort.code if cohort else "all",
        year or "all",
        count,
    )


@login_required
@require_safe
def certificate_register(request):
    require_school_staff(request.user)
    form = _filters(request)
    if not form.is_valid():
        return render(
            request,
            "courses/certificates/register.html",
            {"form": form, "rows": [], "cohort": None, "year": None},
            status=400,
        )
    cohort, year = form.chosen()
    rows = register_rows(reads.register(cohort=cohort, year=year))
    _log(request, "viewed", cohort, year, len(rows))
    response = render(
        request,
        "courses/certificates/register.html",
        {
            "form": form,
            "rows": rows,
            "cohort": cohort,
            "year": year,
            "query": request.GET.urlencode(),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def certificate_register_export(request):
    require_school_staff(request.user)
    form = _filters(request)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Bộ lọc không hợp lệ."))
    cohort, year = form.chosen()
    rows = register_rows(reads.register(cohort=cohort, year=year))
    _log(request, "exported", cohort, year, len(rows))
    name = "-".join(
        ["so-cap-chung-chi"] + ([cohort.code] if cohort else []) + ([str(year)] if year else [])
    )
    return export_response(register_xlsx(rows), name=name, extension="xlsx", content_type=XLSX)


urlpatterns = [
    path(
        "nha-truong/so-cap-chung-chi/",
        certificate_register,
        name="certificate_register",
    ),
    path(
        "nha-truong/so-cap-chung-chi/tai-ve.xlsx",
        certificate_register_export,
        name="certificate_register_export",
    ),
]
