"""Load test of a running site with locust, headless and bounded in time, then a reconciliation
of the client's successes with the database (a script, not a test).

    set -a; . DIR/env; set +a   # the environment of the app under test (same database)
    .venv/bin/python tests/benchmarks/bench_load.py --base-url https://127.0.0.1:8443 \
        --data /tmp/load [--users 300 --duration 5m] [--report-only]

1. Prepares the data (tests/benchmarks/load_data.py): participants, threads, and a session
   whose self check-in is open for the whole run and nobody has checked into yet (waits for a
   previous load session to end if needed; --reuse-session takes it as it is).
2. Spike: --spike-users participants check in once each, spawned over --spike-seconds.
3. Mix: --users participants for --duration, tasks weighted 60/25/5/5/5 (locustfile.py).
4. Prints, per kind of request: requests, requests per second, p50, p95, p99 and failures;
   then reconciles: replies in the database carrying this run's id == replies the client saw
   succeed (none lost, none twice); new attendance records of the session == first check-ins
   the client saw, one per participant, each with one log row; everyone told "already checked
   in" has a record.
Exits 1 when a request failed, a p95 target is missed (reads 500 ms, writes 800 ms) or the
reconciliation does not match; --report-only always exits 0.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load_data  # noqa: E402 (a sibling script, not a package import)

WRITES = ("reply: POST", "check-in: POST")


def say(*parts) -> None:
    print(*parts, flush=True)  # noqa: T201


def seconds(text: str) -> int:
    """'5m', '30s', '1h30m' or a number of seconds."""
    if text.isdigit():
        return int(text)
    parts = re.findall(r"(\d+)([hms])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 5m, 30s)")
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def run_locust(name: str, user_class: str, options, run_dir: Path, extra: list[str]) -> dict:
    """One headless locust run; returns the client's results file."""
    results = run_dir / f"{name}-client.json"
    hosts = options.base_url.split(",")
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(HERE / "locustfile.py"),
        user_class,
        "--headless",
        "--only-summary",
        "-H",
        hosts[0],
        "--hosts",
        options.base_url,
        "--csv",
        str(run_dir / name),
        "--users-file",
        str(options.data / "users.json"),
        "--run-id",
        options.run_id,
        "--results-file",
        str(results),
        "--think-min",
        str(options.think_min),
        "--think-max",
        str(options.think_max),
        *extra,
    ]
    log = run_dir / f"{name}.log"
    say(f"\n== {name}: {' '.join(command[1:])}")
    started = time.monotonic()
    with log.open("w") as out:
        subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    say(f"   finished in {time.monotonic() - started:.0f} s; log: {log}")
    if not results.exists():
        raise SystemExit(f"locust wrote no results ({results}); see {log}")
    return json.loads(results.read_text())


def read_stats(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _ms(value: str) -> str:
    return "–" if value in ("", "N/A") else f"{float(value):.0f}"


def table(name: str, rows: list[dict], read_p95: int, write_p95: int) -> tuple[str, list[str]]:
    """Markdown table of one run and the targets it missed."""
    missed = []
    lines = [
        f"**{name}**",
        "",
        "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | failures | p95 target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        kind = row["Name"]
        aggregated = kind == "Aggregated"
        target = "" if aggregated else (write_p95 if kind in WRITES else read_p95)
        p95 = row["95%"]
        if target and p95 not in ("", "N/A") and float(p95) >= target:
            missed.append(f"{name}: {kind} p95 {float(p95):.0f} ms ≥ {target} ms")
        failures = int(row["Failure Count"])
        if failures and not aggregated:
            missed.append(f"{name}: {kind} {failures} failed")
        label = "**all**" if aggregated else f"{row['Type']} {kind}"
        lines.append(
            f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{_ms(row['50%'])} | {_ms(p95)} | {_ms(row['99%'])} | {failures} | "
            f"{f'< {target}' if target else ''} |"
        )
    return "\n".join(lines), missed


def failures_of(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        f"{row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}"
        for row in read_stats(path)
    ]


def reconcile(run_id: str, session_id: int, since: dt.datetime, clients: list[dict]) -> list:
    """(label, client, database, ok) rows: the writes the client saw against what is stored."""
    from django.db.models import Count

    from courses.models import AttendanceChange, AttendanceRecord, Post

    rows = []
    marker = re.compile(rf"tai-{re.escape(run_id)}-\d+-\d+")
    posted = Counter(m for client in clients for m in client["posted"])
    stored = Counter(
        found
        for body in Post.objects.filter(body_raw__contains=f"tai-{run_id}-").values_list(
            "body_raw", flat=True
        )
        for found in marker.findall(body)
    )
    rows.append(
        (
            "replies stored == replies the client saw succeed",
            sum(posted.values()),
            sum(stored.values()),
            posted == stored,
        )
    )
    lost, extra = posted - stored, stored - posted
    twice = [m for m, n in stored.items() if n > 1]
    rows.append(
        (
            "replies lost / unseen by the client / stored twice",
            "0 / 0 / 0",
            f"{len(lost)} / {len(extra)} / {len(twice)}",
            not (lost or extra or twice),
        )
    )

    created = [pk for client in clients for pk in client["checked_in_created"]]
    already = {pk for client in clients for pk in client["checked_in_already"]}
    records = AttendanceRecord.objects.filter(session_id=session_id)
    new = records.filter(recorded_at__gte=since)
    new_people = list(new.values_list("enrollment__user_id", flat=True))
    everyone = set(records.values_list("enrollment__user_id", flat=True))
    rows.append(
        (
            "new attendance records == first check-ins the client saw",
            len(created),
            len(new_people),
            sorted(created) == sorted(new_people),
        )
    )
    per_person = records.values("enrollment_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    rows.append(("participants with more than one record", 0, per_person, per_person == 0))
    logs = (
        AttendanceChange.objects.filter(record__in=new)
        .values("record_id")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .count()
    )
    rows.append(
        ("new records with exactly one log row", len(new_people), logs, logs == len(new_people))
    )
    missing = already - everyone
    rows.append(("'already checked in' answers without a record", 0, len(missing), not missing))
    rows.append(
        (
            "participants present on the session (distinct)",
            len(set(created) | already),
            len(everyone),
            set(created) | already <= everyone,
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url",
        required=True,
        help="e.g. https://127.0.0.1:8443; "
        "several, comma-separated, to spread users over app processes",
    )
    parser.add_argument("--data", type=Path, required=True, help="directory for users.json")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--users", type=int, default=300, help="simulated users of the mix")
    parser.add_argument("--spawn-rate", type=float, default=30)
    parser.add_argument("--duration", type=seconds, default="5m", help="of the mix (5m, 30s)")
    parser.add_argument("--spike-users", type=int, default=300)
    parser.add_argument("--spike-seconds", type=float, default=10)
    parser.add_argument("--scenarios", default="spike,mix", help="spike,mix | spike | mix")
    parser.add_argument(
        "--think-min", type=float, default=10.0, help="seconds between tasks (default 10-30)"
    )
    parser.add_argument("--think-max", type=float, default=30.0)
    parser.add_argument("--read-p95", type=int, default=500, help="target, ms")
    parser.add_argument("--write-p95", type=int, default=800, help="target, ms")
    parser.add_argument(
        "--reuse-session",
        action="store_true",
        help="take the open load session even if people checked into it",
    )
    parser.add_argument("--no-prepare", action="store_true", help="use users.json as it is")
    parser.add_argument("--report-only", action="store_true", help="exit 0 whatever the result")
    options = parser.parse_args(argv)
    scenarios = [s.strip() for s in options.scenarios.split(",") if s.strip()]
    if set(scenarios) - {"spike", "mix"} or not scenarios:
        parser.error("--scenarios: spike, mix or both")
    users = max(
        [
            options.users if "mix" in scenarios else 0,
            options.spike_users if "spike" in scenarios else 0,
        ]
    )
    if users > options.participants:
        parser.error(f"{users} simulated users need as many participants (--participants)")

    load_data.setup_django()
    from courses.services import attendance

    if not options.no_prepare:
        spike_time = options.spike_seconds + 60 if "spike" in scenarios else 0
        mix_time = options.duration + 40 if "mix" in scenarios else 0
        open_minutes = math.ceil((spike_time + mix_time) / 60) + 2
        while True:
            try:
                load_data.prepare(
                    options.participants,
                    options.data,
                    open_minutes,
                    fresh=not options.reuse_session,
                )
                break
            except load_data.SessionBusy as busy:
                wait = (busy.until - attendance.now()).total_seconds() + 2
                say(f"Waiting {wait:.0f} s for a fresh session: {busy}.")
                time.sleep(max(wait, 1))
    data = json.loads((options.data / "users.json").read_text(encoding="utf-8"))

    options.run_id = time.strftime("%Y%m%d-%H%M%S")
    run_dir = options.data / f"run-{options.run_id}"
    run_dir.mkdir(parents=True)
    since = attendance.now()
    clients, tables, missed, failures = [], [], [], []
    for name in scenarios:
        if name == "spike":
            rate = options.spike_users / options.spike_seconds
            extra = [
                "-u",
                str(options.spike_users),
                "-r",
                f"{rate:g}",
                "-t",
                f"{int(options.spike_seconds) + 60}s",
                "--stop-timeout",
                "30",
            ]
            client = run_locust("spike", "SpikeUser", options, run_dir, extra)
            times = client["check_in_times"]
            if times:
                say(
                    f"   {len(times)} check-ins answered between {times[0]:.1f} s and "
                    f"{times[-1]:.1f} s after the start"
                )
        else:
            extra = [
                "-u",
                str(options.users),
                "-r",
                f"{options.spawn_rate:g}",
                "-t",
                f"{options.duration}s",
                "--stop-timeout",
                "30",
            ]
            client = run_locust("mix", "ParticipantUser", options, run_dir, extra)
        clients.append(client)
        text, missing = table(
            f"{name} ({run_dir.name})",
            read_stats(run_dir / f"{name}_stats.csv"),
            options.read_p95,
            options.write_p95,
        )
        tables.append(text)
        missed += missing
        failures += [f"{name}: {line}" for line in failures_of(run_dir / f"{name}_failures.csv")]

    rows = reconcile(options.run_id, data["session"]["id"], since, clients)
    what = {
        "spike": f"spike of {options.spike_users} check-ins spawned over "
        f"{options.spike_seconds:g} s",
        "mix": f"mix of {options.users} users × {options.duration} s (think "
        f"{options.think_min:g}–{options.think_max:g} s)",
    }
    lines = [
        f"Load test {options.run_id} against {options.base_url}: "
        + "; ".join(what[name] for name in scenarios)
        + f"; session {data['session']['id']}, database {data['database']}.",
        "",
        *[f"{t}\n" for t in tables],
        "**Reconciliation with the database**",
        "",
        "| check | client | database | ok |",
        "|---|---:|---:|---|",
        *[f"| {label} | {c} | {d} | {'yes' if ok else '**NO**'} |" for label, c, d, ok in rows],
    ]
    if failures:
        lines += ["", "**Failures**", "", *[f"- {line}" for line in failures]]
    report = "\n".join(lines)
    (run_dir / "report.md").write_text(report + "\n", encoding="utf-8")
    say("\n" + report)
    missed += [f"reconciliation: {label}" for label, _c, _d, ok in rows if not ok]
    if missed:
        say("\nMissed:\n  " + "\n  ".join(missed))
    else:
        say("\nAll targets met: no failed request, p95 under target, writes reconciled.")
    say(f"Report: {run_dir / 'report.md'}")
    return 0 if options.report_only or not missed else 1


if __name__ == "__main__":
    sys.exit(main())
