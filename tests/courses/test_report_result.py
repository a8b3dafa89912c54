"""THE final-report result certificates read (courses.report_selectors.report_result and
report_results_for_cohort): passed at the pass mark's boundary, no grade, no hand-in, late."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.report_selectors import report_result, report_results_for_cohort
from courses.services import reports as service
from tests import factories
from tests.courses.report_helpers import assignment, freeze, graded, hand_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(cohort):
    return assignment(cohort)


@pytest.mark.parametrize(
    ("score", "passed"),
    [("4,9", False), ("5,0", True), ("5", True), ("0", False), ("10", True)],
)
def test_passed_means_a_score_at_or_above_the_default_pass_mark(cohort, due, score, passed):
    member = factories.enrollment(cohort)
    graded(member, score)
    result = report_result(member)
    assert cohort.report_pass_mark == Decimal("5.0")
    assert result.submitted
    assert result.graded
    assert result.score == service.parse_score(score)
    assert result.passed is passed


def test_the_pass_mark_is_the_cohorts_setting(cohort, due):
    cohort.report_pass_mark = Decimal("6.5")
    cohort.save(update_fields=["report_pass_mark"])
    below, at = factories.enrollment(cohort), factories.enrollment(cohort)
    graded(below, "6,4")
    graded(at, "6,5")
    assert (report_result(below).passed, report_result(at).passed) == (False, True)
    assert report_result(at).pass_mark == Decimal("6.5")


def test_without_a_hand_in_nothing_is_submitted_or_passed(cohort, due):
    member = factories.enrollment(cohort)
    result = report_result(member)
    assert (result.submitted, result.graded, result.passed, result.score) == (
        False,
        False,
        False,
        None,
    )
    assert result.submitted_at is None
    assert result.status == "missing"


def test_a_cohort_without_an_assignment_yet_gives_the_same_empty_result(cohort):
    member = factories.enrollment(cohort)
    result = report_result(member)
    assert not result.submitted
    assert not result.released
    assert report_results_for_cohort(cohort) == {member.pk: result}


def test_handed_in_but_not_graded_is_submitted_and_not_passed(cohort, due):
    member = factories.enrollment(cohort)
    first = hand_in(member)
    second = hand_in(member, title="Bản hai")
    result = report_result(member)
    assert (result.submitted, result.graded, result.passed) == (True, False, False)
    assert result.versions == 2
    assert result.submitted_at == second.submitted_at >= first.submitted_at
    assert result.status == "submitted"


def test_a_late_hand_in_accepted_by_staff_counts_and_says_late(cohort, monkeypatch):
    due = assignment(cohort, deadline=timezone.now() + dt.timedelta(hours=1))
    member = factories.enrollment(cohort)
    freeze(monkeypatch, due.deadline + dt.timedelta(hours=2))
    service.allow_late(
        factories.school_staff(), member, until=due.deadline + dt.timedelta(days=1), reason="Ốm"
    )
    hand_in(member)
    assert report_result(member).status == "late"
    graded(member, "7,5")
    result = report_result(member)
    assert (result.late, result.passed, result.status) == (True, True, "graded")


def test_classification_follows_the_band_table_when_there_is_one(cohort):
    bands = [["9", "Xuất sắc"], ["8", "Giỏi"], ["6.5", "Khá"], ["5", "Trung bình"]]
    assignment(cohort, bands=bands)
    people = {score: factories.enrollment(cohort) for score in ("9,0", "8,9", "6,5", "5,0", "4,9")}
    for score, member in people.items():
        graded(member, score)
    labels = {score: report_result(member).classification for score, member in people.items()}
    assert labels == {
        "9,0": "Xuất sắc",
        "8,9": "Giỏi",
        "6,5": "Khá",
        "5,0": "Trung bình",
        "4,9": "",
    }


def test_without_a_band_table_there_is_no_classification(cohort, due):
    member = factories.enrollment(cohort)
    graded(member, "9,5")
    assert report_result(member).classification == ""


def test_released_says_whether_participants_may_see_the_grade(cohort, due):
    member = factories.enrollment(cohort)
    graded(member, "8")
    assert report_result(member).released is False
    service.release_grades(None, service.ensure_assignment(cohort))
    assert report_result(member).released is True
    assert report_result(member).passed  # passing never depended on the release


def test_results_for_the_cohort_match_one_by_one_and_skip_who_left(cohort, due):
    passed, failed, waiting, missing = (factories.enrollment(cohort) for _ in range(4))
    graded(passed, "5,0")
    graded(failed, "4,9")
    hand_in(waiting)
    withdrawn = factories.enrollment(cohort, status="withdrawn")
    completed = factories.enrollment(cohort)
    graded(completed, "8")  # handed in and graded while studying, then the course ended
    type(completed).objects.filter(pk=completed.pk).update(status="completed")
    results = report_results_for_cohort(cohort)
    assert results[completed.pk].passed
    assert set(results) == {passed.pk, failed.pk, waiting.pk, missing.pk, completed.pk}
    assert withdrawn.pk not in results
    for member in (passed, failed, waiting, missing):
        assert results[member.pk] == report_result(member)
    assert [results[m.pk].passed for m in (passed, failed, waiting, missing)] == [
        True,
        False,
        False,
        False,
    ]


def _count(function, *args):
    with CaptureQueriesContext(connection) as queries:
        function(*args)
    return len(queries.captured_queries)


def test_results_take_a_fixed_number_of_queries(program):
    counts = []
    for size in (3, 12):
        cohort = factories.cohort(program)
        assignment(cohort)
        people = [factories.enrollment(cohort) for _ in range(size)]
        for member in people[: size // 2]:
            graded(member, "7")
        for member in people[size // 2 : -1]:
            hand_in(member)
        counts.append(_count(report_results_for_cohort, cohort))
        member = type(people[0]).objects.get(pk=people[0].pk)
        assert _count(report_result, member) <= 3
    assert counts[0] == counts[1] == 3


def test_the_demo_seed_hands_in_most_reports_grades_some_fails_one_and_misses_one():
    from django.core.management import call_command

    from courses.demo_cohorts import RUNNING_CODE
    from courses.demo_reports import FAILING, MISSING, RESUBMITTED, SCORES
    from courses.models import Cohort, GradeChange, Submission, SubmissionVersion

    call_command("seed_demo", force=True)
    cohort = Cohort.objects.get(code=RUNNING_CODE)
    results = report_results_for_cohort(cohort)
    by_email = {
        enrollment.user.email: results[enrollment.pk]
        for enrollment in cohort.enrollments.filter(pk__in=results).select_related("user")
    }
    assert len(by_email) == 30
    assert [email for email, result in by_email.items() if not result.submitted] == [MISSING]
    graded_ones = {email: result.score for email, result in by_email.items() if result.graded}
    assert graded_ones == {email: service.parse_score(score) for email, score in SCORES.items()}
    failing = [email for email, result in by_email.items() if result.graded and not result.passed]
    assert failing == [FAILING[0]]
    assert by_email[RESUBMITTED].versions == 2
    assert not any(result.late for result in by_email.values())

    def counts():
        return (
            Submission.objects.filter(assignment__cohort=cohort).count(),
            SubmissionVersion.objects.filter(submission__assignment__cohort=cohort).count(),
            GradeChange.objects.filter(grade__submission__assignment__cohort=cohort).count(),
        )

    assert counts() == (29, 30, len(SCORES))
    call_command("seed_demo", force=True)  # a second run creates nothing
    assert counts() == (29, 30, len(SCORES))
