"""Liveness and readiness probes for the load balancer and docker-compose health checks."""

import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request):
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"; details go to the log only
        logger.exception("health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """WebSocket probe: proves that routing, the origin check and session auth are wired.

    Replies to the connection with ``{"type": "hello", "authenticated": bool}``.
    """

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        await self.send_json(
            {"type": "hello", "authenticated": bool(user and user.is_authenticated)}
        )
