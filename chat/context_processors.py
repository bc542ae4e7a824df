from django.utils.functional import SimpleLazyObject

from chat.selectors import conversation_unread_total


def unread_conversations(request):
    """How many conversations have unread messages, for the header's badge (lazy: pages that
    do not show it run no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_conversations": SimpleLazyObject(lambda: conversation_unread_total(user=user))}
