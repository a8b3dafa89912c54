"""Production: every value from the environment; refuses to start without the essentials.

Required: SECRET_KEY, ALLOWED_HOSTS, CACHE_URL, EMAIL_URL, LMS_SIGNING_KEY_FILE,
LMS_SCHOOL_PKCS12_FILE.
See docs/operations/configuration.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from lms.logging_config import build_logging
from lms.storage import s3_storages

from .base import *  # noqa: F403
from .base import env


def _required(name: str, why: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {why} Set it in the environment (see "
            "docs/operations/configuration.md) and start again."
        )
    return value


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _required(
    "SECRET_KEY",
    "It signs sessions, password-reset links and CSRF tokens; use 50+ random characters.",
)
ALLOWED_HOSTS = [
    host.strip()
    for host in _required(
        "ALLOWED_HOSTS", "List the host names this site answers to, separated by commas."
    ).split(",")
    if host.strip()
]
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must not contain '*': allauth trusts these hosts for redirects after login."
    )
CACHES = {
    "default": env.cache_url_config(
        _required(
            "CACHE_URL",
            "Rate limits and sessions need a cache shared by every app process, "
            "e.g. CACHE_URL=redis://127.0.0.1:6379/0.",
        )
    )
}
# django-ratelimit only recognises django-redis by name; Django's own RedisCache increments
# atomically too (INCR), which is all the rate limits need, so its warning does not apply.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
_required(
    "EMAIL_URL",
    "Sign-up verification, password resets and notices are sent by e-mail, "
    "e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.vn:587.",
)
# One key for every app process and machine (a generated development key would differ per
# machine): certificates issued anywhere must verify with the published key set.
LMS_SIGNING_KEY_FILE = _required(
    "LMS_SIGNING_KEY_FILE",
    "Certificates are signed with the school's Ed25519 key: a PEM file readable by the app "
    "(create one with `openssl genpkey -algorithm ed25519 -out certificate-signing.pem`).",
)
LMS_SCHOOL_PKCS12_FILE = _required(
    "LMS_SCHOOL_PKCS12_FILE",
    "Certificate PDFs carry the school's digital signature: a PKCS#12 file (.p12/.pfx) with the "
    "school's certificate and key, its password in LMS_SCHOOL_PKCS12_PASSWORD "
    "(docs/operations/certificate-keys.md).",
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405

# HTTPS everywhere, with the proxy telling us which requests were secure.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
LMS_REQUIRE_MFA_FOR_STAFF = env.bool("LMS_REQUIRE_MFA_FOR_STAFF", default=True)

# Media and private files in S3-compatible object storage when S3_BUCKET is set, else on the
# local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT): docs/operations/object-storage.md.
STORAGES = {
    **STORAGES,  # noqa: F405
    **s3_storages(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = build_logging(
    json=env.bool("LOG_JSON", default=True), level=env("LOG_LEVEL", default="INFO")
)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that stops answering must not hold a request or the health check for ever.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 1)
    # The same backend, but a Redis outage serves pages instead of 500s: docs/operations/redis.md.
    CACHES["default"]["BACKEND"] = "lms.cache.FailSoftRedisCache"
