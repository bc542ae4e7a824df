"""All WebSocket routes."""

from django.urls import path

from chat.consumers import ChatConsumer
from config.health import HealthConsumer

websocket_urlpatterns = [
    path("ws/health/", HealthConsumer.as_asgi()),
    path("ws/chat/<int:conversation_id>/", ChatConsumer.as_asgi()),
]
