"""With TASKS_BACKEND=database (as `make run` and production run), issuing a cohort's
certificates returns at once with a queued batch; the separate worker process
(`manage.py db_worker`) issues them and the progress page follows."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from courses.models import BatchStatus, Certificate, IssuanceBatch
from tests import factories
from tests.courses.attendance_helpers import session
from tests.courses.certificate_helpers import (
    eligible_participant,
    use_fake_renderer,
    use_signing_key,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_TASKS)
def test_the_request_queues_the_batch_and_the_worker_issues_it(
    client, cohort, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    use_fake_renderer(monkeypatch)
    use_signing_key(settings, tmp_path)
    cohort.field_study_required = False
    cohort.save(update_fields=["field_study_required"])
    session(cohort, starts_at=timezone.now() - dt.timedelta(days=1))
    for given in ("An", "Bình", "Cường"):
        eligible_participant(cohort, "Nguyễn Văn", given)
    client.force_login(factories.school_staff())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("courses:staff_certificates", args=[cohort.code]),
            {
                "cap-decision_number": "215/QĐ-TĐT",
                "cap-decision_date": "2026-11-20",
                "cap-issued_on": "2026-11-25",
                "cap-scope": "all",
            },
        )

    batch = IssuanceBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == BatchStatus.QUEUED
    assert not Certificate.objects.exists()  # nothing rendered inside the request
    waiting = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in waiting
    assert "0/3" in waiting

    # The worker checks its connection each round (close_old_connections), which closes a
    # connection inside a transaction — this test's. Django's test client disconnects the same
    # hygiene for requests; here it is switched off for the worker run in this process.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay")

    batch.refresh_from_db()
    assert (batch.status, batch.issued_count) == (BatchStatus.DONE, 3)
    assert Certificate.objects.count() == 3
    done = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert f"{cohort.code}/2026/0003" in done
