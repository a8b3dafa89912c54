"""The app server's start-up: what a gunicorn worker does before it takes its first request."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_wsgi_app_imports_the_views_before_the_first_request():
    """Left to the first request, importing the URLconf cost each worker about a second of CPU
    while a class checking in waited behind it."""
    probe = (
        "import sys; import lms.wsgi; "
        "print('courses.views.attendance' in sys.modules, 'lms.urls' in sys.modules)"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_gunicorn_builds_one_tls_context_per_worker_not_one_per_connection():
    config = runpy.run_path(str(ROOT / "lms" / "gunicorn.conf.py"))
    built = []

    def factory():
        built.append(object())
        return built[-1]

    contexts = [config["ssl_context"](None, factory) for _connection in range(3)]

    assert len(built) == 1
    assert contexts == [built[0]] * 3
