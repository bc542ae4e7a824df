"""The chat pages: the conversation list, one conversation, and the HTTP side of a
conversation that the page's script uses next to its WebSocket (older messages, and sending,
reading and polling when WebSockets are blocked), plus attachments served to participants only.

Every view answers 404 for a conversation the user does not take part in (whether it exists is
not theirs to know). JSON answers carry {"code", "message"} with a 4xx when refused.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat import events, limits
from chat.attachments import ACCEPTED_TYPES, IMAGE_TYPES
from chat.forms import MessageForm, ReportForm
from chat.models import Conversation
from chat.moderation import message_report as report_service
from chat.selectors import (
    acting_organization_get,
    conversation_get_for_user,
    conversation_list_for_user,
    conversation_member_list,
    conversation_titles_set,
    message_get,
    message_list_after,
    message_list_before,
    read_marker_list,
)
from chat.services import ChatError, message_send, read_mark
from config.files import CONTENT_TYPES

PAGE_SIZE = 20
HISTORY_PAGE = 50


def _conversation_or_404(request, pk: int) -> Conversation:
    conversation = conversation_get_for_user(user=request.user, pk=pk)
    if conversation is None:
        raise Http404
    return conversation


def _refusal(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(message)}, status=status)


@login_required
@require_GET
def conversation_list(request):
    page = Paginator(conversation_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    conversation_titles_set(page.object_list, user=request.user)
    return render(request, "chat/conversation_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, pk: int):
    """The conversation page. A POST is the form without the script (or an attachment sent
    without it): the message is stored and the page shown again."""
    conversation = _conversation_or_404(request, pk)
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                _send(request, conversation, form)
            except ChatError as error:
                form.add_error(None, error.message)
            else:
                return redirect("chat:conversation", pk=conversation.pk)
    history = message_list_before(conversation=conversation, limit=HISTORY_PAGE)
    organization = acting_organization_get(user=request.user, conversation=conversation)
    (conversation,) = conversation_titles_set([conversation], user=request.user)
    members = conversation_member_list(conversation=conversation)
    context = {
        "conversation": conversation,
        "title": conversation.display_title,
        "messages_page": history,
        "has_older": len(history) == HISTORY_PAGE,
        "form": form,
        "report_form": ReportForm(),
        "organization": organization,
        "others": [member for member in members if member["id"] != request.user.pk],
        # Everything the script needs, as one JSON blob (json_script escapes it).
        "chat_config": {
            "conversation": conversation.pk,
            "me": request.user.pk,
            "myName": events.user_payload(request.user)["name"],
            "organization": events.organization_payload(organization),
            "socket": f"/ws/chat/{conversation.pk}/",
            "messages": reverse("chat:messages", args=[conversation.pk]),
            "read": reverse("chat:read", args=[conversation.pk]),
            "report": reverse("chat:report", args=[0]),
            "lastId": history[-1].pk if history else 0,
            "firstId": history[0].pk if history else 0,
            "reads": read_marker_list(conversation=conversation, exclude_user=request.user),
            "maxLength": form.fields["text"].max_length,
            "maxBytes": limits.max_frame_bytes(),
        },
        "chat_labels": _page_labels(),
        "accepted_types": ", ".join(ACCEPTED_TYPES.values()),
    }
    status = 400 if form.errors else 200
    return render(request, "chat/conversation.html", context, status=status)


def _page_labels() -> dict[str, str]:
    """The words the page's script shows, in the reader's language."""
    return {
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "read": _("Read"),
        "failed": _("Not sent."),
        "retry": _("Try again"),
        "connecting": _("Connecting…"),
        "live": _("Live"),
        # %(seconds)s: a number of seconds.
        "reconnecting": _("Connection lost. Reconnecting in %(seconds)s s…"),
        "polling": _("Live connection unavailable: new messages are fetched every few seconds."),
        "typing": _("%(name)s is typing…"),
        "online": _("Online: %(names)s"),
        "nobodyOnline": _("Nobody from the other side is online."),
        "deleted": _("This message was deleted."),
        "hidden": _("This message was hidden by the platform's moderators."),
        "edited": _("(edited)"),
        "formerMember": _("Former member"),
        "report": _("Report"),
        "noOlder": _("This is the beginning of the conversation."),
        "signedOut": _("You were signed out. Sign in again to continue."),
        "forbidden": _("You no longer take part in this conversation."),
        "tooMany": _("Too many chat windows are open. Close one, then reload this page."),
        "tooBig": _("That message was too large to send."),
        "empty": _("Write a message or attach a file."),
        "error": _("Something went wrong. Try again."),
    }


@login_required
@require_http_methods(["GET", "POST"])
def conversation_messages(request, pk: int):
    """GET: a page of messages as JSON: `?before=<id>` older ones (history), `?after=<id>`
    newer ones (the refresh when WebSockets are blocked). POST: send one (text, client_id,
    optional attachment), answered like the socket's ack."""
    conversation = _conversation_or_404(request, pk)
    if request.method == "POST":
        return _message_post(request, conversation)
    try:
        before = _optional_id(request.GET.get("before"))
        after = _optional_id(request.GET.get("after"))
    except ValueError:
        return _refusal("invalid", _("Invalid message id."))
    if after is not None:
        page = message_list_after(conversation=conversation, after_id=after, limit=HISTORY_PAGE)
        has_more = len(page) == HISTORY_PAGE
    else:
        page = message_list_before(conversation=conversation, before_id=before, limit=HISTORY_PAGE)
        has_more = len(page) == HISTORY_PAGE
    return JsonResponse(
        {"messages": [events.message_payload(message) for message in page], "has_more": has_more}
    )


def _optional_id(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _send(request, conversation: Conversation, form: MessageForm):
    """Store the message of a valid form (chat.services.message_send; raises ChatError)."""
    return message_send(
        user=request.user,
        conversation=conversation,
        text=form.cleaned_data["text"],
        client_id=form.cleaned_data["client_id"],
        attachment=form.cleaned_data["attachment"],
    )


def _message_post(request, conversation: Conversation) -> JsonResponse:
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        first_error = next(iter(form.errors.values()))[0]
        return _refusal("invalid", first_error)
    if not limits.message_allowed_sync(request.user.pk):
        return _refusal(
            "rate_limited", _("You are sending messages too fast. Wait a moment."), status=429
        )
    try:
        message, created = _send(request, conversation, form)
    except ChatError as error:
        status = 403 if error.code == "not_member" else 400
        return _refusal(error.code, error.message, status=status)
    return JsonResponse(
        {
            "type": "ack",
            "client_id": message.client_id,
            "id": message.pk,
            "created": message.created_at.isoformat(),
            "message": events.message_payload(message),
        },
        status=201 if created else 200,
    )


@login_required
@require_POST
def conversation_read(request, pk: int):
    """Mark the conversation read up to `id` (the refresh mode's read receipt)."""
    conversation = _conversation_or_404(request, pk)
    try:
        message_id = _optional_id(request.POST.get("id")) or 0
        marker = read_mark(user=request.user, conversation=conversation, message_id=message_id)
    except ValueError:
        return _refusal("invalid", _("Invalid message id."))
    except ChatError as error:
        return _refusal(error.code, error.message)
    return JsonResponse({"id": marker.last_read_id})


@login_required
@require_POST
def message_report(request, message_pk: int):
    """A participant reports a message to the bureau's moderators."""
    message = message_get(pk=message_pk)
    if (
        message is None
        or conversation_get_for_user(user=request.user, pk=message.conversation_id) is None
    ):
        raise Http404
    form = ReportForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        first_error = next(iter(form.errors.values()))[0]
        if wants_json:
            return _refusal("invalid", first_error)
        messages.error(request, first_error)
        return redirect("chat:conversation", pk=message.conversation_id)
    try:
        report_service(
            user=request.user,
            message=message,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ChatError as error:
        if wants_json:
            return _refusal(error.code, error.message)
        messages.error(request, error.message)
        return redirect("chat:conversation", pk=message.conversation_id)
    done = _("Thank you. The platform's moderators will look at this message.")
    if wants_json:
        return JsonResponse({"message": done})
    messages.success(request, done)
    return redirect("chat:conversation", pk=message.conversation_id)


@login_required
@require_GET
def attachment_download(request, message_pk: int):
    """A message's file, to the conversation's participants only, while the message is
    visible. Images open in the page; other files download. Never sniffed into HTML."""
    message = message_get(pk=message_pk)
    if (
        message is None
        or not message.attachment
        or not message.is_visible
        or conversation_get_for_user(user=request.user, pk=message.conversation_id) is None
    ):
        raise Http404
    response = FileResponse(
        message.attachment.open("rb"),
        as_attachment=message.attachment_type not in IMAGE_TYPES,
        filename=message.attachment_name,
        content_type=CONTENT_TYPES.get(message.attachment_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
