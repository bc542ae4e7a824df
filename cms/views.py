"""The signed-in home (/me/): what an organization has going on across the apps."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.selectors import active_organization_get, membership_list_for_user
from chat.selectors import conversation_unread_list
from events.selectors import registration_upcoming_list, training_recommended_list
from matchmaking.selectors.matching import suggestion_top_list

UPCOMING_REGISTRATIONS_SHOWN = 10
RECOMMENDED_TRAININGS_SHOWN = 4
SUGGESTIONS_SHOWN = 3
UNREAD_CONVERSATIONS_SHOWN = 3


@login_required
def dashboard(request):
    memberships = list(membership_list_for_user(user=request.user))
    active = active_organization_get(user=request.user, memberships=memberships)
    return render(
        request,
        "cms/dashboard.html",
        {
            "memberships": memberships,
            "active": active,
            "upcoming_registrations": list(
                registration_upcoming_list(organization=active, limit=UPCOMING_REGISTRATIONS_SHOWN)
            ),
            "recommended_trainings": training_recommended_list(
                organization=active, limit=RECOMMENDED_TRAININGS_SHOWN
            ),
            "suggestions": suggestion_top_list(organization=active, limit=SUGGESTIONS_SHOWN),
            "unread_conversations_list": conversation_unread_list(
                user=request.user, limit=UNREAD_CONVERSATIONS_SHOWN
            ),
        },
    )
