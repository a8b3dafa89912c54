"""Benchmark (a script, not a test: pytest collects only test_*.py): certificate PDFs.

Renders N certificates (different names) through `render_certificate`, and as the floor the same
final HTML strings through bare WeasyPrint (`HTML(string=..., base_url=...).write_pdf()`, with the
same fetcher so that the same fonts and stylesheet load; otherwise the floor would be a different
document). Also shows WeasyPrint with a shared FontConfiguration, which is what `render_pdf` adds.
Prints the median milliseconds per certificate and the ratio to the floor. No database.

    .venv/bin/python tests/benchmarks/bench_certificate_pdf.py [--count 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

NAMES = [
    "Nguyễn Thị Thu Hằng", "Phạm Ngọc Ỷ", "Đặng Quốc Vượng", "Lữ Thị Ngọc Ẩn",
    "Hoàng Thị Kiều Ngữ", "Trần Văn Bình", "Lê Thị Mỹ Duyên", "Võ Minh Khải", "Bùi Thị Ánh Tuyết",
    "Đỗ Hữu Nghĩa", "Huỳnh Thị Yến", "Phan Văn Trị", "Vũ Thị Hương Giang", "Đinh Công Tráng",
    "Ngô Thị Thanh Huyền", "Dương Văn Ẩn", "Lý Thị Ửng", "Trương Quang Định", "Mai Thị Nở",
    "Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyễn Đặng Lê Minh",
]  # fmt: skip


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(count: int, rounds: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from courses.certificate_document import certificate_html, render_certificate
    from courses.pdf import BASE_URL, safe_url_fetcher
    from tests.courses.certificate_helpers import sample_snapshot

    snapshots = [
        sample_snapshot(
            participant={"full_name": f"{NAMES[i % len(NAMES)]}"},
            certificate_number=f"GDS-2026-5/2026/{i + 1:04d}",
            register_number=f"{i + 1:04d}/2026",
        )
        for i in range(count)
    ]
    htmls = [certificate_html(snapshot) for snapshot in snapshots]
    shared_fonts = FontConfiguration()

    def ours(i: int) -> bytes:
        return render_certificate(snapshots[i])

    def floor(i: int) -> bytes:
        html = weasyprint.HTML(string=htmls[i], base_url=BASE_URL, url_fetcher=safe_url_fetcher)
        return html.write_pdf()

    def floor_shared_fonts(i: int) -> bytes:
        html = weasyprint.HTML(string=htmls[i], base_url=BASE_URL, url_fetcher=safe_url_fetcher)
        return html.write_pdf(font_config=shared_fonts)

    variants = {
        "render_certificate": ours,
        "floor": floor,
        "floor+shared fonts": floor_shared_fonts,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for action in variants.values():  # warm-up: imports, font registration, caches
        action(0)
    for _ in range(rounds):
        for i in range(count):
            for name, action in variants.items():  # interleaved, so drift hits all alike
                start = time.perf_counter()
                action(i)
                times[name].append(time.perf_counter() - start)

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    say(f"{count} certificates x {rounds} rounds, median ms per certificate:")
    for name, value in medians.items():
        say(f"  {name:<22} {value:8.1f} ms")
    ratio = medians["render_certificate"] / medians["floor"]
    ratio_shared = medians["render_certificate"] / medians["floor+shared fonts"]
    say(f"  ratio render_certificate / floor: {ratio:.2f} (target < 1.3)")
    say(f"  ratio render_certificate / floor+shared fonts: {ratio_shared:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.count, arguments.rounds)
