"""The events app in the Wagtail admin: the registration review (menu item, URLs, a button on
event pages) and the refusal to delete events that have registrations."""

from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import Button
from wagtail.models import Page

from accounts.selectors import user_is_bureau_staff
from events import admin_urls
from events.models import EventPage
from events.selectors import review


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("events/", include((admin_urls, "events_admin"), namespace="events_admin"))]


class BureauStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_bureau_staff(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return BureauStaffMenuItem(
        gettext_lazy("Registrations"),
        reverse("events_admin:event_list"),
        name="event-registrations",
        icon_name="clipboard-list",
        order=250,
    )


def _registrations_button(page, user, priority: int) -> list[Button]:
    if not issubclass(page.specific_class or object, EventPage) or not user_is_bureau_staff(user):
        return []
    return [
        Button(
            _("Registrations"),
            reverse("events_admin:registration_list", kwargs={"event_id": page.pk}),
            icon_name="clipboard-list",
            priority=priority,
        )
    ]


@hooks.register("register_page_listing_more_buttons")
def page_listing_registrations_button(page, user, next_url=None):
    return _registrations_button(page, user, priority=45)


@hooks.register("register_page_header_buttons")
def page_header_registrations_button(page, user, view_name=None, next_url=None):
    return _registrations_button(page, user, priority=55)


def _refusal(request, pages, fallback_url: str):
    """Registrations protect their event (a PROTECT foreign key): say so instead of letting
    the deletion fail with a server error."""
    if not review.pages_hold_registrations(pages=pages):
        return None
    messages.error(
        request,
        _(
            "Events with registrations cannot be deleted: the registrations are the record of "
            "who applied and who came. Unpublish the event instead."
        ),
    )
    return redirect(get_valid_next_url_from_request(request) or fallback_url)


@hooks.register("before_delete_page")
def refuse_deleting_events_with_registrations(request, page):
    return _refusal(request, [page], reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_events_with_registrations(request, action_type, objects, action):
    if action_type != "delete" or not all(isinstance(item, Page) for item in objects):
        return None
    return _refusal(request, objects, reverse("wagtailadmin_explore_root"))
