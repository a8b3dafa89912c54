"""Forms of the course pages. They parse and validate input; the rules live in services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.models import ModulePage
from courses.models import Category, ClassSession, Cohort, Organisation, Province, Role, Status
from courses.services.cohorts import SessionData
from courses.services.enrollment import Profile
from lms.text import normalize, normalize_name, sort_key


def provinces_today():
    """The provincial units valid today, in Vietnamese alphabetical order."""
    rows = Province.objects.valid_on(timezone.localdate()).only("pk", "name", "full_name")
    return sorted(rows, key=lambda p: sort_key(p.name))


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ApplicationForm(forms.Form):
    """The profile an applicant fills in (names in Vietnamese order) plus a motivation."""

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
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        help_text=_("In trên chứng chỉ."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    organisation_name = forms.CharField(
        label=_("Cơ quan, đơn vị"),
        max_length=255,
        help_text=_("Ví dụ: Sở Khoa học và Công nghệ tỉnh Tuyên Quang"),
        widget=forms.TextInput(attrs={"autocomplete": "organization", "list": "organisations"}),
    )
    position = forms.CharField(
        label=_("Chức vụ"),
        max_length=120,
        help_text=_("Ví dụ: Giám đốc, Phó Giám đốc"),
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    province = ProvinceChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Province.objects.none(),
        empty_label=_("— Chọn tỉnh, thành phố —"),
        help_text=_("Theo danh mục 34 tỉnh, thành phố từ ngày 01/7/2025."),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    motivation = forms.CharField(
        label=_("Vấn đề của Sở mà anh/chị muốn mang đến lớp"),
        required=False,
        max_length=2000,
        help_text=_("Không bắt buộc. Giúp giảng viên chuẩn bị phần thảo luận."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["province"].queryset = Province.objects.valid_on(today)
        self.fields["province"].choices = [
            ("", self.fields["province"].empty_label),
            *[(p.pk, p.name) for p in provinces_today()],
        ]
        self.organisation_names = sorted(
            Organisation.objects.valid_on(today).values_list("name", flat=True), key=sort_key
        )

    def clean_last_name(self):
        return normalize_name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        return normalize_name(self.cleaned_data["first_name"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today - dt.timedelta(days=18 * 365) or born.year < 1940:
            raise forms.ValidationError(_("Ngày sinh chưa đúng; hãy kiểm tra lại năm sinh."))
        return born

    def profile(self) -> Profile:
        data = self.cleaned_data
        return Profile(
            last_name=data["last_name"],
            first_name=data["first_name"],
            date_of_birth=data["date_of_birth"],
            organisation_name=normalize(data["organisation_name"]).strip(),
            position=normalize(data["position"]).strip(),
            province=data["province"],
            phone=data.get("phone", ""),
        )

    @classmethod
    def initial_for(cls, user) -> dict:
        initial = {
            "last_name": user.last_name,
            "first_name": user.first_name,
            "date_of_birth": user.date_of_birth,
            "phone": user.phone,
        }
        profile = getattr(user, "participant_profile", None)
        if profile is not None:
            province = profile.province
            if not province.is_valid_on(timezone.localdate()) and province.successor_id:
                province = province.successor
            initial |= {
                "organisation_name": profile.organisation_name,
                "position": profile.position,
                "province": province.pk,
            }
        return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- School staff ------------------------------------------------------------------------------


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "program",
            "name",
            "code",
            "start_date",
            "end_date",
            "mode",
            "place",
            "capacity",
            "applications_open_on",
            "applications_close_on",
            "attendance_threshold",
            "late_credit_percent",
            "report_pass_mark",
            "field_study_required",
            "issuer_parent_name",
            "issuer_name",
            "signatory_title",
            "signatory_name",
            "issue_place",
            "document_type",
            "certificate_number_pattern",
            "register_number_pattern",
            "legal_basis",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("start_date", "end_date", "applications_open_on", "applications_close_on")
        } | {"legal_basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The programme and code of an existing cohort stay as they are (URLs, numbers).
            del self.fields["program"]
            self.fields["code"].disabled = True

    def _post_clean(self):
        # Model validation is the service's job (it reports every refusal the same way for
        # the form, the import and the shell); the form only parses.
        pass


class CohortEditForm(CohortForm):
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        required=False,
        max_length=1000,
        help_text=_(
            "Bắt buộc khi lớp đã khai giảng và anh/chị đổi tỷ lệ dự học, điểm đạt hoặc yêu cầu "
            "đi thực tế. Được lưu trong lịch sử của lớp."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InstructorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class SessionForm(forms.Form):
    category = forms.ChoiceField(label=_("Loại"), choices=Category.choices)
    module = forms.ModelChoiceField(
        label=_("Chuyên đề"),
        queryset=ModulePage.objects.none(),
        required=False,
        empty_label=_("— Không (thực tế, báo cáo) —"),
        help_text=_("Bắt buộc với buổi lý thuyết và thảo luận."),
    )
    title = forms.CharField(label=_("Tên buổi học"), max_length=255, required=False)
    day = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Giờ kết thúc"), widget=forms.TimeInput(attrs={"type": "time"}))
    periods = forms.IntegerField(label=_("Số tiết"), min_value=1, max_value=20)
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    meeting_url = forms.URLField(
        label=_("Đường dẫn phòng học trực tuyến"), required=False, assume_scheme="https"
    )
    instructors = InstructorChoiceField(
        label=_("Giảng viên"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = (
            ModulePage.objects.child_of(cohort.program).live().order_by("number")
        )
        self.fields["module"].label_from_instance = lambda m: f"{m.number}. {m.title}"
        self.fields["instructors"].queryset = (
            get_user_model()
            .objects.filter(
                Q(groups__permissions__codename="access_admin")
                | Q(enrollments__cohort=cohort, enrollments__role=Role.INSTRUCTOR)
            )
            .distinct()
            .order_by("first_name", "last_name")
        )

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            zone = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], tzinfo=zone)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], tzinfo=zone)
        return data

    def session_data(self) -> SessionData:
        data = self.cleaned_data
        return SessionData(
            category=data["category"],
            module=data.get("module"),
            title=data.get("title", ""),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            periods=data["periods"],
            place=data.get("place", ""),
            meeting_url=data.get("meeting_url", ""),
            instructors=list(data.get("instructors") or []),
        )

    @classmethod
    def initial_for(cls, session: ClassSession) -> dict:
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        return {
            "category": session.category,
            "module": session.module_id,
            "title": session.title,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "periods": session.periods,
            "place": session.place,
            "meeting_url": session.meeting_url,
            "instructors": list(session.instructors.all()),
        }


class EnrollmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc email"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *Status.choices]
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), required=False, choices=[("", _("Tất cả")), *Role.choices]
    )
    province = ProvinceChoiceField(
        label=_("Tỉnh, thành phố"),
        required=False,
        queryset=Province.objects.all(),
        empty_label=_("Tất cả"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", _("Tất cả")),
            *[(p.pk, p.name) for p in provinces_today()],
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Duyệt")), ("reject", _("Từ chối"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi từ chối; người nộp đơn sẽ đọc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
