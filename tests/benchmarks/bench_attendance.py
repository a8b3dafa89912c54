"""Benchmark (a script, not a test): attendance under the load of a real class.

1. Roll call: one POST saves 120 participants; its median time and query count against a roll
   call of 10 and against the plain home page, in the same run (ratios, not absolute targets).
2. Check-in burst: 120 participants check in at the same moment against a running server
   (gunicorn, 2 processes × 8 threads, PostgreSQL, Redis, on loopback): time to complete, p50 and
   p95 latency, errors; then the database is read back (one record and one log row each).

    .venv/bin/python tests/benchmarks/bench_attendance.py [--runs 9] [--pg postgres://postgres@127.0.0.1:5432/postgres]

Part 2 needs PostgreSQL (a throwaway database is created and dropped) and Redis at
127.0.0.1:6379 (database 7, flushed of this run's keys only by their prefix).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
PARTICIPANTS = 120


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _median_ms(action, runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


# --- 1. Roll call of 120 in one request ---------------------------------------------------------


def bench_roll_call(runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from tests import factories
        from tests.content.conftest import make_program
        from tests.courses.attendance_helpers import session, teacher

        program = make_program(13)
        client = Client()
        results = {}
        for size in (10, PARTICIPANTS):
            cohort = factories.cohort(program, capacity=200)
            instructor = teacher(cohort)
            lesson = session(cohort, instructors=[instructor])
            people = [factories.enrollment(cohort) for _ in range(size)]
            client.force_login(instructor)
            url = f"/diem-danh/buoi/{lesson.pk}/"
            state = {"flip": False}

            def save(url=url, people=people, state=state, lesson=lesson):
                # Alternate everyone present / everyone late: every save writes every row.
                state["flip"] = not state["flip"]
                mark = "late" if state["flip"] else "present"
                from courses.models import AttendanceRecord

                versions = dict(
                    AttendanceRecord.objects.filter(session_id=lesson.pk).values_list(
                        "enrollment_id", "version"
                    )
                )
                data = {f"s-{p.pk}": mark for p in people}
                data |= {f"v-{p.pk}": versions.get(p.pk, 0) for p in people}
                response = client.post(url, data)
                assert response.status_code == 302, response.status_code

            queries = []

            def count(execute, sql, *rest, queries=queries):
                queries.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                save()
            # The versions read of save() itself is one of these; the POST is the rest.
            results[size] = (_median_ms(save, runs), len(queries) - 1)
        home = _median_ms(lambda: client.get("/"), runs)
        engine = connection.vendor
        say(f"Roll call save ({engine}, median of {runs}):")
        say(f"  home page (baseline)          {home:7.1f} ms")
        for size, (ms, n) in results.items():
            ratio = ms / home
            label = f"roll call of {size:>3} in one POST"
            say(f"  {label}  {ms:7.1f} ms  ×{ratio:4.1f} home  {n} queries")
        small, large = results[10], results[PARTICIPANTS]
        say(f"  120 vs 10 people: ×{large[0] / small[0]:.2f} time, queries {small[1]} → {large[1]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


# --- 2. 120 check-ins at once against gunicorn + PostgreSQL -----------------------------------


def _prepare(env: dict) -> tuple[int, list[dict]]:
    """Migrate the throwaway database, create a class of 120 with a session under way and
    check-in open; return the session's id and each participant's session cookie."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = (
        r"""
import json, django
django.setup()
from django.test import Client
from courses.services import attendance as service
from tests import factories
from tests.content.conftest import make_program
from tests.courses.attendance_helpers import session, teacher
program = make_program(13)
cohort = factories.cohort(program, capacity=200)
instructor = teacher(cohort)
lesson = session(cohort, instructors=[instructor])
people = [factories.enrollment(cohort).user for _ in range(__N__)]
service.open_check_in(instructor, lesson)
out = []
for user in people:
    client = Client()
    client.force_login(user)
    out.append({"session": client.cookies["sessionid"].value, "user": user.pk})
print(json.dumps({"session": lesson.pk, "people": out}))
"""
    ).replace("__N__", str(PARTICIPANTS))
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["session"], data["people"]


def _current_code(env: dict, session_pk: int) -> str:
    script = (
        "import django; django.setup();"
        "from courses.models import CheckInWindow;"
        "from courses.services import attendance as s;"
        f"print(s.current_code(CheckInWindow.objects.get(session_id={session_pk})).code)"
    )
    return (
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def _request(port, method, path, cookies, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    all_headers = {"Cookie": cookie, "Host": "127.0.0.1"} | (headers or {})
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    payload = response.read()
    set_cookies = response.headers.get_all("Set-Cookie") or []
    connection.close()
    return response.status, payload, set_cookies


def bench_check_in_burst(pg_admin_url: str) -> None:
    import psycopg

    name = f"lms_bench_{os.getpid()}"
    parts = urlsplit(pg_admin_url)
    database_url = f"{parts.scheme}://{parts.netloc}/{name}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": database_url,
        "CACHE_URL": "redis://127.0.0.1:6379/7",
        "DEBUG": "false",
    }
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        session_pk, people = _prepare(env)
        port = _free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "lms.wsgi", "--workers", "2", "--threads", "8",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        # Each participant opens the check-in page first (as a phone would): CSRF cookie + token.
        forms = []
        for person in people:
            cookies = {"sessionid": person["session"]}
            status, body, set_cookies = _request(port, "GET", "/diem-danh/vao-lop/", cookies)
            assert status == 200, status
            for header in set_cookies:
                key, _, rest = header.partition("=")
                cookies[key] = rest.split(";", 1)[0]
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
            forms.append((cookies, token.decode()))
        code = _current_code(env, session_pk)
        barrier = threading.Barrier(len(forms))
        latencies, statuses = [None] * len(forms), [None] * len(forms)

        def check_in(index, cookies, token):
            body = f"csrfmiddlewaretoken={token}&ma={code}"
            barrier.wait()
            start = time.perf_counter()
            try:
                statuses[index] = _request(
                    port, "POST", "/diem-danh/vao-lop/", cookies, body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded",
                             "Referer": f"http://127.0.0.1:{port}/diem-danh/vao-lop/"},
                )[0]  # fmt: skip
            except Exception as error:  # noqa: BLE001 — counted as an error below
                statuses[index] = repr(error)
            latencies[index] = time.perf_counter() - start

        threads = [
            threading.Thread(target=check_in, args=(i, c, t)) for i, (c, t) in enumerate(forms)
        ]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        ok = sum(1 for s in statuses if s == 302)
        errors = [s for s in statuses if s != 302]
        with psycopg.connect(database_url) as db:
            records = db.execute(
                "SELECT count(*), count(DISTINCT enrollment_id) FROM courses_attendancerecord "
                "WHERE session_id = %s AND method = 'self_check_in'",
                (session_pk,),
            ).fetchone()
            log_rows = db.execute(
                "SELECT count(*) FROM courses_attendancechange c JOIN courses_attendancerecord r "
                "ON r.id = c.record_id WHERE r.session_id = %s",
                (session_pk,),
            ).fetchone()[0]
        ordered = sorted(latencies)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        say(f"Check-in burst: {len(forms)} participants at once, gunicorn 2×8 threads, PostgreSQL")
        p50 = statistics.median(ordered)
        say(f"  completed in {wall * 1000:.0f} ms; p50 {p50 * 1000:.0f} ms,"
            f" p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")  # fmt: skip
        say(f"  responses: {ok} redirects (checked in), {len(errors)} errors {errors[:5]}")
        say(f"  database: {records[0]} records for {records[1]} people, {log_rows} log rows")
        if errors or records[0] != len(forms) or log_rows != len(forms):
            sys.exit("FAILED: every participant must have exactly one record and one log row")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--skip-roll-call", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if not args.skip_burst:
        bench_check_in_burst(args.pg)
    if not args.skip_roll_call:
        bench_roll_call(args.runs)


if __name__ == "__main__":
    main()
