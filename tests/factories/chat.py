"""Conversations between two organizations with a member each, and their messages.

Conversations made here go through the service (chat.services.conversation_open), as other apps
open them; messages made by MessageFactory skip the service (no broadcast, no validation), for
tests that need many rows or a given state.
"""

from dataclasses import dataclass

import factory

from accounts.models import Organization, User
from chat.models import Conversation, ConversationKind, Message
from chat.services import conversation_open
from tests.factories.accounts import MembershipFactory, OrganizationFactory


@dataclass
class Pair:
    """A pair conversation, its two organizations and one member of each."""

    conversation: Conversation
    first: Organization
    second: Organization
    alice: User
    bob: User


def pair_conversation(*, source: str = "", title: str = "") -> Pair:
    first = OrganizationFactory()
    second = OrganizationFactory(kind="platform")
    conversation = conversation_open(
        kind=ConversationKind.PAIR, organizations=[first, second], title=title, source=source
    )
    alice = MembershipFactory(organization=first, user__full_name="Alice").user
    bob = MembershipFactory(organization=second, user__full_name="Bob").user
    return Pair(conversation, first, second, alice, bob)


class MessageFactory(factory.django.DjangoModelFactory):
    """A stored message, written directly (no broadcast); pass conversation and author."""

    class Meta:
        model = Message
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"消息 {n}")
    organization = factory.LazyAttribute(
        lambda o: o.author.memberships.first().organization if o.author else None
    )

    @factory.post_generation
    def newest(self, create, extracted, **kwargs):
        """Keep the conversation's newest id in step, as message_send does."""
        if create:
            Conversation.objects.filter(pk=self.conversation_id).update(last_message_id=self.pk)
