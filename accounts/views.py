"""Pages for a user's organizations: create, manage members, invitations, verification."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    FirstOwnerInvitationForm,
    InvitationForm,
    MembershipRoleForm,
    OrganizationForm,
    PreferencesForm,
    VerificationForm,
    assignable_roles,
)
from accounts.models import MembershipRole, Organization, VerificationState


def _add_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form that submitted the data."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _or_404(obj):
    if obj is None:
        raise Http404
    return obj


def _private_organization_or_404(request, pk: int) -> Organization:
    """Members and bureau staff only; everyone else gets a 404, not a hint that it exists."""
    organization = _or_404(selectors.organization_get(pk=pk))
    if not selectors.organization_can_view_private(user=request.user, organization=organization):
        raise Http404
    return organization


def _refusal(error: ValidationError | PermissionDenied) -> str:
    """The message of a service's refusal, for the messages framework."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You are not allowed to do that.")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your preferences were saved."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
def organization_create(request):
    allow_bureau = selectors.user_is_bureau_staff(request.user)
    form = OrganizationForm(request.POST or None, request.FILES or None, allow_bureau=allow_bureau)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” was registered. The bureau will verify it shortly.")
                % {"name": organization.name},
            )
            return redirect("accounts:organization_detail", pk=organization.pk)
    return render(request, "accounts/organization_form.html", {"form": form, "creating": True})


def _detail_context(request, organization: Organization, **overrides) -> dict:
    my_membership = selectors.membership_get(user=request.user, organization=organization)
    my_role = my_membership.role if my_membership else None
    can_manage = my_membership is not None and my_membership.can_manage
    can_verify = (
        selectors.organization_verification_refusal(user=request.user, organization=organization)
        is None
    )
    can_invite_first_owner = selectors.organization_can_invite_first_owner(
        user=request.user, organization=organization
    )
    context = {
        "organization": organization,
        "memberships": selectors.organization_member_list(organization=organization),
        "can_manage": can_manage,
        "can_verify": can_verify,
        "can_invite_first_owner": can_invite_first_owner,
        "my_membership": my_membership,
        # Owners manage everyone; admins manage admins and members, never owners.
        "manageable_roles": [value for value, _label in assignable_roles(my_role)],
    }
    if can_manage or can_invite_first_owner:
        context["invitations"] = selectors.invitation_open_list(organization=organization)
    if can_manage:
        context["invitation_form"] = InvitationForm(acting_role=my_role)
        context["role_choices"] = assignable_roles(my_role)
    if can_invite_first_owner:
        context["first_owner_form"] = FirstOwnerInvitationForm()
    if can_verify:
        context["verification_form"] = VerificationForm(
            initial={"state": organization.verification_state}
        )
    context.update(overrides)
    return context


@login_required
def organization_detail(request, pk: int):
    organization = _private_organization_or_404(request, pk)
    return render(
        request, "accounts/organization_detail.html", _detail_context(request, organization)
    )


@login_required
def organization_edit(request, pk: int):
    organization = _private_organization_or_404(request, pk)
    if not selectors.organization_can_manage(user=request.user, organization=organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, request.FILES or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=selectors.organization_get(pk=organization.pk),
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The organization's details were saved."))
            return redirect("accounts:organization_detail", pk=organization.pk)
    return render(
        request,
        "accounts/organization_form.html",
        {"form": form, "organization": organization, "creating": False},
    )


@login_required
@require_POST
def organization_switch(request, pk: int):
    organization = _or_404(selectors.organization_get(pk=pk))
    services.active_organization_switch(user=request.user, organization=organization)
    messages.success(request, _("You now act for %(name)s.") % {"name": organization.name})
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("dashboard")


@login_required
@require_POST
def invitation_create(request, pk: int):
    organization = _private_organization_or_404(request, pk)
    if selectors.organization_can_invite_first_owner(user=request.user, organization=organization):
        # Bureau staff only ever invite an organization's first owner: the form asks no role.
        form_name, fixed = "first_owner_form", {"role": MembershipRole.OWNER}
        form = FirstOwnerInvitationForm(request.POST)
    else:
        membership = selectors.membership_get(user=request.user, organization=organization)
        form_name, fixed = "invitation_form", {}
        form = InvitationForm(request.POST, acting_role=membership.role if membership else None)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=organization, by=request.user, **fixed, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:organization_detail", pk=organization.pk)
    context = _detail_context(request, organization, **{form_name: form})
    return render(request, "accounts/organization_detail.html", context, status=400)


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = _or_404(selectors.invitation_get(pk=pk))
    _private_organization_or_404(request, invitation.organization_id)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except PermissionDenied as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("accounts:organization_detail", pk=invitation.organization_id)


def invitation_accept(request, token: str):
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    if not request.user.is_authenticated:
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(
                request,
                _("Welcome to %(name)s.") % {"name": invitation.organization.name},
            )
            return redirect("accounts:organization_detail", pk=invitation.organization_id)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "error": error}
    )


@login_required
@require_POST
def membership_change_role(request, pk: int):
    membership = _or_404(selectors.membership_get_by_pk(pk=pk))
    _private_organization_or_404(request, membership.organization_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("The role was changed."))
    return redirect("accounts:organization_detail", pk=membership.organization_id)


@login_required
@require_POST
def membership_remove(request, pk: int):
    membership = _or_404(selectors.membership_get_by_pk(pk=pk))
    organization_id = membership.organization_id
    _private_organization_or_404(request, organization_id)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(membership=membership, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
        return redirect("accounts:organization_detail", pk=organization_id)
    if leaving:
        messages.success(request, _("You left the organization."))
        return redirect("dashboard")
    messages.success(request, _("The member was removed."))
    return redirect("accounts:organization_detail", pk=organization_id)


@login_required
def verification_queue(request):
    if not selectors.organization_can_verify(user=request.user):
        raise PermissionDenied
    state = request.GET.get("state", VerificationState.PENDING)
    if state not in VerificationState.values:
        state = ""
    counts = selectors.organization_verification_counts()
    page = Paginator(selectors.organization_verification_queue(state=state or None), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/verification_queue.html",
        {
            "page": page,
            "state": state,
            "tabs": [(value, label, counts[value]) for value, label in VerificationState.choices],
        },
    )


@login_required
@require_POST
def organization_verify(request, pk: int):
    organization = _or_404(selectors.organization_get(pk=pk))
    form = VerificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            services.organization_set_verification(
                organization=organization, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("The verification decision was saved."))
    return redirect("accounts:organization_detail", pk=organization.pk)


NOTIFICATIONS_PAGE_SIZE = 20


@login_required
def notifications(request):
    page = Paginator(selectors.notification_list(user=request.user), NOTIFICATIONS_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.text = selectors.notification_text(notification)
    return render(
        request,
        "accounts/notifications.html",
        {"page": page, "unread_count": selectors.notification_unread_count(user=request.user)},
    )


@login_required
@require_POST
def notifications_mark_read(request):
    services.notification_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked read."))
    return redirect("accounts:notifications")


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and follow its link, in the reader's language."""
    notification = _or_404(selectors.notification_get(user=request.user, pk=pk))
    services.notification_mark_read(user=request.user, ids=[notification.pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("accounts:notifications")
    # Stored URLs are paths in the default language: resolve them in it, rebuild in ours.
    language = get_language()
    with translation.override(settings.LANGUAGE_CODE):
        return redirect(translate_url(url, language))
