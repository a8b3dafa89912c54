"""Demo discussions for `make run`, in cohort GDS-2026-5: a department's case, a question with
the instructor's answer chosen, a discussion with replies, and what waits for the instructor on
/giang-day/: the demo participant's question nobody has answered yet and a reply reported for
publishing citizens' personal data. Idempotent: a thread is found by its title on the cohort's
boards; nothing that exists is changed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from content.models import ModulePage
from courses.demo_cohorts import RUNNING_CODE
from courses.models import Cohort, Role, Thread
from courses.services import discussions as service
from courses.services import enrollment as enrollment_service

# The demo participant's question that no one has answered (its title is its natural key).
UNANSWERED = "Chỉ số DTI: Sở Khoa học và Công nghệ nên chủ trì những chỉ số thành phần nào?"


@transaction.atomic
def seed_discussions() -> int:
    """Returns how many threads were created (0 on a second run)."""
    cohort = Cohort.objects.filter(code=RUNNING_CODE).select_related("program").first()
    users = {u.email: u for u in get_user_model().objects.filter(email__endswith="@lms.test")}
    teacher = users.get("giangvien@lms.test")
    if cohort is None or teacher is None:
        return 0
    # Instructors take part in a cohort through an enrollment with the instructor role.
    enrollment_service.enroll(None, cohort, teacher, role=Role.INSTRUCTOR, how="seed")
    a, b, c, d = (users.get(f"giamdoc{n:02d}@lms.test") for n in (1, 5, 19, 20))
    learner = users.get("hocvien@lms.test") or c
    if not (a and b and c and d):
        return 0
    modules = {m.number: m for m in ModulePage.objects.child_of(cohort.program).live()}
    created = 0

    def thread(title, **values):
        nonlocal created
        existing = Thread.objects.filter(board__cohort=cohort, title=title).first()
        if existing:
            return existing, False
        created += 1
        return service.start_thread(cohort=cohort, title=title, **values), True

    case, new = thread(
        "Chia sẻ dữ liệu giữa các sở: bắt đầu từ đâu?",
        actor=a,
        module=modules.get(9),
        kind="case",
        tags=["cntt", "an-toan-mang"],
        body="Tỉnh chúng tôi có trục tích hợp LGSP nhưng Sở Tài nguyên và Môi trường và Sở Kế "
        "hoạch và Đầu tư vẫn gửi dữ liệu cho nhau bằng tệp Excel qua thư điện tử.\n\n"
        "<strong>Câu hỏi:</strong> nên ban hành quy chế chia sẻ dữ liệu trước, hay làm thí "
        "điểm một luồng dữ liệu (ví dụ đăng ký doanh nghiệp) trước rồi mới ban hành quy chế?",
    )
    if new:
        first = service.reply(
            actor=b, thread=case,
            body="Bắc Ninh làm thí điểm trước: luồng dữ liệu đăng ký doanh nghiệp chạy ba tháng, "
            "sau đó mới trình UBND tỉnh quy chế. Có kết quả cụ thể thì các sở đồng thuận nhanh.",
        )  # fmt: skip
        service.reply(
            actor=teacher, thread=case, parent=first,
            body="Lưu ý Nghị định 47/2020/NĐ-CP về quản lý, kết nối và chia sẻ dữ liệu số: danh "
            "mục dữ liệu dùng chung cần được phê duyệt; thí điểm vẫn phải theo danh mục đó.",
        )  # fmt: skip
    question, new = thread(
        "Dự án chuyển đổi số có cần thẩm định an toàn thông tin theo cấp độ không?",
        actor=c,
        module=modules.get(12),
        kind="question",
        tags=["an-toan-mang"],
        body="Sở đang lập dự án cổng dịch vụ công mới. Hồ sơ đề xuất cấp độ an toàn hệ thống "
        "thông tin phải làm ở bước nào?",
    )
    if new:
        answer = service.reply(
            actor=teacher, thread=question,
            body="Có. Theo Nghị định 85/2016/NĐ-CP, hồ sơ đề xuất cấp độ được lập và thẩm định "
            "ngay trong giai đoạn thiết kế, trước khi phê duyệt dự án; hệ thống cấp độ 3 trở lên "
            "cần ý kiến của đơn vị chuyên trách về an toàn thông tin.",
        )  # fmt: skip
        service.reply(actor=a, thread=question, body="Cảm ơn cô, Sở tôi đã làm như vậy.")
        service.mark_answer(actor=c, thread=question, post=answer)
    chat, new = thread(
        "Bưu chính công ích ở vùng sâu: kinh nghiệm của các tỉnh miền núi",
        actor=learner,
        kind="discussion",
        tags=["buu-chinh", "thong-tin-tuyen-truyen"],
        body="Các anh chị ở tỉnh miền núi tổ chức phát báo, tạp chí công ích đến thôn bản ra "
        "sao khi điểm bưu điện văn hóa xã ngày càng ít người đến?",
    )
    if new:
        service.reply(
            actor=a, thread=chat,
            body="Tuyên Quang kết hợp điểm bưu điện văn hóa xã với điểm hỗ trợ dịch vụ công trực "
            "tuyến, nên người dân đến nhiều hơn.",
        )  # fmt: skip
        service.reply(actor=b, thread=chat, body="Ý tưởng hay, Bắc Ninh sẽ học hỏi.")
    # Left unanswered on purpose: the instructor's home lists it under "Câu hỏi chưa được trả
    # lời" (module 9 is one giangvien@lms.test teaches).
    thread(
        UNANSWERED,
        actor=learner,
        module=modules.get(9),
        kind="question",
        tags=["cntt"],
        body="Sau khi hợp nhất Sở Thông tin và Truyền thông vào Sở Khoa học và Công nghệ, tỉnh "
        "tôi đang phân công lại việc theo dõi bộ chỉ số đánh giá mức độ chuyển đổi số (DTI). "
        "Những chỉ số thành phần nào nên giao Sở chủ trì, chỉ số nào nên giao các sở, ngành "
        "khác tự báo cáo?",
    )
    survey, new = thread(
        "Khảo sát mức độ hài lòng với dịch vụ công trực tuyến: hỏi gì, hỏi ai?",
        actor=b,
        kind="discussion",
        tags=["cntt"],
        body="Bắc Ninh sắp khảo sát người dân đã nộp hồ sơ trực tuyến. Các anh chị đã làm thì "
        "chia sẻ giúp bộ câu hỏi và cách chọn người trả lời.",
    )
    if new:
        # A well-meant reply that pastes survey answers with names and phone numbers (made up):
        # a classmate reports it, and it waits in the instructor's moderation queue.
        leaked = service.reply(
            actor=d, thread=survey,
            body="Gửi các anh chị kết quả khảo sát tháng trước của Sở để tham khảo:\n\n"
            "Lê Văn Tư, thôn Đồng Mới, 0900 000 101: chưa hài lòng, phải nộp lại giấy tờ.\n"
            "Phạm Thị Hạnh, tổ 5 phường Trung Tâm, 0900 000 102: hài lòng.",
        )  # fmt: skip
        service.report_post(
            actor=a, post=leaked,
            reason="Bài có họ tên, địa chỉ và số điện thoại của người dân trả lời khảo sát — dữ "
            "liệu cá nhân, đề nghị ẩn và chỉ chia sẻ số liệu tổng hợp.",
        )  # fmt: skip
    return created


__all__ = ["UNANSWERED", "seed_discussions"]
