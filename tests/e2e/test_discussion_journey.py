"""The discussions in a real browser at 360 px: a participant studies a module, follows its case
question to the module's board and posts a case from their own department; a classmate, on a
phone of their own, opens it and replies; the first participant comes back and finds the thread
marked "Có bài mới" with the reply in it. Then a participant replies to a thread using only the
keyboard."""

import re

import pytest
from playwright.sync_api import expect

from content.models import ModulePage
from courses.models import Post, Thread
from courses.services import discussions as service
from tests import factories
from tests.content.conftest import make_program
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PROMPT = "Sở của anh/chị đã liên thông hồ sơ một cửa với các sở, ngành khác thế nào?"
TITLE = "Sở KH&CN Tuyên Quang: liên thông hồ sơ một cửa với Sở Tư pháp"
CASE = "Chúng tôi nhận hồ sơ trên cổng dịch vụ công nhưng vẫn phải chuyển giấy sang Sở Tư pháp."
REPLY = "Ở Lào Cai, chúng tôi dùng trục liên thông tỉnh (LGSP); hồ sơ sang Sở Tư pháp trong ngày."


def module_with_a_case_question(program) -> ModulePage:
    module = ModulePage.objects.child_of(program).get(number=1)
    module.body = [
        {"type": "paragraph", "value": "<p>Chuyển đổi số bắt đầu từ thủ tục hành chính.</p>"},
        {"type": "case_question", "value": {
            "prompt": f"<p>{PROMPT}</p>", "tags": ["cntt"],
            "button_label": "Đăng tình huống của Sở",
        }},
    ]  # fmt: skip
    module.save_revision().publish()
    return module


def test_a_case_from_the_module_page_a_reply_and_the_unread_mark(
    page, browser, live_server, csp_watch, audit
):
    cohort = factories.cohort(make_program(13))
    module = module_with_a_case_question(cohort.program)
    an = factories.enrollment(
        cohort, factories.UserFactory(last_name="Nguyễn Văn", first_name="An")
    ).user
    binh = factories.enrollment(
        cohort,
        factories.UserFactory(last_name="Trần Thị", first_name="Bình"),
        province_name="Lào Cai",
    ).user
    base = live_server.url
    board_url = f"{base}/lop/{cohort.code}/thao-luan/chuyen-de/{module.pk}/"

    # An studies the module on his phone and follows its case question.
    sign_in(page, base, an.email, PASSWORD, next_url=module.url, audit=audit)
    expect(page.get_by_role("heading", level=1, name=module.title)).to_be_visible()
    expect(page.get_by_text("Chuyển đổi số bắt đầu từ thủ tục hành chính.")).to_be_visible()
    case_question = page.get_by_role("complementary", name="Câu hỏi tình huống")
    expect(case_question.get_by_text(PROMPT)).to_be_visible()
    audit.check(page, shot="hoc-vien-hoc-chuyen-de")
    case_question.get_by_role("link", name="Đăng tình huống của Sở").click()

    # The new-thread form of the module's board: a case, its field ticked, the prompt quoted.
    expect(page.get_by_role("heading", level=1, name="Chủ đề mới")).to_be_visible()
    expect(page.get_by_text(f"Đăng lên: Chuyên đề 1. {module.title}")).to_be_visible()
    expect(page.get_by_label("Tình huống của Sở")).to_be_checked()
    expect(page.get_by_label("Công nghệ thông tin")).to_be_checked()
    body = page.get_by_role("textbox", name="Nội dung")
    expect(body).to_have_value(re.compile(rf"^<blockquote>{re.escape(PROMPT)}</blockquote>"))
    page.get_by_label("Tiêu đề").fill(TITLE)
    body.fill(body.input_value() + CASE)
    audit.check(page, shot="thao-luan-dang-tinh-huong")
    page.get_by_role("button", name="Đăng chủ đề").click()
    expect(page.get_by_text("Đã đăng chủ đề. Bạn sẽ nhận thư khi có trả lời.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text(CASE)).to_be_visible()
    audit.check(page)
    thread = Thread.objects.get(title=TITLE)
    assert thread.board.module_id == module.pk
    assert thread.board.cohort_id == cohort.pk
    assert thread.kind == "case"
    assert list(thread.tags.values_list("tag", flat=True)) == ["cntt"]

    # Bình, a classmate on a phone of her own, finds it unread on the board and replies.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    classmate = audit.watch(phone.new_page())
    sign_in(classmate, base, binh.email, PASSWORD, next_url=board_url, audit=audit)
    row = classmate.get_by_role("listitem").filter(has=classmate.get_by_role("link", name=TITLE))
    expect(row.get_by_text("Chưa đọc", exact=True)).to_be_visible()
    row.get_by_role("link", name=TITLE).click()
    expect(classmate.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    audit.check(classmate)
    classmate.get_by_role("textbox", name="Trả lời của bạn").fill(REPLY)
    classmate.get_by_role("button", name="Gửi trả lời").click()
    expect(classmate.get_by_text("Đã gửi trả lời.")).to_be_visible()
    expect(classmate.get_by_text(REPLY)).to_be_visible()
    audit.check(classmate)
    assert classmate.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()
    reply = Post.objects.get(thread=thread, author=binh)

    # An comes back to the module: the thread has a new post, on the module page and its board.
    page.goto(f"{base}{module.url}")
    discussion = page.get_by_role("region", name="Thảo luận của chuyên đề")
    summary = discussion.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITLE))
    expect(summary.get_by_text("có bài mới", exact=True)).to_be_visible()
    audit.check(page)
    discussion.get_by_role("link", name="Vào bảng thảo luận").click()
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITLE))
    expect(row.get_by_text("Có bài mới", exact=True)).to_be_visible()
    expect(row.get_by_text("1 trả lời")).to_be_visible()
    audit.check(page, shot="thao-luan-tra-loi-chua-doc")

    # Opening the thread lands on the first unread post: Bình's reply.
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"#bai-{reply.pk}$"))
    unread = page.locator(f"#bai-{reply.pk}")
    expect(unread.get_by_text("Trần Thị Bình")).to_be_visible()
    expect(unread.get_by_text(REPLY)).to_be_visible()
    assert unread.evaluate("el => el.matches(':target')")
    audit.check(page, shot="thao-luan-doc-tra-loi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Read now: the mark is gone from the board.
    page.goto(board_url)
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITLE))
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()
    expect(row.get_by_text("Có bài mới", exact=True)).to_have_count(0)
    audit.check(page)
    assert csp_watch() == []


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName,
    label: el.labels && el.labels.length ? el.labels[0].textContent.trim() : "",
    text: el.textContent.trim(),
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
  };
}"""


def tab_to(page, wanted, limit=80):
    """Presses Tab until the focused element satisfies `wanted`; returns what has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab; focus is on {focused}")


def test_replying_to_a_thread_with_the_keyboard_only(page, live_server, csp_watch, audit):
    cohort = factories.cohort(make_program(13))
    module = ModulePage.objects.child_of(cohort.program).get(number=1)
    author = factories.enrollment(
        cohort, factories.UserFactory(last_name="Lê Văn", first_name="Cường")
    ).user
    dao = factories.enrollment(
        cohort, factories.UserFactory(last_name="Phạm Thị", first_name="Đào")
    ).user
    thread = service.start_thread(
        actor=author, cohort=cohort, module=module, kind="question",
        title="Thuê dịch vụ CNTT hay tự đầu tư?", body="Sở chúng tôi đang cân nhắc.",
    )  # fmt: skip
    text = "Sở chúng tôi thuê dịch vụ trung tâm dữ liệu; chi phí đều và dễ dự toán hơn."
    base = live_server.url

    sign_in(
        page, base, dao.email, PASSWORD, next_url=f"/thao-luan/chu-de/{thread.pk}/", audit=audit
    )
    expect(page.get_by_role("heading", level=1, name=thread.title)).to_be_visible()

    # Only the keyboard from here: Tab to the reply field, type, Tab to the button, Enter.
    focused = tab_to(page, lambda el: el["tag"] == "TEXTAREA")
    assert focused["label"] == "Trả lời của bạn:"
    assert page.get_by_role("textbox", name="Trả lời của bạn").evaluate(
        "el => el === document.activeElement"
    )
    assert focused["outline"] == "solid 3px"  # the focus ring is visible
    page.keyboard.type(text)
    focused = tab_to(page, lambda el: el["tag"] == "BUTTON", limit=5)
    assert focused["text"] == "Gửi trả lời"
    assert focused["outline"] == "solid 3px"  # the focus ring is visible
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Đã gửi trả lời.")).to_be_visible()
    post = Post.objects.get(thread=thread, author=dao)
    assert post.body_raw == text
    expect(page.locator(f"#bai-{post.pk}").get_by_text(text)).to_be_visible()
    audit.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_watch() == []
