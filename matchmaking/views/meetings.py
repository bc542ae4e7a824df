"""Meeting requests: the acting organization's list, asking for a meeting, and one request's
page, where the side whose turn it is answers and, after acceptance, both sides see each
other's contact persons and report the outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import active_organization_get, organization_get
from chat.selectors import conversation_id_for_source
from matchmaking.forms.meetings import (
    MeetingAcceptForm,
    MeetingCounterForm,
    MeetingDeclineForm,
    MeetingOutcomeForm,
    MeetingRequestForm,
)
from matchmaking.models import MeetingRequest, MeetingSource, MeetingState
from matchmaking.selectors.meetings import (
    MEETING_TABS,
    meeting_request_contacts,
    meeting_request_get_for_user,
    meeting_request_list,
    meeting_request_open_between,
    meeting_request_refusal,
    meeting_request_tab_counts,
    meeting_request_user_sides,
    meeting_times_parse,
)
from matchmaking.services.meetings import (
    MeetingError,
    meeting_expiry_days,
    meeting_outcome_report,
    meeting_request_accept,
    meeting_request_counter,
    meeting_request_create,
    meeting_request_decline,
    meeting_request_withdraw,
    pair_conversation_source,
)
from matchmaking.views.decorators import acting_organization_required

PAGE_SIZE = 20
# What each step of a request's history says.
STEP_LABELS = {
    MeetingState.PENDING: gettext_lazy("requested a meeting"),
    MeetingState.COUNTERED: gettext_lazy("proposed other times"),
    MeetingState.ACCEPTED: gettext_lazy("accepted"),
    MeetingState.DECLINED: gettext_lazy("declined"),
    MeetingState.WITHDRAWN: gettext_lazy("withdrew the request"),
    MeetingState.EXPIRED: gettext_lazy("The request expired without an answer."),
}


@acting_organization_required
def meetings(request, organization):
    tab = request.GET.get("tab", MEETING_TABS[0])
    if tab not in MEETING_TABS:
        tab = MEETING_TABS[0]
    page = Paginator(meeting_request_list(organization=organization, tab=tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for meeting in page.object_list:
        meeting.partner = meeting.other_side(organization.pk)
        meeting.times = meeting_times_parse(meeting.proposed_times)
    counts = meeting_request_tab_counts(organization=organization)
    labels = {
        "awaiting_us": _("Awaiting our answer"),
        "awaiting_them": _("Awaiting their answer"),
        "accepted": _("Accepted"),
        "closed": _("Closed"),
    }
    return render(
        request,
        "matchmaking/meetings/list.html",
        {
            "organization": organization,
            "tab": tab,
            "tabs": [(name, labels[name], counts[name]) for name in MEETING_TABS],
            "page": page,
        },
    )


@acting_organization_required
def meeting_request_create_view(request, organization, organization_id: int):
    receiver = organization_get(pk=organization_id)
    # An organization nobody may see (inactive, unverified) is not found, as on its profile.
    if receiver is None or not receiver.is_active or not receiver.is_verified:
        raise Http404
    existing = meeting_request_open_between(first=organization, second=receiver)
    if existing is not None:
        messages.info(request, _("A meeting request between you is already open."))
        return redirect("matchmaking:meeting_request_detail", pk=existing.pk)
    context = {"organization": organization, "receiver": receiver}
    refusal = meeting_request_refusal(requester=organization, receiver=receiver)
    if refusal is not None:
        return render(
            request, "matchmaking/meetings/request_form.html", {**context, "refusal": refusal}
        )
    source = request.GET.get("source", "")
    if source not in MeetingSource.values:
        source = ""
    form = MeetingRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_request_create(
                requester=organization,
                receiver=receiver,
                by=request.user,
                note=form.cleaned_data["note"],
                proposed_times=form.cleaned_data["proposed_times"],
                source=source,
            )
        except MeetingError as error:
            if error.code == "duplicate" and error.request is not None:
                messages.info(request, error.message)
                return redirect("matchmaking:meeting_request_detail", pk=error.request.pk)
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your request was sent to %(name)s.") % {"name": receiver.name},
            )
            return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)
    return render(
        request,
        "matchmaking/meetings/request_form.html",
        {**context, "form": form, "source": source, "expiry_days": meeting_expiry_days()},
    )


def _meeting_or_404(request, pk: int) -> MeetingRequest:
    meeting = meeting_request_get_for_user(pk=pk, user=request.user)
    if meeting is None:
        raise Http404
    return meeting


def _viewer_side(request, meeting: MeetingRequest):
    """The side the user looks from: the acting organization when it is one of the two,
    else the side they belong to."""
    sides = meeting_request_user_sides(request=meeting, user=request.user)
    active = active_organization_get(user=request.user)
    for side in sides:
        if active is not None and side.pk == active.pk:
            return side
    return sides[0]


def _detail(request, meeting: MeetingRequest, *, status: int = 200, **forms):
    side = _viewer_side(request, meeting)
    members_of = {s.pk for s in meeting_request_user_sides(request=meeting, user=request.user)}
    times = meeting_times_parse(meeting.proposed_times)
    our_turn = meeting.is_open and meeting.awaiting_id in members_of
    can_withdraw = meeting.is_open and meeting.requester_id in members_of
    accepted = meeting.state == MeetingState.ACCEPTED
    outcomes = {outcome.organization_id: outcome for outcome in meeting.outcomes.all()}
    our_outcome = outcomes.get(side.pk)
    context = {
        "meeting": meeting,
        "side": side,
        "partner": meeting.other_side(side.pk),
        "times": times,
        "our_turn": our_turn,
        "can_withdraw": can_withdraw,
        "history": [
            {
                "event": event,
                "label": STEP_LABELS[event.state],
                "times": meeting_times_parse(event.proposed_times),
            }
            for event in meeting.events.all()
        ],
    }
    if our_turn:
        context["accept_form"] = forms.get("accept_form") or MeetingAcceptForm(times=times)
        context["decline_form"] = forms.get("decline_form") or MeetingDeclineForm()
        context["counter_form"] = forms.get("counter_form") or MeetingCounterForm()
    if accepted:
        context["contacts"] = meeting_request_contacts(request=meeting)
        context["conversation_id"] = conversation_id_for_source(
            source=pair_conversation_source(meeting.requester_id, meeting.receiver_id)
        )
        context["outcomes"] = [
            outcomes[pk] for pk in (meeting.requester_id, meeting.receiver_id) if pk in outcomes
        ]
        context["outcome_form"] = forms.get("outcome_form") or MeetingOutcomeForm(
            initial={"outcome": our_outcome.outcome, "note": our_outcome.note}
            if our_outcome
            else None
        )
    return render(request, "matchmaking/meetings/detail.html", context, status=status)


@login_required
def meeting_request_detail(request, pk: int):
    return _detail(request, _meeting_or_404(request, pk))


def _refused(request, meeting: MeetingRequest, error: MeetingError):
    messages.error(request, error.message)
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_request_accept_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    form = MeetingAcceptForm(request.POST, times=meeting_times_parse(meeting.proposed_times))
    if not form.is_valid():
        return _detail(request, meeting, status=400, accept_form=form)
    try:
        meeting_request_accept(request=meeting, by=request.user, time=form.chosen_time())
    except MeetingError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("You accepted the meeting request."))
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_request_decline_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    form = MeetingDeclineForm(request.POST)
    if not form.is_valid():
        return _detail(request, meeting, status=400, decline_form=form)
    try:
        meeting_request_decline(
            request=meeting,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except MeetingError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("You declined the meeting request."))
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_request_counter_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    form = MeetingCounterForm(request.POST)
    if not form.is_valid():
        return _detail(request, meeting, status=400, counter_form=form)
    try:
        meeting_request_counter(
            request=meeting,
            by=request.user,
            proposed_times=form.cleaned_data["proposed_times"],
            note=form.cleaned_data["note"],
        )
    except MeetingError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("Your times were sent. It is now their turn to answer."))
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_request_withdraw_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    try:
        meeting_request_withdraw(request=meeting, by=request.user)
    except MeetingError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("You withdrew the meeting request."))
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_outcome_report_view(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    form = MeetingOutcomeForm(request.POST)
    if not form.is_valid():
        return _detail(request, meeting, status=400, outcome_form=form)
    try:
        meeting_outcome_report(
            request=meeting,
            organization=_viewer_side(request, meeting),
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except MeetingError as error:
        return _refused(request, meeting, error)
    messages.success(request, _("Thank you: the outcome was saved."))
    return redirect("matchmaking:meeting_request_detail", pk=meeting.pk)
