"""Forms of the owner's profile pages: the profile (one form class per organization kind),
products, and the warehouses and logistics lanes of the coverage page.

The profile forms are built from what the services accept for each kind (profile_fields and
profile_relations), so a field the service would refuse for a kind is never offered.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from matchmaking.forms.fields import HSHeadingCodesField, MarketsField
from matchmaking.models import (
    Channel,
    Language,
    LogisticsLane,
    Product,
    Profile,
    ServiceType,
    WarehouseSite,
)
from matchmaking.services import PROFILE_KINDS, profile_fields, profile_relations
from taxonomy.selectors import certification_list, country_list

EXPORTER = OrganizationKind.EXPORTER
PLATFORM = OrganizationKind.PLATFORM
PROVIDER = OrganizationKind.SERVICE_PROVIDER

# The form's one "markets" list stands for these two relations of the model.
MARKET_RELATIONS = ("market_countries", "market_regions")


HS_LABELS = {
    EXPORTER: _("What you make (HS headings)"),
    PLATFORM: _("Categories you recruit (HS headings)"),
    PROVIDER: _("Goods you handle (HS headings)"),
}
MARKETS_HELP = {
    EXPORTER: _("Where you sell or want to sell. A region stands for all its countries."),
    PLATFORM: _("Markets your platform sells into. A region stands for all its countries."),
    PROVIDER: _("Markets you serve. A region stands for all its countries."),
}
CODE_FIELDS = {
    "languages": (Language, _("Languages spoken"), _("Languages your team can work in.")),
    "channels_wanted": (Channel, _("Sales channels wanted"), ""),
    "services_needed": (
        ServiceType,
        _("Services needed"),
        _("Partners offering these are suggested to you."),
    ),
    "services_offered": (ServiceType, _("Services offered"), ""),
    "channels_offered": (
        Channel,
        _("Sales channels offered"),
        _(
            "How merchants sell through your platform; exporters wanting these channels are "
            "suggested to you."
        ),
    ),
}


class CountryChoiceField(forms.ModelChoiceField):
    """A country by its ISO code, labelled with its name in the active language."""

    def label_from_instance(self, obj) -> str:
        return obj.name


# Without JavaScript a multiple select is the accessible choice; say how to pick several.
MULTI_SELECT_HINT = _("Hold Ctrl (Cmd on a Mac) to choose several.")


def _with_hint(help_text) -> Promise:
    return format_lazy("{} {}", help_text, MULTI_SELECT_HINT)


class CountriesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs["help_text"] = _with_hint(kwargs.get("help_text", ""))
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 8}))
        super().__init__(queryset=country_list(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


class CertificationsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset=certification_list(), to_field_name="code", **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


def _codes_field(choices, label, help_text="") -> forms.MultipleChoiceField:
    """A checkbox list over a TextChoices class, for the model's JSON list fields."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _relation_field(name: str, kind: str) -> forms.Field:
    if name == "hs_headings":
        return HSHeadingCodesField(label=HS_LABELS[kind])
    if name in ("certifications", "required_certifications"):
        label = (
            _("Certifications held")
            if name == "certifications"
            else _("Certifications required of merchants")
        )
        return CertificationsField(label=label)
    labels = {
        "current_market_countries": (
            _("Current export markets"),
            _("Countries you already sell to."),
        ),
        "warehouse_countries_needed": (
            _("Overseas warehouse needed in"),
            _("Where you want stock kept close to buyers."),
        ),
        "lane_destinations_needed": (
            _("Logistics needed to"),
            _("Countries you need shipping to."),
        ),
    }
    label, help_text = labels[name]
    return CountriesField(label=label, help_text=help_text)


HELP_TEXTS = {
    "summary_zh": _("One line shown in the directory and in suggestions."),
    "summary_en": _("The same line in English, for overseas partners."),
    "description_zh": _("What you do, for whom, and what sets you apart."),
    "description_en": _("The description in English."),
    "incentives_zh": _("Commission, fees, free periods or support for new merchants."),
}


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, *, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form fields it names (`aliases` maps a model
    field to the form field that stands for it), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


@dataclass(frozen=True)
class Fieldset:
    legend: Promise
    description: Promise
    fields: list[BoundField]


# Sections of the profile form: (legend, description, field names). A kind's form shows the
# fields it has; "markets" is the form's field for both market relations.
COMMON_SECTIONS_BEFORE = (
    (
        _("About"),
        _("How others see you in the directory. Write in Chinese, English or both."),
        ("summary_zh", "summary_en", "description_zh", "description_en", "languages"),
    ),
    (
        _("Markets and products"),
        _("Matching compares these with what others make, recruit and serve."),
        ("hs_headings", "markets"),
    ),
)
KIND_SECTIONS = {
    EXPORTER: (
        _("Your export business"),
        _("Scale, capacity and what you are looking for."),
        (
            "export_volume_band",
            "production_capacity",
            "minimum_order",
            "brands",
            "years_cross_border",
            "certifications",
            "certifications_other",
            "current_market_countries",
            "channels_wanted",
            "services_needed",
            "warehouse_countries_needed",
            "lane_destinations_needed",
        ),
    ),
    PLATFORM: (
        _("Merchants you recruit"),
        _("What you offer merchants and what you ask of them."),
        (
            "merchant_count_band",
            "services_offered",
            "channels_offered",
            "merchant_min_volume_band",
            "required_certifications",
            "requires_own_brand",
            "supports_brands_overseas",
            "incentives_zh",
            "incentives_en",
        ),
    ),
    PROVIDER: (
        _("Your services"),
        _("What you offer exporters. List warehouses and lanes on the coverage page."),
        ("services_offered", "certifications", "certifications_other"),
    ),
}
COMMON_SECTIONS_AFTER = (
    (
        _("Contact"),
        _("Shown only to signed-in members of verified organizations."),
        ("contact_name", "contact_title", "contact_phone", "contact_email", "contact_wechat"),
    ),
    (_("Visibility"), _("Who can find this profile."), ("visibility",)),
)


class ProfileForm(forms.ModelForm):
    """The base of each kind's profile form (see profile_form_class)."""

    kind: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.relation_names():
                self.initial[name] = list(getattr(self.instance, name).all())
            self.initial["markets"] = [c.code for c in self.instance.market_countries.all()] + [
                r.code for r in self.instance.market_regions.all()
            ]

    @classmethod
    def relation_names(cls) -> list[str]:
        """Relations with a form field of the same name (the markets excepted)."""
        return [name for name in profile_relations(cls.kind) if name not in MARKET_RELATIONS]

    def service_arguments(self) -> tuple[dict, dict]:
        """cleaned_data split as services.profile_update takes it: (fields, relations)."""
        data = dict(self.cleaned_data)
        countries, regions = data.pop("markets")
        relations = {name: data.pop(name) for name in self.relation_names()}
        relations |= {"market_countries": countries, "market_regions": regions}
        return data, relations

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, aliases=dict.fromkeys(MARKET_RELATIONS, "markets"))

    def fieldsets(self) -> list[Fieldset]:
        sections = (*COMMON_SECTIONS_BEFORE, KIND_SECTIONS[self.kind], *COMMON_SECTIONS_AFTER)
        return [
            Fieldset(legend, description, [self[name] for name in names if name in self.fields])
            for legend, description, names in sections
        ]


def _build_profile_form(kind: str) -> type[ProfileForm]:
    fields = profile_fields(kind)
    declared = {
        name: _relation_field(name, kind)
        for name in profile_relations(kind)
        if name not in MARKET_RELATIONS
    }
    declared["markets"] = MarketsField(label=_("Markets"), help_text=_with_hint(MARKETS_HELP[kind]))
    for name, (choices, label, help_text) in CODE_FIELDS.items():
        if name in fields:
            declared[name] = _codes_field(choices, label, help_text)
    meta = type(
        "Meta",
        (),
        {
            "model": Profile,
            "fields": list(fields),  # what the services accept for this kind, nothing else
            "widgets": {
                "visibility": forms.RadioSelect,
                "incentives_zh": forms.Textarea(attrs={"rows": 4}),
                "incentives_en": forms.Textarea(attrs={"rows": 4}),
            },
            "help_texts": {name: text for name, text in HELP_TEXTS.items() if name in fields},
        },
    )
    name = f"{kind.title().replace('_', '')}ProfileForm"
    return type(name, (ProfileForm,), {**declared, "Meta": meta, "kind": kind})


PROFILE_FORMS: dict[str, type[ProfileForm]] = {
    kind: _build_profile_form(kind) for kind in PROFILE_KINDS
}


def profile_form_class(kind: str) -> type[ProfileForm]:
    """The profile form of an organization kind (KeyError for a kind without profiles)."""
    return PROFILE_FORMS[kind]


# --- Products -----------------------------------------------------------------------------------


class HSHeadingCodeField(HSHeadingCodesField):
    """Exactly one HS heading, typed as its four-digit code."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", True)
        kwargs.setdefault("help_text", _("The four-digit HS code of the product, e.g. 9403."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return getattr(value, "code", value) or ""

    def clean(self, value):
        headings = super().clean(value)
        if len(headings) != 1:
            raise forms.ValidationError(_("Type one four-digit HS heading."))
        return headings[0]


class ProductForm(forms.ModelForm):
    hs_heading = HSHeadingCodeField(label=_("HS heading"))

    class Meta:
        model = Product
        # hs_heading is declared above and passed to the services separately.
        fields = ["name_zh", "name_en", "description_zh", "description_en", "photo"]
        widgets = {
            "photo": forms.ClearableFileInput(
                attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
            ),
        }

    field_order = ["name_zh", "name_en", "hs_heading", "description_zh", "description_en", "photo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["hs_heading"] = self.instance.hs_heading
        self.order_fields(self.field_order)

    def service_arguments(self) -> dict:
        """cleaned_data as product_create/product_update take it: `photo` is the new file,
        False to remove the photo, or None to keep what there is."""
        data = dict(self.cleaned_data)
        photo = data.pop("photo", None)
        data["photo"] = photo if "photo" in self.changed_data else None
        return data


# --- Coverage: warehouses and logistics lanes ---------------------------------------------------


class WarehouseForm(forms.ModelForm):
    country = CountryChoiceField(label=_("Country"), queryset=country_list(), to_field_name="code")

    class Meta:
        model = WarehouseSite
        fields = ["country", "city", "capacity_m2"]


class LaneForm(forms.ModelForm):
    origin = CountryChoiceField(label=_("From"), queryset=country_list(), to_field_name="code")
    destination = CountryChoiceField(label=_("To"), queryset=country_list(), to_field_name="code")

    class Meta:
        model = LogisticsLane
        fields = ["origin", "destination", "mode"]

    def __init__(self, *args, existing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = list(existing)
        self.fields["origin"].initial = "CN"  # the platform's providers ship mostly from China

    def clean(self):
        # A lane listed twice breaks the unique constraint. Checked here because lane_add
        # validates with the profile excluded, which skips constraints that include it.
        data = super().clean()
        key = (
            getattr(data.get("origin"), "pk", None),
            getattr(data.get("destination"), "pk", None),
            data.get("mode"),
        )
        if all(key) and any(
            (lane.origin_id, lane.destination_id, lane.mode) == key for lane in self.existing
        ):
            raise ValidationError(_("This lane is already listed."), code="duplicate")
        return data
