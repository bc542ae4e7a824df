"""Validators for organization data: the unified social credit code and uploaded images."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# GB 32100-2015: the 31 characters a unified social credit code may use (no I, O, S, V, Z),
# and the weight of each of the first 17 positions in the check-character sum.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def normalize_credit_code(value: str) -> str:
    """Uppercase, half-width, without spaces: how people type codes copied from a licence."""
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").replace("-", "").upper()


def credit_code_check_character(first_17: str) -> str:
    """The check character (position 18) for the first 17 characters of a code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Reject anything that is not a well-formed unified social credit code.

    Expects the normalized form (see normalize_credit_code); forms normalize before validating.
    """
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(value)},
        )
    invalid = sorted({char for char in value if char not in CREDIT_CODE_ALPHABET})
    if invalid:
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and the letters "
                "A-H, J-N, P-R, T, U, W-Y; found: %(chars)s."
            ),
            code="credit_code_characters",
            params={"chars": " ".join(invalid)},
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _(
                "The check character (the last one) does not match the rest of the code: "
                "please check the code for a typing mistake."
            ),
            code="credit_code_check",
        )


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
# Pillow's format name → the extension an uploaded image is stored under.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif"}


@deconstructible
class ImageFileValidator:
    """Accept only a real PNG, JPEG, WebP or GIF image within the size and pixel limits.

    The pixel limit is checked from the header before any decoding, so a decompression bomb
    (a small file that expands to gigabytes) is refused without being decoded. An image already
    stored was checked when it was uploaded and is not opened again. Used for logos here and
    for product photos in matchmaking.
    """

    def __init__(self, *, max_bytes: int, max_side: int):
        self.max_bytes = max_bytes
        self.max_side = max_side

    def __eq__(self, other) -> bool:
        return isinstance(other, ImageFileValidator) and (self.max_bytes, self.max_side) == (
            other.max_bytes,
            other.max_side,
        )

    def __call__(self, file) -> None:
        if getattr(file, "_committed", False):
            return
        if file.size > self.max_bytes:
            raise ValidationError(
                _("The image file is too large (%(size)s KB); the limit is %(limit)s KB."),
                code="image_too_large",
                params={"size": file.size // 1024, "limit": self.max_bytes // 1024},
            )
        position = file.tell() if hasattr(file, "tell") else None
        try:
            file.seek(0)
            with Image.open(file) as image:
                width, height = image.size
                image_format = image.format
                if width > self.max_side or height > self.max_side:
                    raise ValidationError(
                        _(
                            "The image is %(width)d×%(height)d pixels; "
                            "each side may be at most %(limit)d pixels."
                        ),
                        code="image_too_many_pixels",
                        params={"width": width, "height": height, "limit": self.max_side},
                    )
                image.verify()
        except ValidationError:
            raise
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            raise ValidationError(
                _("The image must be a PNG, JPEG, WebP or GIF file."), code="image_not_image"
            ) from None
        finally:
            if position is not None:
                file.seek(position)
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(
                _("The image must be a PNG, JPEG, WebP or GIF file."), code="image_not_image"
            )


validate_logo = ImageFileValidator(max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE)
