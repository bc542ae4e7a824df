from django.utils.functional import SimpleLazyObject

from accounts.selectors import (
    active_organization_get,
    membership_list_for_user,
    notification_unread_count,
    user_is_bureau_staff,
)


def organizations(request):
    """The signed-in user's organizations for the header's organization switcher, and how many
    notifications they have not read.

    Lazy, so that pages that never show the switcher run no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = SimpleLazyObject(lambda: list(membership_list_for_user(user=user)))
    return {
        "my_memberships": memberships,
        "active_organization": SimpleLazyObject(
            lambda: active_organization_get(user=user, memberships=memberships)
        ),
        "is_bureau_staff": SimpleLazyObject(lambda: user_is_bureau_staff(user)),
        # One indexed count, for the badge on the header's account menu.
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user)),
    }
