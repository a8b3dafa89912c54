"""The printable, low-bandwidth module: one page with every lesson, no images unless asked for,
and a PDF; only for those who may read the material."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from content.models import LessonPage, ModulePage
from tests import factories
from tests.content.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(program):
    module = ModulePage.objects.child_of(program).get(number=1)
    image = Image.objects.create(title="Sơ đồ kiến trúc", file=get_test_image_file())
    module.body = [
        {"type": "paragraph", "value": "<p>Khung kiến trúc Chính phủ số</p>"},
        {"type": "image", "value": {"image": image.pk, "caption": "Sơ đồ tổng thể"}},
        {
            "type": "video",
            "value": {"url": "https://www.youtube.com/watch?v=abc", "title": "Bài giảng mở đầu"},
        },
    ]
    module.save_revision().publish()
    for number, text in ((1, "Đô thị thông minh"), (2, "Dữ liệu mở")):
        publish(
            module,
            LessonPage(
                title=f"Bài học {number}",
                slug=f"bai-{number}",
                body=[{"type": "paragraph", "value": f"<p>{text}</p>"}],
            ),
        )
    return module


@pytest.fixture
def member(cohort):
    return factories.enrollment(cohort).user


def test_the_light_page_gathers_the_module_and_all_its_lessons_without_images(
    client, module, member
):
    client.force_login(member)
    response = client.get(reverse("courses:module_print", args=[module.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Khung kiến trúc Chính phủ số", "Bài 1. Bài học 1", "Đô thị thông minh",
                 "Bài 2. Bài học 2", "Dữ liệu mở"):  # fmt: skip
        assert text in page
    assert page.index("Đô thị thông minh") < page.index("Dữ liệu mở")
    assert "<img" not in page.split('id="main"', 1)[-1]
    assert "[Hình ảnh: Sơ đồ tổng thể]" in page
    assert "<iframe" not in page
    assert "https://www.youtube.com/watch?v=abc" in page
    assert reverse("courses:module_pdf", args=[module.pk]) in page


def test_images_come_only_when_asked_for(client, module, member):
    client.force_login(member)
    page = client.get(reverse("courses:module_print", args=[module.pk]) + "?anh=1")
    assert "<img" in page.content.decode()
    assert "Sơ đồ tổng thể</figcaption>" in page.content.decode()


def test_the_pdf_holds_the_material_as_text(client, module, member):
    cache.clear()
    client.force_login(member)
    response = client.get(reverse("courses:module_pdf", args=[module.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("private")
    reader = PdfReader(__import__("io").BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Chuyên đề số 1" in text
    assert "Đô thị thông minh" in text
    assert "Dữ liệu mở" in text
    assert "[Hình ảnh: Sơ đồ tổng thể]" in text
    assert len(reader.pages) >= 3  # each lesson starts a page


def test_a_new_publication_is_never_served_from_an_old_pdf(client, module, member):
    cache.clear()
    client.force_login(member)
    url = reverse("courses:module_pdf", args=[module.pk])
    client.get(url)
    lesson = LessonPage.objects.child_of(module).get(slug="bai-2")
    lesson.body = [{"type": "paragraph", "value": "<p>Bản sửa về dữ liệu mở</p>"}]
    lesson.save_revision().publish()
    reader = PdfReader(__import__("io").BytesIO(client.get(url).content))
    assert "Bản sửa về dữ liệu mở" in "".join(p.extract_text() for p in reader.pages)


def test_people_outside_the_programme_get_the_locked_page_not_the_material(client, module):
    outsider = factories.UserFactory()
    client.force_login(outsider)
    for name in ("courses:module_print", "courses:module_pdf"):
        response = client.get(reverse(name, args=[module.pk]))
        assert response.status_code == 403
        assert "Đô thị thông minh" not in response.content.decode()


def test_visitors_are_sent_to_sign_in(client, module):
    response = client.get(reverse("courses:module_print", args=[module.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unpublished_module_is_not_found(client, module, member):
    module.unpublish()
    client.force_login(member)
    assert client.get(reverse("courses:module_print", args=[module.pk])).status_code == 404


def test_pdfs_are_limited_per_person(client, module, member, settings):
    settings.LMS_MODULE_PDF_RATE = "2/h"
    cache.clear()
    client.force_login(member)
    url = reverse("courses:module_pdf", args=[module.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert "Quá nhiều lần thử" in refused.content.decode()


def test_the_light_page_reads_a_fixed_number_of_queries(
    client, module, member, django_assert_max_num_queries
):
    client.force_login(member)
    url = reverse("courses:module_print", args=[module.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for number in range(3, 12):
        publish(module, LessonPage(title=f"Bài học {number}", slug=f"bai-{number}", body=[]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_module_page_offers_the_light_version_to_members_only(client, module, member):
    light = reverse("courses:module_print", args=[module.pk])
    assert light not in client.get(module.url).content.decode()
    client.force_login(member)
    page = client.get(module.url).content.decode()
    assert light in page
    assert reverse("courses:module_pdf", args=[module.pk]) in page
