"""The real programme as seed data (content/curriculum_data.py): idempotent.

Every page is looked up by a natural key (the programme by slug under the home page, a module by
its number, field study and final report by type) and created only when missing; existing pages
are never changed, so a second run changes nothing, and edits made in the admin survive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import escape, format_html_join

from content import curriculum_data as data
from content.models import (
    FieldStudyPage,
    FinalReportPage,
    HomePage,
    LessonPage,
    ModulePage,
    ProgramPage,
    ProgramPart,
)
from content.roles import grant_instructors_on_program


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def add(self, page) -> None:
        self.created.append(page.title)


def _paragraphs(texts: list[str] | str) -> str:
    if isinstance(texts, str):
        texts = [texts]
    return format_html_join("", "<p>{}</p>", ((text,) for text in texts))


def _bullets(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _study_body(module: dict) -> list[dict]:
    body: list[dict] = [
        {"type": "paragraph", "value": str(_paragraphs([paragraph]))}
        for paragraph in module.get("body", [])
    ]
    if module.get("readings"):
        body.append(
            {
                "type": "reading_list",
                "value": {
                    "heading": "Văn bản cần đọc",
                    "items": [
                        {
                            "title": item["title"],
                            "url": item.get("url", ""),
                            "note": item.get("note", ""),
                        }
                        for item in module["readings"]
                    ],
                },
            }
        )
    if module.get("case_question"):
        case = module["case_question"]
        body.append(
            {
                "type": "case_question",
                "value": {
                    "prompt": str(_paragraphs(case["prompt"])),
                    "tags": case.get("tags", []),
                    "button_label": "Đăng tình huống của Sở",
                },
            }
        )
    return body


def _publish(parent, page, report: SeedReport):
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.add(page)
    return page


@transaction.atomic
def seed_curriculum() -> SeedReport:
    """Create the programme, its parts, 13 modules, field study and final report if missing."""
    report = SeedReport()
    home = HomePage.objects.get()
    spec = data.PROGRAM

    program = ProgramPage.objects.child_of(home).filter(slug=spec["slug"]).first()
    if program is None:
        program = ProgramPage(
            title=spec["title"],
            slug=spec["slug"],
            introduction=str(_paragraphs(spec["introduction"])),
            aims=_bullets(spec["aims"]),
            audience=str(_paragraphs(spec["audience"])),
            parts=[ProgramPart(number=p["number"], title=p["title"]) for p in spec["parts"]],
        )
        _publish(home, program, report)
    grant_instructors_on_program(program)

    existing_numbers = set(ModulePage.objects.child_of(program).values_list("number", flat=True))
    for module in data.MODULES:
        if module["number"] in existing_numbers:
            continue
        page = _publish(
            program,
            ModulePage(
                title=module["title"],
                slug=module["slug"],
                number=module["number"],
                part=module["part"],
                summary=module["summary"],
                objectives=_bullets(module["objectives"]),
                theory_periods=module["theory_periods"],
                discussion_periods=module["discussion_periods"],
                body=_study_body(module),
            ),
            report,
        )
        for lesson in module.get("lessons", []):
            _publish(
                page,
                LessonPage(
                    title=lesson["title"],
                    slug=lesson["slug"],
                    summary=lesson.get("summary", ""),
                    body=[
                        {"type": "paragraph", "value": str(_paragraphs([p]))}
                        for p in lesson["body"]
                    ],
                ),
                report,
            )

    if not FieldStudyPage.objects.child_of(program).exists():
        spec = data.FIELD_STUDY
        _publish(
            program,
            FieldStudyPage(
                title=spec["title"],
                slug=spec["slug"],
                periods=spec["periods"],
                summary=spec.get("summary", ""),
                objectives=_bullets(spec["objectives"]),
                place=spec.get("place", ""),
                brief=str(_paragraphs(spec["brief"])),
            ),
            report,
        )
    if not FinalReportPage.objects.child_of(program).exists():
        spec = data.FINAL_REPORT
        _publish(
            program,
            FinalReportPage(
                title=spec["title"],
                slug=spec["slug"],
                periods=spec["periods"],
                summary=spec.get("summary", ""),
                objectives=_bullets(spec["objectives"]),
                assignment_brief=str(_paragraphs(spec["assignment_brief"])),
                grading_criteria=_bullets(spec["grading_criteria"]),
                deadline_days_after_last_session=spec["deadline_days_after_last_session"],
            ),
            report,
        )
    return report
