"""Discussion pages: who may read, post and moderate (per role and per cohort), what a person sees
of hidden posts, unread jumps, refusals on hostile forms, and fixed query counts."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.models import ModulePage
from courses.models import Board, Follow, Post, Thread, ThreadTag
from courses.services import discussions as service
from lms.sanitize import current_stamp
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program):
    """Two cohorts of one programme, with every kind of person around them."""
    a = factories.cohort(program, name="Lớp A")
    b = factories.cohort(program, name="Lớp B")
    people = {
        "member_a": factories.enrollment(a).user,
        "member_b": factories.enrollment(b).user,
        "applicant": factories.enrollment(a, status="applied").user,
        "instructor_a": factories.enrollment(a, factories.instructor(), role="instructor").user,
        "instructor_b": factories.enrollment(b, factories.instructor(), role="instructor").user,
        "staff": factories.school_staff(),
        "anonymous": None,
    }
    author = factories.enrollment(a).user
    thread = service.start_thread(
        actor=author, cohort=a, kind="question", title="Câu hỏi của lớp A", body="Nội dung A"
    )
    return {"a": a, "b": b, "thread": thread, "author": author, **people}


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- Permission matrix -----------------------------------------------------------------------

# role: (read board and thread, post, moderate) — "login" means sent to sign in, 404 = unknown.
MATRIX = {
    "member_a": (200, 302, 403),
    "member_b": (404, 404, 404),
    "applicant": (404, 404, 404),
    "instructor_a": (200, 302, 302),
    "instructor_b": (404, 404, 404),
    "staff": (200, 302, 302),
    "anonymous": ("login", "login", "login"),
}


def _status(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix(client, world, role):
    read, post, moderate = MATRIX[role]
    client = _as(client, world[role])
    a, thread = world["a"], world["thread"]
    module = ModulePage.objects.child_of(a.program).first()
    pages = [
        f"/lop/{a.code}/thao-luan/",
        f"/lop/{a.code}/thao-luan/chung/",
        f"/lop/{a.code}/thao-luan/chuyen-de/{module.pk}/",
        f"/lop/{a.code}/thao-luan/chung/moi/",
        f"/thao-luan/chu-de/{thread.pk}/?trang=1",
        f"/thao-luan/bai/{thread.last_post_id}/",
    ]
    for url in pages:
        expected = read if url != pages[-1] or read != 200 else 302  # a post link redirects
        assert _status(client.get(url)) == expected, url

    before = Post.objects.count()
    response = client.post(
        f"/thao-luan/chu-de/{thread.pk}/tra-loi/", {"body": "Ý kiến", "form_token": "t"}
    )
    assert _status(response) == post
    assert Post.objects.count() == before + (1 if post == 302 else 0)

    response = client.post(f"/thao-luan/chu-de/{thread.pk}/quan-ly/", {"action": "lock"})
    assert _status(response) == moderate
    thread.refresh_from_db()
    assert thread.locked == (moderate == 302)


def test_an_unknown_thread_looks_the_same_as_a_forbidden_one(client, world):
    client.force_login(world["member_b"])
    forbidden = client.get(f"/thao-luan/chu-de/{world['thread'].pk}/")
    missing = client.get("/thao-luan/chu-de/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert "Câu hỏi của lớp A" not in forbidden.text


# --- Posting through the pages ------------------------------------------------------------------


def test_new_thread_form_posts_a_case_and_lists_it(client, world):
    member, a = world["member_a"], world["a"]
    client.force_login(member)
    module = ModulePage.objects.child_of(a.program).get(number=9)
    url = f"/lop/{a.code}/thao-luan/chuyen-de/{module.pk}/moi/"
    form = client.get(url)
    token = re.search(r'name="form_token" value="([^"]+)"', form.text).group(1)
    data = {
        "kind": "case",
        "title": "Sở chia sẻ dữ liệu với Sở Tài nguyên",
        "body": "Chúng tôi cần <em>trục tích hợp</em>.",
        "tags": ["cntt"],
        "form_token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data)  # the same form, submitted twice
    thread = Thread.objects.get(title="Sở chia sẻ dữ liệu với Sở Tài nguyên")
    assert first["Location"] == second["Location"] == f"/thao-luan/chu-de/{thread.pk}/"
    assert Thread.objects.filter(board__module=module).count() == 1
    board = client.get(f"/lop/{a.code}/thao-luan/chuyen-de/{module.pk}/?loai=case&linh_vuc=cntt")
    assert "Sở chia sẻ dữ liệu với Sở Tài nguyên" in board.text
    assert "Tình huống của Sở" in board.text
    other_tag = client.get(f"/lop/{a.code}/thao-luan/chuyen-de/{module.pk}/?linh_vuc=buu-chinh")
    assert "Sở chia sẻ dữ liệu" not in other_tag.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Nội dung bài viết đang trống"),
        ({"body": "x" * 20_001}, "vượt mức tối đa 20.000 ký tự"),
        ({"title": "T" * 201}, "tối đa 200 ký tự"),
        ({"title": ""}, "Hãy đặt tiêu đề"),
    ],
)
def test_bad_thread_input_is_shown_on_the_form(client, world, data, message):
    client.force_login(world["member_a"])
    values = {"kind": "discussion", "title": "Tiêu đề", "body": "Nội dung", "form_token": "x"}
    response = client.post(f"/lop/{world['a'].code}/thao-luan/chung/moi/", values | data)
    assert response.status_code == 400
    assert message in response.text
    assert Thread.objects.count() == 1


def test_posting_to_a_module_of_another_programme_by_editing_the_address_is_404(client, world):
    from tests.content.conftest import make_program

    other_program = make_program(2)
    foreign = ModulePage.objects.child_of(other_program).first()
    client.force_login(world["member_a"])
    response = client.post(
        f"/lop/{world['a'].code}/thao-luan/chuyen-de/{foreign.pk}/moi/",
        {"kind": "case", "title": "Lạc", "body": "Lạc", "form_token": "y"},
    )
    assert response.status_code == 404
    assert Thread.objects.count() == 1


def test_replying_under_a_post_of_another_cohort_by_editing_the_parent_id_is_refused(client, world):
    elsewhere = service.start_thread(
        actor=world["member_b"], cohort=world["b"], kind="discussion", title="B", body="B"
    )
    client.force_login(world["member_a"])
    response = client.post(
        f"/thao-luan/chu-de/{world['thread'].pk}/tra-loi/",
        {"body": "Chen ngang", "parent": elsewhere.last_post_id, "form_token": "z"},
    )
    assert response.status_code == 400
    assert "không thuộc chủ đề này" in response.text
    assert not Post.objects.filter(body_raw="Chen ngang").exists()


def test_a_locked_thread_says_so_and_takes_no_reply(client, world):
    thread = world["thread"]
    service.set_thread_locked(actor=world["staff"], thread=thread, locked=True)
    client.force_login(world["member_a"])
    page = client.get(f"/thao-luan/chu-de/{thread.pk}/?trang=1")
    assert "Chủ đề đã khóa" in page.text
    assert 'id="form-tra-loi"' not in page.text
    response = client.post(
        f"/thao-luan/chu-de/{thread.pk}/tra-loi/", {"body": "Vẫn gửi", "form_token": "l"}
    )
    assert response.status_code == 400
    assert "đã bị khóa" in response.text


def test_posting_too_fast_is_refused_with_a_clear_message(client, world, settings):
    client.force_login(world["member_a"])
    url = f"/thao-luan/chu-de/{world['thread'].pk}/tra-loi/"
    statuses = [
        client.post(url, {"body": f"Bài {n}", "form_token": f"r{n}"}).status_code for n in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    last = client.post(url, {"body": "Bài nữa", "form_token": "r99"})
    assert "gửi bài quá nhanh" in last.text


def test_script_in_a_post_is_printed_inert(client, world):
    client.force_login(world["member_a"])
    client.post(
        f"/thao-luan/chu-de/{world['thread'].pk}/tra-loi/",
        {
            "body": "<img src=x onerror=alert(1)><a href='javascript:alert(2)'>bấm</a>",
            "form_token": "s",
        },
    )
    page = client.get(f"/thao-luan/chu-de/{world['thread'].pk}/?trang=1")
    assert "onerror" not in page.text
    assert "javascript:alert(2)" not in page.text
    assert "bấm" in page.text


# --- What people see ----------------------------------------------------------------------------


def test_hidden_posts_show_a_placeholder_to_others_and_the_reason_to_the_author(client, world):
    thread, author = world["thread"], world["author"]
    post = service.reply(actor=world["member_a"], thread=thread, body="Nội dung bị ẩn")
    service.set_post_hidden(actor=world["instructor_a"], post=post, hidden=True, reason="Lạc đề")
    client.force_login(author)
    other_view = client.get(f"/thao-luan/chu-de/{thread.pk}/?trang=1").text
    assert "Bài viết đã bị ẩn" in other_view
    assert "Nội dung bị ẩn" not in other_view
    client.force_login(world["member_a"])
    own_view = client.get(f"/thao-luan/chu-de/{thread.pk}/?trang=1").text
    assert "Nội dung bị ẩn" in own_view
    assert "Lạc đề" in own_view
    service.set_thread_hidden(actor=world["staff"], thread=thread, hidden=True, reason="Trùng")
    client.force_login(world["member_a"])
    hidden = client.get(f"/thao-luan/chu-de/{thread.pk}/")
    assert "Bài viết đã bị ẩn" in hidden.text
    assert "Nội dung A" not in hidden.text
    assert "Câu hỏi của lớp A" not in client.get(f"/lop/{world['a'].code}/thao-luan/chung/").text


def test_an_edited_post_links_its_history_for_the_author_and_moderators_only(client, world):
    thread, author = world["thread"], world["author"]
    opening = thread.posts.get()
    service.edit_post(actor=author, post=opening, body="Nội dung A, sửa lại")
    history = f"/thao-luan/bai/{opening.pk}/lich-su/"
    for user, sees in ((author, True), (world["instructor_a"], True), (world["member_a"], False)):
        client.force_login(user)
        page = client.get(f"/thao-luan/chu-de/{thread.pk}/?trang=1").text
        assert "đã sửa" in page
        assert (history in page) is sees
        assert client.get(history).status_code == (200 if sees else 403)
    client.force_login(author)
    assert "Nội dung A" in client.get(history).text


def test_opening_a_thread_jumps_to_the_first_unread_post_and_marks_it_read(client, world):
    thread, reader = world["thread"], world["author"]
    replies = [
        service.reply(actor=world["member_a"], thread=thread, body=f"Trả lời {n}") for n in range(3)
    ]
    client.force_login(reader)
    board = client.get(f"/lop/{world['a'].code}/thao-luan/chung/").text
    assert "Có bài mới" in board
    jump = client.get(f"/thao-luan/chu-de/{thread.pk}/")
    assert jump.status_code == 302
    assert jump["Location"].endswith(f"?trang=1#bai-{replies[0].pk}")
    client.get(jump["Location"])
    assert client.get(f"/thao-luan/chu-de/{thread.pk}/").status_code == 200, "all read"
    assert "Có bài mới" not in client.get(f"/lop/{world['a'].code}/thao-luan/chung/").text


def test_answer_marking_through_the_page(client, world):
    thread = world["thread"]
    answer = service.reply(actor=world["instructor_a"], thread=thread, body="Câu trả lời")
    client.force_login(world["member_a"])
    denied = client.post(f"/thao-luan/chu-de/{thread.pk}/cau-tra-loi/", {"post": answer.pk})
    assert denied.status_code == 403
    client.force_login(world["author"])
    client.post(f"/thao-luan/chu-de/{thread.pk}/cau-tra-loi/", {"post": answer.pk})
    thread.refresh_from_db()
    assert thread.answer == answer
    page = client.get(f"/thao-luan/chu-de/{thread.pk}/?trang=1").text
    assert "Câu trả lời được chọn" in page


def test_unanswered_questions_for_instructors_of_their_cohorts_and_staff(client, world):
    client.force_login(world["instructor_a"])
    assert "Câu hỏi của lớp A" in client.get("/thao-luan/cau-hoi-chua-tra-loi/").text
    client.force_login(world["instructor_b"])
    assert "Câu hỏi của lớp A" not in client.get("/thao-luan/cau-hoi-chua-tra-loi/").text
    client.force_login(world["staff"])
    assert "Câu hỏi của lớp A" in client.get("/thao-luan/cau-hoi-chua-tra-loi/").text
    client.force_login(world["member_a"])
    assert client.get("/thao-luan/cau-hoi-chua-tra-loi/").status_code == 403


def test_reports_reach_the_moderation_page(client, world):
    post = service.reply(actor=world["member_a"], thread=world["thread"], body="Khiếm nhã")
    client.force_login(world["author"])
    client.post(f"/thao-luan/bai/{post.pk}/bao-cao/", {"reason": "Lời lẽ không phù hợp"})
    client.force_login(world["instructor_a"])
    page = client.get(f"/lop/{world['a'].code}/thao-luan/kiem-duyet/").text
    assert "Lời lẽ không phù hợp" in page
    client.force_login(world["member_a"])
    assert client.get(f"/lop/{world['a'].code}/thao-luan/kiem-duyet/").status_code == 403


def test_search_page_ignores_diacritics(client, world):
    service.start_thread(
        actor=world["member_a"], cohort=world["a"], kind="case",
        title="Chuyển đổi số ở Sở", body="Kinh nghiệm",
    )  # fmt: skip
    client.force_login(world["member_a"])
    page = client.get(f"/lop/{world['a'].code}/thao-luan/?q=chuyen+doi+so").text
    assert "Chuyển đổi số ở Sở" in page
    assert "1 chủ đề phù hợp" in page


# --- Following -----------------------------------------------------------------------------------


def test_the_unfollow_link_works_without_signing_in_and_a_get_changes_nothing(
    client, world, django_capture_on_commit_callbacks
):
    from courses.services.notifications import set_preference

    thread, author = world["thread"], world["author"]
    set_preference(author, "reply", "immediate")  # replies go to the digest by default
    with django_capture_on_commit_callbacks(execute=True):
        service.reply(actor=world["member_a"], thread=thread, body="Trả lời mới")
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/thao-luan/bo-theo-doi/[^\s]+/)", message.body).group(1)
    assert client.get(link).status_code == 200
    assert Follow.objects.filter(user=author, thread=thread).exists(), "a GET never unfollows"
    done = client.post(link)
    assert "Đã bỏ theo dõi" in done.text
    assert not Follow.objects.filter(user=author, thread=thread).exists()
    assert client.post(link).status_code == 200, "twice is harmless"
    assert client.get("/thao-luan/bo-theo-doi/gia-mao/").status_code == 404


def test_my_courses_lists_followed_threads_with_new_replies(client, world):
    client.force_login(world["author"])
    assert "Trả lời mới trong chủ đề bạn theo dõi" not in client.get("/hoc-tap/").text
    service.reply(actor=world["member_a"], thread=world["thread"], body="Mới")
    page = client.get("/hoc-tap/").text
    assert "Trả lời mới trong chủ đề bạn theo dõi" in page
    assert "Câu hỏi của lớp A" in page


def test_follow_and_unfollow_buttons(client, world):
    client.force_login(world["member_a"])
    url = f"/thao-luan/chu-de/{world['thread'].pk}/theo-doi/"
    client.post(url, {"action": "follow"})
    assert Follow.objects.filter(user=world["member_a"]).exists()
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.filter(user=world["member_a"]).exists()


# --- The module page -----------------------------------------------------------------------------


def test_the_module_page_shows_its_board_and_the_case_button_quotes_the_prompt(client, world):
    a = world["a"]
    module = ModulePage.objects.child_of(a.program).get(number=1)
    module.body = [
        {"type": "case_question", "value": {
            "prompt": "<p>Sở của anh/chị <b>chia sẻ dữ liệu</b> thế nào?</p>",
            "tags": ["cntt"], "button_label": "Đăng tình huống của Sở",
        }},
    ]  # fmt: skip
    module.save_revision().publish()
    service.start_thread(
        actor=world["member_a"], cohort=a, module=module, kind="case",
        title="Tình huống Tuyên Quang", body="Nội dung",
    )  # fmt: skip
    client.force_login(world["member_a"])
    page = client.get(module.url).text
    assert "Tình huống Tuyên Quang" in page
    assert f"/lop/{a.code}/thao-luan/chuyen-de/{module.pk}/" in page
    button = re.search(r'href="(/lop/[^"]+/moi/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "loai=case" in button
    assert "linh-vuc=cntt" in button
    form = client.get(button).text
    assert "&lt;blockquote&gt;Sở của anh/chị chia sẻ dữ liệu thế nào?&lt;/blockquote&gt;" in form
    assert 'value="case" checked' in form or 'value="case"\n' in form or "checked" in form


# --- Query counts --------------------------------------------------------------------------------


def _thread_with(replies: int, cohort, author) -> Thread:
    thread = service.start_thread(
        actor=author, cohort=cohort, kind="discussion", title=f"Dài {replies}", body="Mở đầu"
    )
    now = timezone.now()
    stamp = current_stamp()
    level_one = Post.objects.bulk_create(
        Post(thread=thread, author=author, body_raw="r", body_html="<p>r</p>",
             sanitizer_stamp=stamp, created_at=now)
        for _ in range(replies // 2)
    )  # fmt: skip
    Post.objects.bulk_create(
        Post(thread=thread, author=author, parent=level_one[n % len(level_one)], body_raw="c",
             body_html="<p>c</p>", sanitizer_stamp=stamp, created_at=now)
        for n in range(replies - len(level_one))
    )  # fmt: skip
    last = Post.objects.filter(thread=thread).order_by("-pk").first()
    Thread.objects.filter(pk=thread.pk).update(reply_count=replies, last_post_id=last.pk)
    return thread


def _queries(client, url) -> int:
    client.get(url)  # warm: session, read marker
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_thread_page_queries_do_not_grow_with_posts(client, world):
    a, member = world["a"], world["member_a"]
    small, large = _thread_with(5, a, member), _thread_with(500, a, member)
    client.force_login(world["instructor_a"])
    assert _queries(client, f"/thao-luan/chu-de/{small.pk}/?trang=1") == _queries(
        client, f"/thao-luan/chu-de/{large.pk}/?trang=1"
    )
    page = client.get(f"/thao-luan/chu-de/{large.pk}/?trang=10").text
    assert "Trang 10/11" in page


def _board_with(threads: int, cohort, author):
    board = Board.objects.create(cohort=cohort, module=ModulePage.objects.child_of(
        cohort.program).get(number=threads % 13 + 1))  # fmt: skip
    made = Thread.objects.bulk_create(
        Thread(board=board, kind=("discussion", "case", "question")[n % 3], title=f"Chủ đề {n}",
               author=author)
        for n in range(threads)
    )  # fmt: skip
    ThreadTag.objects.bulk_create(
        ThreadTag(thread=thread, tag=tag) for thread in made for tag in ("cntt", "vien-thong")
    )
    return board


def test_board_page_queries_do_not_grow_with_threads(client, world):
    a, member = world["a"], world["member_a"]
    small, large = _board_with(5, a, member), _board_with(120, a, member)
    client.force_login(member)
    url = f"/lop/{a.code}/thao-luan/chuyen-de/" + "{}/"
    assert _queries(client, url.format(small.module_id)) == _queries(
        client, url.format(large.module_id)
    )
    page = client.get(url.format(large.module_id) + "?trang=3").text
    assert "Trang 3/3" in page
