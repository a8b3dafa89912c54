"""Pages editors publish in Wagtail, and the site's identity (names that change over time).

The page tree of the course:

    HomePage
      ProgramPage                the 160-period programme: targets, parts, syllabus (public)
        ModulePage (x13)         a module (chuyên đề): periods, instructors, material
          LessonPage             longer material of a module
        FieldStudyPage           field study (8 periods)
        FinalReportPage          the final report (8 periods): brief, criteria, deadline rule

Page-type rules on each model keep every page where it belongs. Who may read material is
decided by content.access.user_can_view_material, one rule for pages, lessons and documents.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page

from content.access import user_can_view_material
from content.blocks import StudyStreamBlock
from content.panels import SyllabusPanel
from content.study_hooks import record_visit, study_progress
from content.syllabus import Periods, Syllabus, SyllabusRow, build_syllabus, composition_chart

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


@register_setting(icon="site")
class SiteIdentity(BaseGenericSetting):
    """Names printed in the header and footer. Editable data, never constants: the ministry was
    renamed in 2025 and the school's name may change too (curriculum.md)."""

    school_name = models.CharField(_("tên cơ sở đào tạo"), max_length=255, blank=True)
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=255, blank=True)
    course_name = models.CharField(_("tên khóa bồi dưỡng"), max_length=255, blank=True)
    course_short_name = models.CharField(
        _("tên ngắn hiển thị ở đầu trang"), max_length=80, blank=True
    )
    contact_email = models.EmailField(_("email liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=40, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("parent_body"), FieldPanel("school_name")], heading=_("Cơ quan")
        ),
        MultiFieldPanel(
            [FieldPanel("course_name"), FieldPanel("course_short_name")], heading=_("Khóa học")
        ),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")],
            heading=_("Liên hệ"),
        ),
    ]

    class Meta:
        verbose_name = _("thông tin đơn vị")

    # Every page's header and footer read it: kept in the shared cache (Redis in production)
    # rather than read from the database on each request, and dropped from it when saved. A
    # first row created by a request that then fails stays cached as an unsaved blank identity,
    # which is what the header shows without one; saving it from the admin inserts it.
    CACHE_KEY = "content:site-identity:v1"
    CACHE_SECONDS = 3600

    @classmethod
    def _get_or_create(cls):
        identity = cache.get(cls.CACHE_KEY)
        if identity is None:
            identity = super()._get_or_create()
            cache.set(cls.CACHE_KEY, identity, cls.CACHE_SECONDS)
        return identity

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._forget()
        return result

    @classmethod
    def _forget(cls) -> None:
        # Now, for the rest of this transaction, and again at its commit: another request may
        # have cached the old row in between.
        cache.delete(cls.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.CACHE_KEY))


@register_setting(icon="doc-full")
class CertificateDesign(BaseGenericSetting):
    """The school's own look for certificates printed from now on, without code: extra CSS
    added after the built-in stylesheet (fonts, sizes, colours, a border). Issued certificates
    keep the PDF they were issued with. A whole new layout is a template file named by the
    LMS_CERTIFICATE_TEMPLATE setting (docs/certificates.md)."""

    extra_css = models.TextField(
        _("CSS bổ sung cho mẫu chứng chỉ"),
        blank=True,
        help_text=_(
            "Ví dụ: .title { color: #a00; } — chỉ dùng được phông chữ và hình trong thư mục "
            "static/certificates của hệ thống; mọi địa chỉ khác bị chặn."
        ),
    )

    panels = [FieldPanel("extra_css")]

    class Meta:
        verbose_name = _("mẫu chứng chỉ")


class HomePage(Page):
    """The site root: what the course is and where to go next."""

    intro = RichTextField(_("giới thiệu"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.ProgramPage"]
    max_count = 1

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programs"] = ProgramPage.objects.child_of(self).live().public()
        return context


# --- Documents ----------------------------------------------------------------------------


def _private_storage():
    return storages["private"]


class CourseDocument(AbstractDocument):
    """Documents live in private storage, outside the public media URL space: they are only
    ever served by Wagtail's document view, after the `before_serve_document` hook has checked
    that the reader may see a page that uses the document (content.wagtail_hooks)."""

    file = models.FileField(upload_to="documents", storage=_private_storage, verbose_name=_("tệp"))

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")


# --- The programme ------------------------------------------------------------------------


class ProgramPage(Page):
    """A training programme: its aims, audience, targets per category and the syllabus built
    from its children (public)."""

    aims = RichTextField(_("mục tiêu"), blank=True, features=TEXT_FEATURES)
    audience = RichTextField(_("đối tượng"), blank=True, features=TEXT_FEATURES)
    introduction = RichTextField(_("giới thiệu"), blank=True, features=TEXT_FEATURES)
    target_theory_periods = models.PositiveSmallIntegerField(_("lý thuyết (tiết)"), default=72)
    target_discussion_periods = models.PositiveSmallIntegerField(
        _("thảo luận, thực hành (tiết)"), default=72
    )
    target_field_periods = models.PositiveSmallIntegerField(
        _("nghiên cứu thực tế (tiết)"), default=8
    )
    target_report_periods = models.PositiveSmallIntegerField(
        _("viết báo cáo thu hoạch (tiết)"), default=8
    )
    period_minutes = models.PositiveSmallIntegerField(
        _("thời lượng một tiết (phút)"),
        default=45,
        validators=[MinValueValidator(15), MaxValueValidator(120)],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("aims"),
        FieldPanel("audience"),
        InlinePanel("parts", label=_("Phần"), heading=_("Các phần của chương trình"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("target_theory_periods"), FieldPanel("target_discussion_periods")]
                ),
                FieldRowPanel(
                    [FieldPanel("target_field_periods"), FieldPanel("target_report_periods")]
                ),
                FieldPanel("period_minutes"),
            ],
            heading=_("Số tiết mục tiêu"),
        ),
        SyllabusPanel(heading=_("Đối chiếu số tiết")),
    ]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ModulePage", "content.FieldStudyPage", "content.FinalReportPage"]

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")

    @property
    def target_periods(self) -> Periods:
        return Periods(
            theory=self.target_theory_periods,
            discussion=self.target_discussion_periods,
            field=self.target_field_periods,
            report=self.target_report_periods,
        )

    def build_syllabus(self, request=None, *, with_progress: bool = False) -> Syllabus:
        """The syllabus from live children, in four queries however many modules there are
        (with_progress: plus the signed-in reader's own progress per module, a fixed number
        more; none for anonymous readers)."""
        parts = {part.number: part.title for part in self.parts.all()}
        progress = study_progress(request, self) if with_progress else {}
        modules = [
            SyllabusRow(
                title=module.title,
                number=module.number,
                part=module.part,
                url=module.get_url(request),
                periods=Periods(theory=module.theory_periods, discussion=module.discussion_periods),
                progress=str(progress.get(module.pk, "")),
            )
            for module in ModulePage.objects.child_of(self).live().only(*ModulePage.ROW_FIELDS)
        ]
        extra = [
            SyllabusRow(
                title=page.title, url=page.get_url(request), periods=Periods(field=page.periods)
            )
            for page in FieldStudyPage.objects.child_of(self).live().only("title", "url_path")
        ] + [
            SyllabusRow(
                title=page.title, url=page.get_url(request), periods=Periods(report=page.periods)
            )
            for page in FinalReportPage.objects.child_of(self).live().only("title", "url_path")
        ]
        return build_syllabus(
            targets=self.target_periods, part_titles=parts, modules=modules, extra_rows=extra
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["syllabus"] = self.build_syllabus(request, with_progress=True)
        context["composition_chart"] = composition_chart(self.target_periods)
        return context


class ProgramPart(Orderable):
    """A part of the programme (phần), e.g. "Phần 1 — Tổng quan về QLNN về TT&TT"."""

    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField(_("số thứ tự"), validators=[MinValueValidator(1)])
    title = models.CharField(_("tên phần"), max_length=255)

    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("title")])]

    class Meta(Orderable.Meta):
        verbose_name = _("phần")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="content_part_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class StudyPage(Page):
    """What the module-like pages share: where they sit and who may read their material."""

    summary = models.TextField(
        _("tóm tắt"),
        max_length=500,
        blank=True,
        help_text=_("Một hai câu, hiện cả với người chưa đăng nhập."),
    )

    class Meta:
        abstract = True

    @cached_property
    def program(self) -> ProgramPage | None:
        return ProgramPage.objects.ancestor_of(self).first()

    def viewer_may_study(self, request) -> bool:
        return user_can_view_material(request.user, self.program)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["program"] = self.program
        context["can_study"] = self.viewer_may_study(request)
        return context


class ModulePageForm(WagtailAdminPageForm):
    """Instructors are chosen among people who can open the admin, not among all participants."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "instructors" in self.fields:
            from django.contrib.auth import get_user_model

            self.fields["instructors"].queryset = (
                get_user_model()
                .objects.filter(
                    Q(is_superuser=True) | Q(groups__permissions__codename="access_admin")
                )
                .distinct()
                .order_by("first_name", "last_name")
            )


class ModulePage(StudyPage):
    """A module (chuyên đề): its periods, objectives, instructors and study material."""

    ROW_FIELDS = ("title", "url_path", "number", "part", "theory_periods", "discussion_periods")

    number = models.PositiveSmallIntegerField(_("số chuyên đề"), validators=[MinValueValidator(1)])
    part = models.PositiveSmallIntegerField(
        _("thuộc phần"), default=1, validators=[MinValueValidator(1)]
    )
    objectives = RichTextField(_("mục tiêu"), blank=True, features=TEXT_FEATURES)
    theory_periods = models.PositiveSmallIntegerField(_("lý thuyết (tiết)"), default=0)
    discussion_periods = models.PositiveSmallIntegerField(
        _("thảo luận, thực hành (tiết)"), default=0
    )
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_modules",
        verbose_name=_("giảng viên"),
    )
    body = StreamField(StudyStreamBlock(), blank=True, verbose_name=_("nội dung học tập"))

    base_form_class = ModulePageForm
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("part")]),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("theory_periods"), FieldPanel("discussion_periods")]),
        FieldPanel("instructors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]

    parent_page_types = ["content.ProgramPage"]
    subpage_types = ["content.LessonPage"]

    class Meta:
        verbose_name = _("chuyên đề")
        verbose_name_plural = _("chuyên đề")

    @property
    def periods(self) -> Periods:
        return Periods(theory=self.theory_periods, discussion=self.discussion_periods)

    def clean(self):
        super().clean()
        parent = self.get_parent()
        if parent is None:
            return
        siblings = ModulePage.objects.child_of(parent).filter(number=self.number)
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        if siblings.exists():
            raise ValidationError(
                {"number": _("Chương trình này đã có chuyên đề số %(n)s.") % {"n": self.number}}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = (
            LessonPage.objects.child_of(self).live().only("title", "url_path", "summary")
        )
        context["instructors"] = sorted(self.instructors.all(), key=lambda u: u.name_sort_key)
        siblings = list(
            ModulePage.objects.sibling_of(self).live().only("title", "url_path", "number")
        )
        siblings.sort(key=lambda page: page.number)
        index = next(i for i, page in enumerate(siblings) if page.pk == self.pk)
        context["previous_module"] = siblings[index - 1] if index > 0 else None
        context["next_module"] = siblings[index + 1] if index + 1 < len(siblings) else None
        if context["can_study"]:
            record_visit(request, self)
        return context


class LessonPage(StudyPage):
    """Longer material of a module. Only for those who may study; others get a sign-in page."""

    body = StreamField(StudyStreamBlock(), blank=True, verbose_name=_("nội dung"))

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = ["content.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")

    def serve(self, request, *args, **kwargs):
        if not self.viewer_may_study(request):
            return material_locked(request, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        module = self.get_parent().specific
        lessons = list(LessonPage.objects.sibling_of(self).live().only("title", "url_path"))
        index = next(i for i, lesson in enumerate(lessons) if lesson.pk == self.pk)
        context.update(
            module=module,
            lessons=lessons,
            previous_lesson=lessons[index - 1] if index > 0 else None,
            next_lesson=lessons[index + 1] if index + 1 < len(lessons) else None,
        )
        if context["can_study"]:
            record_visit(request, module)
        return context


class FieldStudyPage(StudyPage):
    """Field study (đi nghiên cứu thực tế)."""

    periods = models.PositiveSmallIntegerField(_("số tiết"), default=8)
    objectives = RichTextField(_("mục tiêu"), blank=True, features=TEXT_FEATURES)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    brief = RichTextField(_("nội dung, yêu cầu"), blank=True, features=TEXT_FEATURES)
    body = StreamField(StudyStreamBlock(), blank=True, verbose_name=_("tài liệu"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("periods"), FieldPanel("place")]),
        FieldPanel("objectives"),
        FieldPanel("brief"),
        FieldPanel("body"),
    ]

    parent_page_types = ["content.ProgramPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("nghiên cứu thực tế")
        verbose_name_plural = _("nghiên cứu thực tế")


class FinalReportPage(StudyPage):
    """The final report (báo cáo thu hoạch): the brief, criteria and the deadline rule."""

    periods = models.PositiveSmallIntegerField(_("số tiết"), default=8)
    objectives = RichTextField(_("mục tiêu"), blank=True, features=TEXT_FEATURES)
    assignment_brief = RichTextField(_("đề bài, yêu cầu"), blank=True, features=TEXT_FEATURES)
    grading_criteria = RichTextField(_("tiêu chí chấm"), blank=True, features=TEXT_FEATURES)
    deadline_days_after_last_session = models.PositiveSmallIntegerField(
        _("hạn nộp (số ngày sau buổi học cuối)"),
        default=14,
        help_text=_("Mỗi lớp có thể đặt hạn riêng; đây là quy tắc mặc định."),
    )
    body = StreamField(StudyStreamBlock(), blank=True, verbose_name=_("tài liệu"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("periods"), FieldPanel("deadline_days_after_last_session")]),
        FieldPanel("objectives"),
        FieldPanel("assignment_brief"),
        FieldPanel("grading_criteria"),
        FieldPanel("body"),
    ]

    parent_page_types = ["content.ProgramPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("báo cáo thu hoạch")
        verbose_name_plural = _("báo cáo thu hoạch")


def material_locked(request, page) -> TemplateResponse:
    """The answer to someone who may not read this material yet: what it is, and what to do."""
    return TemplateResponse(
        request,
        "content/material_locked.html",
        {"page": page, "program": page.program, "self": page},
        status=403,
    )
