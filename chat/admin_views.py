"""Chat moderation inside the Wagtail admin: the open reports (hide the message with a reason,
or dismiss the report), the event lobbies, and one lobby's messages.

Wagtail lets anyone with admin access reach these URLs (chat.wagtail_hooks registers them);
each view also requires bureau staff (chat.moderation.is_moderator), whatever other admin
permissions an account holds: reading lobbies and hiding messages is theirs alone.
"""

import functools

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from wagtail.admin import messages

from chat import moderation
from chat.services import ChatError

REPORTS_PER_PAGE = 30
LOBBIES_PER_PAGE = 30
MESSAGES_PER_PAGE = 50


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for hiding"),
        max_length=moderation.HIDDEN_REASON_MAX_LENGTH,
        help_text=gettext_lazy("Kept on record with your name; participants do not see it."),
        error_messages={"required": gettext_lazy("Give a reason for hiding the message.")},
    )


def moderator_required(view):
    """403 for anyone but bureau staff (Wagtail has already sent anonymous visitors to sign in,
    and turned away accounts without admin access)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not moderation.is_moderator(request.user):
            return permission_denied(request, PermissionDenied())
        return view(request, *args, **kwargs)

    return wrapped


def _next_url(request, fallback: str) -> str:
    """Where to go after an action: the page it was taken from, when that is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@moderator_required
def report_list(request):
    page = Paginator(moderation.report_open_list(), REPORTS_PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request, "chat/admin/report_list.html", {"reports": page, "hide_form": HideForm()}
    )


@moderator_required
def message_hide(request, message_pk: int):
    """GET shows the message, its reports and the form; POST hides it with the reason and goes
    back to where it was asked from. A missing reason shows the form again with the error."""
    message = moderation.message_get_for_moderation(pk=message_pk)
    if message is None:
        raise Http404
    fallback = reverse("chat_admin:report_list")
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.message_hide(
                staff=request.user, message=message, reason=form.cleaned_data["reason"]
            )
        except ChatError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The message is hidden."))
            return redirect(_next_url(request, fallback))
    return render(
        request,
        "chat/admin/message_hide.html",
        {
            "message": message,
            "reports": message.reports.all(),
            "form": form,
            "next": _next_url(request, fallback),
            "lobby_url": (
                reverse("chat_admin:lobby_detail", args=[message.conversation_id])
                if moderation.lobby_get(pk=message.conversation_id)
                else None
            ),
        },
    )


@moderator_required
@require_POST
def report_dismiss(request, report_pk: int):
    report = moderation.report_get(pk=report_pk)
    if report is None:
        raise Http404
    moderation.report_dismiss(staff=request.user, report=report)
    messages.success(request, _("The report is dismissed; the message stays as it was."))
    return redirect(_next_url(request, reverse("chat_admin:report_list")))


@moderator_required
def lobby_list(request):
    page = Paginator(moderation.lobby_list(), LOBBIES_PER_PAGE).get_page(request.GET.get("p"))
    return render(request, "chat/admin/lobby_list.html", {"lobbies": page})


@moderator_required
def lobby_detail(request, conversation_pk: int):
    """A lobby's messages, newest first, read-only but for hiding one."""
    lobby = moderation.lobby_get(pk=conversation_pk)
    if lobby is None:
        raise Http404
    page = Paginator(moderation.lobby_message_list(conversation=lobby), MESSAGES_PER_PAGE).get_page(
        request.GET.get("p")
    )
    return render(
        request,
        "chat/admin/lobby_detail.html",
        {"lobby": lobby, "chat_messages": page, "hide_form": HideForm()},
    )
