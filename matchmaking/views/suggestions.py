"""Suggested partners: the ranked list with both-sided reasons, and saving or dismissing one."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrganizationKind
from matchmaking.forms.suggestions import DismissForm, SuggestionFilterForm
from matchmaking.matching import partner_kinds
from matchmaking.reasons import Names, reasons_by_side
from matchmaking.selectors.matching import (
    MATCHED_KINDS,
    feedback_get,
    suggestion_list,
    suggestion_partner_get,
)
from matchmaking.services.suggestions import (
    SuggestionError,
    suggestion_dismiss,
    suggestion_save,
    suggestion_unsave,
)
from matchmaking.views.decorators import acting_organization_required

PAGE_SIZE = 10


@acting_organization_required
def suggestions(request, organization):
    if organization.kind not in MATCHED_KINDS:
        return render(request, "matchmaking/suggestions.html", {"organization": organization})
    form = SuggestionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    kinds = sorted(partner_kinds(organization.kind))
    kind = filters.get("kind") if filters.get("kind") in kinds else ""
    page = Paginator(
        suggestion_list(
            organization=organization, kind=kind, saved_only=bool(filters.get("saved"))
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    names = Names.load(suggestion.reasons for suggestion in page)
    reader_is_exporter = organization.kind == OrganizationKind.EXPORTER
    feedback = feedback_get(
        organization=organization, partner_ids=[suggestion.partner_id for suggestion in page]
    )
    cards = [
        {
            "suggestion": suggestion,
            "partner": suggestion.partner,
            "reasons": reasons_by_side(
                suggestion.reasons, names, reader_is_exporter=reader_is_exporter
            ),
            "saved": feedback.get(suggestion.partner_id) == "saved",
        }
        for suggestion in page
    ]
    return render(
        request,
        "matchmaking/suggestions.html",
        {
            "organization": organization,
            "form": form,
            "kinds": kinds,
            "page": page,
            "cards": cards,
            "dismiss_form": DismissForm(),
            "filtered": bool(kind or filters.get("saved")),
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("matchmaking:suggestions")


@require_POST
@acting_organization_required
def suggestion_feedback(request, partner_id: int, action: str, organization):
    partner = suggestion_partner_get(organization=organization, partner_id=partner_id)
    if partner is None:
        raise Http404
    if action == "save":
        suggestion_save(organization=organization, partner=partner, by=request.user)
        messages.success(request, _("%(name)s is saved.") % {"name": partner.name})
    elif action == "unsave":
        suggestion_unsave(organization=organization, partner=partner, by=request.user)
        messages.success(request, _("%(name)s is no longer saved.") % {"name": partner.name})
    elif action == "dismiss":
        form = DismissForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return _back(request)
        try:
            suggestion_dismiss(
                organization=organization,
                partner=partner,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except SuggestionError as error:
            messages.error(request, error.message)
            return _back(request)
        messages.success(
            request,
            _("%(name)s will not be suggested again. Thank you: this improves your suggestions.")
            % {"name": partner.name},
        )
    else:
        return redirect("matchmaking:suggestions")
    return _back(request)
