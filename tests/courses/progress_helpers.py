"""Builders shared by the self-paced study and participant-home tests: lessons under a module,
many participants at once (bulk, so 200 stay fast)."""

from __future__ import annotations

from content.models import LessonPage, ModulePage
from tests.content.conftest import publish


def module_of(program, number: int = 1) -> ModulePage:
    return ModulePage.objects.child_of(program).get(number=number)


def lessons(module, n: int) -> list[LessonPage]:
    return [
        publish(
            module,
            LessonPage(
                title=f"Bài {i} của chuyên đề {module.number}",
                slug=f"bai-{i}",
                body=[{"type": "paragraph", "value": f"<p>Nội dung bài {i}</p>"}],
            ),
        )
        for i in range(1, n + 1)
    ]
