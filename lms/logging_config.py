"""Logging: one JSON object per line in production, readable lines in development.

Every record that reaches our handler carries the id of the request it belongs to (and the
signed-in person's id once known), put there by RequestContextFilter from a context variable
that lms.middleware.RequestIdMiddleware sets. The same id is sent back in the X-Request-ID
header and printed on the error page, so "Mã tham chiếu: 3f2a…" quoted by a participant leads
to every line of that request (docs/operations/observability.md).

Settings import this module, so it imports nothing from Django; logging.config.dictConfig
builds the formatter and the filter from the dict that build_logging returns.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS

# Set by the middleware for the length of one request; None outside requests (commands, tasks).
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[int | None] = ContextVar("user_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"

# What the JSON line holds besides any `extra=` a caller passes; renamed to short keys below.
JSON_FIELDS = ["levelname", "name", "message", "request_id", "user_id"]
JSON_RENAMES = {"levelname": "level", "name": "logger"}

# Record attributes never written as JSON fields. Django's request logger attaches the whole
# request (`extra={"request": ...}`): its text would put the query string, which can carry
# search terms and tokens, into the log.
_OMITTED = ("request", "server_time")


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to records written during a request.

    A filter on the handler (not on a logger) so that records propagated from every library's
    logger pass through it. It never drops a record. Outside a request (or before sign-in is
    known) the attribute is left unset: the JSON line then holds null and the text line the
    formatter's default "-".
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if (request_id := request_id_var.get()) is not None:
            record.request_id = request_id
        if (user_id := user_id_var.get()) is not None:
            record.user_id = user_id
        return True


def _json_formatter() -> dict:
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": JSON_FIELDS,
        "rename_fields": JSON_RENAMES,
        # An ISO 8601 UTC time with microseconds, whatever the server's time zone.
        "timestamp": "time",
        "reserved_attrs": [*RESERVED_ATTRS, *_OMITTED],
    }


def build_logging(*, json: bool, level: str = "INFO") -> dict:
    """The LOGGING dictConfig: JSON lines (json=True) or text, to standard error, at `level`.

    Standard error because the process manager (systemd, Docker) collects it; rotating and
    shipping files is its job, not the app's.
    """
    level = level.upper()
    formatter = (
        _json_formatter()
        if json
        else {
            "format": TEXT_FORMAT,
            # Outside a request the text reads "[- user=-]" rather than "[None user=None]".
            "defaults": {"request_id": "-", "user_id": "-"},
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default handlers on "django" (a plain console in DEBUG, mail to ADMINS)
            # are replaced by the root's, so each record is written once, in this format.
            "django": {"level": level},
            "django.security": {"level": "WARNING"},
            # Wagtail's search-index and reference-index tasks log every run at INFO.
            "django_tasks": {"level": "WARNING"},
            "django.tasks": {"level": "WARNING"},
            # WeasyPrint narrates every step of every PDF at INFO (and fontTools each subset).
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
