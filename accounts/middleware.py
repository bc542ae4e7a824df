from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import user_is_bureau_staff


class BureauStaffTwoFactorMiddleware:
    """Bureau staff must set up TOTP before they can do anything else.

    Their accounts verify organizations and publish pages, so a stolen password must not be
    enough. Until an authenticator is activated, every page except the two-factor setup pages,
    logout, language switching and static files redirects to the TOTP activation page.
    """

    ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_setup(request):
            messages.warning(
                request,
                _("Bureau staff accounts need two-factor authentication. Please set it up now."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _needs_setup(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith(self.ALLOWED_PREFIXES):
            return False
        allowed_paths = {
            reverse("account_logout"),
            reverse("mfa_activate_totp"),
            reverse("mfa_index"),
            reverse("mfa_view_recovery_codes"),
            reverse("mfa_generate_recovery_codes"),
            reverse("account_reauthenticate"),
        }
        if path in allowed_paths:
            return False
        if not user_is_bureau_staff(user):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
