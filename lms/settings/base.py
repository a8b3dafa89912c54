"""Settings shared by every environment. Values come from the environment only.

dev.py, test.py and production.py start from here; production.py is the only one that refuses to
start when something essential is missing. See docs/operations/configuration.md for every variable.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from lms.logging_config import build_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file beside manage.py is read if present (never committed): handy on one machine,
# while real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
# No wildcard: allauth trusts these hosts when it follows a `next` redirect.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first so that their templates and translations override the libraries'.
    "lms.accounts",
    "content",
    "courses",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # allauth
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Rate limits of our own views (its system checks verify the cache it counts in).
    "django_ratelimit",
    # Background tasks stored in the database, run by `manage.py db_worker` (TASKS_BACKEND).
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # Wagtail's PostgreSQL search index needs it on Django 6.1; harmless on SQLite.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    # First: every log line of the request, the health check's too, carries its id.
    "lms.middleware.RequestIdMiddleware",
    # Then: a load balancer probes by IP, before host validation and the HTTPS redirect.
    "lms.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so its response hook runs first and can pick the admin policy.
    "lms.middleware.AdminContentSecurityPolicyMiddleware",
    "lms.middleware.NormalizeFormInputMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.middleware.RequireStaffTwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.site",
                "lms.context_processors.notifications",
            ],
        },
    },
]

FORM_RENDERER = "lms.forms_renderer.SiteFormRenderer"

# --- Background tasks (Django's task framework) ---------------------------------------------
# "immediate" (the default: a task runs inside the request that enqueues it, after its
# transaction commits; tests and one-off commands) or "database" (tasks wait in the database
# for `manage.py db_worker`, a separate process: `make run` starts one, production runs one).
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env("TASKS_BACKEND", default="immediate")]}}
# A certificate batch whose worker has not reported (heartbeat) for this many seconds is taken to
# have died with it: `manage.py run_worker` / `resume_stalled_batches` enqueue it again
# (docs/operations/task-worker.md). One certificate takes well under a second.
LMS_BATCH_STALE_SECONDS = env.int("LMS_BATCH_STALE_SECONDS", default=300)

# --- Database -------------------------------------------------------------------------------
# Default: a SQLite file in the project (the embedded mode). DATABASE_URL for anything else,
# e.g. postgres://user:password@127.0.0.1:5432/lms
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
# Local memory by default; production sets CACHE_URL=redis://... (Django's own RedisCache),
# which allauth's rate limits need to hold across processes.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Users and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Permissions only (one query where Django's takes two, on every page); signs nobody in.
    "lms.accounts.backends.PermissionsInOneQuery",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "lms.accounts.forms.SignupNamesForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", default="[LMS] ")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# ACCOUNT_RATE_LIMITS is deliberately left at allauth's defaults (e.g. 5 failed logins per
# 5 minutes per account, 10 per minute per address).

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="LMS Giám đốc Sở")
# When true, school staff must set up an authenticator app before they can use the site.
LMS_REQUIRE_MFA_FOR_STAFF = env.bool("LMS_REQUIRE_MFA_FOR_STAFF", default=False)

# --- Email ----------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.vn:587 ; console output by default.
# Parsed by django-environ, expressed as Django 6.1's MAILERS (the EMAIL_* settings are deprecated).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {option: _email[key] for key, option in _SMTP_OPTIONS.items() if _email.get(key)}
            | {"timeout": env.int("EMAIL_TIMEOUT", default=20)}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LMS <no-reply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lms" / "locale", BASE_DIR / "lms" / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "lms_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Private files (reports, certificates) live outside MEDIA_ROOT and have no URL: they are only
# ever served by a view that checks permission.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest enrolment list (CSV or XLSX) school staff may upload; 2 MB holds thousands of rows.
LMS_IMPORT_MAX_BYTES = env.int("LMS_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# Final reports (courses/report_files.py, docs/operations/configuration.md): the largest file a
# participant may upload, and the optional ClamAV daemon each file is streamed to before it is
# stored: a unix socket, else host and port; neither set means no scan. Once one is set, a scanner
# that does not answer within LMS_CLAMD_TIMEOUT seconds refuses the upload (fail closed).
LMS_REPORT_MAX_BYTES = env.int("LMS_REPORT_MAX_BYTES", default=20 * 1024 * 1024)
LMS_CLAMD_SOCKET = env("LMS_CLAMD_SOCKET", default="")
LMS_CLAMD_HOST = env("LMS_CLAMD_HOST", default="")
LMS_CLAMD_PORT = env.int("LMS_CLAMD_PORT", default=3310)
LMS_CLAMD_TIMEOUT = env.int("LMS_CLAMD_TIMEOUT", default=30)

# Certificates (docs/guides/chung-chi.md). The school's Ed25519 key that signs every issued
# record: a PEM file; empty = a development key generated on first use under var/keys/.
LMS_SIGNING_KEY_FILE = env("LMS_SIGNING_KEY_FILE", default="")
LMS_DEVELOPMENT_KEY_DIR = BASE_DIR / "var" / "keys"
# The school's X.509 certificate and private key that sign every certificate PDF (PAdES, chữ ký
# số): a PKCS#12 file (.p12/.pfx, as Vietnamese certification authorities deliver them) and its
# password; empty = a self-signed development certificate generated on first use under var/keys/.
# With LMS_TSA_URL (an RFC 3161 timestamp authority) each signature also carries a trusted time
# (PAdES B-T); without it, B-B. docs/operations/certificate-keys.md.
LMS_SCHOOL_PKCS12_FILE = env("LMS_SCHOOL_PKCS12_FILE", default="")
LMS_SCHOOL_PKCS12_PASSWORD = env("LMS_SCHOOL_PKCS12_PASSWORD", default="")
LMS_TSA_URL = env("LMS_TSA_URL", default="")
# Largest file the public verification page accepts (a certificate PDF is about 60 KB).
LMS_VERIFY_UPLOAD_MAX_BYTES = env.int("LMS_VERIFY_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# The certificate's layout: a template file of the school's, under templates/ (no code change).
LMS_CERTIFICATE_TEMPLATE = env(
    "LMS_CERTIFICATE_TEMPLATE", default="courses/certificates/document.html"
)
# Public verification lookups allowed per client address (django-ratelimit rate).
LMS_VERIFY_RATE = env("LMS_VERIFY_RATE", default="30/m")
# Site searches allowed per client address (each reads every study page of the programmes).
LMS_SEARCH_RATE = env("LMS_SEARCH_RATE", default="60/m")
# Self check-in (docs/operations/configuration.md): the code shown in class rotates every
# LMS_CHECKIN_CODE_SECONDS; participants may check in from N minutes before a session's start to
# M minutes after it, and are marked late after L minutes.
LMS_CHECKIN_CODE_SECONDS = env.int("LMS_CHECKIN_CODE_SECONDS", default=30)
LMS_CHECKIN_OPENS_MINUTES_BEFORE = env.int("LMS_CHECKIN_OPENS_MINUTES_BEFORE", default=15)
LMS_CHECKIN_CLOSES_MINUTES_AFTER = env.int("LMS_CHECKIN_CLOSES_MINUTES_AFTER", default=30)
LMS_CHECKIN_LATE_AFTER_MINUTES = env.int("LMS_CHECKIN_LATE_AFTER_MINUTES", default=15)

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="LMS Giám đốc Sở TT&TT")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are private files served only through Wagtail's view, after a permission hook.
WAGTAILDOCS_DOCUMENT_MODEL = "content.CourseDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: it would leak who uses the admin and break the CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# People are managed through allauth: Wagtail's own password reset would bypass its rate limits.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Wagtail sends people it turns away to lms.views.admin_login: the site sign-in (allauth, with
# its rate limits) for the signed-out, a plain "no access" page for signed-in participants
# (sending them to the sign-in page would bounce them back to /admin/ for ever).
WAGTAILADMIN_LOGIN_URL = "/admin/login/"

CSRF_FAILURE_VIEW = "lms.views.csrf_failure"

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The public site runs without inline scripts or styles. The Wagtail admin needs a looser
# policy (inline styles, its preview iframe); see lms.middleware.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [
        CSP.SELF,
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
LMS_ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-src": [CSP.SELF, *SECURE_CSP["frame-src"]],
    # Wagtail's live preview shows the page in an iframe of the admin itself.
    "frame-ancestors": [CSP.SELF],
}

# --- Logging --------------------------------------------------------------------------------
# JSON lines when LOG_JSON is on (production's default), text otherwise; every line carries the
# request id (docs/operations/observability.md).
LOGGING = build_logging(
    json=env.bool("LOG_JSON", default=False), level=env("LOG_LEVEL", default="INFO")
)
