from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

_external_url = URLValidator(schemes=["http", "https"])


def validate_link_target(value: str) -> None:
    """Accept a path on this site ("/accounts/signup/") or a full http(s) address.

    A protocol-relative "//host" would leave the site while looking like a path, so it is refused.
    """
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        return
    try:
        _external_url(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a path on this site, starting with /, or a full https:// address."),
            code="invalid_link",
        ) from None
