"""Discussions: posting, the two levels, revisions, moderation, follows, read state, search, and
the refusals a person reads."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from content.blocks import FIELD_TAGS
from courses.exceptions import InvalidInput, InvalidTransition, NotAllowed
from courses.models import (
    Board,
    FieldTag,
    Follow,
    ModerationAction,
    Post,
    PostReport,
    PostRevision,
    ReadMarker,
    Thread,
)
from courses.services import discussions as service
from courses.services.discussions import BODY_MAX
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(cohort):
    return factories.enrollment(cohort).user


@pytest.fixture
def classmate(cohort):
    return factories.enrollment(cohort).user


@pytest.fixture
def teacher(cohort):
    return factories.enrollment(cohort, factories.instructor(), role="instructor").user


def start(actor, cohort, **values):
    defaults = {
        "kind": "discussion",
        "title": "Chia sẻ dữ liệu giữa các sở",
        "body": "Sở chúng tôi gặp khó khi kết nối dữ liệu dân cư.",
    }
    return service.start_thread(actor=actor, cohort=cohort, **(defaults | values))


def test_field_tags_are_the_six_fields_of_the_case_question_block():
    assert [(key, str(label)) for key, label in FIELD_TAGS] == [
        (tag.value, str(tag.label)) for tag in FieldTag
    ]


# --- Posting -------------------------------------------------------------------------------


def test_starting_a_thread_stores_the_clean_text_follows_and_counts(cohort, member):
    module = cohort.program.get_children().specific().first()
    thread = start(
        member,
        cohort,
        module=module,
        kind="case",
        body="Dòng một\ndòng hai\n\nĐoạn <strong>hai</strong> <script>alert(1)</script>",
        tags=["cntt", "an-toan-mang"],
    )
    opening = thread.posts.get()
    assert opening.is_opening
    assert opening.level == 0
    assert opening.body_html == "<p>Dòng một<br>\ndòng hai</p>\n<p>Đoạn <strong>hai</strong> </p>"
    assert "<script>" in opening.body_raw, "the raw text is kept as typed"
    assert opening.sanitizer_stamp.startswith("posts-1;")
    assert thread.board == Board.objects.get(cohort=cohort, module=module)
    assert sorted(thread.tags.values_list("tag", flat=True)) == ["an-toan-mang", "cntt"]
    assert Follow.objects.filter(user=member, thread=thread).exists()
    assert thread.last_post_id == opening.pk
    assert thread.reply_count == 0


def test_two_levels_a_reply_to_a_level_two_post_attaches_to_its_level_one_parent(
    cohort, member, classmate
):
    thread = start(member, cohort)
    opening = thread.posts.get()
    first = service.reply(actor=classmate, thread=thread, body="Cấp một")
    second = service.reply(actor=member, thread=thread, body="Cấp hai", parent=first)
    third = service.reply(actor=classmate, thread=thread, body="Trả lời cấp hai", parent=second)
    to_opening = service.reply(actor=classmate, thread=thread, body="Gốc", parent=opening)
    assert (first.level, second.level, third.level, to_opening.level) == (1, 2, 2, 1)
    assert second.parent == first
    assert third.parent == first
    assert to_opening.parent is None
    thread.refresh_from_db()
    assert thread.reply_count == 4
    assert thread.last_post_id == to_opening.pk


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"body": ""}, "body", "đang trống"),
        ({"body": "   \n\n  "}, "body", "đang trống"),
        ({"body": "<script>alert(1)</script><p></p>"}, "body", "đang trống"),
        ({"body": "x" * (BODY_MAX + 1)}, "body", "20.001 ký tự, vượt mức tối đa 20.000"),
        ({"title": ""}, "title", "tiêu đề"),
        ({"title": "T" * 201}, "title", "201 ký tự; tối đa 200"),
        ({"kind": "rumour"}, "kind", "loại chủ đề"),
        ({"tags": ["the-thao"]}, "tags", "Lĩnh vực"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(cohort, member, values, field, message):
    with pytest.raises(InvalidInput, match=message) as refusal:
        start(member, cohort, **values)
    assert refusal.value.field == field
    assert not Thread.objects.exists()
    assert not Post.objects.exists()


def test_a_post_of_exactly_twenty_thousand_characters_is_accepted(cohort, member):
    thread = start(member, cohort, body="a" * BODY_MAX)
    assert len(thread.posts.get().body_raw) == BODY_MAX


def test_a_module_of_another_programme_is_refused(cohort, member):
    from content.models import ModulePage
    from tests.content.conftest import make_program

    other = factories.cohort(make_program(3), name="Lớp khác")

    foreign = ModulePage.objects.child_of(other.program).first()
    with pytest.raises(InvalidInput, match="không thuộc chương trình"):
        start(member, cohort, module=foreign)


def test_only_members_and_staff_post(cohort, member, school_staff, instructor):
    applicant = factories.enrollment(cohort, status="applied").user
    with pytest.raises(NotAllowed):
        start(applicant, cohort)
    with pytest.raises(NotAllowed):
        start(instructor, cohort), "an instructor of no cohort here"
    thread = start(school_staff, cohort)
    with pytest.raises(NotAllowed):
        service.reply(actor=applicant, thread=thread, body="xin chào")


def test_a_locked_or_hidden_thread_accepts_no_post(cohort, member, teacher):
    thread = start(member, cohort)
    service.set_thread_locked(actor=teacher, thread=thread, locked=True)
    thread.refresh_from_db()
    with pytest.raises(InvalidTransition, match="đã bị khóa"):
        service.reply(actor=teacher, thread=thread, body="Vẫn muốn trả lời")
    service.set_thread_locked(actor=teacher, thread=thread, locked=False)
    service.set_thread_hidden(actor=teacher, thread=thread, hidden=True, reason="Lạc đề")
    with pytest.raises(InvalidTransition, match="đã bị ẩn"):
        service.reply(actor=member, thread=thread, body="Tôi vẫn viết")
    assert thread.posts.count() == 1


def test_a_parent_from_another_thread_is_refused(cohort, member, classmate):
    one = start(member, cohort)
    other = start(classmate, cohort, title="Chủ đề khác")
    with pytest.raises(InvalidInput, match="không thuộc chủ đề này"):
        service.reply(actor=member, thread=one, body="Nhầm", parent=other.posts.get())


def test_the_same_form_submitted_twice_makes_one_post(cohort, member, classmate):
    thread = start(member, cohort, form_token="tok-thread")
    assert start(member, cohort, form_token="tok-thread") == thread
    first = service.reply(actor=classmate, thread=thread, body="Một lần", form_token="tok-1")
    again = service.reply(actor=classmate, thread=thread, body="Một lần", form_token="tok-1")
    assert first == again
    assert thread.posts.count() == 2
    thread.refresh_from_db()
    assert thread.reply_count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL")
def test_two_simultaneous_submissions_of_one_form_make_one_post(program):
    cohort = factories.cohort(program)
    author = factories.enrollment(cohort).user
    thread = start(author, cohort)
    barrier = threading.Barrier(2)
    posts = []

    def submit():
        from django.db import connections

        barrier.wait()
        try:
            posts.append(
                service.reply(actor=author, thread=thread, body="Gửi hai lần", form_token="same")
            )
        finally:
            connections.close_all()

    workers = [threading.Thread(target=submit) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len({post.pk for post in posts}) == 1
    assert Post.objects.filter(thread=thread, is_opening=False).count() == 1


# --- The sanitiser through the posting service ---------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<p onclick=alert(1)>bấm</p>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href='java&#115;cript:alert(1)'>x</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)'>x</a>",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='java\u200bscript:alert(1)'>x</a>",
    "<a href='\u202ejavascript:alert(1)'>x</a>",
    "<a href='java\x00script:alert(1)'>x</a>",
    "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
    "<a href='DATA:text/html,<script>alert(1)</script>'>x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<iframe src='javascript:alert(1)'></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg></p><style><a id='</style><img src=1 onerror=alert(1)>'>",
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>",
    "<form><button formaction='javascript:alert(1)'>Gửi</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<scr<script>ipt>alert(1)</script>",
    "<a href='https://ok.example' onmouseover='alert(1)'>di chuột</a>",
    "<blockquote onmouseover=alert(1)>trích</blockquote>",
    '"><img src=x onerror=alert(1)>',
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
]

_EXECUTABLE = [
    re.compile(r"<\s*script", re.IGNORECASE),
    re.compile(r"\son\w+\s*=", re.IGNORECASE),
    re.compile(r"href\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.IGNORECASE),
    re.compile(r"<\s*(iframe|object|embed|svg|math|style|img|form|input|meta)\b", re.IGNORECASE),
]


def test_there_are_at_least_thirty_payloads():
    assert len(XSS) >= 30


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives_as_executable_markup(cohort, member, payload):
    thread = start(member, cohort, body=f"Nội dung. {payload} Hết.")
    reply = service.reply(actor=member, thread=thread, body=f"Trả lời {payload}")
    for stored in (thread.posts.get(is_opening=True).body_html, reply.body_html):
        assert [rule.pattern for rule in _EXECUTABLE if rule.search(stored)] == [], stored


def test_links_keep_their_target_and_get_the_safe_rel(cohort, member):
    thread = start(member, cohort, body='Xem <a href="https://mic.gov.vn/">Cổng thông tin</a>')
    assert (
        '<a href="https://mic.gov.vn/" rel="noopener noreferrer nofollow ugc">Cổng thông tin</a>'
        in thread.posts.get().body_html
    )


# --- Editing ------------------------------------------------------------------------------------


def test_editing_keeps_every_revision(cohort, member, classmate):
    thread = start(member, cohort, body="Bản đầu")
    opening = thread.posts.get()
    service.edit_post(actor=member, post=opening, body="Bản hai", title="Tiêu đề mới")
    service.edit_post(actor=member, post=opening, body="Bản ba")
    opening.refresh_from_db()
    thread.refresh_from_db()
    assert opening.body_html == "<p>Bản ba</p>"
    assert opening.edited_at is not None
    assert thread.title == "Tiêu đề mới"
    assert [r.body_raw for r in PostRevision.objects.filter(post=opening)] == ["Bản hai", "Bản đầu"]
    first = PostRevision.objects.filter(post=opening).last()
    assert first.edited_by == member
    assert first.title == "Chia sẻ dữ liệu giữa các sở"
    with pytest.raises(NotAllowed):
        service.edit_post(actor=classmate, post=opening, body="Của người khác")


def test_an_unchanged_edit_writes_no_revision(cohort, member):
    opening = start(member, cohort, body="Giữ nguyên").posts.get()
    service.edit_post(actor=member, post=opening, body="Giữ nguyên")
    assert not PostRevision.objects.exists()


# --- Moderation -----------------------------------------------------------------------------------


def test_hide_and_unhide_a_post_with_a_reason_logged(cohort, member, classmate, teacher):
    thread = start(member, cohort)
    post = service.reply(actor=classmate, thread=thread, body="Quảng cáo")
    with pytest.raises(InvalidInput, match="lý do"):
        service.set_post_hidden(actor=teacher, post=post, hidden=True, reason=" ")
    with pytest.raises(NotAllowed):
        service.set_post_hidden(actor=member, post=post, hidden=True, reason="Tôi không thích")
    service.set_post_hidden(actor=teacher, post=post, hidden=True, reason="Quảng cáo")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.hidden
    assert post.hidden_reason == "Quảng cáo"
    assert post.hidden_by == teacher
    assert thread.reply_count == 0
    service.set_post_hidden(actor=teacher, post=post, hidden=False)
    post.refresh_from_db()
    thread.refresh_from_db()
    assert not post.hidden
    assert thread.reply_count == 1
    assert list(ModerationAction.objects.values_list("action", "reason", "actor")) == [
        ("unhide_post", "", teacher.pk),
        ("hide_post", "Quảng cáo", teacher.pk),
    ]


def test_pin_lock_and_hide_a_thread_are_logged(cohort, member, school_staff):
    thread = start(member, cohort)
    service.set_thread_pinned(actor=school_staff, thread=thread, pinned=True)
    service.set_thread_locked(actor=school_staff, thread=thread, locked=True, reason="Đã đủ ý")
    service.set_thread_hidden(actor=school_staff, thread=thread, hidden=True, reason="Trùng")
    thread.refresh_from_db()
    assert thread.pinned
    assert thread.locked
    assert thread.hidden
    assert thread.hidden_by == school_staff
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {
        "pin",
        "lock",
        "hide_thread",
    }


def test_an_instructor_of_another_cohort_cannot_moderate(program, cohort, member):
    other = factories.cohort(program)
    foreign_teacher = factories.enrollment(other, factories.instructor(), role="instructor").user
    thread = start(member, cohort)
    with pytest.raises(NotAllowed):
        service.set_thread_locked(actor=foreign_teacher, thread=thread, locked=True)


def test_the_question_author_or_an_instructor_marks_the_answer(cohort, member, classmate, teacher):
    question = start(member, cohort, kind="question", title="Hỏi về Nghị định 13")
    answer = service.reply(actor=teacher, thread=question, body="Trả lời của giảng viên")
    other = service.reply(actor=classmate, thread=question, body="Ý kiến")
    with pytest.raises(NotAllowed):
        service.mark_answer(actor=classmate, thread=question, post=other)
    service.mark_answer(actor=member, thread=question, post=answer)
    question.refresh_from_db()
    assert question.answer == answer
    assert question.is_answered
    service.mark_answer(actor=teacher, thread=question, post=other)
    question.refresh_from_db()
    assert question.answer == other
    with pytest.raises(InvalidInput):
        service.mark_answer(
            actor=teacher, thread=question, post=question.posts.get(is_opening=True)
        )
    assert ModerationAction.objects.filter(action="mark_answer").count() == 2
    discussion = start(member, cohort)
    reply = service.reply(actor=teacher, thread=discussion, body="x")
    with pytest.raises(NotAllowed):
        service.mark_answer(actor=teacher, thread=discussion, post=reply)


def test_reporting_a_post_once_and_resolving_it(cohort, member, classmate, teacher):
    post = service.reply(actor=classmate, thread=start(member, cohort), body="Lời lẽ khiếm nhã")
    with pytest.raises(InvalidInput):
        service.report_post(actor=member, post=post, reason="")
    report = service.report_post(actor=member, post=post, reason="Khiếm nhã")
    with pytest.raises(InvalidTransition, match="đã báo cáo"):
        service.report_post(actor=member, post=post, reason="Lần nữa")
    with pytest.raises(NotAllowed):
        service.resolve_report(actor=classmate, report=report)
    service.resolve_report(actor=teacher, report=report)
    report.refresh_from_db()
    assert report.resolved_by == teacher
    assert PostReport.objects.count() == 1
    assert ModerationAction.objects.filter(action="resolve_report").count() == 1


# --- Following ----------------------------------------------------------------------------------


def test_followers_except_the_author_get_one_mail_per_reply(
    cohort, member, classmate, teacher, django_capture_on_commit_callbacks
):
    from courses.services.notifications import set_preference

    # Replies go to the daily digest unless a person asks for them at once.
    for person in (member, classmate):
        set_preference(person, "reply", "immediate")
    thread = start(member, cohort, title="Kết nối dữ liệu dân cư")
    service.follow(actor=classmate, thread=thread)
    service.follow(actor=classmate, thread=thread)  # twice: still one follow
    service.follow(actor=teacher, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        post = service.reply(actor=teacher, thread=thread, body="Góp ý của giảng viên")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [member.email, classmate.email]
    )
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert "Kết nối dữ liệu dân cư" in message.subject
    assert f"http://testserver/thao-luan/bai/{post.pk}/" in message.body
    assert "Góp ý của giảng viên" in message.body
    assert "/thao-luan/bo-theo-doi/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_nobody_is_mailed_before_commit_or_for_a_rolled_back_reply(
    cohort, member, classmate, django_capture_on_commit_callbacks
):
    thread = start(member, cohort)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service.reply(actor=classmate, thread=thread, body="Chưa gửi")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_unfollowed_and_departed_people_are_not_mailed(
    cohort, member, classmate, teacher, django_capture_on_commit_callbacks
):
    thread = start(member, cohort)
    service.follow(actor=classmate, thread=thread)
    service.unfollow(user=member, thread=thread)
    enrollment = classmate.enrollments.get()
    enrollment.status = "withdrawn"
    enrollment.save()
    with django_capture_on_commit_callbacks(execute=True):
        service.reply(actor=teacher, thread=thread, body="Không ai nhận")
    assert mail.outbox == []


def test_the_unfollow_token_is_signed(cohort, member):
    thread = start(member, cohort)
    token = service.unfollow_token(member, thread)
    assert service.read_unfollow_token(token) == (member.pk, thread.pk)
    assert service.read_unfollow_token(token[:-2] + "xx") is None
    assert service.read_unfollow_token("rác") is None


# --- Read state and search -------------------------------------------------------------


def test_read_markers_move_forward_only(cohort, member, classmate):
    from courses import discussion_selectors as selectors

    thread = start(member, cohort)
    first = service.reply(actor=classmate, thread=thread, body="Một")
    second = service.reply(actor=classmate, thread=thread, body="Hai")
    thread.refresh_from_db()
    assert selectors.first_unread(thread, member) == first
    assert selectors.first_unread(thread, classmate) is None, "never opened: nothing to jump to"
    service.mark_read(user=member, thread=thread, post_id=second.pk)
    service.mark_read(user=member, thread=thread, post_id=first.pk)
    assert ReadMarker.objects.get(user=member, thread=thread).last_read_post_id == second.pk
    assert selectors.first_unread(thread, member) is None


def test_writing_a_reply_marks_it_read_for_its_author_when_they_were_up_to_date(
    cohort, member, classmate
):
    thread = start(member, cohort)
    mine = service.reply(actor=member, thread=thread, body="Tôi bổ sung")
    assert ReadMarker.objects.get(user=member, thread=thread).last_read_post_id == mine.pk
    service.reply(actor=classmate, thread=thread, body="Bạn trả lời")
    later = service.reply(actor=member, thread=thread, body="Tôi chưa đọc bài trên")
    assert ReadMarker.objects.get(user=member, thread=thread).last_read_post_id < later.pk


@pytest.mark.parametrize(
    "query", ["chuyen doi so", "CHUYỂN ĐỔI SỐ", "chuyển đổi", "doi so cap tinh"]
)
def test_search_ignores_diacritics(cohort, member, classmate, query):
    from courses import discussion_selectors as selectors

    wanted = start(member, cohort, title="Chuyển đổi số cấp tỉnh", body="Kinh nghiệm của Sở")
    by_reply = start(member, cohort, title="Hạ tầng", body="Mạng truyền số liệu")
    service.reply(actor=classmate, thread=by_reply, body="Chuyển đổi số bắt đầu từ dữ liệu")
    start(member, cohort, title="Bưu chính công ích", body="Phát hành báo chí")
    found = set(selectors.search_threads(cohort, member, query, moderator=False))
    if query == "doi so cap tinh":
        assert found == {wanted}
    else:
        assert found == {wanted, by_reply}


def test_search_stays_inside_the_cohort_and_skips_hidden_posts(program, cohort, member, teacher):
    from courses import discussion_selectors as selectors

    other = factories.cohort(program)
    outsider = factories.enrollment(other).user
    start(outsider, other, title="Chuyển đổi số ở lớp khác")
    thread = start(member, cohort, title="Hạ tầng")
    post = service.reply(actor=teacher, thread=thread, body="chuyển đổi số bí mật")
    service.set_post_hidden(actor=teacher, post=post, hidden=True, reason="Nhầm")
    assert list(selectors.search_threads(cohort, member, "chuyen doi so", moderator=False)) == []
    assert list(selectors.search_threads(cohort, teacher, "chuyen doi so", moderator=True)) == [
        thread
    ]
