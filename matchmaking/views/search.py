"""The search page over organizations and posts, and its autocomplete."""

import re

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from matchmaking.documents import ORGANIZATION
from matchmaking.forms.search import SearchForm
from matchmaking.selectors.search import (
    document_url,
    facet_options,
    localized,
    search_autocomplete,
    search_count,
    search_for_viewer,
    search_hit_data,
)
from search.analysis import QUERY_STOP_WORDS, query_tokens
from search.query import RESULT_WINDOW, Hit

PAGE_SIZE = 20
WORD_SEPARATORS = re.compile(r"[\s,，;；、]+")
# Alternatives offered when a search finds nothing: at most this many single words.
BROADER_WORDS = 4


def _pick(hit: Hit, stem: str) -> str:
    """A field of the hit in the page's language (its highlighted form when it has one)."""
    zh, en = f"{stem}_zh", f"{stem}_en"
    for name in (en, zh) if get_language() == "en" else (zh, en):
        if hit.highlights.get(name):
            return mark_safe(hit.highlights[name][0])  # the backend escaped it
        if hit.source.get(name):
            return escape(hit.source[name])
    return ""


def _snippet(hit: Hit, stems: list[str]) -> str:
    """The first highlighted fragment among the text fields, else the first text."""
    for stem in stems:
        for name in (f"{stem}_zh", f"{stem}_en"):
            if hit.highlights.get(name):
                return mark_safe(" … ".join(hit.highlights[name]))  # escaped by the backend
    for stem in stems:
        text = localized(hit.source.get(f"{stem}_zh") or "", hit.source.get(f"{stem}_en") or "")
        if text:
            return escape(text[:200] + ("…" if len(text) > 200 else ""))
    return ""


def result_item(hit: Hit) -> dict:
    """A result as the page shows it: the API's data plus highlighted title and snippet."""
    item = search_hit_data(hit)
    if hit.doc_type == ORGANIZATION:
        item["title_html"] = _pick(hit, "name")
        item["snippet"] = _snippet(hit, ["summary", "products", "description"])
        # For the "Request a meeting" button (meeting_tags.meeting_request_button_for_result).
        item["kind"] = hit.source.get("kind") or ""
    else:
        item["title_html"] = _pick(hit, "title")
        item["snippet"] = _snippet(hit, ["body"])
    return item


def _broader_searches(request, *, text: str, filters: dict) -> list[dict]:
    """Searches that would find something when this one found nothing: the same words without
    the filters, and each word alone."""
    base = reverse("matchmaking:search")
    broader = []
    if filters and text:
        count = search_count(user=request.user, text=text)
        if count:
            url = f"{base}?{urlencode({'q': text})}"
            broader.append({"label": text, "count": count, "url": url})
    words = _typed_words(text)
    if len(words) > 1:
        for word in words[:BROADER_WORDS]:
            count = search_count(user=request.user, text=word, filters=filters)
            if count:
                query = urlencode({"q": word, **filters}, doseq=True)
                broader.append({"label": word, "count": count, "url": f"{base}?{query}"})
    return broader


def _typed_words(text: str) -> list[str]:
    """The words of a query as the user typed them ("Overseas", not the normalised "oversea"):
    a Chinese run is cut into its words, which are pieces of what was typed. Stop words go."""
    words = []
    for chunk in WORD_SEPARATORS.split(text):
        tokens = [token for token in query_tokens(chunk) if token not in QUERY_STOP_WORDS]
        if not tokens:
            continue
        words.extend(tokens if len(tokens) > 1 and not chunk.isascii() else [chunk])
    return list(dict.fromkeys(words))


@require_GET
def search_page(request):
    form = SearchForm(request.GET or None)
    text = form.text()
    filters = form.filters()
    sort = form.sort_value()

    def run(page_number: int):
        return search_for_viewer(
            user=request.user,
            text=text,
            filters=filters,
            sort=sort,
            page=page_number,
            per_page=PAGE_SIZE,
        )

    results = run(_page_number(request.GET.get("page")))
    if not results.hits and results.total:
        # A page past the end (a stale link): show the last one, as the directory does.
        results = run(results.page_count)
    page = Paginator(range(min(results.total, RESULT_WINDOW)), PAGE_SIZE).get_page(
        results.query.page
    )
    return render(
        request,
        "matchmaking/search.html",
        {
            "form": form,
            "text": text,
            "results": results,
            "items": [result_item(hit) for hit in results.hits],
            "facets": facet_options(results, selected=filters),
            "filters": filters,
            "page": page,
            "broader": (
                _broader_searches(request, text=text, filters=filters) if not results.total else []
            ),
        },
    )


@require_GET
def search_autocomplete_view(request):
    """Up to 8 completions of what is typed: {"suggestions": [{"text", "url"}]}."""
    text = request.GET.get("q", "")[:100]
    suggestions = search_autocomplete(user=request.user, text=text) if text.strip() else []
    return JsonResponse(
        {
            "suggestions": [
                {"text": suggestion.text, "url": document_url(suggestion.doc_type, suggestion.id)}
                for suggestion in suggestions
            ]
        }
    )


def _page_number(value) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return 1
