import pytest
from wagtail.models import Page

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


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_program(module_count: int = 13, *, with_extras: bool = True) -> ProgramPage:
    home = HomePage.objects.get()
    program = publish(
        home,
        ProgramPage(
            title="Chương trình thử",
            slug=f"chuong-trinh-{module_count}",
            parts=[ProgramPart(number=1, title="Tổng quan"), ProgramPart(number=2, title="CNTT")],
        ),
    )
    grant_instructors_on_program(program)
    for number in range(1, module_count + 1):
        publish(
            program,
            ModulePage(
                title=f"Chuyên đề số {number}",
                slug=f"chuyen-de-{number}",
                number=number,
                part=1 if number <= 4 else 2,
                summary=f"Tóm tắt chuyên đề {number}",
                theory_periods=6 if number in {1, 2, 5, 9, 10, 12, 13} else 5,
                discussion_periods=6 if number in {1, 2, 5, 9, 10, 12, 13} else 5,
                body=[{"type": "paragraph", "value": f"<p>Nội dung bí mật {number}</p>"}],
            ),
        )
    if with_extras:
        publish(program, FieldStudyPage(title="Đi nghiên cứu thực tế", slug="thuc-te", periods=8))
        publish(program, FinalReportPage(title="Báo cáo thu hoạch", slug="bao-cao", periods=8))
    return program


@pytest.fixture
def program(db):
    return make_program()


@pytest.fixture
def module(program):
    return ModulePage.objects.child_of(program).get(number=1)


@pytest.fixture
def lesson(module):
    return publish(
        module,
        LessonPage(
            title="Bài 1",
            slug="bai-1",
            body=[{"type": "paragraph", "value": "<p>Bài học chỉ cho học viên</p>"}],
        ),
    )
