"""WSGI entry point for gunicorn: `gunicorn lms.wsgi` (production settings by default)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

application = get_wsgi_application()


def _warm_up() -> None:
    """Import every view (through the URLconf) and compile the page frame while the process
    starts, before it takes requests. Left to the first request, this took about a second of
    CPU per worker — on every worker at once when a class arrives, and again after each
    recycling (max_requests) — and the requests behind it waited."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports lms.urls and every include)
    get_template("base.html")


_warm_up()
