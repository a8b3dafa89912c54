"""E-mails the course sends. Always scheduled with transaction.on_commit by the services, so a
rolled-back change never mails anyone; rendered in Vietnamese (the course's language) from
templates/courses/email/<name>_subject.txt and <name>.txt (plain text: the templates turn
autoescaping off, so "O'Brien" is not mailed as "O&#x27;Brien")."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of templates/courses/email/<name>_subject.txt and <name>.txt, in the
    site's language, with `site_url` (WAGTAILADMIN_BASE_URL, from the environment) for links."""
    context = {"site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"courses/email/{name}_subject.txt", context)
        body = render_to_string(f"courses/email/{name}.txt", context)
    return " ".join(subject.split()), body


def send_on_commit(name: str, to: list[str], context: dict) -> None:
    """Render now (with the data as it is inside the transaction), send after commit."""
    if not to:
        return
    subject, body = render_email(name, context)
    message = EmailMessage(subject=subject, body=body, to=to)
    transaction.on_commit(message.send)
