"""Reads of the events app. Modules: registrations (who may see which registration, places
left, the ticket), listing (the event index, calendar and feed), recommendations (trainings
for an organization's markets)."""

from events.selectors.registrations import (
    event_page_context,
    places_left,
    registration_active_for,
    registration_can_view,
    registration_get,
    registration_list_for_organization,
    ticket_check_in_path,
    waitlist_position,
)

__all__ = [
    "event_page_context",
    "places_left",
    "registration_active_for",
    "registration_can_view",
    "registration_get",
    "registration_list_for_organization",
    "ticket_check_in_path",
    "waitlist_position",
]
