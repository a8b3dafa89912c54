"""What every page's header needs. Booleans only: templates hold no permission logic."""

from django.utils.functional import SimpleLazyObject

from lms.accounts.roles import can_access_admin, is_school_staff


def site(request):
    user = getattr(request, "user", None)
    return {
        "nav": SimpleLazyObject(
            lambda: {
                "can_access_admin": can_access_admin(user),
                "is_school_staff": is_school_staff(user),
            }
        ),
    }
