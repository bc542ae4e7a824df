"""All WebSocket routes. Apps add theirs here (chat arrives with its issue)."""

from django.urls import path

from config.health import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
]
