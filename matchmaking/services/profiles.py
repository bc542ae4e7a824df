"""Every write to capability profiles, their products, warehouses and logistics lanes.

Owners and administrators of an organization edit its profile; bureau staff may too (they
load profiles in bulk and correct them on request). Every write validates the whole row first
and saves nothing when anything is wrong; a saved change raises the profile's data_version and
enqueues the organization's search document (its completeness, at least, may have changed).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from matchmaking.models import LogisticsLane, Product, Profile, WarehouseSite
from matchmaking.profile_fields import (
    EXPORTER,
    PLATFORM,
    PROFILE_KINDS,
    PROVIDER,
    profile_fields,
    profile_relations,
)
from matchmaking.selectors.profiles import profile_completeness_get, profile_edit_refusal
from matchmaking.services.search_index import documents_enqueue
from matchmaking.services.suggestions import suggestions_recompute_enqueue
from taxonomy.models import Country, HSHeading


def _require_editor(*, organization: Organization, user: User) -> None:
    refusal = profile_edit_refusal(user=user, organization=organization)
    if refusal:
        raise PermissionDenied(refusal)


def _require_profile_kind(organization: Organization) -> None:
    if organization.kind not in PROFILE_KINDS:
        raise ValidationError(
            _("Only exporters, platforms and service providers have capability profiles.")
        )


def _locked_profile(organization: Organization) -> tuple[Profile, bool]:
    """The organization's profile, created on first use, locked for the transaction; and
    whether it was created now."""
    _profile, created = Profile.objects.get_or_create(organization=organization)
    profile = (
        Profile.objects.select_for_update()
        .select_related("organization")
        .get(organization=organization)
    )
    return profile, created


def _bump(profile: Profile) -> None:
    """Record a saved change: a new data version, the recomputed completeness score, and an
    index job for the organization's document. Call inside the transaction that locked the
    profile, after the change."""
    score = profile_completeness_get(profile=profile).score
    Profile.objects.filter(pk=profile.pk).update(
        data_version=F("data_version") + 1, completeness=score
    )
    documents_enqueue(organization_ids=[profile.organization_id])
    suggestions_recompute_enqueue(organization_ids=[profile.organization_id])


@transaction.atomic
def profile_update(
    *,
    organization: Organization,
    by: User,
    relations: dict[str, Iterable] | None = None,
    **fields,
) -> Profile:
    """Set the profile's plain `fields` and many-to-many `relations` (name → objects); what is
    not passed stays as it is. Fields of another organization kind are refused with a
    ValidationError naming them, so that the API can answer with field-level reasons.
    """
    _require_editor(organization=organization, user=by)
    _require_profile_kind(organization)
    relations = relations or {}
    kind = organization.kind
    foreign = (set(fields) - set(profile_fields(kind))) | (
        set(relations) - set(profile_relations(kind))
    )
    if foreign:
        raise ValidationError(
            {
                name: ValidationError(
                    _("This field does not apply to this kind of organization."),
                    code="field_not_for_kind",
                )
                for name in sorted(foreign)
            }
        )
    profile, created = _locked_profile(organization)
    before = _snapshot(profile, fields, relations)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean(exclude=["organization"])
    relation_ids = {name: {item.pk for item in values} for name, values in relations.items()}
    if before == ({name: getattr(profile, name) for name in fields}, relation_ids):
        # Nothing changed: no new data version for matching to chase. A profile created just
        # now is still new to the index, even empty.
        if created:
            documents_enqueue(organization_ids=[organization.pk])
        return profile
    profile.save()
    for name, values in relations.items():
        getattr(profile, name).set(values)
    _bump(profile)
    profile.refresh_from_db(fields=["data_version", "completeness"])
    return profile


def _snapshot(profile: Profile, fields: dict, relations: dict) -> tuple[dict, dict]:
    """The stored values of the fields and relations an update names, to tell a no-op."""
    return (
        {name: getattr(profile, name) for name in fields},
        {name: set(getattr(profile, name).values_list("pk", flat=True)) for name in relations},
    )


@transaction.atomic
def profile_ensure(*, organization: Organization) -> Profile:
    """The organization's profile, created empty (and public) if it has none yet."""
    _require_profile_kind(organization)
    profile, created = Profile.objects.get_or_create(organization=organization)
    if created:
        # A public profile of a verified organization belongs in the index, even empty.
        documents_enqueue(organization_ids=[organization.pk])
    return profile


def _child_saved(child, profile: Profile):
    # Not excluding `profile`: the lane's uniqueness per profile is checked here, as a message.
    child.full_clean()
    child.save()
    _bump(profile)
    return child


PRODUCT_FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "sort_order")


@transaction.atomic
def product_create(
    *, organization: Organization, by: User, hs_heading: HSHeading, photo=None, **fields
) -> Product:
    """Add a product to an exporter's profile."""
    _require_editor(organization=organization, user=by)
    if organization.kind != EXPORTER:
        raise ValidationError(_("Only exporters list products."))
    profile, _created = _locked_profile(organization)
    product = Product(profile=profile, hs_heading=hs_heading)
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise ValueError(f"not a product field: {name}")
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if photo:
        product.photo = photo
    return _child_saved(product, profile)


@transaction.atomic
def product_update(
    *, product: Product, by: User, hs_heading: HSHeading | None = None, photo=None, **fields
) -> Product:
    """Change a product; `photo=False` removes its photo, None keeps it."""
    organization = product.profile.organization
    _require_editor(organization=organization, user=by)
    profile, _created = _locked_profile(organization)
    product = Product.objects.get(pk=product.pk, profile=profile)
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise ValueError(f"not a product field: {name}")
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    if hs_heading is not None:
        product.hs_heading = hs_heading
    replaced = product.photo.name if (photo is False or photo) else ""
    if photo is False:
        product.photo = ""
    elif photo:
        product.photo = photo
    product = _child_saved(product, profile)
    _delete_file_after_commit(product.photo.storage, replaced)
    return product


def _delete_file_after_commit(storage, name: str) -> None:
    """Remove a replaced upload once the change is committed (never before: a rollback
    would leave the row pointing at a missing file)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _child_delete(child, *, by: User) -> None:
    """Delete a product, warehouse or lane of a profile. Call inside a transaction."""
    organization = child.profile.organization
    _require_editor(organization=organization, user=by)
    profile, _created = _locked_profile(organization)
    type(child).objects.filter(pk=child.pk, profile=profile).delete()
    _bump(profile)


@transaction.atomic
def product_delete(*, product: Product, by: User) -> None:
    _child_delete(product, by=by)
    _delete_file_after_commit(product.photo.storage, product.photo.name)


@transaction.atomic
def warehouse_add(
    *,
    organization: Organization,
    by: User,
    country: Country,
    city: str,
    capacity_m2: int | None = None,
) -> WarehouseSite:
    """List an overseas warehouse a service provider or platform operates."""
    _require_editor(organization=organization, user=by)
    if organization.kind not in (PROVIDER, PLATFORM):
        raise ValidationError(_("Only service providers and platforms list warehouses."))
    profile, _created = _locked_profile(organization)
    site = WarehouseSite(
        profile=profile, country=country, city=city.strip(), capacity_m2=capacity_m2
    )
    return _child_saved(site, profile)


@transaction.atomic
def warehouse_remove(*, warehouse: WarehouseSite, by: User) -> None:
    _child_delete(warehouse, by=by)


@transaction.atomic
def lane_add(
    *, organization: Organization, by: User, origin: Country, destination: Country, mode: str
) -> LogisticsLane:
    """List a logistics lane a service provider runs."""
    _require_editor(organization=organization, user=by)
    if organization.kind != PROVIDER:
        raise ValidationError(_("Only service providers list logistics lanes."))
    profile, _created = _locked_profile(organization)
    lane = LogisticsLane(profile=profile, origin=origin, destination=destination, mode=mode)
    return _child_saved(lane, profile)


@transaction.atomic
def lane_remove(*, lane: LogisticsLane, by: User) -> None:
    _child_delete(lane, by=by)
