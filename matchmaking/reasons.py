"""The engine's reasons (matchmaking.matching.Reason, stored as dicts on Suggestion) as sentences
in the active language.

The engine stores codes (HS headings, countries, services); this module looks their names up for
a whole page of suggestions at once (one query per vocabulary) and writes one line per reason,
split by side: "you" (why the partner fits the organization) and "them" (why the organization
fits the partner).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from matchmaking.models import Channel, ServiceType
from taxonomy.models import Certification, Country, HSChapter, Region
from taxonomy.selectors import region_country_codes

# At most this many names in one sentence; the rest is counted ("and 3 more").
NAMES_SHOWN = 4
NAME_MAX_CHARS = 24

# What each kind of reason says, the same whichever side it is on and whoever reads it.
_LABELS = {
    "hs_heading": gettext_lazy("Same products"),
    "hs_chapter": gettext_lazy("Related product categories"),
    "market": gettext_lazy("Markets in common"),
    "text": gettext_lazy("Similar descriptions"),
    "feedback": gettext_lazy("Like partners you saved"),
}
# Reasons whose wording depends on the side ("you": why the partner fits the reader; "them":
# why the reader fits the partner) and on whether the reader is the exporter of the pair: the
# engine's facts say what is shared, not who needs and who offers it.
_SIDED_LABELS = {
    ("service", "you", True): gettext_lazy("Offers services you need"),
    ("service", "you", False): gettext_lazy("Needs services you offer"),
    ("service", "them", True): gettext_lazy("You need services they offer"),
    ("service", "them", False): gettext_lazy("You offer services they need"),
    ("warehouse", "you", True): gettext_lazy("Overseas warehouses where you need them"),
    ("warehouse", "you", False): gettext_lazy("Needs overseas warehouses where you have them"),
    ("warehouse", "them", True): gettext_lazy("You need overseas warehouses where they have them"),
    ("warehouse", "them", False): gettext_lazy("Your overseas warehouses are where they need them"),
    ("lane", "you", True): gettext_lazy("Logistics lanes where you need them"),
    ("lane", "you", False): gettext_lazy("Needs logistics where you have lanes"),
    ("lane", "them", True): gettext_lazy("You need logistics where they have lanes"),
    ("lane", "them", False): gettext_lazy("Your lanes go where they need logistics"),
    ("channel", "you", True): gettext_lazy("Offers the sales channels you want"),
    ("channel", "you", False): gettext_lazy("Wants the sales channels you offer"),
    ("channel", "them", True): gettext_lazy("You want the sales channels they offer"),
    ("channel", "them", False): gettext_lazy("You offer the sales channels they want"),
    ("scale", "you", False): gettext_lazy("Meets your minimum merchant scale"),
    ("scale", "them", True): gettext_lazy("Your scale meets their minimum"),
    ("certification", "you", False): gettext_lazy("Holds the certifications you require"),
    ("certification", "them", True): gettext_lazy("You hold the certifications they require"),
    ("brand", "you", False): gettext_lazy("Has its own brand, as you require"),
    ("brand", "them", True): gettext_lazy("You have your own brand, as they require"),
    # Completeness and activity: "you" reasons are about the partner, "them" about the reader.
    ("completeness", "you", True): gettext_lazy("Their profile is complete"),
    ("completeness", "you", False): gettext_lazy("Their profile is complete"),
    ("completeness", "them", True): gettext_lazy("Your profile is complete"),
    ("completeness", "them", False): gettext_lazy("Your profile is complete"),
    ("activity", "you", True): gettext_lazy("Active recently"),
    ("activity", "you", False): gettext_lazy("Active recently"),
    ("activity", "them", True): gettext_lazy("You were active recently"),
    ("activity", "them", False): gettext_lazy("You were active recently"),
}
_QUALITY = {"completeness", "activity"}
# Services named by a warehouse or lane reason are implied by its wording.
_COUNTRIES_ONLY = {"warehouse", "lane"}
_FALLBACK = gettext_lazy("Good fit")


@dataclass(frozen=True)
class Names:
    """Display names of the codes a page of reasons mentions."""

    chapters: dict[str, str]
    countries: dict[str, str]
    certifications: dict[str, str]
    # (name, its countries), largest first: a list of countries that holds a whole region is
    # shown with the region's name ("EU" rather than 27 countries).
    regions: tuple[tuple[str, frozenset[str]], ...] = ()

    @classmethod
    def load(cls, reason_lists: Iterable[Iterable[dict]]) -> "Names":
        wanted: dict[str, set[str]] = {
            "chapters": set(),
            "countries": set(),
            "certifications": set(),
        }
        for reasons in reason_lists:
            for reason in reasons:
                for key, codes in (reason.get("facts") or {}).items():
                    if key in wanted and isinstance(codes, list):
                        wanted[key].update(str(code) for code in codes)
                    if key == "headings" and isinstance(codes, list):
                        wanted["chapters"].update(str(code)[:2] for code in codes)
        return cls(
            chapters=_names(HSChapter, wanted["chapters"]),
            countries=_names(Country, wanted["countries"]),
            certifications=_names(Certification, wanted["certifications"]),
            regions=_regions() if len(wanted["countries"]) > NAMES_SHOWN else (),
        )


def _regions() -> tuple[tuple[str, frozenset[str]], ...]:
    members = region_country_codes()
    named = [
        (region.name, frozenset(members[region.code]))
        for region in Region.objects.all()
        if members.get(region.code)
    ]
    return tuple(sorted(named, key=lambda item: -len(item[1])))


def _countries(codes: list[str], names: Names) -> list[str]:
    """Country names, with whole regions named once instead of country by country."""
    left = set(codes)
    found = []
    for name, countries in names.regions:
        if len(countries) > 1 and countries <= left:
            found.append(name)
            left -= countries
    return found + [names.countries.get(code) or code for code in codes if code in left]


def _names(model, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    # Official HS chapter names run long; the heading codes carry the precision.
    return {
        item.code: Truncator(item.name).chars(NAME_MAX_CHARS)
        for item in model.objects.filter(code__in=codes)
    }


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _listed(names: list[str]) -> str:
    shown = ("、" if _chinese() else ", ").join(names[:NAMES_SHOWN])
    hidden = len(names) - NAMES_SHOWN
    if hidden > 0:
        shown = _("%(names)s and %(count)d more") % {"names": shown, "count": hidden}
    return shown


def _fact_names(facts: dict, names: Names, *, countries_only: bool = False) -> list[str]:
    """The names a reason's facts point at, in the active language."""
    if countries_only:
        return _countries(list(facts.get("countries") or ()), names)
    found: list[str] = []
    services = dict(ServiceType.choices)
    channels = dict(Channel.choices)
    # Headings by chapter: "9401, 9403 (Furniture; bedding, mattresses…)". Chapter names
    # exist in both languages; heading names only in English, and they run long.
    by_chapter: dict[str, list[str]] = {}
    for code in facts.get("headings") or ():
        by_chapter.setdefault(str(code)[:2], []).append(str(code))
    separator = "、" if _chinese() else ", "
    for chapter, codes in by_chapter.items():
        name = names.chapters.get(chapter)
        found.append(
            f"{separator.join(codes)}（{name}）"
            if name and _chinese()
            else (f"{separator.join(codes)} ({name})" if name else separator.join(codes))
        )
    for code in facts.get("chapters") or ():
        found.append(names.chapters.get(code) or code)
    for code in facts.get("services") or ():
        found.append(str(services.get(code, code)))
    for code in facts.get("channels") or ():
        found.append(str(channels.get(code, code)))
    found.extend(_countries(list(facts.get("countries") or ()), names))
    for code in facts.get("certifications") or ():
        found.append(names.certifications.get(code) or code)
    found.extend(str(word) for word in facts.get("words") or ())
    return found


def reason_sentence(reason: dict, names: Names, *, reader_is_exporter: bool) -> str:
    kind, side = reason.get("kind"), reason.get("side")
    label = _SIDED_LABELS.get((kind, side, reader_is_exporter)) or _LABELS.get(kind, _FALLBACK)
    facts = reason.get("facts") or {}
    listed = _fact_names(facts, names, countries_only=kind in _COUNTRIES_ONLY)
    if not listed:
        return str(label)
    return f"{label}{'：' if _chinese() else ': '}{_listed(listed)}"


def reasons_by_side(
    reasons: list[dict], names: Names, *, reader_is_exporter: bool
) -> dict[str, list[str]]:
    """{"you": [...], "them": [...]}: sentences, strongest first as the engine ordered them."""
    sides: dict[str, list[str]] = {"you": [], "them": []}
    # What the two organizations share comes first; how complete and active they are, last.
    reasons = sorted(reasons, key=lambda reason: reason.get("kind") in _QUALITY)
    for reason in reasons:
        side = reason.get("side")
        if side in sides:
            sides[side].append(
                reason_sentence(reason, names, reader_is_exporter=reader_is_exporter)
            )
    return sides
