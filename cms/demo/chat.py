"""A demo conversation: the furniture exporter asked the platform for a meeting, the platform
accepted, and the two have started talking (through the matchmaking and chat services, as on
the live site; made once)."""

from django.db import transaction

from accounts.models import Organization, User
from chat.models import Message
from chat.selectors import conversation_get_for_user, conversation_id_for_source
from chat.services import message_send
from cms.demo.accounts import ROLE_LOGINS
from matchmaking.services.meetings import (
    meeting_request_accept,
    meeting_request_create,
    pair_conversation_source,
)

# (who writes: "exporter" or "platform", text)
LINES = [
    ("exporter", "您好！我们是京南家具，主营实木餐桌椅，看到贵平台正在招募家居类目的卖家。"),
    (
        "platform",
        "欢迎！我们在欧洲和北美都有家居频道。请问贵司能否提供 FSC 认证和 EN 12520 检测报告？",
    ),
    (
        "exporter",
        "两项都有。产品目录和报价单可以在这里发给您：https://example.com/jingnan-catalogue",
    ),
    (
        "platform",
        "Great, thanks. Could you also share your monthly capacity for the EU warehouse programme?",
    ),
    (
        "exporter",
        "Around 2,000 sets a month; we can ship to your Poland warehouse in 40HQ containers.",
    ),
]


@transaction.atomic
def load_chat(organizations: dict[str, Organization]) -> int:
    """The exporter and platform's conversation; returns how many messages were added."""
    exporter = organizations[ROLE_LOGINS["exporter"][1]]
    platform = organizations[ROLE_LOGINS["platform"][1]]
    source = pair_conversation_source(exporter.pk, platform.pk)
    if conversation_id_for_source(source=source) is None:
        exporter_owner = User.objects.get(email=ROLE_LOGINS["exporter"][0])
        platform_owner = User.objects.get(email=ROLE_LOGINS["platform"][0])
        request = meeting_request_create(
            requester=exporter,
            receiver=platform,
            by=exporter_owner,
            note="希望了解贵平台欧洲家居频道的入驻条件。",
        )
        meeting_request_accept(request=request, by=platform_owner)
    authors = {
        "exporter": User.objects.get(email=ROLE_LOGINS["exporter"][0]),
        "platform": User.objects.get(email=ROLE_LOGINS["platform"][0]),
    }
    conversation = conversation_get_for_user(
        user=authors["exporter"], pk=conversation_id_for_source(source=source)
    )
    if Message.objects.filter(conversation=conversation).exists():
        return 0
    for index, (side, text) in enumerate(LINES):
        message_send(
            user=authors[side], conversation=conversation, text=text, client_id=f"demo-{index}"
        )
    return len(LINES)
