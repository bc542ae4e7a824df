from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Remembers the language a user signed up in, so that e-mails reach them in it."""

    def save_user(self, request, user, form, commit=True):
        language = translation.get_language() or ""
        if language.startswith("en"):
            user.preferred_language = "en"
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request) or reverse("accounts:dashboard")
