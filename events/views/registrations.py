"""Registering an organization for an event, its ticket, and cancelling it."""

import io
import uuid

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from qrcode.image.svg import SvgPathImage

from accounts.selectors import active_organization_get
from events import ics, selectors
from events.forms import AttendeeFormSet, RegistrationForm
from events.models import EventPage, RegistrationState
from events.services.registrations import (
    RegistrationError,
    registration_cancel,
    registration_create,
    registration_refusal,
)


def event_register(request, event: EventPage):
    """GET shows the form, POST registers the acting organization (served by the page's
    `register/` route)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organization = active_organization_get(user=request.user)
    if organization is None:
        messages.info(request, _("Register your organization, or join one, to take part."))
        return redirect("dashboard")
    existing = selectors.registration_active_for(event=event, organization=organization)
    if existing is not None:
        messages.info(request, _("Your organization is already registered for this event."))
        return redirect("events:ticket", pk=existing.pk)
    context = {"page": event, "organization": organization}
    refusal = registration_refusal(event=event, organization=organization)
    if refusal is not None:
        return render(request, "events/register.html", {**context, "refusal": refusal})

    form = RegistrationForm(request.POST or None, request.FILES or None, event=event)
    attendees = AttendeeFormSet(request.POST or None, prefix="attendees")
    if request.method == "POST" and form.is_valid() and attendees.is_valid():
        try:
            registration = registration_create(
                event=event,
                organization=organization,
                user=request.user,
                attendees=[row for row in attendees.cleaned_data if row],
                answers=form.answers(),
                documents=form.documents(),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except RegistrationError as error:
            if error.registration is not None:
                messages.info(request, error.message)
                return redirect("events:ticket", pk=error.registration.pk)
            form.add_error(None, error.message)
        else:
            if registration.state != RegistrationState.CANCELLED:
                messages.success(request, _state_message(registration.state))
                return redirect("events:ticket", pk=registration.pk)
            # The form was sent once already, for a registration cancelled since (the back
            # button after cancelling). The service rightly answers with that registration; the
            # member meant to register again, so offer the same answers under a new key.
            form = RegistrationForm(_with_new_key(request.POST), request.FILES, event=event)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "This form was sent before, for a registration cancelled since. Check the "
                    "answers (and choose any documents again), then submit to register anew."
                ),
            )
    return render(
        request,
        "events/register.html",
        {
            **context,
            "form": form,
            "attendees": attendees,
            "places_left": selectors.places_left(event=event),
        },
    )


def _with_new_key(data):
    data = data.copy()
    data["idempotency_key"] = str(uuid.uuid4())
    return data


def _state_message(state: str) -> str:
    return {
        RegistrationState.CONFIRMED: _("You are registered. Your ticket is below."),
        RegistrationState.WAITLISTED: _(
            "All places are taken: you are on the waitlist and will hear from us if one frees up."
        ),
        RegistrationState.PENDING: _("Application received. The bureau will review it."),
    }.get(state, _("Registration saved."))


def _registration_for(request, pk: int):
    registration = selectors.registration_get(pk=pk)
    if registration is None or not selectors.registration_can_view(
        user=request.user, registration=registration
    ):
        raise Http404
    return registration


@login_required
def ticket(request, pk: int):
    registration = _registration_for(request, pk)
    event = registration.event.specific
    return render(
        request,
        "events/ticket.html",
        {
            "registration": registration,
            "event": event,
            "waitlist_position": selectors.waitlist_position(registration=registration),
            "can_cancel": registration.state
            in (
                RegistrationState.PENDING,
                RegistrationState.CONFIRMED,
                RegistrationState.WAITLISTED,
            ),
        },
    )


@login_required
def ticket_qr(request, pk: int):
    """The ticket's QR code (SVG): the staff check-in address of this ticket."""
    registration = _registration_for(request, pk)
    if not registration.holds_place:
        raise Http404
    url = ics.absolute_url(selectors.ticket_check_in_path(registration=registration))
    image = qrcode.make(url, image_factory=SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def cancel(request, pk: int):
    registration = _registration_for(request, pk)
    try:
        registration_cancel(registration=registration, by=request.user)
    except (RegistrationError, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("events:ticket", pk=registration.pk)


@login_required
def my_registrations(request):
    organization = active_organization_get(user=request.user)
    registrations = (
        selectors.registration_list_for_organization(organization=organization)
        if organization
        else []
    )
    return render(
        request,
        "events/my_registrations.html",
        {"organization": organization, "registrations": registrations},
    )


@login_required
def document_download(request, pk: int, document_pk: int):
    registration = _registration_for(request, pk)
    document = get_object_or_404(registration.documents, pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{registration.pk}-{document.pk}.{document.file_type}",
    )


def event_ics(request, event: EventPage):
    """One event as an .ics file (served by the page's `event.ics` route)."""
    response = HttpResponse(
        ics.calendar_bytes([event]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{ics.event_filename(event)}"'
    return response
