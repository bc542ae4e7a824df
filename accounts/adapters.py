from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    """Remembers the language a user signed up in, so that e-mails reach them in it."""

    def save_user(self, request, user, form, commit=True):
        language = translation.get_language() or ""
        if language.startswith("en"):
            user.preferred_language = "en"
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (verification, password reset) in the recipient's language.

        An address that belongs to no user yet (a sign-up in progress) gets the language of the
        page it was typed on.
        """
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request) or reverse("dashboard")
