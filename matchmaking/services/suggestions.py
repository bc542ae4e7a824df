"""Writes for matching: the prepared facts, stored suggestions, and what organizations say about
them.

Suggestions are derived data. `suggestions_compute_all` recomputes everyone's (the
`matching_recompute` command, nightly); `suggestions_recompute_enqueue` asks, after the commit of a
profile or post change, for the changed organizations' own suggestions to be recomputed through
the task backend (inline on the embedded default, by the worker in production), the way search
indexing runs.
"""

import dataclasses
import datetime
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import membership_get
from matchmaking.matching import (
    Corpus,
    Facts,
    Feedback,
    Match,
    Suggestions,
    partner_kinds,
    score_pair,
    suggest,
)
from matchmaking.models import (
    DismissReason,
    FeedbackAction,
    MatchingFacts,
    Profile,
    Suggestion,
    SuggestionFeedback,
)
from matchmaking.selectors.matching import (
    activity_days,
    facts_list,
    feedback_map,
    matching_profiles,
    suggestable_organization_ids,
)
from matchmaking.selectors.posts import post_last_changed

logger = logging.getLogger(__name__)

# How many partners each organization keeps: the page shows ten at a time.
SUGGESTIONS_KEPT = 20
WRITE_BATCH = 2000


class SuggestionError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Prepared facts ---------------------------------------------------------------------------


_FACT_FIELDS = tuple(field.name for field in dataclasses.fields(Facts))


# Bumped when the way facts are prepared changes, so that rows prepared the old way count as
# stale (2: traditional Chinese converted to simplified before segmenting).
FACTS_FORMAT = 2


def facts_to_json(facts: Facts) -> dict:
    values = ((name, getattr(facts, name)) for name in _FACT_FIELDS)
    return {
        "format": FACTS_FORMAT,
        **{
            name: sorted(value)
            if isinstance(value, frozenset)
            else list(value)
            if isinstance(value, tuple)
            else value
            for name, value in values
        },
    }


_SET_FIELDS = {field.name for field in dataclasses.fields(Facts) if "frozenset" in str(field.type)}


def facts_from_json(data: dict) -> Facts:
    return Facts(
        **{
            name: frozenset(value)
            if name in _SET_FIELDS
            else tuple(value)
            if name == "tokens"
            else value
            for name, value in data.items()
            if name != "format"
        }
    )


def _versions(organization_ids: Iterable[int] | None = None) -> dict[int, int]:
    profiles = Profile.objects.all()
    if organization_ids is not None:
        profiles = profiles.filter(organization_id__in=set(organization_ids))
    return dict(profiles.values_list("organization_id", "data_version"))


def _facts_versions(organization_ids: Iterable[int] | None = None) -> dict[int, int]:
    """The profile data version each organization's prepared facts were made from: what its
    suggestions were computed from (a profile saved since has its recompute queued)."""
    rows = MatchingFacts.objects.all()
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=set(organization_ids))
    return dict(rows.values_list("organization_id", "data_version"))


# Any number that no other advisory lock of the project uses.
_WRITERS_LOCK = 60_601


def _lock_writers() -> None:
    """Let one recompute write at a time (the nightly run and an incremental one would
    otherwise collide on the unique keys). PostgreSQL: a transaction-level advisory lock;
    SQLite already lets one writer in at a time."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITERS_LOCK])


@transaction.atomic
def matching_facts_refresh(*, organization_ids: Iterable[int] | None = None) -> list[Facts]:
    """Prepare and store the facts of these organizations (default: all); returns them.
    Organizations that no longer match (inactive, no profile) lose their row."""
    organization_ids = None if organization_ids is None else set(organization_ids)
    # The versions first: a profile saved meanwhile then leaves facts newer than their
    # recorded version (prepared again next time), never older ones recorded as current.
    versions = _versions(organization_ids)
    facts = facts_list(organization_ids=organization_ids)
    _lock_writers()
    stale = MatchingFacts.objects.all()
    if organization_ids is not None:
        stale = stale.filter(organization_id__in=organization_ids)
    stale.delete()
    MatchingFacts.objects.bulk_create(
        [
            MatchingFacts(
                organization_id=item.id,
                kind=item.kind,
                data_version=versions.get(item.id, 0),
                facts=facts_to_json(item),
            )
            for item in facts
        ],
        batch_size=WRITE_BATCH,
    )
    return facts


def matching_facts_current(*, rebuild: bool = False) -> tuple[list[Facts], int]:
    """Every matching organization's facts, and how many had to be prepared now.

    Prepared facts are reused while they are current: same profile data version, prepared the
    current way (FACTS_FORMAT), no post changed since they were prepared (a change prepares
    them at once, after its commit; this catches what a failed or delayed job missed).
    Segmenting texts is the slow part of loading, so a nightly recompute only pays for what
    changed. `rebuild` prepares everything again.
    How recently each organization was active is recomputed either way: it changes with time.
    """
    if rebuild:
        facts = matching_facts_refresh()
        return facts, len(facts)
    current = dict(matching_profiles().values_list("organization_id", "data_version"))
    last_post = post_last_changed()
    reused: list[Facts] = []
    for organization_id, version, prepared_at, data in MatchingFacts.objects.values_list(
        "organization_id", "data_version", "prepared_at", "facts"
    ).iterator(chunk_size=2000):
        posted = last_post.get(organization_id)
        if (
            current.get(organization_id) == version
            and (posted is None or posted <= prepared_at)
            and data.get("format") == FACTS_FORMAT
        ):
            reused.append(facts_from_json(data))
    stale = set(current) - {item.id for item in reused}
    MatchingFacts.objects.exclude(organization_id__in=current).delete()
    refreshed = matching_facts_refresh(organization_ids=stale) if stale else []
    activity = activity_days(organization_ids=None)
    reused = [_with_activity(item, activity) for item in reused]
    return [*reused, *refreshed], len(refreshed)


class _PreparedFactsCache:
    """This process's copy of every organization's prepared facts, and one Corpus over them.

    Recomputing one organization must read every candidate's facts. Decoding thousands of JSON
    rows and encoding them against a fresh Corpus each time cost about a second against 10,000
    exporters; here only the rows prepared since the last call are read again (a query of the
    rows newer than the newest seen, and a count, tell which), and the Corpus, which remembers
    each organization's encoded rows while its facts stay equal, is kept. Its IDF is over
    everyone, as in the nightly run, and rebuilt when a tenth of the facts changed since it was
    built. One lock: the Corpus's encoder is not thread-safe.
    """

    REBUILD_SHARE = 0.1
    # Activity is counted in days: reading every organization's last change once in a few
    # minutes is enough (an organization's own facts are prepared afresh before its recompute).
    ACTIVITY_SECONDS = 300

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.facts: dict[int, Facts] = {}
        self.stamps: dict[int, object] = {}
        self.full_read_at = 0.0
        self.corpus: Corpus | None = None
        self.changed_since_corpus = 0
        self.activity: dict[int, int] = {}
        self.activity_read_at: float | None = None

    def activity_days(self) -> dict[int, int]:
        now = time.monotonic()
        if self.activity_read_at is None or now - self.activity_read_at > self.ACTIVITY_SECONDS:
            self.activity = activity_days(organization_ids=None)
            self.activity_read_at = now
        return self.activity

    # Rows are read again from this long before the newest stamp stored here: a row stamped
    # earlier than one already read may commit later (on SQLite, matching_facts_refresh stamps
    # its rows before it gets the write lock; on PostgreSQL its advisory lock orders them).
    # Stamps come from the web and worker machines' clocks, which must agree to this margin.
    STAMP_OVERLAP = datetime.timedelta(seconds=10)

    def _current_stamps(self) -> dict[int, object]:
        """organization id -> prepared_at of the prepared rows. Between full reads (every
        ACTIVITY_SECONDS) only the rows stamped since the newest stored stamp, less
        STAMP_OVERLAP, are read (an index on prepared_at). A row deleted meanwhile stays here
        until the next full read: harmless, as such an organization is no longer suggestable
        and candidates are filtered by that."""
        rows = MatchingFacts.objects.all()
        now = time.monotonic()
        if self.stamps and now - self.full_read_at <= self.ACTIVITY_SECONDS:
            since = max(self.stamps.values()) - self.STAMP_OVERLAP
            newer = rows.filter(prepared_at__gt=since).values_list("organization_id", "prepared_at")
            return {**self.stamps, **dict(newer)}
        self.full_read_at = now
        return dict(rows.values_list("organization_id", "prepared_at"))

    def refresh(self) -> None:
        """Read the rows prepared (or gone) since the last call."""
        current = self._current_stamps()
        stale = [pk for pk, stamp in current.items() if self.stamps.get(pk) != stamp]
        for pk in set(self.stamps) - set(current):
            del self.stamps[pk], self.facts[pk]
        for start in range(0, len(stale), WRITE_BATCH):
            for pk, stamp, data in MatchingFacts.objects.filter(
                organization_id__in=stale[start : start + WRITE_BATCH]
            ).values_list("organization_id", "prepared_at", "facts"):
                self.facts[pk] = facts_from_json(data)
                self.stamps[pk] = stamp
        self.changed_since_corpus += len(stale)

    def candidates(self, kinds: Iterable[str]) -> list[Facts]:
        kinds = set(kinds)
        return [item for item in self.facts.values() if item.kind in kinds]

    def corpus_for_everyone(self) -> Corpus:
        if self.corpus is None or self.changed_since_corpus > self.REBUILD_SHARE * len(self.facts):
            self.corpus = Corpus.build(list(self.facts.values()))
            self.changed_since_corpus = 0
        return self.corpus


_prepared = _PreparedFactsCache()


# --- Suggestions ------------------------------------------------------------------------------


@dataclasses.dataclass
class ComputeReport:
    organizations: int = 0
    candidates: int = 0
    suggestions: int = 0
    prepared: int = 0  # organizations whose facts were prepared (texts segmented) in this run
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)


# Reasons kept per side of a suggestion: the page shows four and folds the rest.
REASONS_KEPT_PER_SIDE = 6


def _reasons_json(match: Match) -> str:
    """The match's strongest reasons of each side as JSON, written by hand: dataclasses.asdict
    deep-copies every fact, which cost more than the engine itself on a full recompute."""
    kept: dict[str, int] = {}
    reasons = []
    for reason in match.reasons:
        if kept.get(reason.side, 0) < REASONS_KEPT_PER_SIDE:
            kept[reason.side] = kept.get(reason.side, 0) + 1
            reasons.append(
                {
                    "kind": reason.kind,
                    "side": reason.side,
                    "weight": round(reason.weight, 4),
                    "facts": reason.facts,
                }
            )
    return json.dumps(reasons, ensure_ascii=False, separators=(",", ":"))


def _row_batches(
    results: Suggestions, extras: dict[int, list[Match]], versions: dict[int, int]
) -> Iterator[list[tuple]]:
    """The rows to insert, WRITE_BATCH or so at a time, made as they are written: a full
    recompute holds hundreds of thousands of Matches, which need not all live at once.
    `extras` follow an organization's own list (see _saved_beyond)."""
    now = timezone.now()
    batch: list[tuple] = []
    for organization_id, matches in results.stream():
        matches = [*matches, *extras.get(organization_id, ())]
        batch.extend(
            (
                organization_id,
                match.partner_id,
                rank,
                min(1.0, max(0.0, match.score)),
                _reasons_json(match),
                versions.get(organization_id, 0),
                versions.get(match.partner_id, 0),
                now,
            )
            for rank, match in enumerate(matches, start=1)
        )
        if len(batch) >= WRITE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


_COLUMNS = (
    "organization_id",
    "partner_id",
    "rank",
    "score",
    "reasons",
    "organization_version",
    "partner_version",
    "computed_at",
)


def _insert(rows: list[tuple]) -> None:
    """Write a batch of suggestions. A full recompute writes hundreds of thousands of rows;
    bulk_create's per-object preparation took most of the time, so the rows are sent as plain
    tuples (the reasons already JSON): through COPY on PostgreSQL (an executemany of INSERTs
    took twice as long there), one executemany elsewhere."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(_COLUMNS))
        adapt = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [(*row[:7], adapt(row[7])) for row in rows],
        )


def _store(
    *,
    results: Suggestions,
    extras: dict[int, list[Match]],
    replace: Sequence[int] | None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the suggestions of `replace` (None: everyone's) by `results` and `extras`;
    returns the count."""
    involved = None
    if replace is not None:
        extra_partners = {match.partner_id for found in extras.values() for match in found}
        involved = {*results, *_partners(results), *extra_partners}
    versions = _facts_versions(involved)
    count = 0
    with transaction.atomic():
        _lock_writers()
        old = Suggestion.objects.all()
        if replace is not None:
            old = old.filter(organization_id__in=set(replace))
        old.delete()
        for batch in _row_batches(results, extras, versions):
            _insert(batch)
            count += len(batch)
            if progress:
                progress(len(batch))
    return count


def _partners(results: Suggestions) -> set[int]:
    return {partner for organization in results for partner in results.partner_ids(organization)}


def _saved_beyond(
    results: Suggestions,
    *,
    organizations: Iterable[Facts],
    candidates: Iterable[Facts],
    feedback: dict[int, Feedback],
    corpus: Corpus,
) -> dict[int, list[Match]]:
    """Partners an organization saved that its best SUGGESTIONS_KEPT leave out, scored (best
    first), so that they stay on its page under "saved": a saved partner is one it wants to
    keep in view, whether or not it still ranks."""
    by_id = {item.id: item for item in candidates}
    own_facts = {item.id: item for item in organizations}
    extras: dict[int, list[Match]] = {}
    for organization_id, own in feedback.items():
        organization = own_facts.get(organization_id)
        if organization is None or organization_id not in results or not own.saved:
            continue
        missing = own.saved - set(results.partner_ids(organization_id))
        # score_pair knows the saved and dismissed partners only from `partners`.
        known = sorted(pk for pk in own.saved | own.dismissed if pk in by_id)
        own = dataclasses.replace(own, partners=tuple(by_id[pk] for pk in known))
        found = [
            score_pair(organization, by_id[partner_id], corpus=corpus, feedback=own)
            for partner_id in sorted(missing)
            if partner_id in by_id
        ]
        if found:
            extras[organization_id] = sorted(found, key=lambda m: (-m.score, m.partner_id))
    return extras


def suggestions_compute_all(
    *, progress: Callable[[str, int, int], None] | None = None, rebuild: bool = False
) -> ComputeReport:
    """Recompute every organization's suggestions (from current facts, see
    matching_facts_current; `rebuild` prepares all facts again). `progress(stage, done,
    total)` is told how far loading and storing have got."""
    clock = _Clock()
    facts, prepared = matching_facts_current(rebuild=rebuild)
    clock.lap("load")
    if progress:
        progress("load", len(facts), len(facts))
    suggestable = suggestable_organization_ids()
    candidates = [item for item in facts if item.id in suggestable]
    feedback = feedback_map()
    corpus = Corpus.build(facts)
    results = suggest(facts, candidates, top=SUGGESTIONS_KEPT, feedback=feedback, corpus=corpus)
    extras = _saved_beyond(
        results, organizations=facts, candidates=candidates, feedback=feedback, corpus=corpus
    )
    clock.lap("score")
    expected = results.count() + sum(len(found) for found in extras.values())
    stored = 0

    def stored_batch(count: int) -> None:
        nonlocal stored
        stored += count
        if progress:
            progress("store", stored, expected)

    count = _store(results=results, extras=extras, replace=None, progress=stored_batch)
    clock.lap("store")
    return ComputeReport(
        organizations=len(facts),
        candidates=len(candidates),
        suggestions=count,
        seconds=clock.laps,
        prepared=prepared,
    )


def suggestions_compute_for(*, organization_ids: Iterable[int]) -> ComputeReport:
    """Recompute the suggestions of these organizations only, against every candidate's
    prepared facts (their own facts are prepared afresh first)."""
    clock = _Clock()
    organization_ids = set(organization_ids)
    own = matching_facts_refresh(organization_ids=organization_ids)
    if not own:
        Suggestion.objects.filter(organization_id__in=organization_ids).delete()
        return ComputeReport()
    kinds = set().union(*(partner_kinds(item.kind) for item in own))
    suggestable = suggestable_organization_ids()
    with _prepared.lock:
        _prepared.refresh()
        activity = _prepared.activity_days()
        candidates = [
            _with_activity(item, activity)
            for item in _prepared.candidates(kinds)
            if item.id in suggestable
        ]
        clock.lap("load")
        feedback = feedback_map(organization_ids=organization_ids)
        corpus = _prepared.corpus_for_everyone()
        results = suggest(own, candidates, top=SUGGESTIONS_KEPT, feedback=feedback, corpus=corpus)
        extras = _saved_beyond(
            results, organizations=own, candidates=candidates, feedback=feedback, corpus=corpus
        )
    clock.lap("score")
    count = _store(results=results, extras=extras, replace=sorted(organization_ids))
    clock.lap("store")
    return ComputeReport(
        organizations=len(own), candidates=len(candidates), suggestions=count, seconds=clock.laps
    )


def _with_activity(item: Facts, activity: dict[int, int]) -> Facts:
    """The facts with today's days since the organization was active (the same object when
    unchanged, so that the Corpus recognises rows it already encoded)."""
    days = activity.get(item.id, item.active_days_ago)
    return item if days == item.active_days_ago else dataclasses.replace(item, active_days_ago=days)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = timezone.now()

    def lap(self, name: str) -> None:
        now = timezone.now()
        self.laps[name] = (now - self._last).total_seconds()
        self._last = now


# --- Recompute after commit -------------------------------------------------------------------


class _RecomputeAfterCommit:
    """One task per transaction for all the organizations it changed (a bulk import, the demo
    loader), like search's drain."""

    def __init__(self) -> None:
        self.organization_ids: set[int] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        # Imported here because matchmaking.tasks imports this module.
        from matchmaking.tasks import suggestions_recompute_task

        try:
            suggestions_recompute_task.enqueue(organization_ids=sorted(self.organization_ids))
        except Exception:
            # The change has committed and stays a success; the nightly recompute catches up.
            logger.exception("Could not schedule recomputing suggestions.")


def suggestions_recompute_enqueue(*, organization_ids: Iterable[int]) -> None:
    """After the current transaction commits, recompute these organizations' suggestions."""
    pending = transaction.get_connection().run_on_commit
    for entry in pending:
        if isinstance(entry[1], _RecomputeAfterCommit) and not entry[1].ran:
            entry[1].organization_ids.update(organization_ids)
            return
    job = _RecomputeAfterCommit()
    job.organization_ids.update(organization_ids)
    transaction.on_commit(job)


# --- Feedback ---------------------------------------------------------------------------------


def _require_member(*, user: User, organization: Organization) -> None:
    if membership_get(user=user, organization=organization) is None:
        raise PermissionDenied(_("Only members of the organization act on its suggestions."))


@transaction.atomic
def suggestion_save(*, organization: Organization, partner: Organization, by: User):
    """Keep a suggested partner on the organization's saved list (undoes nothing else: a
    dismissed partner stays dismissed)."""
    _require_member(user=by, organization=organization)
    feedback, _created = SuggestionFeedback.objects.get_or_create(
        organization=organization,
        partner=partner,
        defaults={"action": FeedbackAction.SAVED, "created_by": by},
    )
    return feedback


@transaction.atomic
def suggestion_unsave(*, organization: Organization, partner: Organization, by: User) -> None:
    _require_member(user=by, organization=organization)
    SuggestionFeedback.objects.filter(
        organization=organization, partner=partner, action=FeedbackAction.SAVED
    ).delete()


@transaction.atomic
def suggestion_dismiss(
    *,
    organization: Organization,
    partner: Organization,
    by: User,
    reason: str = "",
    note: str = "",
) -> SuggestionFeedback:
    """Mark a suggested partner not relevant: it leaves the list at once and never comes back;
    the engine also ranks partners like it lower from the next recompute on."""
    _require_member(user=by, organization=organization)
    if reason and reason not in DismissReason.values:
        raise SuggestionError(_("Choose a reason from the list."), code="reason")
    feedback = SuggestionFeedback.objects.filter(
        organization=organization, partner=partner
    ).first() or SuggestionFeedback(organization=organization, partner=partner)
    feedback.action = FeedbackAction.DISMISSED
    feedback.reason = reason
    feedback.note = note.strip()
    feedback.created_by = by
    feedback.created_at = timezone.now()
    try:
        feedback.full_clean(exclude=["organization", "partner", "created_by"])
    except ValidationError as error:
        raise SuggestionError(" ".join(error.messages), code="invalid") from None
    feedback.save()
    Suggestion.objects.filter(organization=organization, partner=partner).delete()
    return feedback
