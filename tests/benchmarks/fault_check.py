"""Faults on the production stack, scripted: the database goes away and comes back, Redis goes
away and comes back, an app process is killed in the middle of roll-call saves (a script, not a
test; docs/operations/faults.md has a recorded run).

    .venv/bin/python tests/benchmarks/fault_check.py [--workdir var/fault-check] [--kills 12]

Starts tests/benchmarks/prodstack.py's stack (database `lms_faultcheck`, Redis db 9) with
PostgreSQL and Redis reached through TCP proxies in this process (tcp_proxy.py), so that they can
be cut — every open connection dropped, new ones refused — and restored without touching the
machine's servers. What it checks:

1. database cut: /healthz answers 503 on both processes; a page and a form post answer 503
   "temporarily unavailable" quickly, never a traceback, and the post writes nothing; once
   restored, both processes are healthy again by themselves, pages and posts work, and the task
   worker survived (a task enqueued after the outage runs);
2. Redis cut: /healthz 200 "degraded"; a signed-in participant's pages render (sessions from the
   database), signing in and posting work and are kept; wrong check-in codes are still limited;
   a sign-out during the outage stays signed out once Redis is back;
3. an app process killed (SIGKILL of its whole process group) at random moments during roll-call
   saves of a whole class: after each kill, the session's records are all of the save or all of
   the one before — never some of each — and the log agrees with the records.

Prints what happened with figures, writes them to <workdir>/fault-report.md and exits 1 when a
check fails.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import threading
import time
from html import unescape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import prod_check  # noqa: E402 (sibling scripts)
import prodstack  # noqa: E402
from prod_check import Browser, CheckFailed, expect, inputs_of  # noqa: E402
from tcp_proxy import TcpProxy  # noqa: E402

REPORT: list[str] = []


def note(line: str) -> None:
    REPORT.append(line)
    prodstack.say(line)


def timed(call):
    start = time.monotonic()
    result = call()
    return result, (time.monotonic() - start) * 1000


def reply_form(browser: Browser, base: str, thread: dict) -> dict:
    page = browser.http.get(f"{base}{thread['url']}", timeout=30)
    expect(page.status_code == 200, f"the thread page answered {page.status_code}")
    return inputs_of(page.text)


def post_reply(browser: Browser, base: str, thread: dict, form: dict, body: str):
    data = {**form, "parent": "", "body": body}
    return browser.http.post(
        f"{base}{thread['reply_url']}",
        data=data,
        headers={"Referer": f"{base}{thread['url']}"},
        allow_redirects=False,
        timeout=30,
    )


def count_posts(marker: str) -> int:
    from django.db import connection

    from courses.models import Post

    connection.close_if_unusable_or_obsolete()
    return Post.objects.filter(body_html__contains=marker).count()


def wait_for(condition, seconds: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        expect(time.monotonic() - start < seconds, f"{what} did not happen within {seconds:.0f} s")
        time.sleep(0.25)
    return time.monotonic() - start


def healthy(state: dict, url: str) -> bool:
    try:
        status, body = prodstack.health(url, state["tls_cert"])
    except OSError:
        return False
    return status == 200 and body.get("status") == "ok"


# --- 1. The database goes away ---------------------------------------------------------------


def database_cut(state: dict, data: dict, pg: TcpProxy, run: str) -> None:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    a, b = state["urls"]
    cert = state["tls_cert"]
    cookie = data["session_cookie_name"]
    person = data["participants"][0]
    browser = Browser(cert, (cookie, person["session_key"]))
    thread = data["threads"][0]
    form = reply_form(browser, a, thread)
    expect(browser.get(f"{a}/hoc-tap/").status_code == 200, "/hoc-tap/ before the cut")

    connection.close()  # this script's own connection goes through the proxy too
    pg.cut()
    cut_at = time.monotonic()
    for url in (a, b):
        (status, body), ms = timed(lambda url=url: prodstack.health(url, cert))
        expect(
            status == 503 and body.get("database") == "unreachable",
            f"{url}/healthz: {status} {body}",
        )
        note(f"- database cut: {url}/healthz → {status} {body} in {ms:.0f} ms")
    page, ms = timed(lambda: browser.get(f"{b}/hoc-tap/"))
    expect(page.status_code == 503, f"/hoc-tap/ during the cut answered {page.status_code}")
    expect("Hệ thống đang tạm gián đoạn" in page.text, "the 503 page is not the outage page")
    expect("Traceback" not in page.text and "OperationalError" not in page.text, "a traceback")
    note(
        f'- database cut: /hoc-tap/ → {page.status_code} "Hệ thống đang tạm gián đoạn" '
        f"(Retry-After {page.headers.get('Retry-After')}) in {ms:.0f} ms, no traceback"
    )
    lost = f"mat-ket-noi-{run}"
    posted, ms = timed(lambda: post_reply(browser, a, thread, form, f"Ý kiến khi mất CSDL {lost}"))
    expect(posted.status_code == 503, f"a reply during the cut answered {posted.status_code}")
    note(f"- database cut: a reply POST → {posted.status_code} in {ms:.0f} ms")
    time.sleep(max(0.0, 10 - (time.monotonic() - cut_at)))

    pg.restore()
    restored_at = time.monotonic()
    recovered = wait_for(lambda: all(healthy(state, url) for url in (a, b)), 60, "recovery")
    note(
        f"- database restored after {restored_at - cut_at:.0f} s down: both processes healthy "
        f"again {recovered:.1f} s later, without a restart"
    )
    expect(browser.get(f"{a}/hoc-tap/").status_code == 200, "/hoc-tap/ after the restore")
    kept = f"sau-khi-co-lai-{run}"
    form = reply_form(browser, b, thread)
    posted = post_reply(browser, b, thread, form, f"Ý kiến sau khi CSDL trở lại {kept}")
    expect(posted.status_code == 302, f"a reply after the restore answered {posted.status_code}")
    expect(count_posts(lost) == 0, "the reply refused during the cut was stored")
    expect(count_posts(kept) == 1, "the reply after the restore was not stored once")
    note(
        "- after the restore: the reply refused during the cut is absent, the one after it is "
        "stored once"
    )
    worker_pid = state["pids"]["worker"]
    expect(prodstack.alive(worker_pid), "the task worker died during the database cut")
    from courses.models import Post

    post_id = Post.objects.get(body_html__contains=kept).pk
    ran = wait_for(
        lambda: (
            DBTaskResult.objects.filter(
                task_path="courses.tasks.notify_followers_of_reply", status="SUCCESSFUL"
            )
            .filter(args_kwargs__args=[post_id])
            .exists()
        ),
        60,
        "the reply's notification task",
    )
    note(
        f"- the task worker (pid {worker_pid}) lived through the cut; the new reply's "
        f"notification task ran {ran:.1f} s after it was posted"
    )


# --- 2. Redis goes away ----------------------------------------------------------------------


def redis_cut(state: dict, data: dict, redis_proxy: TcpProxy, run: str) -> None:
    from django.contrib.auth import get_user_model

    a, b = state["urls"]
    cert = state["tls_cert"]
    cookie = data["session_cookie_name"]
    reader, poster, signer = data["participants"][1:4]
    browser = Browser(cert, (cookie, reader["session_key"]))
    page = browser.get(f"{a}/hoc-tap/")
    expect(page.status_code == 200, f"/hoc-tap/ before the cut: {page.status_code}")
    password = "Kiem-tra-Redis@2026"
    user = get_user_model().objects.get(pk=signer["id"])
    user.set_password(password)
    user.save(update_fields=["password"])
    leaving = Browser(cert)
    expect(
        leaving.post_form(
            f"{a}/accounts/login/", {"login": signer["email"], "password": password}
        ).status_code
        == 302,
        "signing in before the cut",
    )

    redis_proxy.cut()
    for url in (a, b):
        (status, body), ms = timed(lambda url=url: prodstack.health(url, cert))
        expect(
            status == 200 and body.get("status") == "degraded", f"{url}/healthz: {status} {body}"
        )
        note(f"- Redis cut: {url}/healthz → {status} {body} in {ms:.0f} ms")
    timings = []
    for url in (a, b, a, b):
        page, ms = timed(lambda url=url: browser.get(f"{url}/hoc-tap/"))
        expect(page.status_code == 200, f"/hoc-tap/ during the Redis cut: {page.status_code}")
        expect(reader["name"] in unescape(page.text), "the page does not show the person")
        timings.append(ms)
    note(
        f"- Redis cut: a signed-in participant's /hoc-tap/ on A and B → 200 with their name "
        f"({', '.join(f'{ms:.0f}' for ms in timings)} ms)"
    )
    newcomer = Browser(cert)
    signed_in = newcomer.post_form(
        f"{b}/accounts/login/", {"login": signer["email"], "password": password}
    )
    expect(signed_in.status_code == 302, f"signing in during the cut: {signed_in.status_code}")
    expect(newcomer.get(f"{a}/hoc-tap/").status_code == 200, "the new session on the other process")
    note("- Redis cut: signing in on B works and the new session is valid on A")
    signed_out = leaving.post_form(f"{b}/accounts/logout/", {})
    expect(signed_out.status_code == 302, f"signing out during the cut: {signed_out.status_code}")
    writer = Browser(cert, (cookie, poster["session_key"]))
    thread = data["threads"][1]
    marker = f"khi-mat-redis-{run}"
    posted = post_reply(writer, a, thread, reply_form(writer, a, thread), f"Ý kiến {marker}")
    expect(posted.status_code == 302, f"a reply during the Redis cut: {posted.status_code}")
    expect(count_posts(marker) == 1, "the reply during the Redis cut was not stored once")
    note("- Redis cut: a reply posted → 302, stored once")
    limited_at = None
    url = f"{a}{data['check_in_url']}"
    for attempt in range(1, 31):
        answer = writer.post_form(url, {"ma": "000000", "buoi": str(data["session"]["id"])})
        expect(answer.status_code in (400, 429), f"a wrong code answered {answer.status_code}")
        if answer.status_code == 429:
            limited_at = attempt
            break
    expect(limited_at is not None, "30 wrong check-in codes in a row were never limited")
    note(
        f"- Redis cut: wrong check-in codes limited at attempt {limited_at} (limit 10 per "
        f"person per 5 min, counted per worker process while Redis is away)"
    )

    redis_proxy.restore()
    time.sleep(6)  # the cache's pause before it tries Redis again
    recovered = wait_for(lambda: all(healthy(state, url) for url in (a, b)), 30, "Redis recovery")
    note(f"- Redis restored: both processes report ok {recovered:.1f} s after the pause")
    for url in (a, b):
        expect(newcomer.get(f"{url}/hoc-tap/").status_code == 200, "the outage's session after")
        after = leaving.get(f"{url}/hoc-tap/")
        expect(
            after.status_code == 302,
            f"signed out during the cut, but {url} answers {after.status_code}",
        )
    note(
        "- after the restore: the session made during the cut is valid on both processes; the "
        "one signed out during the cut stays signed out on both"
    )


# --- 3. An app process killed during roll-call saves ----------------------------------------


def roll_call_kills(state: dict, data: dict, workdir: Path, kills: int) -> None:
    from django.db import connection

    from courses.models import AttendanceRecord

    a = state["urls"][0]
    port = state["ports"][0]
    cert = state["tls_cert"]
    cookie = data["session_cookie_name"]
    session_id = data["session"]["id"]
    teacher = Browser(cert, (cookie, data["instructor"]["session_key"]))
    url = f"{a}/diem-danh/buoi/{session_id}/"
    environment = prodstack.read_env_file(workdir / "env")
    logs = Path(state["logs"])

    def marks(form: dict, status: str) -> dict:
        rows = [key[2:] for key in form if key.startswith("v-")]
        return {f"s-{pk}": status for pk in rows}

    def statuses() -> tuple[dict, dict]:
        connection.close_if_unusable_or_obsolete()
        records = AttendanceRecord.objects.filter(session_id=session_id).prefetch_related("changes")
        return (
            {r.enrollment_id: (r.status, r.version) for r in records},
            {r.enrollment_id: len(r.changes.all()) for r in records},
        )

    durations = []
    for status in ("present", "absent", "present"):
        form = inputs_of(teacher.get(url).text)
        rows = len([key for key in form if key.startswith("v-")])
        saved, ms = timed(lambda form=form, status=status: teacher.http.post(
            url, data={**form, **marks(form, status)}, headers={"Referer": url},
            allow_redirects=False, timeout=60))  # fmt: skip
        expect(saved.status_code == 302, f"a roll call save answered {saved.status_code}")
        expect(
            {s for s, _v in statuses()[0].values()} == {status},
            f"the save to {status} did not hold",
        )
        durations.append(ms)
    ms = max(durations[1:])
    note(
        f"- roll call of {rows} participants: a save that changes every row takes "
        f"{', '.join(f'{d:.0f}' for d in durations[1:])} ms end to end (the first, creating "
        f"the records: {durations[0]:.0f} ms)"
    )
    tally = {"whole": 0, "absent": 0}
    previous = "present"
    rng = random.Random(20261203)
    for attempt in range(1, kills + 1):
        target = "absent" if previous == "present" else "present"
        form = inputs_of(teacher.get(url).text)
        answer: list = []

        def save(form=form, target=target, answer=answer):
            try:
                answer.append(teacher.http.post(
                    url, data={**form, **marks(form, target)}, headers={"Referer": url},
                    allow_redirects=False, timeout=60).status_code)  # fmt: skip
            except Exception as error:  # the process died under the request
                answer.append(type(error).__name__)

        worker = threading.Thread(target=save)
        worker.start()
        time.sleep(rng.uniform(0, ms * 2.5) / 1000)
        prodstack.stop_group(state["pids"][f"web-{port}"], hard=True)
        worker.join()
        records, changes = statuses()
        values = {status for status, _version in records.values()}
        expect(len(records) == rows, f"attempt {attempt}: {len(records)} records for {rows} rows")
        expect(len(values) == 1, f"attempt {attempt}: HALF A SAVE: {sorted(values)}")
        versions = {version for _status, version in records.values()}
        expect(len(versions) == 1 and set(changes.values()) == versions,
               f"attempt {attempt}: log and records disagree")  # fmt: skip
        (value,) = values
        outcome = "whole" if value == target else "absent"
        expect(value in (target, previous), f"attempt {attempt}: unexpected {value}")
        tally[outcome] += 1
        previous = value
        state["pids"][f"web-{port}"] = prodstack.start_web(port, environment, logs)
        prodstack.save_state(workdir, state)
        prodstack.wait_healthy(a, cert)
        note(
            f"  - kill {attempt}: client saw {answer[0]}; the save is {outcome} "
            f"({rows} records {value}, version {next(iter(versions))})"
        )
    note(
        f"- {kills} kills during roll-call saves of {rows} rows: {tally['whole']} whole, "
        f"{tally['absent']} absent, 0 half"
    )


# --- Main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=prod_check.ROOT / "var" / "fault-check")
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--faults", default="database,redis,kill", help="which, comma-separated")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    run = time.strftime("%H%M%S")
    pg = TcpProxy(prodstack.free_port(), ("127.0.0.1", 5432))
    redis_proxy = TcpProxy(prodstack.free_port(), ("127.0.0.1", 6379))
    pg.start()
    redis_proxy.start()
    stack_args = prodstack.parser().parse_args([
        "up", "--workdir", str(workdir), "--fresh",
        "--database-url", f"postgres://postgres@127.0.0.1:{pg.port}/lms_faultcheck",
        "--cache-url", f"redis://127.0.0.1:{redis_proxy.port}/9",
        "--ports", f"{prodstack.free_port()},{prodstack.free_port()}",
        "--smtp-port", str(prodstack.free_port()),
    ])  # fmt: skip
    failures = 0
    started = time.monotonic()
    try:
        state = prodstack.up(stack_args)
        prod_check.setup_django(workdir)
        data = prod_check.prepare(workdir, args.participants, issuance=False)
        chosen = args.faults.split(",")
        for key, name, fault in (
            ("database", "database cut and restored", lambda: database_cut(state, data, pg, run)),
            ("redis", "Redis cut and restored", lambda: redis_cut(state, data, redis_proxy, run)),
            ("kill", "app process killed during roll-call saves",
             lambda: roll_call_kills(state, data, workdir, args.kills)),
        ):  # fmt: skip
            if key not in chosen:
                continue
            note(f"### {name}")
            try:
                fault()
            except CheckFailed as failure:
                failures += 1
                note(f"FAIL {name}: {failure}")
                pg.restore() if pg._listener is None else None
                redis_proxy.restore() if redis_proxy._listener is None else None
            else:
                note(f"PASS {name}")
    finally:
        if not args.keep:
            prodstack.down(prodstack.parser().parse_args(["down", "--workdir", str(workdir)]))
            prodstack.drop_database("lms_faultcheck")
    tracebacks = [
        line for log in Path(workdir / "logs").glob("web-*.log")
        for line in log.read_text(errors="replace").splitlines()
        if re.search(r'" 500 ', line)
    ]  # fmt: skip
    if tracebacks:
        failures += 1
        note(f"FAIL the app answered 500 {len(tracebacks)} times: {tracebacks[:3]}")
    note(
        f"{'fault-check passed' if not failures else f'fault-check FAILED ({failures})'} in "
        f"{time.monotonic() - started:.0f} s"
    )
    (workdir / "fault-report.md").write_text("\n".join(REPORT) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
