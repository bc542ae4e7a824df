"""The bare WebSocket echo the chat benchmark compares with: a raw ASGI application that accepts
every socket and sends each text frame back as it came. Served by daphne like the app
(`daphne bench.chat_echo:application`), so the difference is the app's own work: no routing,
origin check, session, consumer, JSON, database or channel layer."""


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            pass
        return
    if scope["type"] != "websocket":
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": event.get("text")})
        else:  # websocket.disconnect
            return
