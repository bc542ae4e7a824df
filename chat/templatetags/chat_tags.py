from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from chat.attachments import IMAGE_TYPES

register = template.Library()


@register.simple_tag
def chat_attachment(message) -> str:
    """A message's file as the page shows it: a picture, or a link with the name and size (the
    same markup the page's script builds for messages that arrive later)."""
    url = reverse("chat:attachment", args=[message.pk])
    if message.attachment_type in IMAGE_TYPES:
        return format_html(
            '<a class="chat-image" href="{}" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" loading="lazy"></a>',
            url,
            url,
            message.attachment_name,
        )
    return format_html(
        '<a class="chat-file" href="{}" download>{} <span class="muted">({})</span></a>',
        url,
        message.attachment_name,
        filesizeformat(message.attachment_size or 0),
    )
