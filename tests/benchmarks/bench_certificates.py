"""Benchmark (a script, not a test): issuing the certificates of a whole class.

A cohort of 100 eligible participants (160-period timetable attended, report graded) gets its
certificates through the real path — start_issuance, the run_issuance_batch task run on commit by
Django's ImmediateBackend, run_batch, issue_certificate with the REAL WeasyPrint renderer — in a
throwaway database. Reported: total time, time per certificate, the render time per certificate
inside issuance, and the floor: WeasyPrint alone writing the same final HTML
(certificate_html(snapshot) rendered by weasyprint.HTML(...).write_pdf() with the same URL
fetcher), and the ratio per-certificate issuance time / floor.

    .venv/bin/python tests/benchmarks/bench_certificates.py [--participants 100] [--floor-runs 1]

The database is the test settings' (SQLite unless DATABASE_URL is set: then a test_… database
next to it, created and dropped). Files go to the test settings' temporary directories.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Quốc", "Ngọc", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hằng", "Hùng", "Lan"]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def names(count: int) -> list[tuple[str, str]]:
    return [
        (f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 10]}", GIVEN[(i * 7 + i // 10) % 10])
        for i in range(count)
    ]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def run(participants: int, floor_runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    keys = Path(tempfile.mkdtemp(prefix="bench-certificates-key-"))
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        import weasyprint
        from django.utils import timezone

        import courses.certificate_document as document
        from courses import certificate_pades, pdf
        from courses.models.certificates import BatchStatus, Certificate
        from courses.services import certificates as service
        from tests import factories
        from tests.content.conftest import make_program
        from tests.courses.certificate_helpers import eligible_class, write_signing_key

        settings.LMS_SIGNING_KEY_FILE = write_signing_key(keys)
        say(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        say(f"WeasyPrint {weasyprint.__version__}")

        started = time.perf_counter()
        cohort = factories.cohort(make_program(13), capacity=max(200, participants))
        members = eligible_class(cohort, names(participants))
        staff = factories.school_staff()
        elapsed = time.perf_counter() - started
        say(f"Set-up: {participants} eligible participants in {elapsed:.1f} s")

        # Fonts are registered on the first render of a process; both measurements below start
        # warm, so that neither pays it.
        real_render = document.render_certificate_document
        real_sign = certificate_pades.sign_pdf
        warm = time.perf_counter()
        real_render(service_snapshot_for_warm_up(cohort, members[0]))
        say(f"First render of the process (font registration): {ms(time.perf_counter() - warm)}")

        renders: list[float] = []
        snapshots: list[dict] = []
        sizes: list[int] = []

        def timed_render(snapshot, *args, **kwargs):
            start = time.perf_counter()
            rendered = real_render(snapshot, *args, **kwargs)
            renders.append(time.perf_counter() - start)
            snapshots.append(snapshot)
            return rendered

        signings: list[float] = []

        def timed_sign(data, **kwargs):
            start = time.perf_counter()
            signed = real_sign(data, **kwargs)
            signings.append(time.perf_counter() - start)
            sizes.append(len(signed))
            return signed

        document.render_certificate_document = timed_render
        certificate_pades.sign_pdf = timed_sign
        queries = []

        def count(execute, sql, *rest):
            queries.append(sql)
            return execute(sql, *rest)

        day = timezone.localdate()
        with connection.execute_wrapper(count):
            start = time.perf_counter()
            batch = service.start_issuance(
                cohort,
                actor=staff,
                enrollment_ids=None,
                decision_number="123/QĐ-TĐT",
                decision_date=day,
                issued_on=day,
            )
            total = time.perf_counter() - start
        document.render_certificate_document = real_render
        certificate_pades.sign_pdf = real_sign
        batch.refresh_from_db()
        issued = Certificate.objects.filter(batch=batch).count()
        if batch.status != BatchStatus.DONE or issued != participants:
            sys.exit(f"FAILED: batch {batch.status}, {issued} issued, skipped {batch.skipped}")
        sequences = sorted(Certificate.objects.values_list("sequence", flat=True))
        if sequences != list(range(1, participants + 1)):
            sys.exit("FAILED: sequences are not 1..N")

        per_certificate = total / participants
        render_median = statistics.median(renders)

        # The floor: WeasyPrint alone on the same final HTML, same URL fetcher.
        extra_css = service._school_css()
        htmls = []
        html_times = []
        for snapshot in snapshots:
            start = time.perf_counter()
            htmls.append(document.certificate_html(snapshot, extra_css))
            html_times.append(time.perf_counter() - start)
        plain, shared = [], []
        font_config = pdf._shared_font_config()
        for _ in range(floor_runs):
            for html in htmls:
                start = time.perf_counter()
                weasyprint.HTML(
                    string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.safe_url_fetcher
                ).write_pdf()
                plain.append(time.perf_counter() - start)
                start = time.perf_counter()
                weasyprint.HTML(
                    string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.safe_url_fetcher
                ).write_pdf(font_config=font_config)
                shared.append(time.perf_counter() - start)
        # The floor is the faster of the two ways of calling WeasyPrint directly.
        floor = min(statistics.median(plain), statistics.median(shared))

        say()
        say(f"Issuing {participants} certificates (start_issuance → task → run_batch), real PDFs:")
        say(f"  total                                   {total:8.2f} s")
        say(f"  per certificate                         {ms(per_certificate)}")
        say(f"  render inside issuance, median          {ms(render_median)}")
        say(f"  render inside issuance, mean / max      {ms(statistics.mean(renders))} / "
            f"{ms(max(renders))}")  # fmt: skip
        say(f"  PAdES signing inside issuance, median   {ms(statistics.median(signings))}")
        rest = per_certificate - statistics.mean(renders) - statistics.mean(signings)
        say(f"  everything but render and signing       {ms(rest)}")
        say(f"  queries per certificate                 {len(queries) / participants:8.1f}")
        say(f"  PDF size, mean                          {statistics.mean(sizes) / 1024:8.1f} KiB")
        say(f"Floor: WeasyPrint alone on the same final HTML ({floor_runs}×{len(htmls)} renders):")
        say(f"  certificate_html(snapshot), median      {ms(statistics.median(html_times))}")
        say(f"  HTML(...).write_pdf(), median           {ms(statistics.median(plain))}")
        say(f"  same with the shared FontConfiguration  {ms(statistics.median(shared))}")
        say(f"  floor (the faster of the two)           {ms(floor)}")
        say(f"Ratio per-certificate issuance / floor    {per_certificate / floor:8.2f}")
        say(f"Ratio render inside issuance / floor      {render_median / floor:8.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(keys, ignore_errors=True)
        # The test settings' per-process temporary directory (media, private files, static).
        shutil.rmtree(Path(settings.PRIVATE_MEDIA_ROOT).parent, ignore_errors=True)


def service_snapshot_for_warm_up(cohort, member) -> dict:
    """A snapshot of `member` as issuance would build it, without issuing anything."""
    from django.utils import timezone

    from courses.services import certificates as service

    day = timezone.localdate()
    return service.build_snapshot(
        member,
        kind="original",
        certificate_number="WARM-UP/0000",
        register_number="0000",
        verification_code="0" * 26,
        decision_number="0/QĐ",
        decision_date=day,
        issued_on=day,
        result="",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--floor-runs", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    run(args.participants, args.floor_runs)


if __name__ == "__main__":
    main()
