"""Liveness and readiness probes for the load balancer and docker-compose health checks."""

import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import connection
from django.http import JsonResponse

from search.selectors import search_health

logger = logging.getLogger(__name__)


def healthz(request):
    """503 when the database does not answer. Otherwise 200, with the search engine's state:
    "degraded" while it is unreachable (searches answer from the embedded index), since the
    site still serves; the outbox's counts say how far the index lags."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not ready"; details go to the log only
        logger.exception("health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    health = search_health()
    lag = health.outbox.oldest_pending_age
    return JsonResponse(
        {
            "status": "degraded" if health.degraded else "ok",
            "search": {
                "backend": health.backend,
                "available": health.available,
                "degraded": health.degraded,
                "outbox": {
                    "pending": health.outbox.pending,
                    "due": health.outbox.due,
                    "failed": health.outbox.failed,
                    "oldest_pending_seconds": round(lag.total_seconds()) if lag else None,
                },
            },
        }
    )


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
