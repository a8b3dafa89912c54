"""What every page's header needs. Booleans only: templates hold no permission logic."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import get_language

from lms.accounts.roles import can_access_admin, is_school_staff


def site(request):
    user = getattr(request, "user", None)
    return {
        # Content written in the admin (names, titles, module text) is in Vietnamese whatever
        # language the interface speaks; ``<h1{{ content_lang }}>`` says so to screen readers
        # and translators when the interface is English (WCAG 3.1.2, language of parts).
        "content_lang": (
            format_html(' lang="{}"', settings.LANGUAGE_CODE)
            if get_language() != settings.LANGUAGE_CODE
            else ""
        ),
        "nav": SimpleLazyObject(
            lambda: {
                "can_access_admin": can_access_admin(user),
                "is_school_staff": is_school_staff(user),
            }
        ),
    }


def notifications(request):
    """The header's unread count, as `notifications_nav.unread`. Lazy: the count query runs only
    when a template reads it, and never for an anonymous visitor."""
    user = getattr(request, "user", None)

    def unread() -> dict:
        if not (user and user.is_authenticated):
            return {"unread": 0}
        from courses.notification_selectors import unread_count

        return {"unread": unread_count(user)}

    return {"notifications_nav": SimpleLazyObject(unread)}
