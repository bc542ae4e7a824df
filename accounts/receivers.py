from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from accounts.middleware import TWO_FACTOR_PROVEN_SESSION_KEY


@receiver(authenticator_added)
def remember_proven_authenticator(sender, request, user, **kwargs):
    """Activating TOTP means typing a code from it: the session has passed the second factor."""
    if request is not None and hasattr(request, "session"):
        request.session[TWO_FACTOR_PROVEN_SESSION_KEY] = user.pk
