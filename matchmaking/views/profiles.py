"""The acting organization's own capability profile: edit it, its products and coverage.

Owners and administrators edit (and bureau staff, as the services allow); other members see
the pages read-only and are refused (403) if they post. Each save is one service call, which
saves everything or nothing; its ValidationError comes back on the form's fields.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization, OrganizationKind
from matchmaking import selectors, services
from matchmaking.completeness import profile_completeness
from matchmaking.forms.profiles import (
    LaneForm,
    ProductForm,
    WarehouseForm,
    add_service_errors,
    profile_form_class,
)
from matchmaking.models import Profile
from matchmaking.views.decorators import acting_organization_required

# Who lists what on the coverage page (the services refuse the others).
WAREHOUSE_KINDS = (OrganizationKind.SERVICE_PROVIDER, OrganizationKind.PLATFORM)
LANE_KINDS = (OrganizationKind.SERVICE_PROVIDER,)


def _can_edit(user, organization: Organization) -> bool:
    """The services' own rule, asked first so that the page can offer the form or not."""
    return selectors.profile_edit_refusal(user=user, organization=organization) is None


def _require_editor(request, organization: Organization) -> None:
    refusal = selectors.profile_edit_refusal(user=request.user, organization=organization)
    if refusal:
        raise PermissionDenied(refusal)


def _profile(organization: Organization) -> Profile | None:
    return selectors.profile_get_for_organization(organization=organization)


@acting_organization_required
def profile_edit(request, organization):
    if organization.kind not in services.PROFILE_KINDS:
        return render(
            request, "matchmaking/profile_edit.html", {"organization": organization, "form": None}
        )
    can_edit = _can_edit(request.user, organization)
    if request.method == "POST" and not can_edit:
        _require_editor(request, organization)
    profile = _profile(organization)
    # Scored before the form is bound: binding writes the typed values onto the instance.
    if profile is None:
        completeness = profile_completeness(kind=organization.kind, present=set())
    else:
        completeness = selectors.profile_completeness_get(profile=profile)
    form = None
    if can_edit:
        form_class = profile_form_class(organization.kind)
        form = form_class(
            request.POST or None, instance=profile or Profile(organization=organization)
        )
        if request.method == "POST" and form.is_valid():
            fields, relations = form.service_arguments()
            try:
                services.profile_update(
                    organization=organization, by=request.user, relations=relations, **fields
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The profile was saved."))
                return redirect("matchmaking:profile_edit")
    return render(
        request,
        "matchmaking/profile_edit.html",
        {
            "organization": organization,
            "profile": profile,
            "form": form,
            "can_edit": can_edit,
            "completeness": completeness,
            "products": list(profile.products.all()) if profile else [],
            "lists_products": organization.kind == OrganizationKind.EXPORTER,
            "has_coverage": organization.kind in WAREHOUSE_KINDS,
        },
    )


# --- Products -----------------------------------------------------------------------------------


def _own_or_404(organization: Organization, pk: int, part: str):
    """A product, warehouse or lane (`part` names which) of the acting organization's
    profile; another organization's is a 404, never a 403."""
    child = selectors.profile_part_get(organization=organization, part=part, pk=pk)
    if child is None:
        raise Http404
    return child


def _exporters_only(request, organization: Organization):
    """The redirect that explains products are for exporters, or None for an exporter."""
    if organization.kind == OrganizationKind.EXPORTER:
        return None
    messages.info(request, _("Only exporters list products."))
    return redirect("matchmaking:profile_edit")


@acting_organization_required
def product_create(request, organization):
    if refusal := _exporters_only(request, organization):
        return refusal
    _require_editor(request, organization)
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments["photo"] = arguments["photo"] or None  # nothing to remove on a new product
        try:
            services.product_create(organization=organization, by=request.user, **arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The product was added."))
            return redirect("matchmaking:profile_edit")
    return render(
        request, "matchmaking/product_form.html", {"form": form, "organization": organization}
    )


@acting_organization_required
def product_edit(request, pk: int, organization):
    product = _own_or_404(organization, pk, "products")
    _require_editor(request, organization)
    # Taken before binding, which puts the uploaded file (not yet valid or stored) on it.
    stored_photo = product.photo
    form = ProductForm(request.POST or None, request.FILES or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(product=product, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("matchmaking:profile_edit")
    return render(
        request,
        "matchmaking/product_form.html",
        {
            "form": form,
            "organization": organization,
            "product": product,
            "stored_photo": stored_photo,
        },
    )


@acting_organization_required
def product_delete(request, pk: int, organization):
    """GET asks for confirmation; POST deletes."""
    product = _own_or_404(organization, pk, "products")
    _require_editor(request, organization)
    if request.method == "POST":
        services.product_delete(product=product, by=request.user)
        messages.success(request, _("The product was deleted."))
        return redirect("matchmaking:profile_edit")
    return render(
        request,
        "matchmaking/product_delete.html",
        {"organization": organization, "product": product},
    )


# --- Coverage: warehouses and logistics lanes ---------------------------------------------------


@acting_organization_required
def coverage_edit(request, organization):
    if organization.kind not in WAREHOUSE_KINDS:
        messages.info(
            request,
            _("Warehouses and logistics lanes are listed by service providers and platforms."),
        )
        return redirect("matchmaking:profile_edit")
    can_edit = _can_edit(request.user, organization)
    if request.method == "POST" and not can_edit:
        _require_editor(request, organization)
    profile = _profile(organization)
    warehouses = list(profile.warehouses.all()) if profile else []
    lanes = list(profile.lanes.all()) if profile else []
    lists_lanes = organization.kind in LANE_KINDS
    adding_warehouse = request.method == "POST" and "add_warehouse" in request.POST
    adding_lane = request.method == "POST" and "add_lane" in request.POST and lists_lanes
    warehouse_form = WarehouseForm(request.POST if adding_warehouse else None, prefix="warehouse")
    lane_form = (
        LaneForm(request.POST if adding_lane else None, prefix="lane", existing=lanes)
        if lists_lanes
        else None
    )
    if adding_warehouse and warehouse_form.is_valid():
        try:
            services.warehouse_add(
                organization=organization, by=request.user, **warehouse_form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(warehouse_form, error)
        else:
            messages.success(request, _("The warehouse was added."))
            return redirect("matchmaking:coverage_edit")
    if adding_lane and lane_form.is_valid():
        try:
            services.lane_add(organization=organization, by=request.user, **lane_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(lane_form, error)
        else:
            messages.success(request, _("The lane was added."))
            return redirect("matchmaking:coverage_edit")
    return render(
        request,
        "matchmaking/coverage_edit.html",
        {
            "organization": organization,
            "can_edit": can_edit,
            "warehouses": warehouses,
            "lanes": lanes,
            "lists_lanes": lists_lanes,
            "warehouse_form": warehouse_form,
            "lane_form": lane_form,
        },
    )


@acting_organization_required
@require_POST
def warehouse_remove(request, pk: int, organization):
    warehouse = _own_or_404(organization, pk, "warehouses")
    _require_editor(request, organization)
    services.warehouse_remove(warehouse=warehouse, by=request.user)
    messages.success(request, _("The warehouse was removed."))
    return redirect("matchmaking:coverage_edit")


@acting_organization_required
@require_POST
def lane_remove(request, pk: int, organization):
    lane = _own_or_404(organization, pk, "lanes")
    _require_editor(request, organization)
    services.lane_remove(lane=lane, by=request.user)
    messages.success(request, _("The lane was removed."))
    return redirect("matchmaking:coverage_edit")
