"""Certificates issued at the same moment from several OS processes (PostgreSQL only).

Each worker is a separate Python process (`python -c WORKER`, Django set up from scratch) with its
own database connection to the test database, so nothing is shared but PostgreSQL itself — as
with several gunicorn workers and task runners. They start together: each one sets Django up,
connects, says it is ready (a file), and waits for the go file the test writes once all are ready.
Every wait is bounded, and a worker still running at the end is killed, so a lock that is never
released fails the test instead of hanging the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from courses.models.certificates import Certificate, NumberSequence
from tests import factories
from tests.courses.certificate_helpers import eligible_class, use_signing_key

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120  # seconds for every worker to import Django and connect
RUN_TIMEOUT = 120  # seconds for the workers to finish once started

pytestmark = [
    pytest.mark.postgres,
    # The marker only labels the test; this is what skips it on SQLite.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent processes need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The worker: argv[1] is a JSON object with the enrollment ids to issue, the actor, the key
# file, the ready/go files and the date. It prints one line "RESULT <json>".
WORKER = r"""
import json, os, sys, time

job = json.loads(sys.argv[1])
import django

django.setup()
from django.conf import settings

settings.LMS_SIGNING_KEY_FILE = job["key"]
import courses.certificate_document as document
from tests.courses.certificate_helpers import fake_pdf_document

document.render_certificate_document = fake_pdf_document
import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection

from courses.exceptions import Conflict
from courses.models import Enrollment
from courses.services.certificates import issue_certificate

actor = get_user_model().objects.get(pk=job["actor"])
members = [Enrollment.objects.get(pk=pk) for pk in job["ids"]]
day = dt.date.fromisoformat(job["day"])
connection.ensure_connection()
open(job["ready"], "w").close()
deadline = time.monotonic() + job["wait"]
while not os.path.exists(job["go"]):
    if time.monotonic() > deadline:
        sys.exit("worker: no go signal")
    time.sleep(0.001)
results = []
for member in members:
    try:
        certificate = issue_certificate(
            member, actor=actor, decision_number="77/QĐ-TĐT", decision_date=day, issued_on=day
        )
        results.append({"id": member.pk, "sequence": certificate.sequence})
    except Conflict as refusal:
        results.append({"id": member.pk, "conflict": refusal.message})
print("RESULT " + json.dumps(results), flush=True)
"""


def _database_url() -> str:
    """The test database (test_…) that this test runs against, as a DATABASE_URL."""
    db = connection.settings_dict
    # Never the configured database: pytest-django created this one, named test_….
    assert db["NAME"].startswith("test_"), db["NAME"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def run_together(jobs: list[list[int]], actor, key: str, workdir: Path) -> list[list[dict]]:
    """Run one worker process per job (a list of enrollment ids), all released at once;
    return each worker's results. Fails (never hangs) if a worker is slow or breaks."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": str(ROOT),
    }
    go = workdir / "go"
    go.unlink(missing_ok=True)
    ready = [workdir / f"ready-{index}" for index in range(len(jobs))]
    for path in ready:
        path.unlink(missing_ok=True)
    day = timezone.localdate().isoformat()
    workers = []
    try:
        for index, ids in enumerate(jobs):
            job = {
                "ids": ids,
                "actor": actor.pk,
                "key": key,
                "ready": str(ready[index]),
                "go": str(go),
                "day": day,
                "wait": READY_TIMEOUT + 30,
            }
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, json.dumps(job)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while not all(path.exists() for path in ready):
            crashed = [w for w in workers if w.poll() not in (None, 0)]
            if crashed:
                pytest.fail(f"a worker died while starting: {crashed[0].communicate()[1][-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("workers were not ready in time")
            time.sleep(0.01)
        go.touch()
        outputs = []
        deadline = time.monotonic() + RUN_TIMEOUT
        for worker in workers:
            try:
                out, err = worker.communicate(timeout=max(1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pytest.fail("a worker did not finish in time (a lock never released?)")
            assert worker.returncode == 0, err[-3000:]
            lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
            assert len(lines) == 1, (out[-2000:], err[-2000:])
            outputs.append(json.loads(lines[0].removeprefix("RESULT ")))
        return outputs
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()


NAMES = [
    ("Nguyễn Văn", "An"), ("Trần Thị", "Bình"), ("Lê Văn", "Cường"), ("Phạm Thị", "Dung"),
    ("Hoàng Văn", "Đức"), ("Vũ Thị", "Giang"), ("Đặng Văn", "Hải"), ("Bùi Thị", "Hạnh"),
    ("Đỗ Văn", "Hùng"), ("Ngô Thị", "Lan"), ("Dương Văn", "Long"), ("Lý Thị", "Mai"),
    ("Phan Văn", "Minh"), ("Trịnh Thị", "Nga"), ("Đinh Văn", "Nam"), ("Hồ Thị", "Oanh"),
    ("Mai Văn", "Phúc"), ("Tô Thị", "Quỳnh"), ("Châu Văn", "Sơn"), ("La Thị", "Thảo"),
]  # fmt: skip


def test_four_processes_issuing_at_once_number_1_to_20_without_gap_or_duplicate(
    program, settings, tmp_path
):
    key = use_signing_key(settings, tmp_path)
    # Two cohorts of the same issuer: they share the issuer's sequence for the year.
    first, second = factories.cohort(program), factories.cohort(program)
    assert first.issuer_name == second.issuer_name
    members = eligible_class(first, NAMES[:10]) + eligible_class(second, NAMES[10:])
    staff = factories.school_staff()
    # Four workers of five people each, mixing both cohorts.
    jobs = [[m.pk for m in members[index::4]] for index in range(4)]

    outputs = run_together(jobs, staff, key, tmp_path)

    results = [result for output in outputs for result in output]
    assert all("sequence" in result for result in results), results
    assert sorted(result["sequence"] for result in results) == list(range(1, 21))
    year = timezone.localdate().year
    rows = Certificate.objects.filter(issuer=first.issuer_name, year=year)
    assert sorted(rows.values_list("sequence", flat=True)) == list(range(1, 21))
    assert rows.values("enrollment").distinct().count() == 20
    numbers = list(rows.values_list("certificate_number", flat=True))
    registers = list(rows.values_list("register_number", flat=True))
    assert len(set(numbers)) == len(set(registers)) == 20
    assert NumberSequence.objects.get(issuer=first.issuer_name, year=year).last_number == 20
    # Each certificate's printed numbers are those of its own sequence and cohort.
    for certificate in rows.select_related("cohort"):
        assert certificate.certificate_number == (
            f"{certificate.cohort.code}/{year}/{certificate.sequence:04d}"
        )
        assert certificate.snapshot["register_number"] == f"{certificate.sequence:04d}/{year}"


def test_two_processes_issuing_to_the_same_person_make_one_certificate(program, settings, tmp_path):
    key = use_signing_key(settings, tmp_path)
    cohort = factories.cohort(program)
    (member,) = eligible_class(cohort, [("Nguyễn Thị Thu", "Hằng")])
    staff = factories.school_staff()

    outputs = run_together([[member.pk], [member.pk]], staff, key, tmp_path)

    results = [output[0] for output in outputs]
    assert sorted("sequence" in result for result in results) == [False, True], results
    (refused,) = [result for result in results if "conflict" in result]
    assert "Nguyễn Thị Thu Hằng" in refused["conflict"]
    assert Certificate.objects.filter(enrollment=member).count() == 1
    assert Certificate.objects.get().sequence == 1
    # The loser's number was rolled back with the rest of its transaction.
    year = timezone.localdate().year
    assert NumberSequence.objects.get(issuer=cohort.issuer_name, year=year).last_number == 1
