"""Benchmark (a script, not a test: pytest collects only test_*.py): median render time of a
thread with 500 posts and a board with 1,000 threads, against the plain home page, in a temporary
database.

    .venv/bin/python tests/benchmarks/bench_discussions.py [--runs 15]
"""

import os
import statistics
import sys
import time
from pathlib import Path


def main(runs: int = 15) -> None:
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
        from django.utils import timezone

        from courses.models import Board, Post, Thread, ThreadTag
        from courses.services import discussions as service
        from lms.sanitize import current_stamp
        from tests import factories
        from tests.content.conftest import make_program

        cohort = factories.cohort(make_program(13))
        member = factories.enrollment(cohort).user
        thread = service.start_thread(
            actor=member, cohort=cohort, kind="discussion", title="Dài", body="Mở đầu"
        )
        now, stamp = timezone.now(), current_stamp()
        body = "<p>" + "Ý kiến về chuyển đổi số cấp tỉnh. " * 8 + "</p>"
        ones = Post.objects.bulk_create(
            Post(thread=thread, author=member, body_raw="x", body_html=body,
                 sanitizer_stamp=stamp, created_at=now)
            for _ in range(250)
        )  # fmt: skip
        Post.objects.bulk_create(
            Post(thread=thread, author=member, parent=ones[n], body_raw="x", body_html=body,
                 sanitizer_stamp=stamp, created_at=now)
            for n in range(250)
        )  # fmt: skip
        last = Post.objects.filter(thread=thread).order_by("-pk").first()
        Thread.objects.filter(pk=thread.pk).update(reply_count=500, last_post_id=last.pk)
        board = Board.objects.get(cohort=cohort, module=None)
        made = Thread.objects.bulk_create(
            Thread(board=board, kind=("discussion", "case", "question")[n % 3],
                   title=f"Chủ đề số {n}", author=member, reply_count=n % 7)
            for n in range(999)
        )  # fmt: skip
        ThreadTag.objects.bulk_create(ThreadTag(thread=t, tag="cntt") for t in made)

        client = Client()
        client.force_login(member)
        pages = {
            "home": "/",
            "thread (500 posts, page 1)": f"/thao-luan/chu-de/{thread.pk}/?trang=1",
            "board (1,000 threads, page 1)": f"/lop/{cohort.code}/thao-luan/chung/",
        }
        medians = {}
        for name, url in pages.items():
            assert client.get(url).status_code == 200, url
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - start)
            medians[name] = statistics.median(times)
        home = medians["home"]
        for name, value in medians.items():
            print(f"{name:<32} median {value * 1000:8.1f} ms   x{value / home:5.1f} of home")  # noqa: T201
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15)
