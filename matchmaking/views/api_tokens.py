"""API tokens of the acting organization: the list, creating one (its secret shown once) and
revoking one. Any member sees the list; owners and administrators create and revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from matchmaking.forms.api_tokens import ApiTokenForm
from matchmaking.selectors.api_tokens import api_token_list, api_token_manage_refusal
from matchmaking.services.api_tokens import api_token_create, api_token_revoke
from matchmaking.views.decorators import acting_organization_required


# The page may carry a secret right after a token is created: never keep it in a cache.
@never_cache
@acting_organization_required
def token_list(request, organization):
    refusal = api_token_manage_refusal(user=request.user, organization=organization)
    form = ApiTokenForm(request.POST or None)
    created = secret = None
    status = 200
    if request.method == "POST":
        if refusal:  # before validating: a member learns nothing from the form's errors
            raise PermissionDenied(refusal)
        if form.is_valid():
            try:
                created, secret = api_token_create(
                    organization=organization, by=request.user, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                form.add_error("name" if hasattr(error, "error_dict") else None, error)
            else:
                # Rendered, not redirected: the secret exists only in this response.
                form = ApiTokenForm()
        if form.errors:
            status = 400
    return render(
        request,
        "matchmaking/api_tokens.html",
        {
            "organization": organization,
            "tokens": api_token_list(organization=organization),
            "form": form,
            "can_manage": refusal is None,
            "created": created,
            "secret": secret,
            "docs_url": reverse("api-v1:openapi-view"),
        },
        status=status,
    )


@require_POST
@acting_organization_required
def token_revoke(request, pk: int, organization):
    token = api_token_list(organization=organization).filter(pk=pk).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("matchmaking:api_tokens")
