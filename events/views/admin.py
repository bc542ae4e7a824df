"""The bureau's review of registrations inside the Wagtail admin: events with their counts, an
event's registrations (filters, bulk approve and decline, waitlist promotion, .xlsx export) and
the check-in page that tickets' QR codes open at the door.

Wagtail lets anyone with admin access reach these URLs (events.wagtail_hooks registers them);
each view also requires bureau staff, because deciding registrations and admitting people is
theirs alone, whatever other admin permissions an account holds.
"""

import functools
from urllib.parse import urlencode

from django.contrib import messages as django_messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from wagtail.admin import messages

from accounts.selectors import user_is_bureau_staff
from events.exports import registrations_filename, registrations_xlsx
from events.forms_review import (
    RegistrationDecisionForm,
    RegistrationFilterForm,
    TicketCodeForm,
    WaitlistPromoteForm,
)
from events.models import EventPage, Registration, RegistrationState
from events.selectors import review
from events.services.registrations import (
    RegistrationError,
    registration_bulk_decide,
    registration_check_in,
    registration_promote,
)
from matchmaking.spreadsheets import XLSX_CONTENT_TYPE

EVENTS_PER_PAGE = 30
REGISTRATIONS_PER_PAGE = 50


def bureau_staff_required(view):
    """403 for anyone but bureau staff (Wagtail has already sent anonymous visitors to sign in,
    and turned away accounts without admin access)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not user_is_bureau_staff(request.user):
            return permission_denied(request, PermissionDenied())
        return view(request, *args, **kwargs)

    return wrapped


def _event(event_id: int) -> EventPage:
    event = review.event_review_get(event_id=event_id)
    if event is None:
        raise Http404
    return event


def _list_url(event: EventPage, query_string: str = "") -> str:
    url = reverse("events_admin:registration_list", kwargs={"event_id": event.pk})
    return f"{url}?{query_string}" if query_string else url


@bureau_staff_required
def event_list(request):
    page = Paginator(review.event_review_list(), EVENTS_PER_PAGE).get_page(request.GET.get("p"))
    for event in page:
        event.state_counts = [
            (label, getattr(event, review.state_count_field(state)))
            for state, label in RegistrationState.choices
        ]
    return render(
        request,
        "events/admin/event_list.html",
        {"events": page, "states": RegistrationState.choices},
    )


@bureau_staff_required
def registration_list(request, event_id: int):
    """GET lists the filtered registrations; POST approves or declines the ticked ones and
    comes back to the same filtered list."""
    event = _event(event_id)
    filters = RegistrationFilterForm(request.GET)
    decision = RegistrationDecisionForm(request.POST or None, event=event)
    if request.method == "POST" and decision.is_valid():
        changed, refused = registration_bulk_decide(
            registrations=decision.cleaned_data["registrations"],
            by=request.user,
            approve=decision.approve,
            reason=decision.cleaned_data["reason"],
        )
        _report_decisions(request, changed, refused, approved=decision.approve)
        return redirect(_list_url(event, request.GET.urlencode()))

    registrations = review.registration_review_list(event=event, **filters.filters())
    page = Paginator(registrations, REGISTRATIONS_PER_PAGE).get_page(request.GET.get("p"))
    positions = review.waitlist_positions(event=event)
    for registration in page:
        registration.waitlist_position = positions.get(registration.pk)
    return render(
        request,
        "events/admin/registration_list.html",
        {
            "event": event,
            "filters": filters,
            "decision": decision,
            "selected": set(request.POST.getlist("registrations")),
            "registrations": page,
            "places": review.places_summary(event=event),
            "export_query": request.GET.urlencode(),
        },
    )


def _report_decisions(
    request,
    changed: list[Registration],
    refused: list[tuple[Registration, str]],
    *,
    approved: bool,
) -> None:
    if approved and changed:
        waitlisted = sum(1 for row in changed if row.state == RegistrationState.WAITLISTED)
        messages.success(
            request,
            ngettext(
                "Approved %(count)d registration: %(confirmed)d confirmed, "
                "%(waitlisted)d waitlisted (no place free).",
                "Approved %(count)d registrations: %(confirmed)d confirmed, "
                "%(waitlisted)d waitlisted (no place free).",
                len(changed),
            )
            % {
                "count": len(changed),
                "confirmed": len(changed) - waitlisted,
                "waitlisted": waitlisted,
            },
        )
    elif changed:
        messages.success(
            request,
            ngettext(
                "Declined %(count)d registration.",
                "Declined %(count)d registrations.",
                len(changed),
            )
            % {"count": len(changed)},
        )
    if refused:
        detail = format_html(
            '<ul class="errorlist">{}</ul>',
            format_html_join(
                "", "<li>{}: {}</li>", ((row.organization.name, why) for row, why in refused)
            ),
        )
        summary = ngettext(
            "%(count)d registration was left as it was:",
            "%(count)d registrations were left as they were:",
            len(refused),
        ) % {"count": len(refused)}
        django_messages.warning(request, messages.render(summary, None, detail=detail))


@bureau_staff_required
@require_POST
def waitlist_promote(request, event_id: int):
    """Give free places of one kind to the waitlist, first come first served."""
    event = _event(event_id)
    form = WaitlistPromoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an organization kind."))
        return redirect(_list_url(event))
    promoted = registration_promote(event=event, kind=form.cleaned_data["kind"], by=request.user)
    if promoted:
        messages.success(
            request,
            ngettext(
                "%(count)d registration moved from the waitlist to confirmed.",
                "%(count)d registrations moved from the waitlist to confirmed.",
                len(promoted),
            )
            % {"count": len(promoted)},
        )
    else:
        messages.warning(request, _("No place is free for the waitlist of this kind."))
    return redirect(_list_url(event))


@bureau_staff_required
def registration_export(request, event_id: int):
    """The filtered list (all its pages) as .xlsx."""
    event = _event(event_id)
    filters = RegistrationFilterForm(request.GET)
    data = registrations_xlsx(
        registrations=review.registration_review_list(event=event, **filters.filters()),
        waitlist_positions=review.waitlist_positions(event=event),
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{registrations_filename(event)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@bureau_staff_required
def check_in(request, event_id: int):
    """GET ?code= shows the ticket's registration (what a ticket's QR code opens); POST admits
    its holder and comes back here, so reloading the page does not submit twice."""
    event = _event(event_id)
    if request.method == "POST":
        form = TicketCodeForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                registration = registration_check_in(event=event, ticket_code=code, by=request.user)
            except RegistrationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(organization)s checked in at %(time)s.")
                    % {
                        "organization": registration.organization.name,
                        "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
                    },
                )
            url = reverse("events_admin:check_in", kwargs={"event_id": event.pk})
            return redirect(f"{url}?{urlencode({'code': code})}")
    else:
        form = TicketCodeForm(request.GET if "code" in request.GET else None)

    registration = None
    if form.is_bound and form.is_valid():
        registration = review.registration_for_ticket(code=form.cleaned_data["code"])
    return render(
        request,
        "events/admin/check_in.html",
        {
            "event": event,
            # Once a ticket is found, the box is left empty for the next one.
            "code_form": form if registration is None else TicketCodeForm(),
            "code_unknown": form.is_bound and form.is_valid() and registration is None,
            "registration": registration,
            "counts": review.check_in_counts(event=event),
        },
    )
