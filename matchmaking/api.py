"""The versioned JSON API (/api/v1/): the public directory and posts for anyone, and an
organization's own profile and posts for programs holding one of its API tokens.

Thin like the views: parse and validate input (pydantic schemas), call one selector or service,
shape the output. Public responses are built from what an anonymous visitor may see
(profile_directory_list / profile_get_visible / post_list_public with an anonymous user), so the
API can never show more than the public pages do: no contact details, no members-only or hidden
profiles, no drafts.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from pydantic import AfterValidator, ConfigDict, StringConstraints

from accounts.models import District, OrganizationKind, User
from accounts.selectors import organization_can_manage
from matchmaking import selectors, services
from matchmaking.models import (
    ApiToken,
    Channel,
    ExportVolumeBand,
    Language,
    MerchantCountBand,
    Post,
    PostKind,
    Profile,
    ServiceType,
    Visibility,
)
from matchmaking.selectors.api_tokens import api_token_authenticate
from matchmaking.selectors.search import (
    DOC_TYPES,
    FILTER_FIELDS,
    facet_options,
    search_for_viewer,
    search_hit_data,
)
from matchmaking.services.api_tokens import api_token_mark_used
from search.query import RESULT_WINDOW, SORT_RECENT, SORT_RELEVANCE
from taxonomy.selectors import certification_list, hs_heading_list, markets_get

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Offsets beyond this are refused: no listing is that long, and databases choke on huge ones.
MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1
# Texts without a length limit in the database still get one here (in characters).
MAX_LONG_TEXT = 50_000
MAX_CODES = 300

DESCRIPTION = """
The JSON API of the Beijing cross-border e-commerce matchmaking platform.

**Public reads** (no token): the directory of organization profiles and the supply and demand
posts, exactly as an anonymous visitor of the website sees them: public profiles of verified,
active organizations, and listed posts. Contact details are never part of public responses.

**Your own organization** (`/me/...`): send an API token of your organization as
`Authorization: Bearer <token>`. Owners and administrators create tokens on the website
(*API tokens* in the account menu); the secret is shown once. A token acts for its organization
in the name of the person who created it: when that person is no longer an owner or
administrator of the organization, the token is refused with 403 ("the token's creator no longer
administers this organization") and someone who administers it must create a new one.

**Lists** are paginated with `limit` (at most 100) and `offset`; responses carry `items` and
the total `count`.

**Errors** are JSON: `{"detail": "...", "errors": {"field": ["message", ...]}}`, with 400
(unreadable request), 401 (missing or invalid token), 403 (not allowed), 404 (not found, or
not yours), 413 (request too large) and 422 (invalid fields). Errors on the request as a whole
are under `"__all__"`. Messages are in Chinese unless the request asks for English
(`Accept-Language: en`).

**Codes**: HS headings as four-digit codes (`"9401"`), markets as ISO country codes and region
codes mixed (`["DE", "EU"]`), certifications by their codes (`"CE"`).
"""

api = NinjaAPI(
    title="Beijing Cross-border E-commerce Matchmaking API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
)


# --- Errors ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field; `__all__` for the whole request."
    )


ERRORS = dict.fromkeys((400, 401, 403, 404, 413, 422), ErrorOut)

# Model field names that the API calls differently.
API_FIELD_NAMES = {"market_countries": "markets", "market_regions": "markets"}
# The names of the request body parameter and of the query-parameter schemas, left out of error
# locations so that errors are keyed by the parameter the client sent.
BODY = "payload"
QUERY_SCHEMAS = {"filters"}


def _error(
    request: HttpRequest, status: int, detail: str, errors: dict | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc: NinjaValidationError) -> HttpResponse:
    """pydantic's errors, keyed by the top-level field they concern."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            part for part in error.get("loc", ())[1:] if part != BODY and part not in QUERY_SCHEMAS
        ]
        field = str(location[0]) if location else NON_FIELD_ERRORS
        message = error.get("msg", _("Invalid value."))
        items = [part for part in location[1:] if isinstance(part, int)]
        if items:
            message = _("Item %(number)d: %(message)s") % {
                "number": items[0] + 1,
                "message": message,
            }
        errors.setdefault(field, []).append(message)
    return _error(request, 422, _("Some fields are not valid."), errors)


@api.exception_handler(DjangoValidationError)
def _refused_by_service(request, exc: DjangoValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            errors.setdefault(API_FIELD_NAMES.get(field, field), []).extend(messages)
    else:
        errors[NON_FIELD_ERRORS] = exc.messages
    return _error(request, 422, _("Some fields are not valid."), errors)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("You are not allowed to do that."))


@api.exception_handler(Http404)
def _not_found(request, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError) -> HttpResponse:
    response = _error(request, exc.status_code, exc.message)
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(SuspiciousOperation)
def _unreadable(request, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _error(request, 413, _("The request is too large."))
    return _error(request, 400, _("The request could not be read."))


# --- Authentication -------------------------------------------------------------------------


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>` with an active token of an active organization.

    Refusals say why (401 with a reason) instead of ninja's bare "Unauthorized". Bearer tokens
    are not sent by browsers on their own, so token requests need no CSRF protection (and ninja
    checks none for this scheme).
    """

    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get(self.header, "")
        if not header:
            raise AuthenticationError(
                message=_("Send an API token in the header Authorization: Bearer <token>.")
            )
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise AuthenticationError(
                message=_("The Authorization header must read: Bearer <token>.")
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = api_token_authenticate(secret=token)
        if found is None:
            raise AuthenticationError(
                message=_(
                    "The API token is not valid: it is unknown or revoked, or its organization "
                    "is no longer active."
                )
            )
        api_token_mark_used(token=found)
        return found


def _acting_user(token: ApiToken) -> User:
    """The person a token acts as: its creator, while they still administer the organization.

    Services check permissions against a user; a token must not outlive the authority of the
    person who created it (someone removed from the organization keeps no access through it).
    """
    user = token.created_by
    if (
        user is None
        or not user.is_active
        or not organization_can_manage(user=user, organization=token.organization)
    ):
        raise HttpError(
            403,
            _(
                "The token's creator no longer administers this organization: an owner or "
                "administrator must create a new token."
            ),
        )
    return user


def _token(request: HttpRequest) -> tuple[ApiToken, User]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token, _acting_user(token)


# --- Input types ----------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters in text; refuse them as invalid input.
    if "\x00" in value:
        raise ValueError(_("Text cannot contain NUL characters."))
    return value


def _text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


def _model_text(model, name: str) -> Any:
    """Text as long as the model field allows (or MAX_LONG_TEXT when it sets no limit)."""
    return _text(model._meta.get_field(name).max_length or MAX_LONG_TEXT)


def _one_of(values: Iterable[str], *, blank: bool = False) -> Any:
    options = tuple(values) + (("",) if blank else ())
    return Literal[options]  # type: ignore[valid-type]


def _code(pattern: str, *, upper: bool = True) -> Any:
    validators = [AfterValidator(str.upper)] if upper else []
    return Annotated[str, StringConstraints(pattern=pattern), *validators]


HSHeadingCode = _code(r"^\d{4}$", upper=False)
HSChapterCode = _code(r"^\d{2}$", upper=False)
CountryCode = _code(r"^[A-Za-z]{2}$")
MarketCode = _code(r"^[A-Za-z][A-Za-z_]{1,19}$")
CertificationCode = _code(r"^[A-Za-z0-9_-]{1,20}$")


def _codes(item_type) -> Any:
    return Annotated[list[item_type], Field(max_length=MAX_CODES)]


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def _optional(**kwargs) -> Any:
    """A field that PATCH leaves as it is when absent. Only fields typed with `| None` accept
    null; in the others null is an error, not a way to clear them."""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


def _profile_text(name: str) -> Any:
    return _model_text(Profile, name)


def _post_text(name: str) -> Any:
    return _model_text(Post, name)


ProfileKind = _one_of(kind.value for kind in services.PROFILE_KINDS)


# --- Output schemas -------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    kind: str
    name_zh: str
    name_en: str
    district: str
    website: str
    logo: str | None = Field(description="Absolute URL of the logo, if any.")


class ProductOut(Schema):
    name_zh: str
    name_en: str
    hs_heading: str
    description_zh: str
    description_en: str
    photo: str | None


class WarehouseOut(Schema):
    country: str
    city: str
    capacity_m2: int | None


class LaneOut(Schema):
    origin: str
    destination: str
    mode: str


class ProfileSummaryOut(Schema):
    """A directory entry. Fields that do not apply to the organization's kind are left out."""

    organization: OrganizationOut
    summary_zh: str
    summary_en: str
    hs_headings: list[str]
    markets: list[str] = Field(description="Region codes, then country codes.")
    languages: list[str]
    completeness: int = Field(description="How complete the profile is, in percent.")
    updated_at: datetime.datetime
    certifications: list[str] | None = Field(None, description="Exporters and service providers.")
    certifications_other: str | None = Field(None, description="Exporters, service providers.")
    export_volume_band: str | None = Field(None, description="Exporters.")
    production_capacity: str | None = Field(None, description="Exporters.")
    minimum_order: str | None = Field(None, description="Exporters.")
    brands: str | None = Field(None, description="Exporters.")
    channels_wanted: list[str] | None = Field(None, description="Exporters.")
    services_needed: list[str] | None = Field(None, description="Exporters.")
    years_cross_border: int | None = Field(None, description="Exporters.")
    services_offered: list[str] | None = Field(None, description="Platforms and service providers.")
    channels_offered: list[str] | None = Field(None, description="Platforms.")
    merchant_min_volume_band: str | None = Field(None, description="Platforms.")
    requires_own_brand: bool | None = Field(None, description="Platforms.")
    incentives_zh: str | None = Field(None, description="Platforms.")
    incentives_en: str | None = Field(None, description="Platforms.")
    merchant_count_band: str | None = Field(None, description="Platforms.")
    supports_brands_overseas: bool | None = Field(None, description="Platforms.")


class ProfileOut(ProfileSummaryOut):
    """A whole public profile."""

    description_zh: str = Field(description="Sanitized HTML.")
    description_en: str = Field(description="Sanitized HTML.")
    current_market_countries: list[str] | None = Field(None, description="Exporters.")
    warehouse_countries_needed: list[str] | None = Field(None, description="Exporters.")
    lane_destinations_needed: list[str] | None = Field(None, description="Exporters.")
    required_certifications: list[str] | None = Field(None, description="Platforms.")
    products: list[ProductOut] | None = Field(None, description="Exporters.")
    warehouses: list[WarehouseOut] | None = Field(
        None, description="Platforms and service providers."
    )
    lanes: list[LaneOut] | None = Field(None, description="Service providers.")


class OwnProfileOut(ProfileOut):
    """The organization's own profile, with what only its members see."""

    visibility: str
    contact_name: str
    contact_title: str
    contact_phone: str
    contact_email: str
    contact_wechat: str


class PostOut(Schema):
    id: int
    organization: OrganizationOut
    kind: str
    title_zh: str
    title_en: str
    body_zh: str = Field(description="Plain text.")
    body_en: str = Field(description="Plain text.")
    hs_headings: list[str]
    markets: list[str] = Field(description="Region codes, then country codes.")
    quantity: str
    terms: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    published_at: datetime.datetime | None


class OwnPostOut(PostOut):
    status: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


# Fields of a profile only its own organization sees through the API.
OWN_ONLY_FIELDS = {
    "visibility",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_wechat",
}
# Relations the directory list prefetches (the others are shown on a whole profile only).
SUMMARY_RELATIONS = {"hs_headings", "market_countries", "market_regions", "certifications"}
LONG_FIELDS = {"description_zh", "description_en"}


def _url(request: HttpRequest, file) -> str | None:
    return request.build_absolute_uri(file.url) if file else None


def _codes_of(objects) -> list[str]:
    return [item.code for item in objects.all()]


def _markets(obj) -> list[str]:
    return _codes_of(obj.market_regions) + _codes_of(obj.market_countries)


def _organization_data(request: HttpRequest, organization) -> dict:
    return {
        "id": organization.pk,
        "kind": organization.kind,
        "name_zh": organization.name_zh,
        "name_en": organization.name_en,
        "district": organization.district,
        "website": organization.website,
        "logo": _url(request, organization.logo),
    }


def _profile_data(
    request: HttpRequest, profile: Profile, *, whole: bool = False, own: bool = False
) -> dict:
    """The profile as the API shows it: only the fields of the organization's kind, contact
    details only for `own`, relations as codes. Call with a profile from a selector (they
    prefetch what is read here)."""
    organization = profile.organization
    kind = organization.kind
    data = {
        "organization": _organization_data(request, organization),
        "completeness": profile.completeness,
        "updated_at": profile.updated_at,
        "hs_headings": _codes_of(profile.hs_headings),
        "markets": _markets(profile),
    }
    for name in services.profile_fields(kind):
        if (name in OWN_ONLY_FIELDS and not own) or (name in LONG_FIELDS and not whole):
            continue
        data[name] = getattr(profile, name)
    for name in services.profile_relations(kind):
        if name in data or name.startswith("market_"):
            continue
        if whole or name in SUMMARY_RELATIONS:
            data[name] = _codes_of(getattr(profile, name))
    if whole and kind == OrganizationKind.EXPORTER:
        data["products"] = [
            {
                "name_zh": product.name_zh,
                "name_en": product.name_en,
                "hs_heading": product.hs_heading_id,
                "description_zh": product.description_zh,
                "description_en": product.description_en,
                "photo": _url(request, product.photo),
            }
            for product in profile.products.all()
        ]
    if whole and kind in (OrganizationKind.PLATFORM, OrganizationKind.SERVICE_PROVIDER):
        data["warehouses"] = [
            {"country": site.country_id, "city": site.city, "capacity_m2": site.capacity_m2}
            for site in profile.warehouses.all()
        ]
    if whole and kind == OrganizationKind.SERVICE_PROVIDER:
        data["lanes"] = [
            {"origin": lane.origin_id, "destination": lane.destination_id, "mode": lane.mode}
            for lane in profile.lanes.all()
        ]
    return data


def _post_data(request: HttpRequest, post: Post, *, own: bool = False) -> dict:
    data = {
        "id": post.pk,
        "organization": _organization_data(request, post.organization),
        "kind": post.kind,
        "title_zh": post.title_zh,
        "title_en": post.title_en,
        "body_zh": post.body_zh,
        "body_en": post.body_en,
        "hs_headings": _codes_of(post.hs_headings),
        "markets": _markets(post),
        "quantity": post.quantity,
        "terms": post.terms,
        "valid_from": post.valid_from,
        "valid_until": post.valid_until,
        "published_at": post.published_at,
    }
    if own:
        data.update(status=post.status, created_at=post.created_at, updated_at=post.updated_at)
    return data


class Pages(LimitOffsetPagination):
    """ninja's limit/offset pagination with a default and a maximum page size; each object on
    the page is shaped by `item(request, obj)`."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, *, item: Callable[[HttpRequest, Any], dict], **kwargs) -> None:
        self.item = item
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, request, **params):
        page = queryset[pagination.offset : pagination.offset + pagination.limit]
        return {
            "items": [self.item(request, obj) for obj in page],
            "count": self._items_count(queryset),
        }


# --- Public reads ---------------------------------------------------------------------------

public = Router(tags=["Public directory and posts"])


class ProfileFilters(Schema):
    kind: ProfileKind | None = None
    hs_chapter: HSChapterCode | None = Field(None, description="Two-digit HS chapter.")
    hs_heading: HSHeadingCode | None = Field(None, description="Four-digit HS heading.")
    market: MarketCode | None = Field(None, description="A country or region code.")
    district: _one_of(District.values) | None = None
    certification: CertificationCode | None = None
    sort: _one_of(selectors.DIRECTORY_SORTS) = "complete"


class PostFilters(Schema):
    kind: _one_of(PostKind.values) | None = None
    hs_chapter: HSChapterCode | None = Field(None, description="Two-digit HS chapter.")
    hs_heading: HSHeadingCode | None = Field(None, description="Four-digit HS heading.")
    market: MarketCode | None = Field(None, description="A country or region code.")
    organization_kind: ProfileKind | None = None
    district: _one_of(District.values) | None = None
    sort: _one_of(selectors.POST_SORTS) = "newest"


def _filters(filters: Schema) -> dict:
    return {name: value for name, value in filters.model_dump().items() if value is not None}


@public.get(
    "/profiles",
    response={200: list[ProfileSummaryOut], **ERRORS},
    exclude_unset=True,
    summary="The directory of organizations",
)
@paginate(Pages, item=_profile_data)
def profile_list(request, filters: Query[ProfileFilters]):
    """Public profiles of verified, active exporters, platforms and service providers."""
    return selectors.profile_directory_list(user=AnonymousUser(), **_filters(filters))


@public.get(
    "/profiles/{organization_id}",
    response={200: ProfileOut, **ERRORS},
    exclude_unset=True,
    summary="One organization's public profile",
)
def profile_detail(request, organization_id: int = Path(..., ge=1, le=MAX_ID)):
    profile = selectors.profile_get_visible(organization_pk=organization_id, user=AnonymousUser())
    if profile is None:
        raise Http404(_("No public profile of this organization."))
    return _profile_data(request, profile, whole=True)


@public.get(
    "/posts",
    response={200: list[PostOut], **ERRORS},
    summary="Listed supply and demand posts",
)
@paginate(Pages, item=_post_data)
def post_list(request, filters: Query[PostFilters]):
    """Published posts within their dates, of verified, active organizations."""
    return selectors.post_list_public(**_filters(filters))


@public.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="One listed post")
def post_detail(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    post = selectors.post_get_visible(pk=post_id, user=AnonymousUser())
    if post is None:
        raise Http404(_("No listed post with this id."))
    return _post_data(request, post)


# --- The token's own organization ---------------------------------------------------------


class ProfilePatch(Schema):
    """The fields to change; what is left out stays as it is. Fields of another organization
    kind are refused (422, naming them). Relations replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    visibility: _one_of(Visibility.values) = _optional()
    summary_zh: _profile_text("summary_zh") = _optional()
    summary_en: _profile_text("summary_en") = _optional()
    description_zh: _profile_text("description_zh") = _optional(
        description="HTML; sanitized when saved (bold, italic, headings, lists, links)."
    )
    description_en: _profile_text("description_en") = _optional(
        description="HTML; sanitized when saved (bold, italic, headings, lists, links)."
    )
    languages: list[_one_of(Language.values)] = _optional()
    contact_name: _profile_text("contact_name") = _optional()
    contact_title: _profile_text("contact_title") = _optional()
    contact_phone: _profile_text("contact_phone") = _optional()
    contact_email: _profile_text("contact_email") = _optional()
    contact_wechat: _profile_text("contact_wechat") = _optional()
    hs_headings: _codes(HSHeadingCode) = _optional()
    markets: _codes(MarketCode) = _optional(description="Country and region codes, mixed.")
    certifications: _codes(CertificationCode) = _optional(
        description="Exporters and service providers."
    )
    certifications_other: _profile_text("certifications_other") = _optional(
        description="Exporters and service providers."
    )
    export_volume_band: _one_of(ExportVolumeBand.values, blank=True) = _optional(
        description="Exporters."
    )
    production_capacity: _profile_text("production_capacity") = _optional(description="Exporters.")
    minimum_order: _profile_text("minimum_order") = _optional(description="Exporters.")
    brands: _profile_text("brands") = _optional(description="Exporters.")
    channels_wanted: list[_one_of(Channel.values)] = _optional(description="Exporters.")
    services_needed: list[_one_of(ServiceType.values)] = _optional(description="Exporters.")
    years_cross_border: int | None = _optional(ge=0, le=100, description="Exporters.")
    current_market_countries: _codes(CountryCode) = _optional(description="Exporters.")
    warehouse_countries_needed: _codes(CountryCode) = _optional(description="Exporters.")
    lane_destinations_needed: _codes(CountryCode) = _optional(description="Exporters.")
    services_offered: list[_one_of(ServiceType.values)] = _optional(
        description="Platforms and service providers."
    )
    channels_offered: list[_one_of(Channel.values)] = _optional(description="Platforms.")
    merchant_min_volume_band: _one_of(ExportVolumeBand.values, blank=True) = _optional(
        description="Platforms."
    )
    required_certifications: _codes(CertificationCode) = _optional(description="Platforms.")
    requires_own_brand: bool = _optional(description="Platforms.")
    incentives_zh: _profile_text("incentives_zh") = _optional(description="Platforms.")
    incentives_en: _profile_text("incentives_en") = _optional(description="Platforms.")
    merchant_count_band: _one_of(MerchantCountBand.values, blank=True) = _optional(
        description="Platforms."
    )
    supports_brands_overseas: bool = _optional(description="Platforms.")


def _unique(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _unknown(codes: list[str], found: Iterable) -> list[str]:
    known = {item.code for item in found}
    return [code for code in codes if code not in known]


def _unknown_error(label: str, codes: list[str]) -> str:
    return _("%(what)s not known: %(codes)s") % {"what": label, "codes": ", ".join(codes)}


def _resolve_relations(given: dict[str, list[str]]) -> dict[str, list]:
    """Codes → taxonomy objects, by relation name (`markets` becomes the two market relations).
    Unknown codes are refused together, as field errors, before anything is saved."""
    relations: dict[str, list] = {}
    errors: dict[str, list[str]] = {}
    for name, raw_codes in given.items():
        codes = _unique(raw_codes)
        if name == "hs_headings":
            found = list(hs_heading_list(codes=codes))
            label = _("HS headings")
        elif name == "markets":
            countries, regions = markets_get(codes=codes)
            found = countries + regions
            relations["market_countries"], relations["market_regions"] = countries, regions
            label = _("Markets")
        elif name.endswith("certifications"):
            found = list(certification_list(codes=codes))
            label = _("Certifications")
        else:
            found, _regions = markets_get(codes=codes)
            label = _("Countries")
        unknown = _unknown(codes, found)
        if unknown:
            errors[name] = [_unknown_error(label, unknown)]
        elif name != "markets":
            relations[name] = found
    if errors:
        raise DjangoValidationError(
            {name: DjangoValidationError(messages) for name, messages in errors.items()}
        )
    return relations


RELATION_FIELDS = {
    "hs_headings",
    "markets",
    "certifications",
    "required_certifications",
    "current_market_countries",
    "warehouse_countries_needed",
    "lane_destinations_needed",
}

me = Router(tags=["Your organization (API token)"], auth=ApiTokenAuth())


def _own_profile(request: HttpRequest, organization) -> dict:
    if organization.kind not in services.PROFILE_KINDS:
        raise Http404(_("This kind of organization has no capability profile."))
    profile = selectors.profile_get_for_organization(organization=organization)
    if profile is None:
        services.profile_ensure(organization=organization)
        profile = selectors.profile_get_for_organization(organization=organization)
    return _profile_data(request, profile, whole=True, own=True)


@me.get(
    "/me/profile",
    response={200: OwnProfileOut, **ERRORS},
    exclude_unset=True,
    summary="Your organization's profile",
)
def my_profile(request):
    token, _user = _token(request)
    return _own_profile(request, token.organization)


@me.patch(
    "/me/profile",
    response={200: OwnProfileOut, **ERRORS},
    exclude_unset=True,
    summary="Change your organization's profile",
)
def my_profile_update(request, payload: ProfilePatch):
    token, user = _token(request)
    given = payload.model_dump(exclude_unset=True)
    relations = _resolve_relations(
        {name: given.pop(name) for name in RELATION_FIELDS if name in given}
    )
    services.profile_update(organization=token.organization, by=user, relations=relations, **given)
    return _own_profile(request, token.organization)


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: _one_of(PostKind.values)
    title_zh: _post_text("title_zh") = ""
    title_en: _post_text("title_en") = ""
    body_zh: _post_text("body_zh") = ""
    body_en: _post_text("body_en") = ""
    quantity: _post_text("quantity") = ""
    terms: _post_text("terms") = ""
    valid_from: datetime.date | None = Field(None, description="Today when left out.")
    valid_until: datetime.date | None = Field(None, description="No end date when left out.")
    hs_headings: _codes(HSHeadingCode) = []
    markets: _codes(MarketCode) = Field([], description="Country and region codes, mixed.")
    publish: bool = Field(False, description="Publish at once instead of saving a draft.")


class PostPatch(Schema):
    """The fields to change; what is left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    kind: _one_of(PostKind.values) = _optional()
    title_zh: _post_text("title_zh") = _optional()
    title_en: _post_text("title_en") = _optional()
    body_zh: _post_text("body_zh") = _optional()
    body_en: _post_text("body_en") = _optional()
    quantity: _post_text("quantity") = _optional()
    terms: _post_text("terms") = _optional()
    valid_from: datetime.date = _optional()
    valid_until: datetime.date | None = _optional(description="null removes the end date.")
    hs_headings: _codes(HSHeadingCode) = _optional()
    markets: _codes(MarketCode) = _optional(description="Country and region codes, mixed.")
    publish: bool = Field(False, description="Publish (or re-open) the post with this change.")


def _post_arguments(given: dict) -> dict:
    """Schema data shaped as the post services take it."""
    relations = _resolve_relations(
        {name: given.pop(name) for name in ("hs_headings", "markets") if name in given}
    )
    return given | relations


def _own_post(token: ApiToken, post_id: int) -> Post:
    """One of the organization's posts; another organization's post is "not found"."""
    post = (
        selectors.post_list_for_organization(organization=token.organization)
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise Http404(_("Your organization has no post with this id."))
    return post


def _own_post_data(request: HttpRequest, post: Post) -> dict:
    return _post_data(request, post, own=True)


@me.get(
    "/me/posts",
    response={200: list[OwnPostOut], **ERRORS},
    summary="Your organization's posts, drafts and closed ones included",
)
@paginate(Pages, item=_own_post_data)
def my_posts(request):
    token, _user = _token(request)
    return selectors.post_list_for_organization(organization=token.organization)


@me.post("/me/posts", response={201: OwnPostOut, **ERRORS}, summary="Create a post")
def my_post_create(request, payload: PostIn):
    token, user = _token(request)
    post = services.post_create(
        organization=token.organization, by=user, **_post_arguments(payload.model_dump())
    )
    return Status(201, _own_post_data(request, _own_post(token, post.pk)))


@me.get("/me/posts/{post_id}", response={200: OwnPostOut, **ERRORS}, summary="One of your posts")
def my_post_detail(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    token, _user = _token(request)
    return _own_post_data(request, _own_post(token, post_id))


@me.patch("/me/posts/{post_id}", response={200: OwnPostOut, **ERRORS}, summary="Change a post")
def my_post_update(request, payload: PostPatch, post_id: int = Path(..., ge=1, le=MAX_ID)):
    token, user = _token(request)
    post = _own_post(token, post_id)
    services.post_update(
        post=post, by=user, **_post_arguments(payload.model_dump(exclude_unset=True))
    )
    return _own_post_data(request, _own_post(token, post_id))


@me.post(
    "/me/posts/{post_id}/close",
    response={200: OwnPostOut, **ERRORS},
    summary="Close a post (take it out of the listings)",
)
def my_post_close(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    token, user = _token(request)
    services.post_close(post=_own_post(token, post_id), by=user)
    return _own_post_data(request, _own_post(token, post_id))


@me.post(
    "/me/posts/{post_id}/publish",
    response={200: OwnPostOut, **ERRORS},
    summary="Publish a draft, or re-open a closed post",
)
def my_post_publish(request, post_id: int = Path(..., ge=1, le=MAX_ID)):
    token, user = _token(request)
    services.post_publish(post=_own_post(token, post_id), by=user)
    return _own_post_data(request, _own_post(token, post_id))


# --- Search -------------------------------------------------------------------------------

search_router = Router(tags=["Search"])
SEARCH_TEXT_MAX = 1000


class SearchFilters(Schema):
    q: str = Field("", max_length=SEARCH_TEXT_MAX, description="Words, in Chinese or English.")
    type: list[_one_of(DOC_TYPES)] = Field([], description="organization, post (repeatable).")
    kind: list[ProfileKind] = Field([], description="The organization's kind (repeatable).")
    hs_chapter: list[HSChapterCode] = Field([], description="Two-digit HS chapters.")
    hs_heading: list[HSHeadingCode] = Field([], description="Four-digit HS headings.")
    market: list[MarketCode] = Field([], description="Country or region codes.")
    district: list[_one_of(District.values)] = []
    certification: list[CertificationCode] = []
    sort: _one_of([SORT_RELEVANCE, SORT_RECENT]) = SORT_RELEVANCE
    page: int = Field(1, ge=1, le=RESULT_WINDOW, description="1-based page number.")
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")


class SearchHitOut(Schema):
    type: str
    id: int
    title: str
    url: str
    label: str
    organization: str | None = None
    highlights: dict[str, list[str]] = Field(
        description="HTML-escaped fragments per field, matched words in <mark>."
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int | None = Field(description="None for a selected value the facet cannot count.")
    selected: bool


class SearchOut(Schema):
    count: int
    page: int
    relaxed: bool = Field(description="No result holds every word; these hold some of them.")
    degraded: bool = Field(description="The search engine is down; results may be incomplete.")
    items: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]


@search_router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Search organizations and supply and demand posts",
)
def search(request, filters: Query[SearchFilters]):
    """What an anonymous visitor's search page shows: public profiles and listed posts that
    hold every word (or, when none does, some of them: `relaxed`), narrowed by repeatable
    filters (OR within a filter, AND across filters), with facet counts per filter."""
    chosen = {
        name: [str(value) for value in values]
        for name, values in filters.model_dump().items()
        if name in FILTER_FIELDS and values
    }
    results = search_for_viewer(
        user=AnonymousUser(),
        text=filters.q,
        filters=chosen,
        sort=filters.sort,
        page=filters.page,
        per_page=filters.limit,
    )
    return {
        "count": results.total,
        "page": results.query.page,
        "relaxed": results.relaxed,
        "degraded": results.degraded,
        "items": [search_hit_data(hit) for hit in results.hits],
        "facets": {
            parameter: [
                {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
                for o in options
            ]
            for parameter, _heading, options in facet_options(results, selected=chosen)
        },
    }


api.add_router("", public)
api.add_router("", me)
api.add_router("", search_router)
