import pytest
from django.core.exceptions import ValidationError

from cms.templatetags.cms_tags import _without_language_prefix, html_lang
from cms.validators import validate_link_target


@pytest.mark.parametrize(
    ("code", "tag"),
    [("zh-hans", "zh-Hans"), ("en", "en"), ("en-us", "en-US"), ("zh_Hant", "zh-Hant")],
)
def test_html_lang(code, tag):
    assert html_lang(code) == tag


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/", "/"),
        ("/en", "/"),
        ("/en/about/?page=2", "/about/?page=2"),
        ("/about/", "/about/"),
        ("/", "/"),
        ("/english-news/", "/english-news/"),
        ("/accounts/login/", "/accounts/login/"),
    ],
)
def test_without_language_prefix(url, expected):
    assert _without_language_prefix(url) == expected


@pytest.mark.parametrize("value", ["/accounts/signup/", "https://www.mofcom.gov.cn/", ""])
def test_link_targets_accepted(value):
    validate_link_target(value)


@pytest.mark.parametrize("value", ["//evil.example/", "javascript:alert(1)", "accounts/signup"])
def test_link_targets_refused(value):
    with pytest.raises(ValidationError):
        validate_link_target(value)
