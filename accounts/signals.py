"""Signals that accounts sends for higher apps (search, matchmaking) to react to."""

from django.dispatch import Signal

organization_verification_changed = Signal()
"""Sent after commit when bureau staff change an organization's verification state.

Arguments: ``organization`` (the Organization, already saved), ``previous_state`` (the
VerificationState value it had before).
"""

organization_changed = Signal()
"""Sent INSIDE the transaction that changed an existing organization's own fields, after the row
is saved and before commit: by organization_update, organization_set_verification (when the
state changes) and organization_import_upsert (when it updates), and by any later service that
writes an organization (deactivating one, for instance). Not sent on creation, nor when nothing
changed.

Receivers run in that transaction: what they write commits or rolls back with the change, and an
exception they raise undoes it. They must not reach outside the database; anything that must
wait for the commit goes through transaction.on_commit (matchmaking enqueues search index jobs
here, which the outbox drains after commit).

Arguments: ``organization`` (the Organization, saved), ``changed_fields`` (a frozenset of the
names of the model fields whose values changed).
"""
