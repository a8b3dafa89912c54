"""A certificate batch survives its task worker being killed.

django-tasks-db never runs a task again once a worker has taken it: a worker killed mid-batch
leaves its task row and the batch RUNNING, the batch's heartbeat frozen. resume_stalled_batches
(run by `manage.py run_worker`'s watchdog) enqueues such a batch again, and the new run issues
only those not issued yet. The same with real processes and kill -9:
tests/benchmarks/fault_worker_kill.py."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.models import BatchStatus, Certificate, IssuanceBatch
from courses.services import certificates as service
from courses.tasks import run_issuance_batch
from tests.courses.certificate_helpers import (
    eligible_participant,
    use_fake_renderer,
    use_signing_key,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NAMES = [("Nguyễn Văn", "An"), ("Trần Thị", "Bình"), ("Lê Minh", "Cường"), ("Phạm Thu", "Dung")]
NAMES += [("Hoàng Đức", "Giang")]


@pytest.fixture(autouse=True)
def _fast_and_isolated(monkeypatch, settings, tmp_path):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)


@pytest.fixture
def members(small_cohort):
    return [eligible_participant(small_cohort, last, first) for last, first in NAMES]


def start(cohort, actor):
    """A batch for every eligible participant, left QUEUED (its task is not run)."""
    day = timezone.localdate()
    return service.start_issuance(
        cohort,
        actor=actor,
        enrollment_ids=None,
        decision_number="215/QĐ-TĐT",
        decision_date=day,
        issued_on=day,
    )


def silent_for(seconds):
    return timezone.now() - dt.timedelta(seconds=seconds)


def batch_tasks(batch_id, status=None):
    rows = DBTaskResult.objects.filter(task_path=run_issuance_batch.module_path)
    if status is not None:
        rows = rows.filter(status=status)
    return [row for row in rows if row.args_kwargs["args"] == [batch_id]]


def test_the_heartbeat_advances_with_each_issued_certificate(
    small_cohort, members, school_staff, monkeypatch
):
    batch = start(small_cohort, school_staff)
    long_ago = silent_for(3600)
    seen = []
    real_issue = service.issue_certificate

    def issue_and_go_silent(*args, **kwargs):
        # What the previous certificate left, then pretend the worker has been silent for long.
        seen.append(IssuanceBatch.objects.get(pk=batch.pk).heartbeat_at)
        IssuanceBatch.objects.filter(pk=batch.pk).update(heartbeat_at=long_ago)
        return real_issue(*args, **kwargs)

    monkeypatch.setattr(service, "issue_certificate", issue_and_go_silent)
    before = timezone.now()
    done = service.run_batch(batch.pk)

    assert (done.status, done.issued_count, done.skipped) == (BatchStatus.DONE, 5, [])
    # Every certificate was issued (none skipped), so only the issued branch wrote these.
    assert len(seen) == 5
    assert all(heartbeat >= before for heartbeat in seen)
    assert done.heartbeat_at >= before


def test_the_stale_limit_is_the_setting_read_at_call_time(settings):
    settings.LMS_BATCH_STALE_SECONDS = 7
    assert service.stale_batch_limit() == dt.timedelta(seconds=7)
    settings.LMS_BATCH_STALE_SECONDS = 300
    assert service.stale_batch_limit() == dt.timedelta(minutes=5)


@override_settings(TASKS=DATABASE_TASKS)
def test_only_a_stalled_batch_is_enqueued_again(
    small_cohort, members, school_staff, settings, django_capture_on_commit_callbacks
):
    settings.LMS_BATCH_STALE_SECONDS = 60
    made = {}
    for name, status, heartbeat in [
        ("stale", BatchStatus.RUNNING, silent_for(61)),
        ("fresh", BatchStatus.RUNNING, silent_for(30)),
        ("done", BatchStatus.DONE, silent_for(3600)),
        ("failed", BatchStatus.FAILED, silent_for(3600)),
    ]:
        batch = start(small_cohort, school_staff)
        IssuanceBatch.objects.filter(pk=batch.pk).update(status=status, heartbeat_at=heartbeat)
        made[name] = batch.pk
    # Its worker took the task, then was killed: the task row stays RUNNING.
    orphan = run_issuance_batch.enqueue(made["stale"])
    DBTaskResult.objects.filter(pk=orphan.id).update(status="RUNNING", started_at=silent_for(61))
    # Requested long ago and still waiting: one with no task at all (the process died between
    # the commit and the enqueue), one whose task waits for a busy worker.
    lost, waiting = start(small_cohort, school_staff), start(small_cohort, school_staff)
    IssuanceBatch.objects.filter(pk__in=[lost.pk, waiting.pk]).update(requested_at=silent_for(61))
    run_issuance_batch.enqueue(waiting.pk)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = service.resume_stalled_batches()

    assert resumed == [made["stale"], lost.pk]
    assert len(batch_tasks(made["stale"], "READY")) == 1
    assert len(batch_tasks(lost.pk, "READY")) == 1
    assert len(batch_tasks(waiting.pk)) == 1
    for name in ("fresh", "done", "failed"):
        assert batch_tasks(made[name]) == []
    orphan_row = DBTaskResult.objects.get(pk=orphan.id)
    assert orphan_row.status == "FAILED"
    assert orphan_row.exception_class_path.endswith("BatchWorkerLost")
    assert orphan_row.finished_at is not None

    # Their new tasks wait for a worker: the next check (here the cron command) adds nothing.
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_stalled_batches", stdout=out)
    assert out.getvalue().strip() == "No stalled batch."
    assert len(batch_tasks(made["stale"])) == 2  # the failed one and the new one

    # The limit is read at each call: with the default (300 s) nothing is stale.
    settings.LMS_BATCH_STALE_SECONDS = 300
    DBTaskResult.objects.all().delete()
    assert service.resume_stalled_batches() == []


@override_settings(TASKS=DATABASE_TASKS)
def test_a_batch_cut_short_by_a_killed_worker_is_finished_by_the_resumed_run(
    small_cohort, members, school_staff, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = start(small_cohort, school_staff)
    (task,) = batch_tasks(batch.pk, "READY")
    # A worker took the task, issued two certificates, and was killed (kill -9): the task row
    # and the batch stay RUNNING, the heartbeat is the last one it wrote.
    task.claim("killed-worker")
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    first_two = [m for m in members if m.pk in batch.enrollment_ids[:2]]
    for member in first_two:
        day = timezone.localdate()
        service.issue_certificate(
            member,
            actor=school_staff,
            decision_number=batch.decision_number,
            decision_date=day,
            issued_on=day,
            batch=batch,
        )
    last_heartbeat = timezone.now() - service.stale_batch_limit() - dt.timedelta(seconds=1)
    IssuanceBatch.objects.filter(pk=batch.pk).update(issued_count=2, heartbeat_at=last_heartbeat)

    with django_capture_on_commit_callbacks(execute=True):
        assert service.resume_stalled_batches() == [batch.pk]
    # The worker (run_worker passes its options to db_worker). It checks its connection each
    # round (close_old_connections), which would close this test's transaction: switched off.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("run_worker", "--batch", "--no-startup-delay", "--watchdog-interval", "0")

    batch.refresh_from_db()
    assert (batch.status, batch.issued_count, batch.skipped) == (BatchStatus.DONE, 5, [])
    certificates = list(Certificate.objects.filter(batch=batch).order_by("sequence"))
    assert sorted(c.enrollment_id for c in certificates) == sorted(batch.enrollment_ids)
    assert [c.sequence for c in certificates] == [1, 2, 3, 4, 5]  # no gap, no duplicate
    assert len({c.certificate_number for c in certificates}) == 5
    private = storages["private"]
    for certificate in certificates:
        with private.open(certificate.pdf_name, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
    statuses = sorted(row.status for row in batch_tasks(batch.pk))
    assert statuses == ["FAILED", "SUCCESSFUL"]  # the killed run's, the resumed run's
