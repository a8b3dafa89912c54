"""StreamField blocks of module, lesson, field-study and final-report pages.

Each block sets an icon, a template in templates/blocks/, a description and a preview, so that
instructors can pick the right one in the editor. Nothing here may print unescaped user HTML:
rich text goes through Wagtail's own |richtext filter (its whitelist), plain text is escaped.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote", "document-link"]

# The six fields a director manages (curriculum.md): tags for cases and discussions.
FIELD_TAGS = [
    ("buu-chinh", _("Bưu chính")),
    ("vien-thong", _("Viễn thông")),
    ("cntt", _("Công nghệ thông tin")),
    ("an-toan-mang", _("An toàn, an ninh mạng")),
    ("cong-nghiep-ict", _("Công nghiệp ICT")),
    ("thong-tin-tuyen-truyen", _("Thông tin tuyên truyền")),
]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Tiêu đề"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Cấp"),
        choices=[("h2", _("Mục lớn")), ("h3", _("Mục nhỏ"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        label = _("Tiêu đề mục")
        description = _("Tiêu đề chia bài thành các mục; tạo mục lục cho người đọc.")
        preview_value = {"text": "Khung pháp lý về an toàn thông tin", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Hình ảnh"))
    caption = blocks.CharBlock(label=_("Chú thích"), required=False, max_length=300)

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        label = _("Hình ảnh có chú thích")
        description = _("Sơ đồ, ảnh chụp; nhớ nhập mô tả thay thế cho người không nhìn thấy ảnh.")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Tài liệu"))
    kind = blocks.ChoiceBlock(
        label=_("Loại"),
        choices=[
            ("slides", _("Bài giảng (slide)")),
            ("reading", _("Tài liệu đọc")),
            ("form", _("Biểu mẫu")),
            ("other", _("Khác")),
        ],
        default="reading",
    )
    title = blocks.CharBlock(
        label=_("Tên hiển thị"),
        required=False,
        max_length=200,
        help_text=_("Để trống để dùng tên của tài liệu."),
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"
        label = _("Tài liệu tải về")
        description = _("Slide, tài liệu đọc: chỉ người học của khóa mới tải được.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["kind_label"] = dict(self.child_blocks["kind"].field.choices).get(value["kind"], "")
        return context


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Địa chỉ video"), help_text=_("YouTube, Vimeo…"))
    title = blocks.CharBlock(
        label=_("Tên video"),
        max_length=200,
        help_text=_("Hiện thành đường dẫn khi không nhúng được video (mạng yếu, ngoại tuyến)."),
    )
    caption = blocks.CharBlock(label=_("Chú thích"), required=False, max_length=300)

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        label = _("Video")
        description = _("Nhúng video; nếu không nhúng được thì hiện đường dẫn để mở.")
        preview_value = {
            "url": "https://www.youtube.com/watch?v=example",
            "title": "Chuyển đổi số cấp tỉnh",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed_html"] = None
        if parent_context and parent_context.get("print_version"):
            return context  # the light version never embeds, so never asks the provider
        try:
            embed = embeds.get_embed(value["url"])
            context["embed_html"] = embed.html
        except EmbedException:
            pass  # provider unreachable or unknown: the template shows a plain link instead
        return context


class ReadingItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tên tài liệu"), max_length=300)
    url = blocks.URLBlock(label=_("Đường dẫn"), required=False)
    note = blocks.CharBlock(label=_("Ghi chú"), required=False, max_length=300)


class ReadingListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Tiêu đề"), default=_("Tài liệu tham khảo"))
    items = blocks.ListBlock(ReadingItemBlock(), label=_("Tài liệu"))

    class Meta:
        icon = "list-ul"
        template = "blocks/reading_list.html"
        label = _("Danh mục tài liệu")
        description = _("Văn bản pháp luật, sách, bài viết nên đọc.")


class CaseQuestionBlock(blocks.StructBlock):
    """A prompt that invites participants to bring their own department's story to the board."""

    prompt = blocks.RichTextBlock(label=_("Câu hỏi tình huống"), features=["bold", "italic"])
    tags = blocks.MultipleChoiceBlock(label=_("Lĩnh vực"), choices=FIELD_TAGS, required=False)
    button_label = blocks.CharBlock(
        label=_("Chữ trên nút"), default=_("Đăng tình huống của Sở"), max_length=80
    )

    class Meta:
        icon = "help"
        template = "blocks/case_question.html"
        label = _("Câu hỏi tình huống")
        description = _("Mời học viên mang tình huống của Sở mình đến thảo luận.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kiểu"),
        choices=[("info", _("Lưu ý")), ("tip", _("Gợi ý")), ("warning", _("Cảnh báo"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("Nội dung"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"
        label = _("Hộp ghi chú")
        description = _("Một điểm cần nhấn mạnh: lưu ý, gợi ý hoặc cảnh báo.")


class StudyStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Đoạn văn"),
        features=RICH_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph.html",
        description=_("Văn bản có định dạng."),
    )
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    document = DocumentBlock()
    video = VideoBlock()
    reading_list = ReadingListBlock()
    case_question = CaseQuestionBlock()
    callout = CalloutBlock()

    class Meta:
        block_counts = {}
