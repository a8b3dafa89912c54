"""Pages editors publish in Wagtail, and the site's identity (names that change over time)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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


class HomePage(Page):
    """The site root: what the course is and where to go next."""

    intro = RichTextField(
        _("giới thiệu"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("trang chủ")
