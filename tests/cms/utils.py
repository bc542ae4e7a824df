"""Helpers for building page trees in tests."""

from wagtail.models import Locale, Page


def publish(page: Page) -> Page:
    """Publish through a revision, as the admin does; return the page fresh from the database."""
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def translate(page: Page, locale: Locale, **fields) -> Page:
    """A live translation of `page` into `locale`, with `fields` set on it."""
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    return publish(translation)
