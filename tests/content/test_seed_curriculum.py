"""`seed_curriculum` creates the real programme of curriculum.md, once."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from content.models import FieldStudyPage, FinalReportPage, LessonPage, ModulePage, ProgramPage
from content.syllabus import Periods

pytestmark = pytest.mark.django_db

CURRICULUM = Path(__file__).resolve().parents[3] / "shared" / "curriculum.md"


def _titles_from_curriculum_md() -> dict[int, str]:
    """The 13 titles as curriculum.md lists them ("1. Quản lý nhà nước ...")."""
    text = CURRICULUM.read_text(encoding="utf-8")
    section = text.split("### 13 modules", 1)[1].split("*Illustrative*", 1)[0]
    return {int(n): title.strip() for n, title in re.findall(r"^(\d+)\. (.+)$", section, re.M)}


EXPECTED_TITLES = {
    1: "Quản lý nhà nước về thông tin và truyền thông",
    2: "Luật pháp trong hoạt động thông tin và truyền thông",
    3: "Thông tin và truyền thông với kinh tế, xã hội",
    4: "Hợp tác quốc tế về thông tin và truyền thông",
    5: "Tổng quan về công nghệ thông tin",
    6: "Luật, văn bản quy phạm pháp luật, chính sách và các tiêu chuẩn, quy chuẩn kỹ thuật "
    "về công nghệ thông tin",
    7: "Ứng dụng công nghệ thông tin",
    8: "Công nghiệp công nghệ thông tin",
    9: "Chuyển đổi số",
    10: "Đô thị thông minh",
    11: "Khái quát về cách mạng công nghiệp lần thứ tư",
    12: "Quản lý nhà nước về công nghệ thông tin",
    13: "Kỹ năng quản lý nhà nước về công nghệ thông tin",
}


@pytest.mark.skipif(not CURRICULUM.exists(), reason="curriculum.md lives outside the repository")
def test_expected_titles_are_those_of_curriculum_md():
    assert _titles_from_curriculum_md() == EXPECTED_TITLES


def test_seed_creates_the_real_programme(client):
    call_command("seed_curriculum")

    program = ProgramPage.objects.get()
    modules = ModulePage.objects.child_of(program).live().order_by("number")
    assert {m.number: m.title for m in modules} == EXPECTED_TITLES
    assert [m.number for m in modules if m.part == 1] == [1, 2, 3, 4]
    assert [m.number for m in modules if m.part == 2] == list(range(5, 14))
    assert all(m.objectives and m.summary for m in modules), "every module says what it is for"
    assert FieldStudyPage.objects.child_of(program).live().count() == 1
    assert FinalReportPage.objects.child_of(program).live().count() == 1

    syllabus = program.build_syllabus()
    assert syllabus.totals == Periods(theory=72, discussion=72, field=8, report=8)
    assert syllabus.totals.total == 160
    assert syllabus.mismatches == []

    page = client.get(program.url).text
    assert "160" in page
    assert "50 : 50" in page
    for title in EXPECTED_TITLES.values():
        assert title in page


def test_second_run_changes_nothing(capsys):
    call_command("seed_curriculum")
    before = (
        Page.objects.count(),
        Revision.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "title", "latest_revision_id")),
    )
    capsys.readouterr()

    call_command("seed_curriculum")

    after = (
        Page.objects.count(),
        Revision.objects.count(),
        list(Page.objects.order_by("pk").values_list("pk", "title", "latest_revision_id")),
    )
    assert after == before
    assert "nothing changed" in capsys.readouterr().out


def test_seed_keeps_what_the_school_edited():
    call_command("seed_curriculum")
    module = ModulePage.objects.get(number=3)
    module.theory_periods = 4
    module.save_revision().publish()

    call_command("seed_curriculum")

    module.refresh_from_db()
    assert module.theory_periods == 4
    assert ModulePage.objects.filter(number=3).count() == 1


def test_lessons_sit_under_their_modules():
    call_command("seed_curriculum")
    for lesson in LessonPage.objects.all():
        assert isinstance(lesson.get_parent().specific, ModulePage)
    assert LessonPage.objects.exists()
