"""GET /api/v1/search: the shape of its answer, repeatable filters and facets, that it shows what
an anonymous visitor may see and nothing more, and that bad parameters get a 422 with a reason
while odd text never breaks it.

Data is built and indexed with the helpers of test_search_page.py (see its docstring: the
index is rebuilt by hand, as on_commit drains do not run in these tests).
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import OrganizationKind, VerificationState
from matchmaking.models import Profile, Visibility
from taxonomy.models import Country, Region
from tests.factories import MembershipFactory, OrganizationFactory
from tests.matchmaking.test_search_page import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    CONTACT_WECHAT,
    FURNITURE_EN,
    FURNITURE_ZH,
    ODD_TEXTS,
    furniture_by_market,
    furniture_exporter,
    profiled,
    published_post,
    reindex,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"
ANSWER_KEYS = {"count", "page", "relaxed", "degraded", "items", "facets"}
ITEM_KEYS = {"type", "id", "title", "url", "label", "organization", "highlights"}
FACET_KEYS = {"value", "label", "count", "selected"}
FILTER_PARAMETERS = {"type", "kind", "hs_chapter", "hs_heading", "market", "district"}
FILTER_PARAMETERS |= {"certification"}


@pytest.fixture(autouse=True)
def embedded_search(settings):
    """Searches go to the embedded backend, whatever the environment configures."""
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_BACKEND = ""


def api_search(client, status: int = 200, **params) -> dict:
    """The decoded answer; list values become repeated parameters (?kind=a&kind=b)."""
    response = client.get(URL, params)
    assert response.status_code == status, response.content[:1000]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def ids(answer: dict, doc_type: str = "organization") -> set[int]:
    return {item["id"] for item in answer["items"] if item["type"] == doc_type}


def facet_counts(answer: dict, parameter: str) -> dict[str, int]:
    return {option["value"]: option["count"] for option in answer["facets"][parameter]}


def selected(answer: dict, parameter: str) -> set[str]:
    return {option["value"] for option in answer["facets"][parameter] if option["selected"]}


# --- Shape ------------------------------------------------------------------------------------


def test_the_answer_has_the_documented_shape(client):
    furniture = furniture_exporter(summary_zh="实木家具出口欧洲")
    post = published_post(furniture, title_zh="实木家具现货", title_en="Solid wood furniture")
    reindex()

    answer = api_search(client, q="家具")

    assert set(answer) == ANSWER_KEYS
    assert (answer["count"], answer["page"]) == (2, 1)
    assert answer["relaxed"] is False and answer["degraded"] is False
    assert all(set(item) == ITEM_KEYS for item in answer["items"])
    by_type = {item["type"]: item for item in answer["items"]}
    organization = by_type["organization"]
    with translation.override("zh-hans"):
        exporter_label = str(OrganizationKind.EXPORTER.label)
    assert organization == {
        "type": "organization",
        "id": furniture.pk,
        "title": FURNITURE_ZH,
        "url": f"/directory/{furniture.pk}/",
        "label": exporter_label,
        "organization": None,
        "highlights": organization["highlights"],
    }
    assert organization["highlights"]["name_zh"] == ["北京实木<mark>家具</mark>有限公司"]
    assert organization["highlights"]["summary_zh"] == ["实木<mark>家具</mark>出口欧洲"]
    assert by_type["post"]["id"] == post.pk
    assert by_type["post"]["url"] == f"/posts/{post.pk}/"
    assert by_type["post"]["title"] == "实木家具现货"
    assert by_type["post"]["organization"] == FURNITURE_ZH
    assert answer["facets"]
    assert set(answer["facets"]) <= FILTER_PARAMETERS
    for options in answer["facets"].values():
        assert options and all(set(option) == FACET_KEYS for option in options)
        assert all(isinstance(option["count"], int) for option in options)
    assert facet_counts(answer, "type") == {"organization": 1, "post": 1}


def test_english_is_answered_to_who_asks_for_it(client):
    furniture = furniture_exporter()
    published_post(furniture, title_zh="实木家具现货", title_en="Solid wood furniture")
    reindex()

    response = client.get(URL, {"q": "furniture"}, headers={"accept-language": "en"})

    answer = response.json()
    assert {item["title"] for item in answer["items"]} == {FURNITURE_EN, "Solid wood furniture"}
    assert {item["label"] for item in answer["items"] if item["type"] == "organization"} == {
        "Exporter"
    }
    kinds = {option["value"]: option["label"] for option in answer["facets"]["kind"]}
    assert kinds == {"exporter": "Exporter"}


def test_markup_in_a_profile_comes_back_escaped_in_highlights(client):
    profiled(
        name_zh='北京<script>alert("xss")</script>家具有限公司',
        summary_zh="<img src=x onerror=alert(1)>家具",
    )
    reindex()

    answer = api_search(client, q="家具")

    highlights = answer["items"][0]["highlights"]
    fragments = [fragment for values in highlights.values() for fragment in values]
    assert fragments
    assert not any("<script" in fragment or "<img" in fragment for fragment in fragments)
    assert any("&lt;script&gt;" in fragment for fragment in fragments)


def test_results_holding_only_some_words_are_marked_relaxed(client):
    furniture = furniture_exporter()
    reindex()

    relaxed = api_search(client, q="家具 火星探测器")
    exact = api_search(client, q="家具 餐桌")

    assert ids(relaxed) == ids(exact) == {furniture.pk}
    assert relaxed["relaxed"] is True
    assert exact["relaxed"] is False


def test_nothing_found_is_an_empty_answer(client):
    furniture_exporter()
    reindex()

    answer = api_search(client, q="火星探测器")

    assert answer == {
        "count": 0,
        "page": 1,
        "relaxed": False,
        "degraded": False,
        "items": [],
        "facets": {},
    }


# --- Filters, facets, pages -------------------------------------------------------------------


def test_filters_repeat_or_within_a_field_and_combine_across_fields(client, taxonomy):
    mix = furniture_by_market()
    pk = {name: organization.pk for name, organization in mix.items()}

    either_kind = api_search(client, q="家具", kind=["exporter", "platform"])
    assert ids(either_kind) == {
        pk["exporter_us"],
        pk["platform_us"],
        pk["exporter_de"],
        pk["platform_none"],
    }

    narrowed = api_search(client, q="家具", kind=["exporter", "platform"], market=["US"])
    assert ids(narrowed) == {pk["exporter_us"], pk["platform_us"]}
    assert narrowed["count"] == 2
    assert facet_counts(narrowed, "kind") == {"exporter": 1, "platform": 1, "service_provider": 1}
    assert facet_counts(narrowed, "market") == {"US": 2, "DE": 1}
    assert selected(narrowed, "kind") == {"exporter", "platform"}
    assert selected(narrowed, "market") == {"US"}
    assert selected(narrowed, "type") == set()

    assert ids(api_search(client, market=["US", "DE"], kind=["exporter"])) == {
        pk["exporter_us"],
        pk["exporter_de"],
    }
    assert ids(api_search(client, q="家具", type=["post"])) == set()


def test_a_region_stands_for_its_countries(client, taxonomy):
    mix = furniture_by_market()
    eu_wide = profiled(
        name_zh="北京欧洲家具有限公司",
        relations={"market_regions": [Region.objects.get(code="EU")]},
    )
    reindex()

    expected = {mix["exporter_de"].pk, eu_wide.pk}
    assert ids(api_search(client, q="家具", market=["EU"])) == expected
    assert ids(api_search(client, q="家具", market=["eu"])) == expected
    assert ids(api_search(client, q="家具", market=["FR"])) == {eu_wide.pk}
    france = api_search(client, q="家具", market=["FR"])
    assert {"value": "FR", "label": Country.objects.get(code="FR").name_zh} == {
        key: option[key]
        for option in france["facets"]["market"]
        if option["value"] == "FR"
        for key in ("value", "label")
    }


def test_unknown_market_codes_match_nothing(client, taxonomy):
    furniture_by_market()

    answer = api_search(client, q="家具", market=["ZZZ"])

    assert answer["count"] == 0 and answer["items"] == []


def test_pages_and_limits(client):
    organizations = [
        profiled(name_zh=f"北京柚木家具有限公司{n}", summary_en=f"Teakwood maker {n}")
        for n in range(7)
    ]
    reindex()
    every = {organization.pk for organization in organizations}

    first = api_search(client, q="teakwood", limit="3")
    third = api_search(client, q="teakwood", limit="3", page="3")
    beyond = api_search(client, q="teakwood", limit="3", page="4")
    whole = api_search(client, q="teakwood", limit="100")

    assert (first["count"], first["page"], len(first["items"])) == (7, 1, 3)
    assert (third["count"], third["page"], len(third["items"])) == (7, 3, 1)
    assert (beyond["count"], beyond["items"]) == (7, [])
    assert ids(whole) == every
    assert len(api_search(client, q="teakwood")["items"]) == 7  # 20 by default
    pages = [ids(api_search(client, q="teakwood", limit="3", page=str(n))) for n in (1, 2, 3)]
    assert set().union(*pages) == every and sum(map(len, pages)) == 7


def test_sort_recent(client):
    older = profiled(name_zh="北京家具有限公司", summary_zh="家具 家具")
    newer = profiled(name_zh="北京百货有限公司", summary_zh="也卖家具")
    # auto_now would overwrite a saved date; the date is test data, not a profile edit.
    a_month_ago = timezone.now() - datetime.timedelta(days=30)
    Profile.objects.filter(organization=older).update(updated_at=a_month_ago)
    reindex()

    best = api_search(client, q="家具")
    recent = api_search(client, q="家具", sort="recent")

    assert [item["id"] for item in best["items"]] == [older.pk, newer.pk]
    assert [item["id"] for item in recent["items"]] == [newer.pk, older.pk]


def test_the_number_of_queries_does_not_grow_with_the_results(client, taxonomy):
    markets = list(Country.objects.filter(code__in=["US", "DE"]))

    def add(n: int) -> None:
        for number in range(n):
            organization = profiled(
                name_zh=f"北京橡木家具有限公司{number}-{n}",
                relations={"market_countries": markets[: number % 2 + 1]},
            )
            published_post(organization, title_zh=f"橡木家具现货{number}-{n}")
        reindex()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            api_search(client, q="家具", market=["US"], limit="100")
        return len(captured)

    add(2)
    api_search(client, q="家具")  # the first request fills caches later ones read
    few = queries()
    add(30)
    assert api_search(client, q="家具", limit="100")["count"] == 64
    assert queries() <= few


# --- What it never shows ----------------------------------------------------------------------


@pytest.fixture
def audiences() -> dict[str, object]:
    organizations = {
        "public": profiled(name_zh="北京公开家具有限公司"),
        "members": profiled(name_zh="北京会员家具有限公司", visibility=Visibility.MEMBERS),
        "hidden": profiled(name_zh="北京隐藏家具有限公司", visibility=Visibility.HIDDEN),
        "pending": profiled(
            name_zh="北京待审家具有限公司", verification_state=VerificationState.PENDING
        ),
        "inactive": profiled(name_zh="北京停用家具有限公司", is_active=False),
    }
    reindex()
    return organizations


@pytest.mark.parametrize("session", ["anonymous", "verified_member", "bureau_staff"])
def test_only_public_profiles_whoever_the_session(request, client, audiences, session):
    """The API answers as an anonymous visitor even to a signed-in browser: its answers may be
    cached or passed on, so members-only profiles never appear."""
    if session == "verified_member":
        client.force_login(MembershipFactory(organization=OrganizationFactory()).user)
    elif session == "bureau_staff":
        client = request.getfixturevalue("bureau_client")

    for text in ("家具", "", "会员", "北京会员家具有限公司"):
        answer = api_search(client, q=text)
        assert ids(answer) <= {audiences["public"].pk}, text
        body = json.dumps(answer, ensure_ascii=False)
        for never in ("members", "hidden", "pending", "inactive"):
            assert audiences[never].name_zh not in body
        # The counts do not betray the others either.
        kinds = answer["facets"].get("kind", [])
        assert sum(option["count"] for option in kinds) == answer["count"]
    assert ids(api_search(client, q="家具")) == {audiences["public"].pk}
    assert facet_counts(api_search(client, q="家具"), "kind") == {"exporter": 1}


def test_contact_details_never_appear(client):
    furniture = furniture_exporter()
    published_post(furniture, title_zh="实木家具现货")
    reindex()

    for text in ("家具", CONTACT_EMAIL, CONTACT_PHONE, CONTACT_WECHAT, "王经理"):
        answer = api_search(client, q=text)
        body = json.dumps(answer, ensure_ascii=False)
        for detail in (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_WECHAT, "王经理"):
            assert detail not in body
        if text != "家具":
            assert answer["count"] == 0, f"{text!r} found a profile by its contact"


# --- Bad parameters ---------------------------------------------------------------------------

INVALID = [
    ({"kind": "bogus"}, "kind"),
    ({"kind": ["exporter", "bureau"]}, "kind"),
    ({"type": "secret"}, "type"),
    ({"market": "1"}, "market"),
    ({"hs_heading": "94"}, "hs_heading"),
    ({"hs_chapter": "abc"}, "hs_chapter"),
    ({"district": "atlantis"}, "district"),
    ({"certification": "CE" * 20}, "certification"),
    ({"page": "0"}, "page"),
    ({"page": "-1"}, "page"),
    ({"page": "abc"}, "page"),
    ({"page": "10001"}, "page"),
    ({"limit": "0"}, "limit"),
    ({"limit": "1000"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"q": "x" * 1001}, "q"),
    ({"q": "家" * 1001}, "q"),
    ({"sort": "bogus"}, "sort"),
]


@pytest.mark.parametrize(("params", "field"), INVALID, ids=lambda value: str(value)[:40])
def test_bad_parameters_are_refused_with_a_reason(client, params, field):
    answer = api_search(client, 422, **params)

    assert set(answer) == {"detail", "errors"}
    assert answer["detail"]
    assert answer["errors"]
    for messages in answer["errors"].values():
        assert messages and all(isinstance(message, str) and message for message in messages)


SCALARS = [(params, field) for params, field in INVALID if field in {"page", "limit", "q", "sort"}]
REPEATABLE = [(params, field) for params, field in INVALID if (params, field) not in SCALARS]


@pytest.mark.parametrize(("params", "field"), SCALARS, ids=lambda value: str(value)[:40])
def test_a_refused_parameter_is_named(client, params, field):
    assert field in api_search(client, 422, **params)["errors"]


@pytest.mark.parametrize(("params", "field"), REPEATABLE, ids=lambda value: str(value)[:40])
def test_a_refused_filter_is_named(client, params, field):
    assert field in api_search(client, 422, **params)["errors"]


def test_a_refused_kind_lists_the_accepted_values(client):
    messages = " ".join(
        message
        for values in api_search(client, 422, kind="bogus")["errors"].values()
        for message in values
    )

    assert "service_provider" in messages
    assert "OrganizationKind" not in messages


def test_the_longest_accepted_text_is_answered(client):
    furniture_exporter()
    reindex()

    assert api_search(client, q="家具 " + "x" * 997)["count"] == 1


@pytest.mark.parametrize("text", [text[:1000] for text in ODD_TEXTS])
def test_odd_text_never_breaks_the_api(client, text):
    furniture = furniture_exporter()
    published_post(furniture, title_zh="实木家具现货")
    reindex()

    answer = api_search(client, q=text)

    assert set(answer) == ANSWER_KEYS
    for item in answer["items"]:
        assert all(
            "<script" not in fragment
            for values in item["highlights"].values()
            for fragment in values
        )


@pytest.mark.parametrize(
    "query",
    ["q=%ED%A0%80", "q=%ED%B0%80%E5%AE%B6%E5%85%B7", "q=%FF%FE", "q=%E5%AE%B6", "q=%00", "q=%"],
)
def test_undecodable_text_never_breaks_the_api(client, query):
    furniture_exporter()
    reindex()

    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    assert set(response.json()) == ANSWER_KEYS


@pytest.mark.parametrize("query", ["kind=%00", "market=%ED%A0%80", "page=%FF", "limit=%00"])
def test_undecodable_parameters_are_refused_not_failed(client, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 422
    assert response.json()["errors"]


def test_the_api_answers_get_only(client):
    assert client.post(URL, {"q": "家具"}).status_code == 405


# --- Degraded ---------------------------------------------------------------------------------


def test_degraded_while_the_engine_is_down(client, settings):
    furniture = furniture_exporter()
    reindex()
    # An address that refuses connections. The fallback remembers a down engine in the cache
    # for 30 seconds: start from an empty one (conftest empties it after each test too).
    cache.clear()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_TIMEOUT = 0.5

    for _attempt in range(2):
        answer = api_search(client, q="家具")
        assert answer["degraded"] is True
        assert ids(answer) == {furniture.pk}
