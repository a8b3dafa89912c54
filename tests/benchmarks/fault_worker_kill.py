"""Fault script (not a test): a certificate batch survives its task worker being killed.

With real processes: in a throwaway database (PostgreSQL `lms_fault_<pid>` on
postgres@127.0.0.1:5432, dropped at the end; or a SQLite file in a temporary directory with
--sqlite), a cohort of N eligible participants (default 40) gets a batch (start_issuance,
TASKS_BACKEND=database). `manage.py run_worker` runs it as a subprocess, with
LMS_BATCH_STALE_SECONDS small and a short watchdog interval; once a few certificates are issued
the worker is killed (SIGKILL, no chance to clean up), a new worker is started, and the script
waits for the batch to be DONE. Then it checks: every chosen participant holds exactly one
certificate, the numbers are unique and gap-free, every certificate's PDF is stored (the private
file exists, starts with %PDF and matches its SHA-256), the batch's issued_count is right. It
prints a short report and exits non-zero on any failure.

    .venv/bin/python tests/benchmarks/fault_worker_kill.py [--participants 40] [--sqlite]
        [--kill-after 5] [--stale-seconds 5] [--watchdog-interval 1] [--timeout 600] [--keep]

Certificates are rendered by the real WeasyPrint path and signed (development keys generated
in the temporary directory). Settings: tests/benchmarks/fault_settings.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_certificates import names, say  # noqa: E402 (a sibling script: the same class names)


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class Workers:
    """The `manage.py run_worker` subprocesses, their output appended to one log file."""

    def __init__(self, env: dict, log: Path, watchdog_interval: float):
        self.env, self.log, self.watchdog_interval = env, log, watchdog_interval
        self.started: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        with self.log.open("ab") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "run_worker",
                    "--interval",
                    "0.5",
                    "--no-startup-delay",
                    "--no-reload",
                    "--watchdog-interval",
                    str(self.watchdog_interval),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def run(args, env: dict, workdir: Path) -> list[str]:
    """Everything that touches the database; returns the failures (empty: all good)."""
    os.environ.update(env | {"LOG_LEVEL": "WARNING"})  # the workers log at INFO to their file
    import django

    django.setup()
    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from courses import certificate_pades, certificate_signing
    from courses.models.certificates import BatchStatus, Certificate, IssuanceBatch
    from courses.services import certificates as service
    from courses.tasks import run_issuance_batch
    from tests import factories
    from tests.content.conftest import make_program
    from tests.courses.certificate_helpers import eligible_class

    failures: list[str] = []
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings["migrate"] = time.perf_counter() - clock
    say(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), migrated in "
        f"{timings['migrate']:.1f} s")  # fmt: skip

    clock = time.perf_counter()
    cohort = factories.cohort(make_program(13), capacity=max(200, args.participants))
    eligible_class(cohort, names(args.participants))
    staff = factories.school_staff()
    # The development keys, made once here rather than by a worker that may be killed.
    certificate_signing.private_key()
    certificate_pades.identity()
    day = timezone.localdate()
    batch = service.start_issuance(
        cohort,
        actor=staff,
        enrollment_ids=None,
        decision_number="215/QĐ-TĐT",
        decision_date=day,
        issued_on=day,
    )
    timings["setup"] = time.perf_counter() - clock
    say(f"Set-up: {args.participants} eligible participants, batch {batch.pk} queued, "
        f"{timings['setup']:.1f} s")  # fmt: skip

    def issued() -> int:
        return Certificate.objects.filter(batch_id=batch.pk).count()

    def batch_now() -> IssuanceBatch:
        return IssuanceBatch.objects.get(pk=batch.pk)

    def task_rows() -> list:
        rows = DBTaskResult.objects.filter(task_path=run_issuance_batch.module_path)
        return [row for row in rows if row.args_kwargs["args"] == [batch.pk]]

    workers = Workers(env, workdir / "workers.log", args.watchdog_interval)
    try:
        # 1. A worker starts on the batch and is killed once it has issued a few.
        started = time.perf_counter()
        first = workers.start()
        if not wait_for(lambda: issued() >= args.kill_after, args.timeout, 0.05):
            return [f"the first worker issued fewer than {args.kill_after} in {args.timeout} s"]
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.perf_counter()
        at_kill = batch_now()
        issued_at_kill = issued()
        rows_at_kill = Counter(row.status for row in task_rows())
        say(f"Worker 1 (pid {first.pid}) killed with SIGKILL after {killed_at - started:.1f} s: "
            f"{issued_at_kill} certificates issued, batch {at_kill.status}, issued_count "
            f"{at_kill.issued_count}, task rows {dict(rows_at_kill)}")  # fmt: skip
        if at_kill.status != BatchStatus.RUNNING:
            failures.append(f"after the kill the batch is {at_kill.status}, not running")

        # 2. A new worker: its watchdog finds the batch stale and enqueues it again.
        second = workers.start()
        rows_before = sum(rows_at_kill.values())
        resumed = wait_for(lambda: len(task_rows()) > rows_before, args.timeout, 0.1)
        resumed_at = time.perf_counter()
        if not resumed:
            failures.append("the batch was not enqueued again")
        else:
            say(f"Worker 2 (pid {second.pid}) started; batch enqueued again "
                f"{resumed_at - killed_at:.1f} s after the kill "
                f"(LMS_BATCH_STALE_SECONDS={args.stale_seconds})")  # fmt: skip
        done = wait_for(
            lambda: batch_now().status in (BatchStatus.DONE, BatchStatus.FAILED), args.timeout
        )
        finished_at = time.perf_counter()
        if not done:
            failures.append(f"the batch did not finish within {args.timeout} s")
        else:
            say(f"Batch finished {finished_at - resumed_at:.1f} s after it was enqueued again "
                f"({finished_at - started:.1f} s from the first start)")  # fmt: skip
    finally:
        workers.stop_all()

    # 3. Checks.
    final = batch_now()
    chosen = list(final.enrollment_ids)
    certificates = list(Certificate.objects.filter(cohort=cohort).order_by("sequence"))
    per_person = Counter(c.enrollment_id for c in certificates)
    if final.status != BatchStatus.DONE:
        failures.append(f"batch status {final.status} (error: {final.error!r})")
    if final.skipped:
        failures.append(f"skipped: {final.skipped}")
    missing = [pk for pk in chosen if per_person[pk] == 0]
    doubled = [pk for pk, n in per_person.items() if n > 1]
    strangers = [pk for pk in per_person if pk not in set(chosen)]
    if missing or doubled or strangers:
        failures.append(f"missing {missing}, more than one {doubled}, not chosen {strangers}")
    sequences = [c.sequence for c in certificates]
    if sequences != list(range(1, len(chosen) + 1)):
        failures.append(f"sequences are not 1..{len(chosen)}: {sequences}")
    numbers = [c.certificate_number for c in certificates]
    if len(set(numbers)) != len(numbers):
        failures.append("duplicate certificate numbers")
    private = storages["private"]
    bad_pdfs = []
    for certificate in certificates:
        if not certificate.pdf_name or not private.exists(certificate.pdf_name):
            bad_pdfs.append((certificate.certificate_number, "no file"))
            continue
        with private.open(certificate.pdf_name, "rb") as handle:
            data = handle.read()
        if not data.startswith(b"%PDF"):
            bad_pdfs.append((certificate.certificate_number, "not a PDF"))
        elif hashlib.sha256(data).hexdigest() != certificate.pdf_sha256:
            bad_pdfs.append((certificate.certificate_number, "SHA-256 differs"))
    if bad_pdfs:
        failures.append(f"PDFs: {bad_pdfs}")
    if final.issued_count != len(chosen) or final.issued_count != len(certificates):
        failures.append(
            f"issued_count {final.issued_count}, {len(certificates)} certificates, "
            f"{len(chosen)} chosen"
        )
    # A worker killed between writing a PDF and committing its record leaves that file behind
    # (the record, and its number, roll back): reported, not a failure.
    referenced = {c.pdf_name for c in certificates}
    stored = {
        str(path.relative_to(settings_private_root()))
        for path in (settings_private_root() / "certificates").rglob("*.pdf")
    }
    orphans = sorted(stored - referenced)

    say()
    say("Report")
    say(f"  participants chosen                 {len(chosen)}")
    say(f"  issued before the kill              {issued_at_kill}")
    say(f"  issued after the restart            {len(certificates) - issued_at_kill}")
    say(f"  certificates in the cohort          {len(certificates)}")
    say(f"  holders of more than one            {len(doubled)}")
    say(f"  sequences                           {sequences[:1]}..{sequences[-1:]} "
        f"({'gap-free' if sequences == list(range(1, len(chosen) + 1)) else 'GAPS'})")  # fmt: skip
    say(f"  PDFs stored and valid               {len(certificates) - len(bad_pdfs)}")
    say(f"  orphan PDF files (killed mid-write) {len(orphans)}")
    say(f"  batch                               {final.status}, issued_count "
        f"{final.issued_count}, skipped {len(final.skipped)}")  # fmt: skip
    say(f"  task rows of the batch              {dict(Counter(r.status for r in task_rows()))}")
    if resumed and done:
        say(f"  time: kill → re-enqueued            {resumed_at - killed_at:6.1f} s")
        say(f"  time: re-enqueued → DONE            {finished_at - resumed_at:6.1f} s")
    watchdog_lines = [
        line.strip()
        for line in (workdir / "workers.log").read_text(errors="replace").splitlines()
        if "stalled" in line or "enqueued again" in line
    ]
    for line in watchdog_lines[:5]:
        say(f"  worker log: {line[:160]}")
    from django.db import connections

    connections.close_all()
    return failures


def settings_private_root() -> Path:
    from django.conf import settings

    return Path(settings.PRIVATE_MEDIA_ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument("--kill-after", type=int, default=5, help="certificates before the kill")
    parser.add_argument("--stale-seconds", type=int, default=5)
    parser.add_argument("--watchdog-interval", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    workdir = Path(tempfile.mkdtemp(prefix="lms-fault-"))
    database = f"lms_fault_{os.getpid()}"
    if args.sqlite:
        url = f"sqlite:///{workdir / 'db.sqlite3'}"
    else:
        pg_admin(f'CREATE DATABASE "{database}"')
        url = f"{PG_SERVER}/{database}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.fault_settings",
        "LMS_FAULT_DIR": str(workdir),
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "LMS_BATCH_STALE_SECONDS": str(args.stale_seconds),
        "LOG_LEVEL": "INFO",
    }
    say(f"Working directory: {workdir}")
    failures = ["the script stopped before its checks"]
    try:
        failures = run(args, env, workdir)
    finally:
        if not args.sqlite:
            pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if args.keep:
            say(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        say("FAILED:")
        for failure in failures:
            say(f"  - {failure}")
        sys.exit(1)
    say("OK: every chosen participant holds exactly one certificate, with its PDF.")


if __name__ == "__main__":
    main()
