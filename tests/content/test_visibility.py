"""Module summaries are public; material, lessons and private documents are for members."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex

from content.access import HOOK_NAME
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_sees_the_module_summary_but_not_its_material(client, module):
    response = client.get(module.url)
    assert response.status_code == 200
    assert module.title in response.text
    assert "Tóm tắt chuyên đề 1" in response.text
    assert "Lý thuyết" in response.text
    assert "Nội dung bí mật 1" not in response.text
    assert "Đăng nhập để học chuyên đề này" in response.text


def test_signed_in_member_reads_the_material(client, program, module, participant):
    factories.enrollment(factories.cohort(program), participant)
    client.force_login(participant)
    response = client.get(module.url)
    assert "Nội dung bí mật 1" in response.text
    assert "Đăng nhập để học" not in response.text


def test_lesson_is_refused_to_anonymous_with_a_way_in(client, lesson):
    response = client.get(lesson.url)
    assert response.status_code == 403
    assert "Bài học chỉ cho học viên" not in response.text
    assert "Đăng nhập" in response.text


def test_non_member_is_refused_material_when_the_membership_rule_says_so(
    client, module, lesson, participant, settings
):
    from wagtail import hooks

    client.force_login(participant)
    with hooks.register_temporarily(HOOK_NAME, lambda user, program: False):
        module_page = client.get(module.url)
        lesson_page = client.get(lesson.url)
    assert module_page.status_code == 200
    assert "Nội dung bí mật 1" not in module_page.text
    assert "chưa thuộc lớp nào" in module_page.text
    assert lesson_page.status_code == 403
    assert "Bài học chỉ cho học viên" not in lesson_page.text


def test_instructors_and_staff_always_see_material(client, module, instructor):
    from wagtail import hooks

    client.force_login(instructor)
    with hooks.register_temporarily(HOOK_NAME, lambda user, program: False):
        assert "Nội dung bí mật 1" in client.get(module.url).text


@pytest.fixture
def private_document(module):
    Document = get_document_model()
    document = Document(title="Slide chuyên đề 1")
    document.file.save("slide.pdf", ContentFile(b"%PDF-1.4 slide"), save=False)
    document.save()
    module.body = [
        *module.body.raw_data,
        {"type": "document", "value": {"document": document.pk, "kind": "slides", "title": ""}},
    ]
    module.save_revision().publish()
    ReferenceIndex.create_or_update_for_object(module)
    return document


def test_private_document_is_not_in_the_public_media_space(private_document, settings):
    assert not private_document.file.path.startswith(str(settings.MEDIA_ROOT))
    assert private_document.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert private_document.url.startswith("/documents/")


def test_private_document_is_served_only_to_those_who_may_study(
    client, program, private_document, participant
):
    anonymous = client.get(private_document.url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/accounts/login/")

    client.force_login(participant)
    refused = client.get(private_document.url)
    assert refused.status_code == 403, "signed in, but not a member of a cohort of the programme"
    assert b"%PDF" not in refused.content

    factories.enrollment(factories.cohort(program), participant)
    allowed = client.get(private_document.url)
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == b"%PDF-1.4 slide"


def test_unused_document_is_for_editors_only(client, participant, instructor):
    Document = get_document_model()
    document = Document(title="Bản nháp")
    document.file.save("nhap.pdf", ContentFile(b"%PDF-1.4 nhap"), save=False)
    document.save()
    client.force_login(participant)
    assert client.get(document.url).status_code == 403
    client.force_login(instructor)
    assert client.get(document.url).status_code == 200
