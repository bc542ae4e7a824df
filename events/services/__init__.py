"""Writes of the events app: registrations and their places (registrations.py)."""
