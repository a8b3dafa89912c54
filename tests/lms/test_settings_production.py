"""Production mode refuses to start without its essentials and passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "p" * 20 + "r0dUct10n-k3y-wItH-enough-Entropy-4-Django-9876543210",
    "ALLOWED_HOSTS": "lms.example.vn",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://lms.example.vn",
    "EMAIL_URL": "smtp+tls://lms:secret@smtp.example.vn:587",
    "LMS_SIGNING_KEY_FILE": "/etc/lms/certificate-signing.pem",
    "LMS_SCHOOL_PKCS12_FILE": "/etc/lms/school-signing.p12",
}


def run(args, **env_overrides):
    # A clean environment, as a deployment has: only what the process needs to find Python.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(GOOD_ENV)
    env.update(env_overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CACHE_URL",
        "EMAIL_URL",
        "LMS_SIGNING_KEY_FILE",
        "LMS_SCHOOL_PKCS12_FILE",
    ],
)
def test_production_refuses_to_start_without_essentials(missing):
    result = run(["manage.py", "check"], **{missing: None})
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "docs/operations/configuration.md" in result.stderr


def test_production_refuses_a_wildcard_host():
    result = run(["manage.py", "check"], ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "must not contain '*'" in result.stderr


def test_check_deploy_is_clean():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is django-ratelimit not knowing Django's RedisCache by name.
    assert "System check identified no issues (1 silenced)." in result.stdout
    silenced = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SILENCED_SYSTEM_CHECKS)",
        ]
    )
    assert silenced.stdout.strip() == "['django_ratelimit.W001']"


def test_production_sends_security_headers():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, headers={'host': 'lms.example.vn'});"
        "print(r.status_code)"
    )
    assert run(["-c", script]).stdout.strip() == "200"
