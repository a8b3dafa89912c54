"""Forms of the discussion pages. They parse input; the rules (length, emptiness, permissions,
locked threads) live in courses.services.discussions, whose refusals the views show."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import FieldTag, ThreadKind
from courses.models.discussions import BODY_MAX, TITLE_MAX

BODY_HELP = _(
    "Tối đa 20.000 ký tự. Để trống một dòng để sang đoạn mới. Có thể dùng thẻ <strong>, <em>, "
    '<ul>/<ol> với <li>, <blockquote> và đường dẫn <a href="https://…">.'
)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class _TokenForm(forms.Form):
    # One random value per rendered form: a second submission of the same form is recognised
    # by the service and returns the first post instead of a duplicate.
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())


def _body_field(label) -> forms.CharField:
    # No max_length here: the service gives the one message about length (with the count), and
    # the browser's maxlength would silently cut a pasted text instead of saying so.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=BODY_HELP,
        widget=forms.Textarea(
            attrs={"rows": 8, "class": "post-editor", "data-max-chars": BODY_MAX}
        ),
    )


class ThreadForm(_TokenForm):
    kind = forms.ChoiceField(
        label=_("Loại chủ đề"), choices=ThreadKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        required=False,
        help_text=_("Tối đa 200 ký tự, nói rõ vấn đề."),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX + 50}),
    )
    body = _body_field(_("Nội dung"))
    tags = forms.MultipleChoiceField(
        label=_("Lĩnh vực"),
        choices=FieldTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chọn các lĩnh vực Sở quản lý mà chủ đề liên quan."),
    )


class ReplyForm(_TokenForm):
    body = _body_field(_("Trả lời của bạn"))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), required=False)
    body = _body_field(_("Nội dung"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BoardFilterForm(forms.Form):
    loai = forms.ChoiceField(
        label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + ThreadKind.choices
    )
    linh_vuc = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("Tất cả"))] + FieldTag.choices
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm trong thảo luận của lớp"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("ví dụ: chuyen doi so")}),
    )
