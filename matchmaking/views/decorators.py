"""What matchmaking's pages require of the person asking."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.selectors import active_organization_get


def acting_organization_required(view):
    """Signed in and acting for an organization; the view receives it as `organization`."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        organization = active_organization_get(user=request.user)
        if organization is None:
            messages.info(request, _("Register your organization, or join one, to post."))
            return redirect("dashboard")
        return view(request, *args, organization=organization, **kwargs)

    return wrapper
