"""StreamField blocks of the event pages: bodies, agendas, speakers, materials and the
questions staff ask registrants.

Every block carries its text in both languages side by side (an event page exists once and
serves Chinese and English visitors); templates pick the visitor's language through the
`bilingual` filter and fall back to Chinese.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

# What a document question may ask for: extension → what the file must start with.
# The content is checked, not only the name (events.uploads).
DOCUMENT_TYPES = [
    ("pdf", "PDF"),
    ("jpg", "JPEG"),
    ("png", "PNG"),
    ("docx", "Word (.docx)"),
    ("xlsx", "Excel (.xlsx)"),
]
MAX_UPLOAD_MEGABYTES = 20


class EventBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=200, icon="title", form_classname="title"
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=PARAGRAPH_FEATURES, icon="pilcrow"
    )
    image = ImageBlock(label=_("Image"))


class AgendaItemBlock(blocks.StructBlock):
    starts = blocks.TimeBlock(label=_("starts"))
    ends = blocks.TimeBlock(label=_("ends"), required=False)
    title_zh = blocks.CharBlock(label=_("item (Chinese)"), max_length=200)
    title_en = blocks.CharBlock(label=_("item (English)"), max_length=200, required=False)
    speaker = blocks.CharBlock(label=_("speaker or host"), max_length=120, required=False)

    class Meta:
        icon = "time"
        label = _("Agenda item")

    def clean(self, value):
        value = super().clean(value)
        if value.get("ends") and value["ends"] <= value["starts"]:
            raise StructBlockValidationError(
                block_errors={"ends": ValidationError(_("An item ends after it starts."))}
            )
        return value


class SpeakerBlock(blocks.StructBlock):
    name_zh = blocks.CharBlock(label=_("name (Chinese)"), max_length=80)
    name_en = blocks.CharBlock(label=_("name (English)"), max_length=80, required=False)
    affiliation_zh = blocks.CharBlock(
        label=_("position and organization (Chinese)"), max_length=160, required=False
    )
    affiliation_en = blocks.CharBlock(
        label=_("position and organization (English)"), max_length=160, required=False
    )

    class Meta:
        icon = "user"
        label = _("Speaker")


class MaterialBlock(blocks.StructBlock):
    title_zh = blocks.CharBlock(label=_("title (Chinese)"), max_length=160)
    title_en = blocks.CharBlock(label=_("title (English)"), max_length=160, required=False)
    document = DocumentChooserBlock(label=_("document"))

    class Meta:
        icon = "doc-full"
        label = _("Material")


class _QuestionBlock(blocks.StructBlock):
    label_zh = blocks.CharBlock(label=_("question (Chinese)"), max_length=200)
    label_en = blocks.CharBlock(label=_("question (English)"), max_length=200, required=False)
    help_zh = blocks.CharBlock(label=_("hint (Chinese)"), max_length=300, required=False)
    help_en = blocks.CharBlock(label=_("hint (English)"), max_length=300, required=False)
    required = blocks.BooleanBlock(label=_("required"), required=False, default=True)


class TextQuestionBlock(_QuestionBlock):
    long = blocks.BooleanBlock(
        label=_("long answer"),
        required=False,
        help_text=_("A box of several lines, for example the products to exhibit."),
    )

    class Meta:
        icon = "form"
        label = _("Text question")


class ChoiceQuestionBlock(_QuestionBlock):
    choices_zh = blocks.TextBlock(label=_("choices (Chinese)"), help_text=_("One choice per line."))
    choices_en = blocks.TextBlock(
        label=_("choices (English)"),
        required=False,
        help_text=_("One per line, in the same order as the Chinese ones."),
    )
    multiple = blocks.BooleanBlock(label=_("several may be chosen"), required=False)

    class Meta:
        icon = "list-ul"
        label = _("Choice question")

    def clean(self, value):
        value = super().clean(value)
        chinese = [line for line in value["choices_zh"].splitlines() if line.strip()]
        english = [line for line in (value.get("choices_en") or "").splitlines() if line.strip()]
        if len(chinese) < 2:
            raise StructBlockValidationError(
                block_errors={"choices_zh": ValidationError(_("Give at least two choices."))}
            )
        if english and len(english) != len(chinese):
            raise StructBlockValidationError(
                block_errors={
                    "choices_en": ValidationError(
                        _("Give as many English choices as Chinese ones, or none.")
                    )
                }
            )
        return value


class DocumentQuestionBlock(_QuestionBlock):
    file_types = blocks.MultipleChoiceBlock(
        label=_("accepted file types"), choices=DOCUMENT_TYPES, default=["pdf"]
    )
    max_megabytes = blocks.IntegerBlock(
        label=_("largest file (MB)"),
        min_value=1,
        max_value=MAX_UPLOAD_MEGABYTES,
        default=10,
    )

    class Meta:
        icon = "doc-full-inverse"
        label = _("Document upload")


class QuestionsBlock(blocks.StreamBlock):
    text = TextQuestionBlock()
    choice = ChoiceQuestionBlock()
    document = DocumentQuestionBlock()

    class Meta:
        max_num = 20
