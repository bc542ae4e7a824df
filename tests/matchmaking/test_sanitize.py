import pytest

from matchmaking.sanitize import sanitize_rich_text

# Payloads from the usual XSS cheat sheets: none may leave anything a browser would run.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<p onclick="alert(1)">text</p>',
    '<iframe src="https://evil.example.com"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
]
DANGEROUS = ("<script", "onerror", "onload", "onclick", "javascript:", "data:", "<iframe",
             "<style", "<object", "<form", "<svg", "<img")  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives(payload):
    cleaned = sanitize_rich_text(payload).lower()
    for marker in DANGEROUS:
        assert marker not in cleaned, (payload, cleaned)


def test_formatting_and_safe_links_survive():
    html = (
        "<p><strong>海外仓</strong> in <em>Germany</em></p><ul><li>FBA</li></ul>"
        '<a href="https://www.example.cn/">site</a>'
    )
    cleaned = sanitize_rich_text(html)
    assert "<strong>海外仓</strong>" in cleaned
    assert "<ul><li>FBA</li></ul>" in cleaned
    assert 'href="https://www.example.cn/"' in cleaned
    assert 'rel="noopener nofollow noreferrer"' in cleaned


def test_plain_text_is_kept_and_escaped():
    assert sanitize_rich_text("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"
    assert sanitize_rich_text("") == ""
