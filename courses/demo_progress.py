"""Demo of the home pages for `make run`, in cohort GDS-2026-5, so that each account lands on a
page with something in it:

- hocvien@lms.test (/hoc-tap/): modules 1-4 marked as studied and one lesson of module 9;
  modules 1-5 and 9 opened; module 9 updated by its instructor after that visit (published by
  the school: instructors do not publish, content/roles.py), so it shows "Có nội dung mới từ lần
  mở trước"; two notifications of their own (admission, read; a coming session moved, unread)
  beside the reply notices the discussions produce; and one preference changed (replies mailed
  at once instead of in the daily digest);
- giangvien@lms.test (/giang-day/, "Chuyên đề của tôi"): their revision of module 9, published,
  and their draft of module 3, not published yet (the question and the reported post waiting
  for them are made by courses.demo_discussions);
- nhatruong@lms.test (/nha-truong/nguy-co/, /nha-truong/tong-quan/): the two directors near
  and past the absence limit (courses.demo_attendance) and this morning's at-risk summary in
  their notifications. The report deadline is left where the timetable puts it (after the last
  session), so no report is flagged as missing yet: bringing it forward only to fill the list
  would have put the deadline before the report-writing sessions.

Notifications are created as rows, not through services.notifications.notify: notify queues a
mail for the kinds sent at once (a task, which with stored tasks runs after the seed, outside its
in-memory mail) and leaves the others for the daily digest, and the demo's people have made-up
addresses. Each row records
the delivery the person's preference gives, and those that would be mailed are stamped as mailed
when created (the mail "went" then), so neither the mail task nor `send_notification_digest`
ever sends them.

Idempotent like the rest of the seed: marks only for a participant who has none, a visit only for
a module never opened, a notification only where the person has none of that kind, the preference
only when never set, the instructor's revisions only when they have none on that module. Nothing
that exists is changed.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from content.models import LessonPage, ModulePage
from courses.at_risk import at_risk, summary_notice
from courses.demo_cohorts import RUNNING_CODE
from courses.models import (
    DEFAULT_DELIVERY,
    ClassSession,
    Cohort,
    Delivery,
    ModuleVisit,
    Notification,
    NotificationKind,
    NotificationPreference,
    StudyMark,
)
from courses.services import notifications as notification_service
from courses.services import progress as progress_service
from courses.templatetags.course_tags import vn_date, vn_time, vn_weekday

PARTICIPANT = "hocvien@lms.test"
INSTRUCTOR = "giangvien@lms.test"  # teaches modules 3 and 9 (courses.demo)
STAFF = "nhatruong@lms.test"

STUDIED_MODULES = (1, 2, 3, 4)  # marked as a whole
STUDIED_LESSON_OF = 9  # its first lesson marked: "Đã học 1/2 bài"
VISITED_MODULES = (1, 2, 3, 4, 5, 9)
UPDATED_MODULE = 9  # the instructor's revision, published after the participant's visit
DRAFTED_MODULE = 3  # a draft by the instructor, not published
PREFERENCE = (NotificationKind.REPLY, Delivery.IMMEDIATE)  # the default is the digest


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _studied_at(cohort, module, moment: dt.datetime) -> dt.datetime:
    """The evening of the module's day in the timetable (not after now)."""
    last = ClassSession.objects.filter(cohort=cohort, module=module).aggregate(end=Max("ends_at"))
    return min(last["end"] or moment, moment)


def _study(participant, cohort, modules: dict[int, ModulePage], moment: dt.datetime) -> int:
    """Marks through the service (its permission check), each dated on its module's day."""
    if StudyMark.objects.filter(user=participant).exists():
        return 0
    pages = [modules[n] for n in STUDIED_MODULES if n in modules]
    if STUDIED_LESSON_OF in modules:
        lesson = LessonPage.objects.child_of(modules[STUDIED_LESSON_OF]).live().first()
        if lesson is not None:
            pages.append(lesson)
    for page in pages:
        module = modules[STUDIED_LESSON_OF] if isinstance(page, LessonPage) else page
        with mock.patch.object(
            progress_service, "now", return_value=_studied_at(cohort, module, moment)
        ):
            progress_service.mark_studied(participant, page)
    return len(pages)


def _visits(participant, modules: dict[int, ModulePage], moment: dt.datetime) -> int:
    """Modules opened at `moment`: after every page was published so far, before the
    instructor's update of UPDATED_MODULE. A module already opened keeps its visit."""
    rows = [
        ModuleVisit(user=participant, module=modules[n], visited_at=moment)
        for n in VISITED_MODULES
        if n in modules
    ]
    before = ModuleVisit.objects.filter(user=participant).count()
    ModuleVisit.objects.bulk_create(rows, ignore_conflicts=True)
    return ModuleVisit.objects.filter(user=participant).count() - before


def _with_block(page: ModulePage, block: dict) -> list[dict]:
    return [*page.body.raw_data, block]


def _instructor_edits(instructor, staff, modules: dict[int, ModulePage]) -> int:
    """Module 9 with a note for the coming discussion, which the school published (instructors
    edit, school staff publish); module 3 with a draft case not yet published. Skipped for a
    module that already has a revision of theirs."""
    done = 0
    updated = modules.get(UPDATED_MODULE)
    if updated is not None and not updated.revisions.filter(user=instructor).exists():
        updated.body = _with_block(
            updated,
            {
                "type": "callout",
                "value": {
                    "kind": "tip",
                    "title": "Chuẩn bị cho buổi thảo luận",
                    "body": "<p>Mỗi học viên mang theo kế hoạch chuyển đổi số năm nay của tỉnh "
                    "mình và kết quả đánh giá DTI gần nhất: lớp sẽ so sánh các chỉ tiêu đo "
                    "bằng số lượng đầu tư với các chỉ tiêu đo bằng kết quả sử dụng.</p>",
                },
            },
        )
        updated.save_revision(user=instructor).publish(user=staff)
        done += 1
    drafted = modules.get(DRAFTED_MODULE)
    if drafted is not None and not drafted.revisions.filter(user=instructor).exists():
        drafted.body = _with_block(
            drafted,
            {
                "type": "paragraph",
                "value": "<p>Tình huống thảo luận mới (đang soạn): báo chí địa phương sau sắp "
                "xếp cơ quan báo, đài của tỉnh — nguồn thu, nhân lực và nhiệm vụ chính trị.</p>",
            },
        )
        drafted.save_revision(user=instructor)  # saved, not published: the live page is as was
        done += 1
    return done


def _notification(recipient, kind, title, body, url, created_at, read_at=None) -> int:
    """One row, unless the person already has one of that kind. Delivery as notify would
    decide it; stamped as mailed so that nothing sends it (see the module's docstring)."""
    if Notification.objects.filter(recipient=recipient, kind=kind).exists():
        return 0
    chosen = NotificationPreference.objects.filter(user=recipient, kind=kind).first()
    delivery = chosen.delivery if chosen else DEFAULT_DELIVERY[kind]
    Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:300],
        body=body,
        url=url,
        created_at=created_at,
        read_at=read_at,
        delivery=delivery,
        emailed_at=None if delivery == Delivery.OFF else created_at,
    )
    return 1


def _when(start: dt.datetime, end: dt.datetime) -> str:
    # The wording of services.notifications for a moved session.
    return f"{vn_weekday(start)} {vn_date(start)}, {vn_time(start)}–{vn_time(end)}"


def _participant_notifications(participant, cohort, moment: dt.datetime) -> int:
    created = 0
    admitted = _at(cohort.start_date - dt.timedelta(days=7), 9)
    created += _notification(
        participant,
        NotificationKind.ENROLLMENT,
        _("Hồ sơ của anh/chị đã được duyệt: %(cohort)s") % {"cohort": cohort.name},
        _("Anh/chị đã được nhận vào lớp; thời khóa biểu và các chuyên đề ở trang Học tập."),
        reverse("courses:my_courses"),
        created_at=admitted,
        read_at=admitted + dt.timedelta(hours=2),
    )
    # A module session after tomorrow, told as moved (to the time the timetable now shows).
    session = (
        ClassSession.objects.filter(
            cohort=cohort, module__isnull=False, starts_at__gte=moment + dt.timedelta(days=1)
        )
        .select_related("module")
        .order_by("starts_at", "pk")
        .first()
    )
    if session is not None:
        place = session.place or session.meeting_url or _("(chưa có)")
        created += _notification(
            participant,
            NotificationKind.SESSION,
            _("Buổi học đổi lịch: %(title)s (%(cohort)s)")
            % {"title": session.display_title, "cohort": cohort.code},
            _("Thời gian: %(when)s. Địa điểm: %(place)s.")
            % {"when": _when(session.starts_at, session.ends_at), "place": place},
            reverse("courses:cohort", args=[cohort.code]),
            created_at=moment - dt.timedelta(hours=20),
        )
    return created


def _staff_summary(staff, moment: dt.datetime) -> int:
    """This morning's `send_at_risk_summary`, in its own words (nothing at risk: nothing)."""
    cohorts = at_risk(moment=moment)
    notice = summary_notice(cohorts)
    if notice is None:
        return 0
    title, body = notice
    this_morning = min(_at(timezone.localdate(moment), 6), moment)
    return _notification(
        staff, NotificationKind.AT_RISK, title, body, reverse("courses:at_risk"), this_morning
    )


def _preference(participant) -> int:
    kind, delivery = PREFERENCE
    if NotificationPreference.objects.filter(user=participant, kind=kind).exists():
        return 0
    notification_service.set_preference(participant, kind, delivery)
    return 1


@transaction.atomic
def seed_progress() -> int:
    """Returns how many demo records were created or changed (0 on a second run)."""
    cohort = Cohort.objects.filter(code=RUNNING_CODE).select_related("program").first()
    users = {
        u.email: u
        for u in get_user_model().objects.filter(email__in=[PARTICIPANT, INSTRUCTOR, STAFF])
    }
    participant, instructor, staff = (users.get(e) for e in (PARTICIPANT, INSTRUCTOR, STAFF))
    if cohort is None or participant is None or instructor is None or staff is None:
        return 0
    modules = {m.number: m for m in ModulePage.objects.child_of(cohort.program).live()}
    moment = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        done = _study(participant, cohort, modules, moment)
        done += _visits(participant, modules, moment)
        # After the visits: the update is what is new since.
        done += _instructor_edits(instructor, staff, modules)
        done += _preference(participant)
        done += _participant_notifications(participant, cohort, moment)
        done += _staff_summary(staff, timezone.now())
    return done


__all__ = [
    "DRAFTED_MODULE",
    "PREFERENCE",
    "STUDIED_MODULES",
    "UPDATED_MODULE",
    "VISITED_MODULES",
    "seed_progress",
]
