"""Settings of tests/benchmarks/fault_worker_kill.py: the script and the worker processes it
starts share one database (DATABASE_URL) and one directory of files (LMS_FAULT_DIR), so that
a certificate issued by a worker is found by the script. Quiet choices as in the test settings;
tasks always go to the database (the worker runs them)."""

import os
from pathlib import Path

from lms.settings.base import *  # noqa: F403

_DIR = Path(os.environ["LMS_FAULT_DIR"])

DEBUG = False
SECRET_KEY = "fault-script-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MEDIA_ROOT = _DIR / "media"
PRIVATE_MEDIA_ROOT = _DIR / "private"
STATIC_ROOT = _DIR / "static"
LMS_DEVELOPMENT_KEY_DIR = _DIR / "keys"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
