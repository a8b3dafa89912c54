"""Site search: diacritics ignored, exact forms first, and nothing found that the person may not
read — module material only for the programme's members, threads only of their own cohorts."""

import pytest
from django.urls import reverse

from content.models import ModulePage
from courses.search import search, snippet
from courses.services import discussions as service
from tests import factories
from tests.content.conftest import make_program, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = make_program(3, with_extras=False)
    module = ModulePage.objects.child_of(program).get(number=1)
    module.title = "Chuyển đổi số"
    module.summary = "Chính quyền số, kinh tế số, xã hội số."
    module.body = [
        {"type": "paragraph", "value": "<p>Đô thị thông minh bắt đầu từ dữ liệu dùng chung.</p>"}
    ]
    module.save_revision().publish()
    second = ModulePage.objects.child_of(program).get(number=2)
    second.summary = "Các Sở đang triển khai dịch vụ công trực tuyến, dễ dàng."
    second.save_revision().publish()
    third = ModulePage.objects.child_of(program).get(number=3)
    third.summary = "Đăng tải văn bản lên cổng thông tin điện tử."
    third.save_revision().publish()
    return program


@pytest.fixture
def cohort(program):
    return factories.cohort(program)


@pytest.fixture
def member(cohort):
    return factories.enrollment(cohort, factories.UserFactory()).user


def titles(hits):
    return [hit.title for hit in hits]


def test_folded_words_find_the_vietnamese_text(member):
    assert titles(search(member, "chuyen doi so"))[0] == "Chuyển đổi số"
    assert titles(search(member, "do thi thong minh")) == ["Chuyển đổi số"]
    assert titles(search(member, "ĐÔ THỊ thông MINH")) == ["Chuyển đổi số"]


def test_dang_finds_dang_and_the_exact_form_ranks_first(member):
    hits = search(member, "Đăng")
    assert titles(hits)[:1] == ["Chuyên đề số 3"]  # "Đăng tải": the form as typed
    assert "Chuyên đề số 2" in titles(hits)  # "đang" and "dàng" fold to "dang" too
    assert hits[0].exact
    assert not hits[1].exact
    assert titles(search(member, "dang")) != []


def test_every_word_must_match(member):
    assert titles(search(member, "đô thị thông minh")) == ["Chuyển đổi số"]
    assert search(member, "đô thị xyz") == []
    assert search(member, "   ") == []


def test_a_visitor_finds_public_summaries_but_never_the_material(program, client):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    assert titles(search(visitor, "kinh te so")) == ["Chuyển đổi số"]  # the summary is public
    assert search(visitor, "du lieu dung chung") == []  # the body is material
    response = client.get(reverse("courses:search"), {"q": "du lieu dung chung"})
    assert response.status_code == 200
    assert "dữ liệu dùng chung" not in response.content.decode()
    assert "0 kết quả" in response.content.decode()


def test_a_member_finds_the_material_with_a_highlighted_snippet(member, client):
    client.force_login(member)
    response = client.get(reverse("courses:search"), {"q": "du lieu dung chung"})
    html = response.content.decode()
    assert "1 kết quả" in html
    assert "<mark>dữ liệu dùng chung</mark>" in html
    assert "Chương trình thử" in html  # where it lives


def test_threads_only_of_ones_own_cohorts(program, cohort, member):
    other_cohort = factories.cohort(program)
    stranger = factories.enrollment(other_cohort, factories.UserFactory()).user
    module = ModulePage.objects.child_of(program).get(number=1)
    service.start_thread(
        actor=stranger, cohort=other_cohort, module=module, kind="question",
        title="Hạ tầng dữ liệu tỉnh Lào Cai", body="Sở chúng tôi đang xây kho dữ liệu.",
    )  # fmt: skip
    mine = service.start_thread(
        actor=member, cohort=cohort, module=module, kind="case",
        title="Kho dữ liệu dùng chung của tỉnh", body="Tình huống: kho dữ liệu chưa liên thông.",
    )  # fmt: skip

    found = search(member, "kho du lieu")
    assert [hit.title for hit in found if hit.kind == "thread"] == [mine.title]
    assert found[0].url == reverse("courses:discussion_thread", args=[mine.pk])
    assert cohort.code in found[0].where
    assert [hit for hit in search(stranger, "kho du lieu") if hit.kind == "thread"][0].title == (
        "Hạ tầng dữ liệu tỉnh Lào Cai"
    )


def test_hidden_threads_and_replies_stay_hidden_from_classmates(cohort, member, program):
    classmate = factories.enrollment(cohort, factories.UserFactory()).user
    teacher = factories.enrollment(cohort, factories.instructor(), role="instructor").user
    module = ModulePage.objects.child_of(program).get(number=1)
    thread = service.start_thread(
        actor=member, cohort=cohort, module=module, kind="discussion",
        title="Thuê dịch vụ", body="Câu hỏi chung.",
    )  # fmt: skip
    reply = service.reply(actor=member, thread=thread, body="Bí quyết đấu thầu thuê dịch vụ.")
    service.set_post_hidden(actor=teacher, post=reply, hidden=True, reason="Lạc đề")

    assert search(classmate, "bi quyet dau thau") == []
    assert titles(search(member, "bi quyet dau thau")) == ["Thuê dịch vụ"]  # the author
    assert titles(search(teacher, "bi quyet dau thau")) == ["Thuê dịch vụ"]  # a moderator


def test_the_snippet_escapes_what_people_wrote():
    html = snippet('Sở <script>alert("x")</script> Đăng ký', "dang ky")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Đăng ký</mark>" in html


def test_the_header_box_is_on_every_page(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html
    assert 'name="q"' in html
    assert reverse("courses:search") in html


def test_the_number_of_queries_does_not_grow_with_threads_or_lessons(
    program, cohort, member, client, django_assert_num_queries
):
    from content.models import LessonPage

    client.force_login(member)
    module = ModulePage.objects.child_of(program).get(number=1)

    def add(count, start):
        for number in range(start, start + count):
            service.start_thread(
                actor=member, cohort=cohort, module=module, kind="discussion",
                title=f"Dữ liệu số {number}", body="Kho dữ liệu dùng chung.",
            )  # fmt: skip
            publish(
                module,
                LessonPage(
                    title=f"Bài {number}",
                    slug=f"bai-{number}",
                    summary="Dữ liệu",
                    body=[{"type": "paragraph", "value": "<p>Kho dữ liệu.</p>"}],
                ),
            )

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(reverse("courses:search"), {"q": "du lieu"})  # warm caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("courses:search"), {"q": "du lieu"})
        assert response.status_code == 200
        return len(captured)

    add(2, 1)
    small = queries()
    add(20, 100)
    assert queries() == small
