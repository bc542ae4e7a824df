"""Reads of the events app. Modules: registrations (who may see which registration, places
left, the ticket), listing (the event index, calendar and feed), recommendations (trainings
for an organization's markets), upcoming (an organization's registrations not yet over, and
the reminders due)."""

from events.selectors.recommendations import (
    TrainingRecommendation,
    training_recommended_list,
)
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
from events.selectors.upcoming import registration_reminder_due_list, registration_upcoming_list

__all__ = [
    "TrainingRecommendation",
    "event_page_context",
    "places_left",
    "registration_active_for",
    "registration_can_view",
    "registration_get",
    "registration_list_for_organization",
    "registration_reminder_due_list",
    "registration_upcoming_list",
    "ticket_check_in_path",
    "training_recommended_list",
    "waitlist_position",
]
