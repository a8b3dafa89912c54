"""`make prod-check`: start the production stack on this machine and check what only several
processes can get wrong (a script, not a test; CI runs it).

    .venv/bin/python tests/benchmarks/prod_check.py [--workdir var/prod-check] [--keep]

Starts tests/benchmarks/prodstack.py's stack on a fresh PostgreSQL database (`lms_prodcheck`)
and Redis db 8 — two gunicorn processes (A and B) over TLS, one task worker, DEBUG off —,
seeds the demo course into it, then checks:

1. `manage.py check --deploy` with the stack's environment reports no issue;
2. a session made by signing in through A is valid on B, and signing out through B ends it on A;
3. a participant's self check-in through A and the instructor's roll-call correction through B
   meet in one attendance record whose log holds both changes, in order;
4. two school staff members start certificate issuance for the same cohort through A and B at
   the same moment: every eligible participant ends up with exactly one certificate (with its
   PDF), the numbers of the year are unique and gap-free;
5. the issuance tasks the app processes enqueued were run by the worker process (their task rows
   finished, with the worker's id); every mail task finished without failing (the check waits
   for the queue to drain) and the mail reached the mail server.

Prints PASS/FAIL per check and exits 1 on any failure. Stops the stack and drops its database at
the end (--keep leaves both, to look around with the stack's env file).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import prodstack  # noqa: E402 (a sibling script)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lms_prodcheck"
CACHE_URL = "redis://127.0.0.1:6379/8"
ELIGIBLE = 12
say = prodstack.say


class CheckFailed(AssertionError):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- A browser-like client ---------------------------------------------------------------------


class _Inputs(HTMLParser):
    """The named inputs of a page: hidden values, checked radios, text fields."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag != "input":
            return
        attributes = dict(attrs)
        name = attributes.get("name")
        if not name:
            return
        kind = attributes.get("type", "text")
        if kind in ("radio", "checkbox") and "checked" not in attributes:
            return
        self.values[name] = unescape(attributes.get("value") or "")


def inputs_of(page: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(page)
    return parser.values


class Browser:
    """A requests session that trusts the stack's certificate and posts forms as a browser does
    (the CSRF token from the page, a same-origin Referer over HTTPS)."""

    def __init__(self, cert: str, session_cookie: tuple[str, str] | None = None):
        import requests

        self.http = requests.Session()
        # Not the environment's CA bundle (REQUESTS_CA_BUNDLE would win over `verify`) or proxies.
        self.http.trust_env = False
        self.http.verify = cert
        if session_cookie:
            self.http.cookies.set(*session_cookie, domain="127.0.0.1")

    def get(self, url: str, **kwargs):
        return self.http.get(url, allow_redirects=False, timeout=30, **kwargs)

    def post_form(self, url: str, values: dict[str, str], *, form_page: str | None = None):
        page = self.get(form_page or url)
        expect(page.status_code == 200, f"GET {form_page or url} answered {page.status_code}")
        data = inputs_of(page.text)
        data.update(values)
        return self.http.post(
            url, data=data, headers={"Referer": form_page or url}, allow_redirects=False, timeout=60
        )


# --- The data --------------------------------------------------------------------------------


def setup_django(workdir: Path) -> None:
    os.environ.update(prodstack.read_env_file(workdir / "env"))
    import django

    django.setup()


def prepare(workdir: Path, participants: int = 4, *, issuance: bool = True) -> dict:
    """The demo course, a few participants with signed-in sessions, a session with check-in open,
    a second member of school staff and (`issuance`) a cohort of ELIGIBLE participants without
    certificates."""
    import load_data
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from content.models import ProgramPage
    from lms.accounts.roles import SCHOOL_STAFF_GROUP
    from tests import factories
    from tests.courses.certificate_helpers import eligible_class

    data = load_data.prepare(participants, workdir / "data", open_minutes=20)
    User = get_user_model()
    staff = []
    for email in ("nhatruong@lms.test", "nhatruong2@prodcheck.test"):
        user, _made = User.objects.get_or_create(
            email=email, defaults={"first_name": "Thu", "last_name": "Trần Thị"}
        )
        user.groups.add(Group.objects.get(name=SCHOOL_STAFF_GROUP))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        staff.append(user)
    backend = load_data.ALLAUTH_BACKEND
    data["staff"] = [
        {"email": user.email, "session_key": load_data.signed_in_session(user, backend)}
        for user in staff
    ]
    if not issuance:
        return data
    program = ProgramPage.objects.live().first()
    cohort = factories.cohort(program, name="Lớp kiểm tra cấp chứng chỉ song song", capacity=50)
    names = [load_data.vietnamese_name(500 + index) for index in range(ELIGIBLE)]
    members = eligible_class(cohort, names)
    data["issuance"] = {"code": cohort.code, "enrollments": [member.pk for member in members]}
    return data


# --- The checks ------------------------------------------------------------------------------


def check_deploy(workdir: Path) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**os.environ, **prodstack.read_env_file(workdir / "env")},
        capture_output=True,
        text=True,
    )
    output = (result.stdout + result.stderr).strip()
    last = output.splitlines()[-1] if output else ""
    expect(result.returncode == 0 and "no issues" in last, f"check --deploy said:\n{output}")
    return last


def check_session_across_processes(a: str, b: str, cert: str, data: dict) -> str:
    from django.contrib.auth import get_user_model

    person = data["participants"][0]
    password = "Kiem-tra-phien@2026"
    user = get_user_model().objects.get(pk=person["id"])
    user.set_password(password)
    user.save(update_fields=["password"])

    browser = Browser(cert)
    signed_in = browser.post_form(
        f"{a}/accounts/login/", {"login": person["email"], "password": password}
    )
    expect(
        signed_in.status_code == 302,
        f"signing in through A answered {signed_in.status_code}, not a redirect",
    )
    home = browser.get(f"{b}/hoc-tap/")
    expect(
        home.status_code == 200, f"/hoc-tap/ on B answered {home.status_code} after sign-in on A"
    )
    expect(person["name"] in unescape(home.text), "B's /hoc-tap/ does not show the person's name")
    signed_out = browser.post_form(f"{b}/accounts/logout/", {})
    expect(signed_out.status_code == 302, f"signing out on B answered {signed_out.status_code}")
    after = browser.get(f"{a}/hoc-tap/")
    expect(
        after.status_code == 302 and "/accounts/login/" in after.headers.get("Location", ""),
        f"after signing out on B, A's /hoc-tap/ answered {after.status_code} (still signed in?)",
    )
    return f"signed in on A, {person['name']}'s page on B, signed out on B → A sends to sign-in"


def check_in_and_correction(a: str, b: str, cert: str, data: dict) -> str:
    from courses.models import AttendanceRecord, AttendanceStatus, Enrollment

    cookie = data["session_cookie_name"]
    session_id = data["session"]["id"]
    person = data["participants"][1]
    teacher = Browser(cert, (cookie, data["instructor"]["session_key"]))
    board = teacher.get(f"{b}{data['board_data_url']}")
    expect(board.status_code == 200, f"the check-in board on B answered {board.status_code}")
    code = board.json().get("code")
    expect(bool(code), f"the board shows no code: {board.json()}")

    participant = Browser(cert, (cookie, person["session_key"]))
    url = f"{a}{data['check_in_url']}"
    checked_in = participant.post_form(
        url, {"ma": code, "buoi": str(session_id)}, form_page=f"{url}?ma={code}"
    )
    expect(checked_in.status_code == 302, f"the check-in on A answered {checked_in.status_code}")

    enrollment = Enrollment.objects.get(user_id=person["id"], cohort__code=data["cohort"]["code"])
    roll_call = f"{b}/diem-danh/buoi/{session_id}/"
    reason = "Vào lớp muộn 20 phút (kiểm tra hai tiến trình)"
    corrected = teacher.post_form(
        roll_call,
        {f"s-{enrollment.pk}": AttendanceStatus.LATE, f"r-{enrollment.pk}": reason},
    )
    expect(corrected.status_code == 302, f"the correction on B answered {corrected.status_code}")

    records = list(AttendanceRecord.objects.filter(session_id=session_id, enrollment=enrollment))
    expect(len(records) == 1, f"{len(records)} attendance records, not one")
    record = records[0]
    changes = list(record.changes.order_by("changed_at", "pk"))
    expect(record.status == AttendanceStatus.LATE, f"the record says {record.status}, not late")
    expect(
        [(c.old_status or "", c.new_status) for c in changes]
        == [("", AttendanceStatus.PRESENT), (AttendanceStatus.PRESENT, AttendanceStatus.LATE)],
        f"the log is {[(c.old_status, c.new_status, c.method) for c in changes]}",
    )
    expect(changes[1].reason == reason, f"the correction's reason is {changes[1].reason!r}")
    expect(record.version == changes[-1].version == 2, "record and log versions disagree")
    return (
        "one record (late, version 2), log: check-in by the participant on A, then the "
        "instructor's correction on B with its reason"
    )


def check_concurrent_issuance(a: str, b: str, cert: str, data: dict, workdir: Path) -> str:
    from django.core.files.storage import storages
    from django.utils import timezone

    from courses.models import Certificate, Cohort
    from courses.models.certificates import BatchStatus, IssuanceBatch

    cookie = data["session_cookie_name"]
    code = data["issuance"]["code"]
    path = f"/nha-truong/lop/{code}/chung-chi/"
    today = timezone.localdate().isoformat()
    values = {
        "cap-scope": "all",
        "cap-decision_number": "301/QĐ-TĐT",
        "cap-decision_date": today,
        "cap-issued_on": today,
    }
    staff = [Browser(cert, (cookie, person["session_key"])) for person in data["staff"]]
    pages = [browser.get(f"{base}{path}") for browser, base in zip(staff, (a, b), strict=False)]
    for page in pages:
        expect(page.status_code == 200, f"the issuance page answered {page.status_code}")
    start = threading.Barrier(2)
    answers: list = [None, None]

    def issue(index: int, base: str) -> None:
        form = inputs_of(pages[index].text) | values
        start.wait()
        answers[index] = staff[index].http.post(
            f"{base}{path}",
            data=form,
            headers={"Referer": f"{base}{path}"},
            allow_redirects=False,
            timeout=60,
        )

    threads = [threading.Thread(target=issue, args=(i, base)) for i, base in enumerate((a, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = [answer.status_code for answer in answers]
    expect(302 in statuses, f"neither issuance was accepted: {statuses}")
    expect(all(s in (302, 400) for s in statuses), f"issuance answered {statuses}")

    cohort = Cohort.objects.get(code=code)
    deadline = time.monotonic() + 180
    while (
        IssuanceBatch.objects.filter(cohort=cohort)
        .exclude(status__in=[BatchStatus.DONE, BatchStatus.FAILED])
        .exists()
    ):
        expect(time.monotonic() < deadline, "the batches did not finish within 3 minutes")
        time.sleep(1)
    batches = list(IssuanceBatch.objects.filter(cohort=cohort).order_by("pk"))
    expect(
        all(batch.status == BatchStatus.DONE for batch in batches),
        f"batch states: {[(batch.pk, batch.status, batch.error) for batch in batches]}",
    )
    certificates = list(Certificate.objects.filter(enrollment__cohort=cohort))
    per_enrollment = sorted(c.enrollment_id for c in certificates)
    expect(
        per_enrollment == sorted(data["issuance"]["enrollments"]),
        f"{len(certificates)} certificates for {ELIGIBLE} eligible participants "
        f"(enrollments {per_enrollment})",
    )
    issuer, year = certificates[0].issuer, certificates[0].year
    sequences = list(
        Certificate.objects.filter(issuer=issuer, year=year)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    expect(
        sequences == list(range(1, len(sequences) + 1)),
        f"the year's numbers are not 1..{len(sequences)} without gaps: {sequences}",
    )
    numbers = [c.certificate_number for c in certificates]
    expect(len(set(numbers)) == len(numbers), f"duplicate numbers: {numbers}")
    for certificate in certificates:
        with storages["private"].open(certificate.pdf_name, "rb") as pdf:
            expect(pdf.read(5) == b"%PDF-", f"{certificate.certificate_number} has no PDF")
    skipped = sum(len(batch.skipped) for batch in batches)
    data["issuance"]["batches"] = [batch.pk for batch in batches]
    return (
        f"answers {statuses}; {len(batches)} batches, {len(certificates)} certificates (one "
        f"each, each with its PDF), {skipped} skipped as already issued; the year's numbers "
        f"1..{len(sequences)} without gaps ({numbers[0]} … {numbers[-1]})"
    )


def check_tasks_ran_in_worker(data: dict, workdir: Path, mails_before: int) -> str:
    from django_tasks_db.models import DBTaskResult

    batch_ids = data["issuance"]["batches"]
    rows = [
        row
        for row in DBTaskResult.objects.filter(task_path="courses.tasks.run_issuance_batch")
        if row.args_kwargs.get("args", [None])[0] in batch_ids
    ]
    expect(len(rows) >= len(batch_ids), f"{len(rows)} task rows for {len(batch_ids)} batches")
    unfinished = [(str(row.id), row.status) for row in rows if row.status != "SUCCESSFUL"]
    expect(not unfinished, f"task rows not successful: {unfinished}")
    workers = {worker for row in rows for worker in row.worker_ids}
    expect(bool(workers), "the task rows name no worker")
    # The issuance enqueues one mail task per certificate (immediate notifications): wait for
    # the worker to work through them all, then none may have failed and each sent mail is a file.
    mail_tasks = DBTaskResult.objects.filter(task_path="courses.tasks.send_notification_email")
    deadline = time.monotonic() + 120
    while mail_tasks.filter(status__in=("READY", "RUNNING")).exists():
        expect(time.monotonic() < deadline, "mail tasks still queued after two minutes")
        time.sleep(1)
    failed = [str(pk) for pk in mail_tasks.filter(status="FAILED").values_list("pk", flat=True)]
    expect(not failed, f"mail tasks failed: {failed}")
    mails = len(list((workdir / "mail").glob("*.eml"))) - mails_before
    expect(mails > 0, "no mail reached the mail server")
    return (
        f"{len(rows)} issuance tasks run by worker {', '.join(sorted(workers))}; "
        f"{mail_tasks.count()} mail tasks all done, {mails} mails sent during the checks"
    )


# --- Main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "prod-check")
    parser.add_argument("--keep", action="store_true", help="leave the stack up at the end")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    started = time.monotonic()
    stack_args = prodstack.parser().parse_args(
        [
            "up",
            "--workdir",
            str(workdir),
            "--fresh",
            "--database-url",
            DATABASE_URL,
            "--cache-url",
            CACHE_URL,
            "--ports",
            f"{prodstack.free_port()},{prodstack.free_port()}",
            "--smtp-port",
            str(prodstack.free_port()),
        ]
    )
    failures = 0
    try:
        state = prodstack.up(stack_args)
        setup_django(workdir)
        say("Seeding the demo course and the check's data…")
        data = prepare(workdir)
        a, b = state["urls"]
        cert = state["tls_cert"]
        mails_before = len(list((workdir / "mail").glob("*.eml")))
        checks = [
            ("check --deploy is clean", lambda: check_deploy(workdir)),
            (
                "a session works on both processes",
                lambda: check_session_across_processes(a, b, cert, data),
            ),
            (
                "check-in on A + correction on B = one record",
                lambda: check_in_and_correction(a, b, cert, data),
            ),
            (
                "concurrent issuance on A and B is gap-free",
                lambda: check_concurrent_issuance(a, b, cert, data, workdir),
            ),
            (
                "tasks enqueued by the app run in the worker",
                lambda: check_tasks_ran_in_worker(data, workdir, mails_before),
            ),
        ]
        for name, check in checks:
            try:
                detail = check()
            except CheckFailed as failure:
                failures += 1
                say(f"FAIL {name}: {failure}")
            else:
                say(f"PASS {name}: {detail}")
        for url in state["urls"]:
            status, body = prodstack.health(url, cert)
            if status != 200 or body.get("status") != "ok":
                failures += 1
                say(f"FAIL {url}/healthz after the checks: {status} {body}")
    finally:
        if not args.keep:
            prodstack.down(
                prodstack.parser().parse_args(["down", "--workdir", str(workdir), "--drop"])
            )
    errors = _server_errors(workdir / "logs")
    if errors:
        failures += 1
        say("FAIL the stack logged errors:\n  " + "\n  ".join(errors[:10]))
    say(
        f"{'prod-check passed' if not failures else f'prod-check FAILED ({failures})'} in "
        f"{time.monotonic() - started:.0f} s; logs in {workdir / 'logs'}"
    )
    return 1 if failures else 0


def _server_errors(logs: Path) -> list[str]:
    """ERROR lines and 5xx answers in the app processes' and the worker's logs."""
    found = []
    for log in sorted(logs.glob("*.log")):
        if log.name in ("setup.log", "mail.log"):
            continue
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if (
                '"level": "ERROR"' in line
                or '"level": "CRITICAL"' in line
                or re.search(r'HTTP/1\.[01]" 5\d\d ', line)
            ):
                found.append(f"{log.name}: {line[:300]}")
    return found


if __name__ == "__main__":
    sys.exit(main())
