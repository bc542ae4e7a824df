"""Reactions to Wagtail's page signals: published places become the live capacity."""

from django.dispatch import receiver
from wagtail.signals import page_published

from events.models import EventPage
from events.services.registrations import event_places_sync


@receiver(page_published)
def sync_places_on_publish(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        event_places_sync(event=instance)
