"""StreamField blocks for the content pages (home, standard and news pages).

Each block renders through its own template under cms/templates/cms/blocks/, so that a page
template only loops over `page.body` with `{% include_block %}`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

from cms.validators import validate_link_target

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Subheading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading_block.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image_block.html"


class LinkStructValue(blocks.StructValue):
    """Adds `href`: the chosen page in the visitor's language, or else the typed address.

    Not called `url`, which templates would resolve to the child block of that name.
    """

    def href(self) -> str:
        page = self.get("page")
        if page is not None:
            return page.localized.url or ""
        return self.get("url") or ""


class FeatureCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=80)
    text = blocks.TextBlock(label=_("text"), max_length=300)
    page = blocks.PageChooserBlock(label=_("link to a page"), required=False)
    url = blocks.CharBlock(
        label=_("or link to an address"),
        required=False,
        max_length=255,
        validators=[validate_link_target],
        help_text=_("A full https:// address or a path on this site, such as /accounts/signup/."),
    )
    link_text = blocks.CharBlock(label=_("link text"), required=False, max_length=40)

    class Meta:
        icon = "doc-full"
        label = _("Feature card")
        value_class = LinkStructValue

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") and value.get("url"):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Link to a page or to an address, not both."))
                }
            )
        return value


class FeatureCardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    cards = blocks.ListBlock(FeatureCardBlock(), label=_("cards"), min_num=1, max_num=12)

    class Meta:
        icon = "list-ul"
        label = _("Feature cards")
        template = "cms/blocks/feature_cards_block.html"


class StatisticBlock(blocks.StructBlock):
    number = blocks.CharBlock(
        label=_("number"), max_length=20, help_text=_("For example 1,200 or 35%.")
    )
    label = blocks.CharBlock(label=_("label"), max_length=60)

    class Meta:
        icon = "order"
        label = _("Statistic")


class StatisticsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    items = blocks.ListBlock(StatisticBlock(), label=_("figures"), min_num=1, max_num=8)

    class Meta:
        icon = "order"
        label = _("Statistics")
        template = "cms/blocks/statistics_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"), max_length=600)
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=PARAGRAPH_FEATURES,
        icon="pilcrow",
        template="cms/blocks/paragraph_block.html",
    )
    image = ImageWithCaptionBlock()
    feature_cards = FeatureCardsBlock()
    statistics = StatisticsBlock()
    quote = QuoteBlock()
