"""Benchmark (a script, not a test: pytest collects only test_*.py): median render time of the
dashboards for a class of 200 participants and 100 sessions (50 held, with attendance), against
the plain home page, in a temporary database, with each page's query count.

    .venv/bin/python tests/benchmarks/bench_dashboards.py [--runs 15] [--profile nha-truong]

Pages: the participant's /hoc-tap/, the instructor's /giang-day/, the school's
/nha-truong/tong-quan/ and the at-risk screen /nha-truong/nguy-co/. Aim: under 3× the home page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PARTICIPANTS = 200
SESSIONS = 100


def main(runs: int, profile: str | None = None) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import datetime as dt

        from django.utils import timezone

        from courses.models import Post, PostReport
        from courses.services import discussions
        from tests import factories
        from tests.content.conftest import make_program
        from tests.courses.attendance_helpers import teacher
        from tests.courses.dashboard_helpers import (
            bulk_attendance,
            bulk_participants,
            bulk_sessions,
            bulk_submissions,
            queries_of,
            running_cohort,
        )
        from tests.courses.report_helpers import assignment

        program = make_program(13)
        cohort = running_cohort(program)
        instructor = teacher(cohort)
        staff = factories.school_staff()
        people = bulk_participants(cohort, PARTICIPANTS)
        sessions = bulk_sessions(cohort, SESSIONS, instructors=[instructor])
        bulk_attendance(sessions, people)  # a fifth of the class absent throughout: at risk
        bulk_submissions(
            assignment(cohort, deadline=timezone.now() + dt.timedelta(days=5)), people[:150]
        )
        for n in range(30):
            thread = discussions.start_thread(
                actor=people[n].user,
                cohort=cohort,
                kind="question",
                title=f"Câu hỏi số {n}",
                body="Xin hỏi giảng viên",
            )
            if n % 3 == 0:
                PostReport.objects.create(
                    post=Post.objects.get(thread=thread, is_opening=True),
                    reporter=people[n + 1].user,
                    reason="Lạc đề",
                )

        def signed_in(user):
            client = Client()
            client.force_login(user)
            return client

        participant, teaching, school = (
            signed_in(people[1].user),
            signed_in(instructor),
            signed_in(staff),
        )
        pages = {
            "home page /": (participant, "/"),
            "participant /hoc-tap/": (participant, "/hoc-tap/"),
            "instructor /giang-day/": (teaching, "/giang-day/"),
            "staff /nha-truong/tong-quan/": (school, "/nha-truong/tong-quan/"),
            "at-risk /nha-truong/nguy-co/": (school, "/nha-truong/nguy-co/"),
        }
        medians, counts = {}, {}
        for name, (client, url) in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            counts[name] = queries_of(lambda client=client, url=url: client.get(url))
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - start)
            medians[name] = statistics.median(times)
        if profile:
            import cProfile
            import pstats

            client, url = next(v for k, v in pages.items() if profile in k)
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [client.get(url) for _ in range(5)])
            order = os.environ.get("BENCH_SORT", "cumulative")  # or tottime
            pstats.Stats(profiler).sort_stats(order).print_stats(40)
        home = medians["home page /"]
        print(  # noqa: T201 — a script's report
            f"Dashboards, {PARTICIPANTS} participants × {SESSIONS} sessions "
            f"({connection.vendor}, median of {runs}):"
        )
        for name, value in medians.items():
            print(  # noqa: T201
                f"  {name:<30} {value * 1000:7.1f} ms  ×{value / home:4.2f} home"
                f"  {counts[name]:>3} queries"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", help="print a cProfile of the page whose name has this text")
    arguments = parser.parse_args()
    main(arguments.runs, arguments.profile)
