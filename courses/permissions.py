"""Who may see and do what with a cohort's data: THE one place (views, services, templates'
booleans and the content hook all ask here).

- `user_can_*` are predicates (no exceptions).
- `access_*` fetch an object and check it: Http404 for what the user may not know exists (a
  cohort they do not belong to), PermissionDenied for what they may see but not do.

Roles: school staff (site-wide, lms.accounts.roles); per cohort, an approved enrollment as
participant or instructor ("member"). Instructors are attached to cohorts as enrollments with
role instructor; an instructor of one cohort has no rights in another.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from courses.models import (
    ClassSession,
    Cohort,
    Enrollment,
    Post,
    Role,
    Status,
    Submission,
    SubmissionVersion,
    Thread,
    ThreadKind,
)
from lms.accounts.roles import is_school_staff

__all__ = [
    "access_certificate",
    "access_cohort",
    "access_cohort_for_grading",
    "access_cohort_for_staff",
    "access_report_file",
    "access_submission_for_grading",
    "access_session_for_attendance",
    "attendance_session_ids",
    "access_post",
    "access_thread",
    "is_school_staff",
    "require_moderator",
    "require_school_staff",
    "user_can_allow_late_reports",
    "user_can_download_certificate",
    "user_can_edit_post",
    "user_can_grade_reports",
    "user_can_issue_certificates",
    "user_can_mark_answer",
    "user_can_moderate",
    "user_can_post",
    "user_can_read_discussions",
    "user_can_see_cohort_attendance",
    "user_can_see_history",
    "user_can_manage_cohorts",
    "user_can_study_program",
    "user_can_submit_report",
    "user_can_take_attendance",
    "user_can_view_cohort",
    "user_is_member",
    "user_sees_hidden",
    "user_teaches",
]


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _approved_roles(user, cohort) -> set[str]:
    """The user's approved roles in a cohort, memoised on the user object for one request."""
    if not _active(user):
        return set()
    cache = user.__dict__.setdefault("_cohort_roles", {})
    if cohort.pk not in cache:
        cache[cohort.pk] = set(
            Enrollment.objects.filter(user=user, cohort=cohort, status=Status.APPROVED).values_list(
                "role", flat=True
            )
        )
    return cache[cohort.pk]


def user_is_member(user, cohort) -> bool:
    """An approved participant or instructor of this cohort."""
    return bool(_approved_roles(user, cohort))


def user_teaches(user, cohort) -> bool:
    return Role.INSTRUCTOR in _approved_roles(user, cohort)


def user_can_view_cohort(user, cohort) -> bool:
    return is_school_staff(user) or user_is_member(user, cohort)


def user_can_manage_cohorts(user) -> bool:
    """Create cohorts, edit timetables, decide applications, import lists."""
    return is_school_staff(user)


def user_can_take_attendance(user, session) -> bool:
    if is_school_staff(user):
        return True
    if not user_teaches(user, session.cohort):
        return False
    return any(instructor.pk == user.pk for instructor in session.instructors.all())


def user_can_study_program(user, program) -> bool:
    """Module material: members of a cohort of this programme (approved or completed)."""
    if not _active(user):
        return False
    if is_school_staff(user):
        return True
    return Enrollment.objects.filter(
        user=user,
        cohort__program_id=program.pk,
        status__in=(Status.APPROVED, Status.COMPLETED),
    ).exists()


def access_cohort(user, code: str) -> Cohort:
    """The cohort with this code if the user is staff or a member; 404 otherwise."""
    cohort = Cohort.objects.select_related("program").filter(code=code).first()
    if cohort is None or not user_can_view_cohort(user, cohort):
        raise Http404(_("Không tìm thấy lớp này, hoặc bạn không thuộc lớp."))
    return cohort


def require_school_staff(user) -> None:
    if not is_school_staff(user):
        raise PermissionDenied(_("Chỉ nhà trường mới làm được việc này."))


def access_cohort_for_staff(user, code: str) -> Cohort:
    require_school_staff(user)
    cohort = Cohort.objects.select_related("program").filter(code=code).first()
    if cohort is None:
        raise Http404(_("Không tìm thấy lớp này."))
    return cohort


# --- Discussions ---------------------------------------------------------------------------
# Readers and writers: approved members of the cohort (participants, instructors) and school
# staff. Moderators: instructors of that cohort and school staff. Everyone else gets 404 for a
# board, thread or post (they cannot learn it exists).


def user_can_read_discussions(user, cohort) -> bool:
    return user_can_view_cohort(user, cohort)


def user_can_moderate(user, cohort) -> bool:
    return is_school_staff(user) or user_teaches(user, cohort)


def user_sees_hidden(user, cohort, author_id: int) -> bool:
    """A hidden thread or post stays readable (marked) for its author and the moderators."""
    return bool(_active(user) and user.pk == author_id) or user_can_moderate(user, cohort)


def user_can_post(user, thread) -> bool:
    """Reply to a thread: a reader of its cohort, the thread neither locked nor hidden."""
    cohort = thread.board.cohort
    return user_can_read_discussions(user, cohort) and not (thread.locked or thread.hidden)


def user_can_edit_post(user, post) -> bool:
    """Authors edit their own posts while the thread is open and the post is not hidden."""
    thread = post.thread
    return (
        _active(user)
        and post.author_id == user.pk
        and user_can_read_discussions(user, thread.board.cohort)
        and not (thread.locked or thread.hidden or post.hidden)
    )


def user_can_mark_answer(user, thread) -> bool:
    """A question's author, or a moderator, chooses the reply that answers it."""
    if thread.kind != ThreadKind.QUESTION:
        return False
    cohort = thread.board.cohort
    return user_can_moderate(user, cohort) or bool(
        _active(user) and thread.author_id == user.pk and user_can_read_discussions(user, cohort)
    )


def user_can_see_history(user, post) -> bool:
    return bool(_active(user) and post.author_id == user.pk) or user_can_moderate(
        user, post.thread.board.cohort
    )


_NOT_FOUND = _("Không tìm thấy nội dung thảo luận này, hoặc bạn không thuộc lớp.")


def access_thread(user, thread_id: int):
    """The thread (with its board, cohort and module) if the user may read its cohort; else 404."""
    thread = (
        Thread.objects.select_related("board__cohort__program", "board__module", "author")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or not user_can_read_discussions(user, thread.board.cohort):
        raise Http404(_NOT_FOUND)
    return thread


def access_post(user, post_id: int):
    """The post (with its thread, board and cohort) if the user may read its cohort; else 404.
    A hidden post is 404 too for those who may not see hidden posts."""
    post = (
        Post.objects.select_related(
            "thread__board__cohort__program", "thread__board__module", "author"
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or not user_can_read_discussions(user, post.thread.board.cohort):
        raise Http404(_NOT_FOUND)
    cohort = post.thread.board.cohort
    if (post.hidden and not user_sees_hidden(user, cohort, post.author_id)) or (
        post.thread.hidden and not user_sees_hidden(user, cohort, post.thread.author_id)
    ):
        raise Http404(_NOT_FOUND)
    return post


def require_moderator(user, cohort) -> None:
    if not user_can_moderate(user, cohort):
        raise PermissionDenied(_("Chỉ giảng viên của lớp và nhà trường mới kiểm duyệt được."))


# --- Attendance --------------------------------------------------------------------------------


def attendance_session_ids(user, sessions) -> set[int]:
    """The sessions (already fetched with their instructors) whose roll call the user may take;
    for the "Điểm danh" links of timetables, without a query per session."""
    return {session.pk for session in sessions if user_can_take_attendance(user, session)}


def user_can_see_cohort_attendance(user, cohort) -> bool:
    """Everyone's attendance in a cohort (the matrix, its export): school staff and the cohort's
    instructors. A participant sees only their own."""
    return is_school_staff(user) or user_teaches(user, cohort)


def access_session_for_attendance(user, pk: int) -> ClassSession:
    """A session whose roll call or check-in the user runs: its instructors and school staff.

    404 when the session does not exist or belongs to a cohort the user cannot see (an
    instructor of another cohort); 403 for members of the cohort who do not teach this session.
    """
    session = (
        ClassSession.objects.select_related("cohort", "module")
        .prefetch_related("instructors")
        .filter(pk=pk)
        .first()
    )
    if session is None or not user_can_view_cohort(user, session.cohort):
        raise Http404(_("Không tìm thấy buổi học này."))
    if not user_can_take_attendance(user, session):
        raise PermissionDenied(_("Chỉ giảng viên của buổi học và nhà trường mới điểm danh được."))
    return session


# --- Final reports ------------------------------------------------------------------------------
# A participant sees and submits only their own report. Graders: the cohort's instructors and
# school staff; they see every submission and file of that cohort and nothing of another cohort.
# The deadline's exceptions (late permissions) and the assignment's settings: school staff only.
# Everyone else gets 404 for a submission or a file: no one learns by guessing an id that it
# exists.


def user_can_submit_report(user, cohort) -> bool:
    """An approved participant of the cohort (the deadline is the service's business)."""
    return Role.PARTICIPANT in _approved_roles(user, cohort)


def user_can_grade_reports(user, cohort) -> bool:
    """Grade, see every submission and file, release grades: the cohort's instructors and
    school staff."""
    return is_school_staff(user) or user_teaches(user, cohort)


def user_can_allow_late_reports(user, cohort) -> bool:
    """Accept a submission after the deadline, change the assignment: school staff only."""
    return is_school_staff(user)


def access_cohort_for_grading(user, code: str) -> Cohort:
    """The cohort if the user grades its reports. 404 for those who cannot see the cohort (an
    instructor of another cohort), 403 for its participants."""
    cohort = access_cohort(user, code)
    if not user_can_grade_reports(user, cohort):
        raise PermissionDenied(_("Chỉ giảng viên của lớp và nhà trường mới chấm báo cáo được."))
    return cohort


_NO_REPORT = _("Không tìm thấy báo cáo này.")


def access_submission_for_grading(user, cohort, pk: int) -> Submission:
    """A submission of this cohort (with its participant) for one of its graders; 404 for
    anyone else, including a classmate who guesses the number."""
    submission = (
        Submission.objects.select_related("assignment", "enrollment__user")
        .filter(pk=pk, assignment__cohort=cohort)
        .first()
    )
    if submission is None or not user_can_grade_reports(user, cohort):
        raise Http404(_NO_REPORT)
    submission.assignment.cohort = cohort
    submission.enrollment.cohort = cohort
    return submission


def access_report_file(user, pk: int) -> SubmissionVersion:
    """A version that has a file, for its author, an instructor of its cohort or school staff;
    404 for everyone else (a classmate, an instructor of another cohort) and for text-only
    versions."""
    version = (
        SubmissionVersion.objects.select_related(
            "submission__enrollment", "submission__assignment__cohort"
        )
        .filter(pk=pk)
        .exclude(storage_name="")
        .first()
    )
    if version is None or not _active(user):
        raise Http404(_NO_REPORT)
    enrollment = version.submission.enrollment
    if enrollment.user_id == user.pk:
        return version
    if user_can_grade_reports(user, version.submission.assignment.cohort):
        return version
    raise Http404(_NO_REPORT)


# --- Certificates ---------------------------------------------------------------------------
# Issuing, revoking, re-issuing, the register and cohort-wide downloads: school staff only (the
# register holds personal data: curriculum.md). A participant downloads their own certificates;
# anyone may verify a code (courses.views.verification), which shows no personal data beyond
# the name.


def user_can_issue_certificates(user) -> bool:
    return is_school_staff(user)


def user_can_download_certificate(user, certificate) -> bool:
    if not _active(user):
        return False
    return is_school_staff(user) or certificate.enrollment.user_id == user.pk


def access_certificate(user, pk: int):
    """A certificate its owner or school staff may download; 404 for anyone else."""
    from courses.models.certificates import Certificate

    certificate = Certificate.objects.select_related("enrollment").filter(pk=pk).first()
    if certificate is None or not user_can_download_certificate(user, certificate):
        raise Http404(_("Không tìm thấy chứng chỉ này."))
    return certificate


# --- Self-paced study ---------------------------------------------------------------------------


def user_can_see_study_progress(user, cohort) -> bool:
    """How many participants studied each module (the cohort page): the cohort's instructors and
    school staff. Participants see only their own marks."""
    return is_school_staff(user) or user_teaches(user, cohort)


__all__ += ["user_can_see_study_progress"]


# --- Dashboards (instructor home, school home, at-risk) ----------------------------------------


def user_can_see_instructor_home(user) -> bool:
    """/giang-day/: whoever has the instructors' (or school's) admin role, or teaches a cohort."""
    from lms.accounts.roles import can_access_admin

    if not _active(user):
        return False
    return (
        can_access_admin(user)
        or Enrollment.objects.filter(
            user=user, role=Role.INSTRUCTOR, status=Status.APPROVED
        ).exists()
    )


def remember_teaching(user, cohorts) -> None:
    """Record in the per-request memo that the user is an approved instructor of `cohorts`
    (a page that has just read them from the user's instructor enrollments), so predicates on
    their sessions ask no query per cohort. Exact: one enrollment per person and cohort."""
    if _active(user):
        cache = user.__dict__.setdefault("_cohort_roles", {})
        for cohort in cohorts:
            cache[cohort.pk] = {Role.INSTRUCTOR}


__all__ += ["remember_teaching", "user_can_see_instructor_home"]
