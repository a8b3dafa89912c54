"""Thin views: parse the request, ask courses.permissions, call a service or a selector, render.
One module per area, each with its own `urlpatterns` gathered by courses/urls.py."""


def client_ip(request) -> str | None:
    """The address a request came from, as attendance and hand-ins record it. REMOTE_ADDR: behind
    a reverse proxy this is the proxy until the production setup trusts its X-Forwarded-For."""
    return request.META.get("REMOTE_ADDR") or None
