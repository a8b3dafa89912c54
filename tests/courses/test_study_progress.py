"""Self-paced study: marking a module or lesson as studied (and undoing it), the reader's own
progress on the programme page, and the per-module counts only instructors and school staff
see on the cohort page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import FieldStudyPage
from courses import progress_selectors
from courses.exceptions import DomainError
from courses.models import ModuleVisit, StudyMark
from courses.services import progress as service
from tests import factories
from tests.courses.attendance_helpers import teacher
from tests.courses.dashboard_helpers import bulk_participants
from tests.courses.progress_helpers import lessons, module_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    """Five modules are enough here (and keep the file fast)."""
    from tests.content.conftest import make_program

    return make_program(5)


@pytest.fixture
def member(cohort, participant):
    factories.enrollment(cohort, participant)
    return participant


def mark_url(page) -> str:
    return reverse("courses:study_mark", args=[page.pk])


def unmark_url(page) -> str:
    return reverse("courses:study_unmark", args=[page.pk])


# --- Marking and unmarking ---------------------------------------------------------------------


def test_a_member_marks_a_lesson_as_studied_and_undoes_it(client, program, member):
    module = module_of(program)
    lesson = lessons(module, 2)[0]
    client.force_login(member)

    page = client.get(lesson.url).text
    assert "Đánh dấu đã học" in page
    assert "Bỏ đánh dấu đã học" not in page

    response = client.post(mark_url(lesson), {"next": lesson.url}, follow=True)
    assert response.redirect_chain[-1][0] == lesson.url
    mark = StudyMark.objects.get(user=member)
    assert (mark.page_id, mark.module_id) == (lesson.pk, module.pk)
    assert "là đã học" in response.text  # the message
    assert "Bỏ đánh dấu đã học" in response.text

    client.post(mark_url(lesson), {"next": lesson.url})  # twice: still one mark
    assert StudyMark.objects.filter(user=member).count() == 1

    response = client.post(unmark_url(lesson), {"next": lesson.url}, follow=True)
    assert not StudyMark.objects.filter(user=member).exists()
    assert "Đã bỏ đánh dấu đã học" in response.text
    assert "Đánh dấu đã học" in response.text
    client.post(unmark_url(lesson))  # undoing what is not marked is no error
    assert not StudyMark.objects.exists()


def test_a_member_marks_the_module_page_itself(client, program, member):
    module = module_of(program, 2)
    client.force_login(member)
    assert "Đánh dấu đã học" in client.get(module.url).text
    client.post(mark_url(module))
    assert StudyMark.objects.filter(user=member, page_id=module.pk, module=module).exists()
    assert "Bạn đã đánh dấu chuyên đề này là đã học." in client.get(module.url).text


def test_someone_outside_the_programme_is_refused_with_a_message(client, program, cohort):
    module = module_of(program)
    lesson = lessons(module, 1)[0]
    outsider = factories.UserFactory()
    applicant = factories.UserFactory()
    factories.enrollment(cohort, applicant, status="applied")
    for person in (outsider, applicant):
        client.force_login(person)
        response = client.post(mark_url(module), follow=True)
        assert "Chỉ học viên của một lớp thuộc chương trình này" in response.text
        assert "Đánh dấu đã học</button>" not in client.get(module.url).text
    assert not StudyMark.objects.exists()
    with pytest.raises(DomainError):
        service.mark_studied(outsider, lesson)


def test_only_modules_and_lessons_can_be_marked(client, program, member):
    field = FieldStudyPage.objects.child_of(program).get()
    client.force_login(member)
    response = client.post(mark_url(field), follow=True)
    assert "Chỉ đánh dấu đã học được cho chuyên đề hoặc bài học." in response.text
    assert not StudyMark.objects.exists()


def test_marking_is_a_csrf_protected_post_for_signed_in_people(client, program, member):
    module = module_of(program)
    anonymous = client.post(mark_url(module))
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(mark_url(module)).status_code == 405
    assert client.post(mark_url(module)).status_code == 403  # no CSRF token
    assert client.post(unmark_url(module)).status_code == 403
    assert not StudyMark.objects.exists()


def test_next_is_followed_only_when_it_stays_on_the_site(client, program, member):
    module = module_of(program)
    client.force_login(member)
    response = client.post(mark_url(module), {"next": "https://ke-gian.example/"})
    assert response["Location"] == module.url
    response = client.post(unmark_url(module) + "?next=/hoc-tap/")
    assert response["Location"] == "/hoc-tap/"


# --- Visits ------------------------------------------------------------------------------------


def test_opening_a_module_or_lesson_records_the_visit_once_per_module(client, program, member):
    module = module_of(program)
    lesson = lessons(module, 1)[0]
    client.get(module.url)
    assert not ModuleVisit.objects.exists(), "anonymous readers leave no trace"
    client.force_login(member)
    client.get(module.url)
    first = ModuleVisit.objects.get(user=member, module=module).visited_at
    client.get(lesson.url)
    visits = ModuleVisit.objects.filter(user=member)
    assert visits.count() == 1
    assert visits.get().visited_at > first


# --- Progress on the programme page ------------------------------------------------------------


def test_the_programme_page_shows_the_readers_progress_per_module(client, program, member):
    module = module_of(program)
    made = lessons(module, 5)
    for lesson in made[:3]:
        service.mark_studied(member, lesson)
    other = module_of(program, 3)
    service.mark_studied(member, other)

    client.force_login(member)
    page = client.get(program.url).text
    assert "Đã học 3/5 bài" in page
    assert "Đã học xong chuyên đề" in page  # module 3, marked as a whole
    client.logout()
    public = client.get(program.url).text
    assert "Đã học 3/5 bài" not in public
    assert "Đã học xong" not in public


def test_a_module_counts_as_studied_when_marked_or_when_every_lesson_is(program, member):
    first, second = module_of(program, 1), module_of(program, 2)
    a, b = lessons(first, 2)
    lessons(second, 3)
    service.mark_studied(member, a)
    progress = progress_selectors.program_progress(member, program)
    assert (progress[first.pk].lessons_studied, progress[first.pk].complete) == (1, False)
    assert progress[first.pk].percent == 50
    service.mark_studied(member, b)
    service.mark_studied(member, second)
    progress = progress_selectors.program_progress(member, program)
    assert progress[first.pk].complete
    assert progress[first.pk].text == "Đã học 2/2 bài"
    assert progress[second.pk].complete
    assert progress[second.pk].percent == 100
    b.unpublish()
    progress = progress_selectors.program_progress(member, program)
    assert progress[first.pk].text == "Đã học 1/1 bài", "unpublished lessons do not count"


def _program_page_queries(client, program) -> int:
    client.get(program.url)  # warm Wagtail's site-root cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(program.url).status_code == 200
    return len(queries)


def test_the_public_programme_page_costs_no_more_queries_and_the_signed_in_one_is_fixed(
    client, program, member
):
    from tests.content.conftest import make_program

    anonymous = _program_page_queries(client, program)
    client.force_login(member)
    signed_in = _program_page_queries(client, program)

    # Much more content: anonymous and signed-in readers pay the same as before.
    for number in range(1, 6):
        lessons(module_of(program, number), 4)
        service.mark_studied(member, module_of(program, number))
    client.logout()
    assert _program_page_queries(client, program) == anonymous
    client.force_login(member)
    assert _program_page_queries(client, program) == signed_in

    # And the same as a programme page without this feature's progress: the progress hook is
    # never asked for anonymous readers.
    small = make_program(2)
    client.logout()
    assert _program_page_queries(client, small) == anonymous


# --- The cohort page: per-module counts for instructors and school staff ----------------------


def test_instructors_and_staff_see_how_many_studied_each_module(client, program, cohort, member):
    module = module_of(program)
    a, b = lessons(module, 2)
    classmate = factories.enrollment(cohort).user
    service.mark_studied(member, a)
    service.mark_studied(member, b)
    service.mark_studied(classmate, a)
    instructor = teacher(cohort)

    client.force_login(instructor)
    page = client.get(reverse("courses:cohort", args=[cohort.code])).text
    assert "Tự học theo chuyên đề" in page
    row = page[page.index(f'data-module="{module.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "1/2" in row  # studied the whole module: 1 of 2 participants
    assert "2/2" in row  # started it: both

    client.force_login(factories.school_staff())
    assert "Tự học theo chuyên đề" in client.get(f"/lop/{cohort.code}/").text

    client.force_login(member)
    assert "Tự học theo chuyên đề" not in client.get(f"/lop/{cohort.code}/").text


def _prepare_cohort_page(client, program, participants: int) -> str:
    """A cohort of this size whose participants each marked two of module 1's three lessons,
    its instructor signed in, the page visited once (Wagtail's caches); returns its URL."""
    cohort = factories.cohort(program, code=f"GDS-P{participants}")
    enrollments = bulk_participants(cohort, participants)
    module = module_of(program)
    lesson_pages = list(module.get_children().specific()) or lessons(module, 3)
    StudyMark.objects.bulk_create(
        [
            StudyMark(user_id=e.user_id, page_id=page.pk, module=module)
            for e in enrollments
            for page in lesson_pages[:2]
        ]
    )
    client.force_login(teacher(cohort))
    url = f"/lop/{cohort.code}/"
    client.get(url)
    return url


def test_the_cohort_study_table_costs_the_same_queries_for_10_or_200_participants(
    client, program, django_assert_num_queries
):
    url = _prepare_cohort_page(client, program, 10)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).text
    small = len(queries)  # read now: the context reads the query log lazily
    assert "0/10" in page  # nobody finished module 1
    assert "10/10" in page  # everybody started it

    url = _prepare_cohort_page(client, program, 200)
    assert small > 5
    with django_assert_num_queries(small):
        page = client.get(url).text
    assert "200/200" in page


# --- The programme's composition chart -----------------------------------------------------------


def test_the_programme_page_draws_its_periods_per_category(client, program):
    page = client.get(program.url).text
    chart = page[page.index('<figure class="chart">') : page.index("</figure>")]
    assert "Cơ cấu chương trình: số tiết theo loại" in chart
    assert '<svg class="chart__svg"' in chart
    for label, text in (
        ("Lý thuyết", "45 % · 72 tiết"),
        ("Thảo luận, thực hành", "45 % · 72 tiết"),
        ("Nghiên cứu thực tế", "5 % · 8 tiết"),
        ("Viết báo cáo thu hoạch", "5 % · 8 tiết"),
    ):
        assert f'<th scope="row">{label}</th><td>{text}</td>' in chart
    assert "Tổng cộng 160 tiết." in chart
