"""Bulk import of organizations and their capability profiles from spreadsheet rows.

The rows come from matchmaking.spreadsheets.read_rows, which has already refused a malformed
file as a whole. Here each row is validated completely (credit code, kind, codes of HS
headings, markets, certifications and choices, lengths, which columns apply to the kind,
who may change the organization) before anything is written for it; a row with any problem is
rejected with all its reasons and the others go on. Accepted rows are upserted by credit code:
organizations through accounts.services.organization_import_upsert, profiles through
profile_update. A row that matches what is stored writes nothing (no new data_version), so
importing the same file twice changes nothing the second time. The search index jobs of all
rows are enqueued together, once per document type, when the import ends.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import MANAGER_ROLES, Membership, Organization, OrganizationKind, User
from accounts.selectors import user_is_bureau_staff
from accounts.services import organization_import_refusal, organization_import_upsert
from accounts.validators import normalize_credit_code, validate_credit_code
from matchmaking.models import Profile
from matchmaking.profile_fields import PROFILE_KINDS
from matchmaking.services.profiles import profile_update
from matchmaking.services.search_index import index_jobs_batched
from matchmaking.spreadsheets import (
    COLUMNS,
    ORGANIZATION,
    SheetRow,
    html_to_text,
    normalize_text,
    split_list,
    text_to_html,
)
from taxonomy.selectors import certification_list, country_list, hs_heading_list, region_list

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
MAX_YEARS = 100
RELATIONS = ("hs_headings", "market_countries", "market_regions", "certifications")
# Plain text fields compared line by line (the web form may have stored "\r\n").
MULTILINE_FIELDS = ("incentives_zh", "incentives_en")
DESCRIPTION_FIELDS = ("description_zh", "description_en")


@dataclass
class RowResult:
    number: int
    credit_code: str
    name: str
    action: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def updated(self) -> int:
        return self._count(UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def rejected(self) -> int:
        return self._count(REJECTED)

    @property
    def rejected_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == REJECTED]

    @property
    def accepted_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.action != REJECTED]


@dataclass
class _Plan:
    """A valid row: what the organization and its profile should hold."""

    credit_code: str
    kind: str
    organization: dict[str, str]
    fields: dict[str, object]
    relations: dict[str, list]


class _Vocabulary:
    """Every code a row may use, loaded once per import (a fixed number of queries)."""

    def __init__(self):
        self.headings = {heading.code: heading for heading in hs_heading_list()}
        self.countries = {country.code: country for country in country_list()}
        self.regions = {region.code: region for region in region_list()}
        self.certifications = {item.code.upper(): item for item in certification_list()}


def _model_max_length(model, name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _too_long(model, name: str, value: str) -> str | None:
    limit = _model_max_length(model, name)
    if limit and len(value) > limit:
        return _("%(column)s: at most %(limit)d characters (this has %(length)d).") % {
            "column": name,
            "limit": limit,
            "length": len(value),
        }
    return None


def _website(text: str) -> tuple[str, str | None]:
    if not text:
        return "", None
    if "://" not in text:
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return text, _("website: not a web address.")
    return text, _too_long(Organization, "website", text)


def _organization_part(values: dict[str, str], reasons: list[str]) -> tuple[str, str, dict]:
    credit_code = normalize_credit_code(values["credit_code"])
    if not credit_code:
        reasons.append(_("credit_code: required."))
    else:
        try:
            validate_credit_code(credit_code)
        except ValidationError as error:
            reasons.extend(f"credit_code: {message}" for message in error.messages)
    kind = values["kind"].strip().lower()
    if not kind:
        reasons.append(_("kind: required."))
    elif kind not in PROFILE_KINDS:
        reasons.append(
            _("kind: “%(value)s” is not one of %(codes)s.")
            % {"value": values["kind"], "codes": ", ".join(PROFILE_KINDS)}
        )
    district = values["district"].strip().lower()
    district_choices = Organization._meta.get_field("district").choices
    if not district:
        reasons.append(_("district: required."))
    elif district not in {code for code, _label in district_choices}:
        reasons.append(_("district: “%(value)s” is not a district code.") % {"value": district})
    if not values["name_zh"]:
        reasons.append(_("name_zh: required."))
    website, problem = _website(values["website"])
    organization = {
        "name_zh": values["name_zh"],
        "name_en": values["name_en"],
        "district": district,
        "website": website,
    }
    for name in ("name_zh", "name_en"):
        problem_name = _too_long(Organization, name, organization[name])
        if problem_name:
            reasons.append(problem_name)
    if problem:
        reasons.append(problem)
    return credit_code, kind, organization


def _codes(column, text: str, known, *, case: str) -> tuple[list, str | None]:
    codes = [code.upper() if case == "upper" else code.lower() for code in split_list(text)]
    unknown = [code for code in codes if code not in known]
    if unknown:
        return [], _("%(column)s: unknown codes: %(codes)s.") % {
            "column": column.name,
            "codes": ", ".join(unknown),
        }
    return codes, None


def _profile_part(
    values: dict[str, str], kind: str, vocabulary: _Vocabulary, reasons: list[str]
) -> tuple[dict, dict]:
    """The profile fields and relations of the row's columns that apply to its kind."""
    fields: dict[str, object] = {}
    relations: dict[str, list] = {}
    for column in COLUMNS:
        if column.fields == (ORGANIZATION,):
            continue
        text = values.get(column.name)
        if text is None:
            continue  # an optional column the file leaves out: the field stays as it is
        if kind in PROFILE_KINDS and kind not in column.kinds:
            if text:
                reasons.append(
                    _("%(column)s: does not apply to a %(kind)s; leave it empty.")
                    % {"column": column.name, "kind": OrganizationKind(kind).label}
                )
            continue
        name = column.name
        if name == "hs_headings":
            codes = split_list(text)
            malformed = [code for code in codes if not re.fullmatch(r"\d{4}", code)]
            if malformed:
                reasons.append(
                    _("hs_headings: not four-digit HS headings: %(codes)s.")
                    % {"codes": ", ".join(malformed)}
                )
            wellformed = " ".join(code for code in codes if code not in malformed)
            codes, problem = _codes(column, wellformed, vocabulary.headings, case="upper")
            relations[name] = [vocabulary.headings[code] for code in codes]
        elif name == "markets":
            known = vocabulary.countries.keys() | vocabulary.regions.keys()
            codes, problem = _codes(column, text, known, case="upper")
            relations["market_countries"] = [
                vocabulary.countries[code] for code in codes if code in vocabulary.countries
            ]
            relations["market_regions"] = [
                vocabulary.regions[code] for code in codes if code in vocabulary.regions
            ]
        elif name == "certifications":
            codes, problem = _codes(column, text, vocabulary.certifications, case="upper")
            relations[name] = [vocabulary.certifications[code] for code in codes]
        elif column.is_list:
            fields[name], problem = _codes(column, text, set(column.choices.values), case="lower")
        elif column.choices is not None:
            code = text.lower()
            problem = None
            if code and code not in column.choices.values:
                problem = _("%(column)s: “%(value)s” is not one of %(codes)s.") % {
                    "column": name,
                    "value": text,
                    "codes": ", ".join(column.choices.values),
                }
            if name != "visibility" or code:  # an empty visibility keeps the current one
                fields[name] = code
        elif name == "years_cross_border":
            fields[name], problem = None, None
            if text:
                try:
                    years = int(text)
                except ValueError:
                    years = -1
                if not 0 <= years <= MAX_YEARS:
                    problem = _("years_cross_border: a whole number from 0 to %(max)d.") % {
                        "max": MAX_YEARS
                    }
                else:
                    fields[name] = years
        elif name == "contact_email":
            fields[name], problem = text, None
            if text:
                try:
                    validate_email(text)
                except ValidationError:
                    problem = _("contact_email: not an e-mail address.")
        elif name in DESCRIPTION_FIELDS or name in MULTILINE_FIELDS:
            fields[name], problem = normalize_text(text), None
        else:
            fields[name], problem = text, _too_long(Profile, name, text)
        if problem:
            reasons.append(problem)
    return fields, relations


def _changes(profile: Profile | None, plan: _Plan) -> tuple[dict, dict]:
    """The fields and relations whose planned value differs from the stored one (a missing
    profile counts as an empty one), shaped as profile_update takes them."""
    current = profile or Profile()
    fields = {}
    for name, value in plan.fields.items():
        stored = getattr(current, name)
        if name in DESCRIPTION_FIELDS:
            # Compared as text: a description formatted on the website keeps its formatting
            # as long as its text is what the file says.
            if html_to_text(stored) != value:
                fields[name] = text_to_html(value)
        elif name in MULTILINE_FIELDS:
            if normalize_text(stored or "") != value:
                fields[name] = value
        elif isinstance(value, list):
            if set(stored or ()) != set(value):
                fields[name] = value
        elif (stored if stored is not None else "") != (value if value is not None else ""):
            fields[name] = value
    relations = {}
    for name, objects in plan.relations.items():
        stored = {item.pk for item in getattr(current, name).all()} if profile else set()
        if stored != {item.pk for item in objects}:
            relations[name] = objects
    return fields, relations


def _error_reasons(error: Exception) -> list[str]:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [
            f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


@transaction.atomic
def organization_profile_import(
    *,
    rows: Sequence[SheetRow],
    by: User,
    on_row: Callable[[RowResult], None] | None = None,
) -> ImportReport:
    """Import `rows` (from read_rows) as `by`; returns what happened to each row.

    Bureau staff create and update any non-bureau organization; owners and administrators
    update only the organizations they manage (other rows are rejected with the reason).
    Anyone else is refused with PermissionDenied before anything is read. Each accepted row is
    written in a savepoint of its own, so that a write that fails after all (a credit code
    taken meanwhile) rejects that row only. `on_row` is called after each row (progress bars).
    """
    is_bureau = user_is_bureau_staff(by)
    managed = set(
        Membership.objects.filter(user=by, role__in=MANAGER_ROLES).values_list(
            "organization_id", flat=True
        )
    )
    if not is_bureau and not managed:
        raise PermissionDenied(_("Only bureau staff and organization administrators can import."))
    vocabulary = _Vocabulary()
    codes = {normalize_credit_code(row.values["credit_code"]) for row in rows}
    organizations = {
        organization.credit_code: organization
        for organization in Organization.objects.filter(credit_code__in=codes - {""})
    }
    profiles = {
        profile.organization_id: profile
        for profile in Profile.objects.filter(
            organization__in=list(organizations.values())
        ).prefetch_related(*RELATIONS)
    }
    report = ImportReport()
    first_row_of: dict[str, int] = {}
    with index_jobs_batched():
        for row in rows:
            result = _import_row(
                row,
                by=by,
                vocabulary=vocabulary,
                organizations=organizations,
                profiles=profiles,
                managed=managed,
                first_row_of=first_row_of,
            )
            report.rows.append(result)
            if on_row is not None:
                on_row(result)
    return report


def _import_row(
    row: SheetRow,
    *,
    by: User,
    vocabulary: _Vocabulary,
    organizations: dict[str, Organization],
    profiles: dict[int, Profile],
    managed: set[int],
    first_row_of: dict[str, int],
) -> RowResult:
    values = row.values
    result = RowResult(
        number=row.number,
        credit_code=values["credit_code"],
        name=values["name_zh"] or values["name_en"],
        action=REJECTED,
    )
    reasons = result.reasons
    credit_code, kind, organization_values = _organization_part(values, reasons)
    if credit_code:
        if credit_code in first_row_of:
            reasons.append(
                _("credit_code: already in row %(row)d; list each organization once.")
                % {"row": first_row_of[credit_code]}
            )
        else:
            first_row_of[credit_code] = row.number
    fields, relations = _profile_part(values, kind, vocabulary, reasons)
    if reasons:
        return result
    existing = organizations.get(credit_code)
    refusal = organization_import_refusal(
        user=by,
        kind=kind,
        existing=existing,
        manages=existing is not None and existing.pk in managed,
    )
    if refusal is not None:
        reasons.append(refusal)
        return result
    plan = _Plan(credit_code, kind, organization_values, fields, relations)
    profile = profiles.get(existing.pk) if existing is not None else None
    organization_changed = existing is None or any(
        getattr(existing, name) != value for name, value in plan.organization.items()
    )
    field_changes, relation_changes = _changes(profile, plan)
    if not (organization_changed or field_changes or relation_changes or profile is None):
        result.action = UNCHANGED
        return result
    try:
        with transaction.atomic():
            organization, action = organization_import_upsert(
                by=by, credit_code=credit_code, kind=kind, **plan.organization
            )
            if field_changes or relation_changes or profile is None:
                profile_update(
                    organization=organization,
                    by=by,
                    relations=relation_changes,
                    **field_changes,
                )
    except (ValidationError, PermissionDenied) as error:
        reasons.extend(_error_reasons(error))
        return result
    except IntegrityError:
        # Another request registered the same credit code between our check and our insert.
        reasons.append(_("This credit code was registered at the same moment; import it again."))
        return result
    result.action = CREATED if action == "created" else UPDATED
    return result
