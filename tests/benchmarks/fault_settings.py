"""Settings of tests/benchmarks/fault_worker_kill.py: the test settings, except that the script
and the worker processes it starts share one database (DATABASE_URL) and one directory of files
(LMS_FAULT_DIR), so that a certificate issued by a worker is found by the script, and that
tasks always go to the database (the worker runs them)."""

import os
from pathlib import Path

from lms.settings import base as _base
from lms.settings.test import *  # noqa: F403
from lms.settings.test import STORAGES

_DIR = Path(os.environ["LMS_FAULT_DIR"])

SECRET_KEY = "fault-script-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOGGING = _base.LOGGING  # the workers' INFO lines go to the script's log file

MEDIA_ROOT = _DIR / "media"
PRIVATE_MEDIA_ROOT = _DIR / "private"
STATIC_ROOT = _DIR / "static"
LMS_DEVELOPMENT_KEY_DIR = _DIR / "keys"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "private": {
        **STORAGES["private"],
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
