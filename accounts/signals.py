"""Signals that accounts sends for higher apps (search, matchmaking) to react to."""

from django.dispatch import Signal

organization_verification_changed = Signal()
"""Sent after commit when bureau staff change an organization's verification state.

Arguments: ``organization`` (the Organization, already saved), ``previous_state`` (the
VerificationState value it had before).
"""
