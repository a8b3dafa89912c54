"""One module's material as a single light page and as a PDF, for participants on slow lines.

The module page and each lesson are separate pages, each with the site's chrome, embedded video
and full-size images: on a provincial 3G line that is many round trips and megabytes. The
printable version gathers the module's objectives, its own material and every published lesson in
order into one document. Images are left out (their captions stay, in brackets) unless the reader
asks for them; videos become their title and address; nothing is embedded.

The PDF goes through courses.pdf, whose fetcher loads nothing from the network or the disk outside
our own fonts: an instructor's link or image address in the material can never make the server
fetch anything while it renders. The material itself is Wagtail rich text (the editor stores only
its whitelisted tags), the same HTML the module page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from content.models import LessonPage, ModulePage, ProgramPage
from courses.pdf import render_pdf

# Rendered PDFs are kept this long under a key that changes with every publication of the
# module or one of its lessons, so a class of 200 opening it the night before the session costs
# one render, and a correction is never served stale.
PDF_CACHE_SECONDS = 60 * 60 * 24


@dataclass(frozen=True)
class PrintableModule:
    module: ModulePage
    program: ProgramPage | None
    instructors: list
    lessons: list[LessonPage]

    @property
    def version(self) -> str:
        """Changes whenever the module or a lesson is published, added or taken down."""
        stamps = [self.module.last_published_at, *(p.last_published_at for p in self.lessons)]
        latest = max((s for s in stamps if s), default=None)
        return f"{latest.timestamp() if latest else 0}-{len(self.lessons)}"


def printable_module(module: ModulePage) -> PrintableModule:
    """The module with its published lessons in the tree's order (three queries)."""
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    instructors = sorted(module.instructors.all(), key=lambda user: user.name_sort_key)
    return PrintableModule(
        module=module, program=module.program, instructors=instructors, lessons=lessons
    )


def module_pdf(printable: PrintableModule) -> bytes:
    """The PDF of the module, in the current language, from the cache when unchanged."""
    language = translation.get_language() or "vi"
    key = f"module-pdf:{printable.module.pk}:{language}:{printable.version}"
    pdf = cache.get(key)
    if pdf is None:
        html = render_to_string(
            "courses/module_print_pdf.html",
            {
                **_context(printable),
                "print_version": True,
                "show_images": False,
                "printed_on": timezone.localdate(),
            },
        )
        pdf = render_pdf(html)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def _context(printable: PrintableModule) -> dict:
    return {
        "module": printable.module,
        "program": printable.program,
        "instructors": printable.instructors,
        "lessons": printable.lessons,
    }


def print_context(printable: PrintableModule, *, show_images: bool) -> dict:
    """What the HTML version's template needs; `print_version` tells the block templates to
    leave out embeds (and images unless `show_images`)."""
    return {**_context(printable), "print_version": True, "show_images": show_images}
