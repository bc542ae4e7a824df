"""Real TOTP for tests: activate an authenticator and sign in with a code computed from it."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import PASSWORD


def activate_totp(user) -> str:
    """Give the user a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def sign_in_with_totp(client, user, secret: str) -> None:
    """Password, then the authenticator code: the sign-in a privileged account must use."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate"), response.get("Location")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content[:500]


def sign_in_superuser(client, email: str = "root@example.com"):
    """A superuser with a verified address and TOTP, signed in the way production requires."""
    user = User.objects.create_superuser(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    sign_in_with_totp(client, user, activate_totp(user))
    return user
