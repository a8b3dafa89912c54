"""`/hoc-tap/chuyen-de/<id>/ban-in/`: a module's material as one light page (images only when
asked for with ?anh=1), and `ban-in.pdf` as a PDF. Only for those who may read the module's
material (the same rule as the module page); the PDF is limited per person, as rendering is the
one costly thing here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe
from django_ratelimit.core import is_ratelimited

from content.models import ModulePage, material_locked
from courses.downloads import attachment_header
from courses.module_print import module_pdf, print_context, printable_module

MODULE_PDF_RATE = "20/h"


def _module_for(request, module_id: int):
    """(module, None) when the viewer may read it, else (None, the response to give)."""
    module = ModulePage.objects.live().filter(pk=module_id).first()
    if module is None:
        raise Http404("No such module")
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    if not module.viewer_may_study(request):
        return None, material_locked(request, module)
    return module, None


@require_safe
def module_print(request, module_id: int):
    module, refusal = _module_for(request, module_id)
    if refusal is not None:
        return refusal
    show_images = request.GET.get("anh") == "1"
    context = print_context(printable_module(module), show_images=show_images)
    return render(request, "courses/module_print.html", context)


@require_safe
def module_print_pdf(request, module_id: int):
    module, refusal = _module_for(request, module_id)
    if refusal is not None:
        return refusal
    if is_ratelimited(
        request,
        group="module-pdf",
        key=lambda group, request: str(request.user.pk),
        rate=getattr(settings, "LMS_MODULE_PDF_RATE", MODULE_PDF_RATE),
        increment=True,
    ):
        response = render(request, "429.html", status=429)
        response["Retry-After"] = "600"
        return response
    pdf = module_pdf(printable_module(module))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"Chuyen-de-{module.number:02d}.pdf"
    response["Content-Disposition"] = attachment_header(name).replace("attachment", "inline", 1)
    # The material is for members only: no shared cache may keep it.
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("hoc-tap/chuyen-de/<int:module_id>/ban-in/", module_print, name="module_print"),
    path("hoc-tap/chuyen-de/<int:module_id>/ban-in.pdf", module_print_pdf, name="module_pdf"),
]
