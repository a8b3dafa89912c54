"""Forms of the account pages. Names are asked in Vietnamese order: family + middle, then given."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.text import normalize_name


class SignupNamesForm(forms.Form):
    """Extra fields of allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    last_name = forms.CharField(
        label=_("Họ và tên đệm"),
        max_length=100,
        help_text=_("Như trên giấy tờ tùy thân, ví dụ: Nguyễn Thị"),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Tên"),
        max_length=50,
        help_text=_("Ví dụ: Đào"),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    field_order = ["last_name", "first_name", "email", "password1", "password2"]

    def clean_last_name(self) -> str:
        return normalize_name(self.cleaned_data["last_name"])

    def clean_first_name(self) -> str:
        return normalize_name(self.cleaned_data["first_name"])

    def signup(self, request, user) -> None:
        user.last_name = self.cleaned_data["last_name"]
        user.first_name = self.cleaned_data["first_name"]
        user.save()
