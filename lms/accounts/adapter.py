"""How allauth behaves on this site: sign-up can be closed by a setting, e-mail addresses are
stored in lower case, and nothing but our own hosts is ever a redirect target."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from lms.accounts.models import UserManager


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "LMS_SIGNUP_OPEN", True)

    def clean_email(self, email: str) -> str:
        return UserManager.normalize_email(super().clean_email(email))
