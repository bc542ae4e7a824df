"""Rich text that users type: what survives, and how it is cleaned (nh3, the ammonia bindings).

Profiles and posts keep formatted descriptions. Everything a browser could run goes: script
and style elements, event-handler attributes, `javascript:` and `data:` links. Links that remain
get rel="noopener nofollow noreferrer" so that a listing never passes authority or the opener.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li",
    "h3", "h4", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_rich_text(html: str) -> str:
    """Clean user HTML for storage and display; plain text comes back escaped as needed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener nofollow noreferrer",
        strip_comments=True,
    ).strip()
