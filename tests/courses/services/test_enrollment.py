"""The enrollment state machine, its history, capacity and the refusals a person can read."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from courses.exceptions import CapacityReached, InvalidInput, InvalidTransition, NotAllowed
from courses.models import Enrollment, EnrollmentChange, ParticipantProfile, Status
from courses.services import enrollment as service
from courses.services.enrollment import Profile
from tests import factories

pytestmark = pytest.mark.django_db


def profile(**changes) -> Profile:
    values = {
        "last_name": "Nguyễn Thị",
        "first_name": "Đào",
        "date_of_birth": dt.date(1975, 2, 5),
        "organisation_name": "Sở Khoa học và Công nghệ tỉnh Tuyên Quang",
        "position": "Giám đốc",
        "province": factories.province("Tuyên Quang"),
    }
    return Profile(**(values | changes))


def test_apply_records_the_application_with_the_workplace_of_the_day(cohort, participant):
    enrollment = service.apply(participant, cohort, profile(), "Dữ liệu dùng chung của tỉnh")

    assert enrollment.status == Status.APPLIED
    assert enrollment.organisation_name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    assert enrollment.organisation is not None, "matched to the reference organisation"
    assert enrollment.province.name == "Tuyên Quang"
    participant.refresh_from_db()
    assert participant.full_name == "Nguyễn Thị Đào"
    change = enrollment.changes.get()
    assert (change.old_status, change.new_status, change.changed_by) == ("", "applied", participant)

    # A later move does not rewrite the enrollment.
    service.save_profile(participant, profile(organisation_name="Bộ Khoa học và Công nghệ"))
    enrollment.refresh_from_db()
    assert enrollment.organisation_name == "Sở Khoa học và Công nghệ tỉnh Tuyên Quang"
    assert ParticipantProfile.objects.get(user=participant).organisation_name == (
        "Bộ Khoa học và Công nghệ"
    )


def test_applying_twice_is_refused_with_the_current_status(cohort, participant):
    service.apply(participant, cohort, profile())
    with pytest.raises(InvalidTransition, match="Đã nộp đơn"):
        service.apply(participant, cohort, profile())
    assert Enrollment.objects.count() == 1


def test_applying_to_a_closed_cohort_is_refused(cohort, participant):
    cohort.applications_close_on = timezone.localdate() - dt.timedelta(days=1)
    cohort.applications_open_on = timezone.localdate() - dt.timedelta(days=9)
    cohort.save()
    with pytest.raises(InvalidTransition, match="không nhận đơn"):
        service.apply(participant, cohort, profile())
    assert not Enrollment.objects.exists()


def test_applying_to_a_full_cohort_is_refused(cohort, participant):
    cohort.capacity = 1
    cohort.save()
    factories.enrollment(cohort)
    with pytest.raises(CapacityReached, match="đã đủ học viên"):
        service.apply(participant, cohort, profile())
    assert not Enrollment.objects.filter(user=participant).exists()


def test_applying_needs_a_verified_email(cohort):
    unverified = factories.UserFactory(verified_email=False)
    with pytest.raises(NotAllowed, match="xác nhận địa chỉ email"):
        service.apply(unverified, cohort, profile())


def test_approve_and_reject_mail_the_applicant(
    cohort, participant, school_staff, django_capture_on_commit_callbacks
):
    other = factories.UserFactory()
    first = service.apply(participant, cohort, profile())
    second = service.apply(other, cohort, profile(first_name="Bình"))
    with django_capture_on_commit_callbacks(execute=True):
        service.approve(school_staff, first)
        service.reject(school_staff, second, "Chưa đúng đối tượng của lớp")

    approved, rejected = mail.outbox
    assert approved.to == [participant.email]
    assert "đã được duyệt" in approved.subject
    assert cohort.name in approved.body
    assert rejected.to == [other.email]
    assert "Chưa đúng đối tượng của lớp" in rejected.body
    assert EnrollmentChange.objects.filter(
        enrollment=second, new_status="rejected", changed_by=school_staff
    ).exists()


def test_reject_needs_a_reason(cohort, participant, school_staff):
    enrollment = service.apply(participant, cohort, profile())
    with pytest.raises(InvalidInput, match="lý do"):
        service.reject(school_staff, enrollment, "  ")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.APPLIED


@pytest.mark.parametrize(
    ("start", "action", "allowed"),
    [
        ("applied", "approve", True),
        ("applied", "reject", True),
        ("applied", "withdraw", False),
        ("applied", "complete", False),
        ("approved", "withdraw", True),
        ("approved", "complete", True),
        ("approved", "approve", False),
        ("approved", "reject", False),
        ("rejected", "approve", False),
        ("withdrawn", "approve", False),
        ("withdrawn", "complete", False),
        ("completed", "withdraw", False),
    ],
)
def test_state_machine(cohort, school_staff, start, action, allowed):
    enrollment = factories.enrollment(cohort, status=start)
    act = getattr(service, action)
    if allowed:
        changed = act(school_staff, enrollment, "Lý do ghi nhận")
        assert changed.status != start
        assert changed.changes.filter(old_status=start, new_status=changed.status).exists()
    else:
        with pytest.raises(InvalidTransition, match="Không thể chuyển"):
            act(school_staff, enrollment, "Lý do ghi nhận")
        enrollment.refresh_from_db()
        assert enrollment.status == start
        assert not enrollment.changes.exists()


def test_only_school_staff_decide(cohort, participant, instructor):
    enrollment = service.apply(participant, cohort, profile())
    for actor in (participant, instructor):
        with pytest.raises(NotAllowed):
            service.approve(actor, enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.APPLIED


def test_a_participant_withdraws_themself_with_a_reason(cohort, participant):
    enrollment = factories.enrollment(cohort, participant)
    service.withdraw(participant, enrollment, "Được điều động công tác khác")
    change = enrollment.changes.get()
    assert change.reason == "Được điều động công tác khác"
    assert change.changed_by == participant
    other = factories.enrollment(cohort)
    with pytest.raises(NotAllowed):
        service.withdraw(participant, other, "không")


def test_approval_stops_at_capacity(cohort, school_staff):
    cohort.capacity = 2
    cohort.save()
    applications = [factories.enrollment(cohort, status="applied") for _ in range(3)]
    outcomes = service.decide_many(school_staff, applications, "approve")
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "đủ 2 học viên" in outcomes[2].message
    assert Enrollment.objects.filter(status="approved").count() == 2


def test_enroll_directly_is_idempotent(cohort, participant, school_staff):
    first, created = service.enroll(school_staff, cohort, participant)
    again, created_again = service.enroll(school_staff, cohort, participant)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert EnrollmentChange.objects.filter(enrollment=first).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_approvals_never_overfill_the_cohort(program):
    cohort = factories.cohort(program, capacity=1)
    staff = factories.school_staff()
    applications = [factories.enrollment(cohort, status="applied") for _ in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def approve(enrollment):
        from django.db import connections

        barrier.wait()
        try:
            service.approve(staff, enrollment)
            results.append("ok")
        except CapacityReached:
            results.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(e,)) for e in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["full", "ok"]
    assert Enrollment.objects.filter(cohort=cohort, status="approved").count() == 1
