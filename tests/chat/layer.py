"""Listening to the real channel layer from a synchronous test, as a consumer would."""

import asyncio

from channels.layers import get_channel_layer


class Listener:
    """A channel subscribed to `group`; `events()` returns what reached it so far.

    It keeps one event loop of its own: the Redis layer binds a channel's receive queue to the
    loop that first reads it.
    """

    def __init__(self, group: str):
        self.loop = asyncio.new_event_loop()
        self.layer = get_channel_layer()
        self.channel = self.loop.run_until_complete(self._listen(group))

    async def _listen(self, group: str) -> str:
        channel = await self.layer.new_channel()
        await self.layer.group_add(group, channel)
        return channel

    async def _drain(self, wait: float) -> list[dict]:
        received = []
        while True:
            try:
                received.append(await asyncio.wait_for(self.layer.receive(self.channel), wait))
            except TimeoutError:
                return received

    def events(self, wait: float = 0.3) -> list[dict]:
        return self.loop.run_until_complete(self._drain(wait))

    def __del__(self):
        self.loop.close()
