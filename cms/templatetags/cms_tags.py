"""Template tags for the site chrome in templates/base.html: language, navigation, breadcrumbs."""

import re

from django import template
from django.conf import settings
from django.utils.translation import get_language, get_language_from_path
from wagtail.models import Page

from cms import selectors
from events.selectors.listing import event_language_urls

register = template.Library()

_LANGUAGE_PREFIX = re.compile(r"^/([\w@-]+)(/|$)")


@register.filter
def html_lang(language_code: str | None) -> str:
    """A Django language code as a BCP 47 tag for `<html lang>`: "zh-hans" → "zh-Hans"."""
    if not language_code:
        return settings.LANGUAGE_CODE
    parts = language_code.replace("_", "-").split("-")
    tag = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4:
            tag.append(part.title())
        elif len(part) == 2:
            tag.append(part.upper())
        else:
            tag.append(part.lower())
    return "-".join(tag)


def _without_language_prefix(url: str) -> str:
    """ "/en/about/?q=1" → "/about/?q=1"; URLs without a language prefix are returned as they are.

    Django's set_language view runs translate_url() on `next` with the default language active
    (LocaleMiddleware activates it on unprefixed paths such as /i18n/setlang/). There, Wagtail's
    catch-all pattern reads "/en/about/" as a page path "en/about/" and reverses it in English
    to "/en/en/about/". Handing it the unprefixed path lets it add the right prefix itself.
    """
    match = _LANGUAGE_PREFIX.match(url)
    if match is None or get_language_from_path(url) is None:
        return url
    return url[match.end(1) :] or "/"


def _translation_urls(page: Page, request) -> dict[str, str]:
    """Per language code, where the switcher leads from `page`.

    The page's own live translation, with the query string kept (`?page=2` on a news index);
    failing that, the nearest ancestor with a live translation in that language, up to that
    language's home page. A language with neither is left out. The number of queries does not
    grow with the depth of the page.

    An event page has no translations, but each translation of its event index serves it
    (events.models.EventIndexPage.route): in those languages the switcher leads to the same
    event.
    """
    lineage = [*page.get_ancestors().filter(depth__gt=1), page]
    depth_by_key = {ancestor.translation_key: ancestor.depth for ancestor in lineage}
    candidates = list(
        Page.objects.live().filter(translation_key__in=depth_by_key).select_related("locale")
    )
    candidates.sort(key=lambda candidate: depth_by_key[candidate.translation_key], reverse=True)
    query = request.META.get("QUERY_STRING", "")
    urls: dict[str, str] = {}
    for candidate in candidates:
        code = candidate.locale.language_code
        url = None if code in urls else candidate.get_url(request)
        if not url:
            continue
        if candidate.translation_key == page.translation_key and query:
            url += "?" + query
        urls[code] = url
    urls.update(event_language_urls(page=page, request=request))
    return urls


@register.simple_tag(takes_context=True)
def language_options(context) -> list[dict]:
    """One entry per language for the switcher: code, name, whether current, and `next`.

    On a Wagtail page `next` leads to the page's live translation in that language, or to the
    nearest ancestor that has one (see _translation_urls); anywhere else, or on a site with no
    page in that language at all, to the current address, which set_language translates.
    """
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    targets: dict[str, str] = {}
    if isinstance(page, Page) and page.id:
        targets = _translation_urls(page, request)
    current_path = request.get_full_path()
    current_language = get_language()
    return [
        {
            "code": code,
            "name": name,
            "current": code == current_language,
            "next": _without_language_prefix(targets.get(code, current_path)),
        }
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def site_navigation(context) -> dict:
    """The home page in the active language and the live menu pages under it.

    Kept on the request, per language, because the header and the footer both ask for it.
    """
    request = context.get("request")
    if request is None:
        return {"home": None, "items": []}
    cache = request.__dict__.setdefault("_cms_navigation", {})
    language = get_language()
    if language not in cache:
        home = selectors.home_page_get(request=request)
        items = list(selectors.menu_page_list(home=home)) if home is not None else []
        cache[language] = {"home": home, "items": items}
    return cache[language]


@register.simple_tag(takes_context=True)
def page_url(context, page: Page) -> str:
    """The page's URL relative to the current site (absolute for pages on other sites)."""
    return page.get_url(context.get("request")) or ""


@register.simple_tag
def breadcrumb_ancestors(page: Page) -> list[Page]:
    """The ancestors of a page from its home page down, without the tree's root."""
    return list(page.get_ancestors().filter(depth__gt=1))


@register.filter
def is_active_section(page: Page, current: object) -> bool:
    """True when `current` is `page` or lies below it (for aria-current in the menu)."""
    if not isinstance(current, Page) or not page.path:
        return False
    return current.path.startswith(page.path)


@register.simple_tag
def elided_page_range(page) -> list:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
