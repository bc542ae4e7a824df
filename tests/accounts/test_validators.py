import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import (
    credit_code_check_character,
    normalize_credit_code,
    validate_credit_code,
)

# Well-formed codes: the example usually quoted with GB 32100-2015, two enterprise codes and a
# public institution's (registration authority 1, category 2).
REAL_CODES = [
    "91350100M000100Y43",
    "91110000100010433L",
    "91110108551385082Q",
    "12100000400000624D",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    validate_credit_code(code)


def test_check_character_rules_out_a_single_typo():
    code = REAL_CODES[0]
    for position in range(17):
        for replacement in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if replacement == code[position]:
                continue
            typo = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(typo)


@pytest.mark.parametrize("wrong_last", ["0", "A", "Y"])
def test_wrong_check_character_is_rejected_with_a_message_that_says_so(wrong_last):
    code = REAL_CODES[1][:17] + wrong_last
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_check"
    assert "校验码" in error.value.messages[0]  # Chinese first
    with translation.override("en"):
        assert "check character" in error.value.messages[0]


@pytest.mark.parametrize("code", ["", "9111010855138508", "91110108551385082QQ", "9" * 30])
def test_wrong_length_is_rejected(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_length"
    assert f"当前输入为 {len(code)} 位" in error.value.messages[0]
    with translation.override("en"):
        assert "18 characters" in error.value.messages[0]


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "*"])
def test_letters_outside_the_alphabet_are_rejected(letter):
    code = "9111010855138508" + letter + "Q"
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_characters"
    assert letter in error.value.messages[0]


def test_lowercase_and_full_width_input_normalizes_to_the_valid_code():
    assert normalize_credit_code("91110108551385082q") == "91110108551385082Q"
    full_width = "９１１１０１０８５５１３８５０８２Ｑ"
    assert normalize_credit_code(full_width) == "91110108551385082Q"
    assert normalize_credit_code(" 9111 0108 5513 8508 2Q ") == "91110108551385082Q"
    validate_credit_code(normalize_credit_code(full_width))


def test_check_character_zero_when_the_sum_is_a_multiple_of_31():
    # A body whose weighted sum is 0 mod 31 has check character "0", not "31".
    assert credit_code_check_character("0" * 17) == "0"
