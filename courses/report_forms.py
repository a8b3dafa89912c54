"""Forms of the final-report pages. They only parse; every rule (deadline, file type, score
range, reasons) is checked by courses.services.reports, whose message the view puts back on the
field it names. Fields are therefore optional here: an empty title gets the service's words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.report_files import DOCX, PDF

DATETIME_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SubmitForm(forms.Form):
    title = forms.CharField(
        label=_("Tên báo cáo"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"required": True}),
    )
    abstract = forms.CharField(
        label=_("Tóm tắt"),
        required=False,
        max_length=3000,
        help_text=_("Vài câu: vấn đề của Sở, giải pháp đề xuất (không bắt buộc)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("Tệp báo cáo"),
        required=False,
        # An empty file gets the file check's own message, not Django's.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": f".pdf,.docx,{PDF},{DOCX}"}),
    )
    text = forms.CharField(
        label=_("Hoặc viết trực tiếp"),
        required=False,
        help_text=_("Chỉ dùng khi không nộp tệp. Văn bản thuần, xuống dòng để tách đoạn."),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, max_mb: str = "20", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF hoặc Word (.docx), tối đa %(max)s MB. Hệ thống kiểm tra nội dung tệp, không "
            "chỉ đuôi tệp; không nhận tệp .doc đời cũ, tệp có mật khẩu hay có macro."
        ) % {"max": max_mb}


class GradeForm(forms.Form):
    score = forms.CharField(
        label=_("Điểm (thang 10)"),
        required=False,
        max_length=10,
        help_text=_("Một chữ số thập phân, ví dụ 8,5. Để trống thì cộng điểm các tiêu chí."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comments = forms.CharField(
        label=_("Nhận xét"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reason = forms.CharField(
        label=_("Lý do sửa điểm"),
        required=False,
        max_length=1000,
        help_text=_("Bắt buộc khi đổi điểm đã chấm; được lưu trong lịch sử chấm."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion_keys = []
        for index, (name, maximum) in enumerate(criteria):
            key = f"criterion-{index}"
            self.criterion_keys.append(key)
            self.fields[key] = forms.CharField(
                label=_("%(name)s (tối đa %(max)s)")
                % {"name": name, "max": f"{maximum.normalize():f}".replace(".", ",")},
                required=False,
                max_length=10,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        if criteria:
            # The criteria come first, the total after them.
            order = [*self.criterion_keys, "score", "comments", "reason", "revision"]
            self.order_fields(order)

    def criterion_scores(self) -> list[str]:
        return [self.cleaned_data.get(key, "") for key in self.criterion_keys]


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Tên bài"), max_length=200)
    deadline = forms.DateTimeField(
        label=_("Hạn nộp"),
        input_formats=DATETIME_INPUTS,
        help_text=_("Giờ Việt Nam. Sau hạn này chỉ nhà trường mới cho phép nộp muộn."),
        widget=_datetime_widget(),
    )
    instructions = forms.CharField(
        label=_("Hướng dẫn riêng của lớp"),
        required=False,
        max_length=5000,
        help_text=_("Thêm vào đề bài chung của chương trình (không bắt buộc)."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    criteria = forms.CharField(
        label=_("Tiêu chí chấm"),
        required=False,
        help_text=_(
            "Mỗi dòng một tiêu chí: “Tên tiêu chí: điểm tối đa”; tổng phải bằng 10. Để trống "
            "nếu chỉ chấm một điểm chung."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    bands = forms.CharField(
        label=_("Bảng xếp loại"),
        required=False,
        help_text=_(
            "Mỗi dòng một mức, từ cao xuống thấp: “điểm thấp nhất: xếp loại”, ví dụ “9: Xuất "
            "sắc”, “8: Giỏi”, “6,5: Khá”, “5: Trung bình”. Để trống nếu không xếp loại."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class LateAllowanceForm(forms.Form):
    enrollment = forms.TypedChoiceField(label=_("Học viên"), coerce=int)
    until = forms.DateTimeField(
        label=_("Được nộp đến"),
        input_formats=DATETIME_INPUTS,
        help_text=_("Giờ Việt Nam; phải sau hạn nộp chung."),
        widget=_datetime_widget(),
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {member.pk: member for member in participants}
        self.fields["enrollment"].choices = [("", _("— Chọn học viên —"))] + [
            (member.pk, member.user.full_name or member.user.email) for member in participants
        ]

    def chosen(self):
        return self.participants.get(self.cleaned_data["enrollment"])
