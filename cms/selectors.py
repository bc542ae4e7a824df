"""Reads for the site chrome: the home page in the visitor's language and the top menu."""

from django.db.models import QuerySet
from wagtail.models import Locale, Page, Site


def home_page_get(*, request) -> Page | None:
    """The site's home page in the active language, or the default one when not translated."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return site.root_page.localized


def menu_page_list(*, home: Page) -> QuerySet[Page]:
    """Live pages marked "show in menus" directly under `home`, in the active locale only.

    An English visitor on a site without an English home page gets no page links rather than
    Chinese ones.
    """
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return Page.objects.none()
    return home.get_children().live().public().in_menu().filter(locale=locale)
