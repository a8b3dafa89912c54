"""Who may do what in the Wagtail admin: instructors edit and submit, school staff publish."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content.models import FieldStudyPage, HomePage, LessonPage, ModulePage, ProgramPage

pytestmark = pytest.mark.django_db


def module_form(module: ModulePage, **changes) -> dict:
    values = {
        "title": module.title,
        "slug": module.slug,
        "number": module.number,
        "part": module.part,
        "summary": module.summary,
        "objectives": rich_text("<p>Nắm được khung pháp lý</p>"),
        "theory_periods": module.theory_periods,
        "discussion_periods": module.discussion_periods,
        "instructors": [user.pk for user in module.instructors.all()],
        "body": streamfield([("paragraph", rich_text("<p>Nội dung mới của chuyên đề</p>"))]),
        "comments": inline_formset([]),
    }
    values.update(changes)
    return nested_form_data(values)


def edit(client, module, action: str, **changes):
    data = module_form(module, **changes)
    if action:
        data[action] = "1"
    return client.post(reverse("wagtailadmin_pages:edit", args=[module.pk]), data)


def test_instructor_edits_and_submits_but_cannot_publish(client, module, instructor, vi):
    client.force_login(instructor)

    editor = client.get(reverse("wagtailadmin_pages:edit", args=[module.pk]))
    assert editor.status_code == 200
    assert "Gửi để Nhà trường duyệt" in editor.text
    assert 'name="action-publish"' not in editor.text

    response = edit(client, module, "action-publish", theory_periods=7)
    module.refresh_from_db()
    assert module.theory_periods == 6, "the live page is unchanged"
    assert module.get_latest_revision().as_object().theory_periods == 7, "a draft is kept"
    assert response.status_code in (302, 403)

    edit(client, module, "action-submit", theory_periods=7)
    state = WorkflowState.objects.get(object_id=str(module.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == instructor
    module.refresh_from_db()
    assert module.theory_periods == 6, "submitting does not publish"


def test_school_staff_approve_what_an_instructor_submitted(
    client, module, instructor, school_staff
):
    client.force_login(instructor)
    edit(client, module, "action-submit", theory_periods=7)
    state = WorkflowState.objects.get(object_id=str(module.pk))
    task_state = state.current_task_state
    assert any(school_staff.email in message.to for message in mail.outbox), (
        "school staff are told by e-mail that a page waits for them"
    )

    client.force_login(school_staff)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert module.title in dashboard.text, "the submission waits on the staff dashboard"
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[module.pk, "approve", task_state.pk],
        ),
        {"comment": "Đồng ý"},
    )
    assert response.status_code in (200, 302)
    module.refresh_from_db()
    assert module.theory_periods == 7
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_school_staff_reject_with_a_comment(client, module, instructor, school_staff):
    client.force_login(instructor)
    edit(client, module, "action-submit", theory_periods=7)
    state = WorkflowState.objects.get(object_id=str(module.pk))

    client.force_login(school_staff)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[module.pk, "reject", state.current_task_state.pk],
        ),
        {"comment": "Thiếu tài liệu tham khảo"},
    )
    module.refresh_from_db()
    assert module.theory_periods == 6
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Thiếu tài liệu tham khảo"


def test_school_staff_publish_directly(client, module, school_staff):
    client.force_login(school_staff)
    response = edit(client, module, "action-publish", theory_periods=4)
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.theory_periods == 4


def test_publishing_a_mismatch_warns_with_category_and_amount(client, module, school_staff):
    client.force_login(school_staff)
    response = edit(client, module, "action-publish", theory_periods=4)
    page = client.get(response["Location"])
    assert "chưa khớp số tiết mục tiêu" in page.text
    assert "Lý thuyết: 70 tiết, mục tiêu 72 (thiếu 2 tiết)" in page.text


def test_admin_syllabus_panel_shows_the_mismatch(client, program, module, school_staff):
    module.theory_periods = 9
    module.save_revision().publish()
    client.force_login(school_staff)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[program.pk]))
    assert "Lý thuyết: 75 tiết, mục tiêu 72 (thừa 3 tiết)" in editor.text


def test_instructor_cannot_touch_the_home_page(client, program, instructor):
    client.force_login(instructor)
    home = HomePage.objects.get()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert response.status_code in (302, 403)
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk]))
    assert response.status_code in (302, 403)


def test_participant_has_no_admin(client, participant):
    client.force_login(participant)
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    assert response.status_code == 403
    assert "không có quyền vào trang quản trị" in response.text


@pytest.mark.parametrize(
    ("parent_type", "child", "allowed"),
    [
        (ProgramPage, ModulePage, True),
        (HomePage, ModulePage, False),
        (Page, ModulePage, False),
        (ModulePage, ModulePage, False),
        (ModulePage, LessonPage, True),
        (ProgramPage, LessonPage, False),
        (HomePage, ProgramPage, True),
        (ModulePage, FieldStudyPage, False),
    ],
)
def test_page_type_rules(parent_type, child, allowed):
    assert child.can_create_at(parent_type()) is allowed


def test_a_second_field_study_page_is_refused(program):
    assert not FieldStudyPage.can_create_at(program)
