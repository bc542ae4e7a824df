"""An event's registrations as an .xlsx workbook, for the bureau staff who review them.

Registrants wrote most of the text (names, attendees, answers): every cell goes through
matchmaking.spreadsheets.escape_cell, so a value starting with = + - @ is stored as text that no
spreadsheet program runs as a formula.
"""

import io
from collections.abc import Iterable, Mapping

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from events.models import EventPage, Registration
from matchmaking.spreadsheets import escape_cell

SHEET_TITLE = "registrations"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _attendees(registration: Registration) -> str:
    return "\n".join(
        " / ".join(
            part
            for part in (
                person.get("name", ""),
                person.get("position", ""),
                person.get("phone", ""),
                person.get("email", ""),
            )
            if part
        )
        for person in registration.attendees
    )


def _answers(registration: Registration) -> str:
    lines = []
    for answer in registration.answers.values():
        value = answer.get("answer", "")
        text = "、".join(value) if isinstance(value, list) else str(value)
        lines.append(f"{answer.get('question', '')}: {text}")
    return "\n".join(lines)


def _header() -> list[str]:
    return [
        _("No."),
        _("Organization (Chinese)"),
        _("Organization (English)"),
        _("Unified social credit code"),
        _("Organization kind"),
        _("State"),
        _("Waitlist position"),
        _("Registered at"),
        _("Decided at"),
        _("Reason"),
        _("Checked in at"),
        _("Attendees"),
        _("Answers"),
        _("Documents"),
    ]


def _row(registration: Registration, position: int | None) -> list:
    organization = registration.organization
    return [
        registration.pk,
        organization.name_zh,
        organization.name_en,
        organization.credit_code,
        registration.get_organization_kind_display(),
        registration.get_state_display(),
        position or "",
        _when(registration.created_at),
        _when(registration.decided_at),
        registration.decision_reason,
        _when(registration.checked_in_at),
        _attendees(registration),
        _answers(registration),
        "\n".join(document.original_name for document in registration.documents.all()),
    ]


def registrations_xlsx(
    *,
    registrations: Iterable[Registration],
    waitlist_positions: Mapping[int, int],
) -> bytes:
    """One sheet, one header row, one registration per row; times in Beijing time.

    `registrations` should carry their organization and prefetched documents
    (selectors.review.registration_review_list)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    header = _header()
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(name) + 4)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for registration in registrations:
        row = _row(registration, waitlist_positions.get(registration.pk))
        sheet.append([value if isinstance(value, int) else escape_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registrations_filename(event: EventPage) -> str:
    return f"registrations-{event.slug}-{timezone.localdate():%Y%m%d}.xlsx"
