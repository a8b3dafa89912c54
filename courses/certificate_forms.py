"""Forms of the certificate pages. They parse; courses.services.certificates decides (a
decision number is required, dates must be in order, the person must be eligible) and the view
puts its refusal back on the field it names."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class DecisionFields(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định"),
        max_length=60,
        help_text=_("Ví dụ: 123/QĐ-TĐT"),
    )
    decision_date = _date_field(_("Ngày quyết định"))


class IssueForm(DecisionFields):
    issued_on = _date_field(_("Ngày cấp (in trên chứng chỉ)"))
    scope = forms.ChoiceField(
        label=_("Cấp cho"),
        choices=[
            ("all", _("Tất cả học viên đủ điều kiện chưa được cấp")),
            ("selected", _("Chỉ những học viên đã chọn trong bảng")),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )
    enrollment = forms.TypedMultipleChoiceField(
        label=_("Học viên được chọn"), coerce=int, required=False
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].choices = list(choices)
        today = timezone.localdate()
        self.fields["decision_date"].initial = today
        self.fields["issued_on"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("scope") == "selected" and not data.get("enrollment"):
            self.add_error("enrollment", _("Hãy chọn ít nhất một học viên trong bảng."))
        return data

    def chosen_ids(self) -> list[int] | None:
        if self.cleaned_data["scope"] == "all":
            return None
        return list(self.cleaned_data["enrollment"])


class RevokeForm(DecisionFields):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi như trong quyết định, ví dụ: cấp cho người không đủ điều kiện."),
    )


class ReplaceForm(DecisionFields):
    issued_on = _date_field(_("Ngày cấp lại"))
    reason = forms.CharField(
        label=_("Lý do cấp lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: học viên báo mất chứng chỉ (đơn ngày …)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()
