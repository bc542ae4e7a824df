import functools

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.selectors import user_requires_two_factor

# Set in the session when the user proves a new authenticator by entering its code (allauth
# records no "mfa" sign-in for that step); see accounts.receivers.
TWO_FACTOR_PROVEN_SESSION_KEY = "accounts_two_factor_proven_by"


def session_passed_two_factor(request) -> bool:
    records = get_authentication_records(request, request.user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return request.session.get(TWO_FACTOR_PROVEN_SESSION_KEY) == request.user.pk


class BureauStaffTwoFactorMiddleware:
    """Privileged accounts (bureau staff, admins) must use TOTP, in every session.

    They verify organizations and publish pages, so a stolen password must not be enough:
    - without an authenticator, every page except the two-factor setup pages, logout, language
      switching and static files redirects to the TOTP activation page;
    - with one, a session that did not pass the second factor (a sign-in path that skipped it,
      or a session opened before the account became privileged) is signed out and sent to the
      sign-in page, which asks for the code.
    """

    ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._is_allowed(request.path_info):
            return self.get_response(request)
        if not user_requires_two_factor(user):
            return self.get_response(request)
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                _(
                    "Bureau staff and administrator accounts need two-factor authentication. "
                    "Please set it up now."
                ),
            )
            return redirect("mfa_activate_totp")
        if not session_passed_two_factor(request):
            logout(request)
            messages.warning(request, _("Please sign in again with your authenticator code."))
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('account_login')}?{query}")
        return self.get_response(request)

    def _is_allowed(self, path: str) -> bool:
        return path.startswith(self.ALLOWED_PREFIXES) or path in _setup_paths(get_language())


@functools.cache
def _setup_paths(language: str) -> frozenset[str]:
    """The sign-in and two-factor setup pages, in one language's URLs (reversed once each)."""
    with translation.override(language):
        return frozenset(
            reverse(name)
            for name in (
                "account_logout",
                "account_login",
                "mfa_activate_totp",
                "mfa_index",
                "mfa_view_recovery_codes",
                "mfa_generate_recovery_codes",
                "account_reauthenticate",
            )
        )
