"""Bulk import of organizations and profiles, and export of the directory.

Import: bureau staff, and owners and administrators of the acting organization (who can update
only organizations they manage; the service rejects other rows). Export: bureau staff only.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import (
    active_organization_get,
    organization_can_manage,
    user_is_bureau_staff,
)
from matchmaking import selectors
from matchmaking.forms.bulk import ImportUploadForm
from matchmaking.forms.directory import DirectoryFilterForm
from matchmaking.services import organization_profile_import
from matchmaking.spreadsheets import (
    COLUMNS,
    FILE_WRITERS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    profile_row,
)


def _require_importer(user) -> None:
    if user_is_bureau_staff(user):
        return
    organization = active_organization_get(user=user)
    if organization is None or not organization_can_manage(user=user, organization=organization):
        raise PermissionDenied


def _file_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _writer(file_format: str):
    if file_format not in FILE_WRITERS:
        raise Http404
    return FILE_WRITERS[file_format]


@login_required
def import_upload(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = organization_profile_import(rows=form.cleaned_data["file"], by=request.user)
            return render(
                request,
                "matchmaking/import_report.html",
                {"report": report, "file_name": request.FILES["file"].name},
            )
        status = 400
    return render(
        request,
        "matchmaking/import_upload.html",
        {
            "form": form,
            "columns": COLUMNS,
            "is_bureau_staff": user_is_bureau_staff(request.user),
            "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
        },
        status=status,
    )


@login_required
def import_template(request, file_format: str):
    write, content_type = _writer(file_format)
    _require_importer(request.user)
    return _file_response(
        write([]), content_type=content_type, filename=f"organizations-template.{file_format}"
    )


@login_required
def directory_export(request, file_format: str):
    write, content_type = _writer(file_format)
    if not user_is_bureau_staff(request.user):
        raise PermissionDenied
    filters = DirectoryFilterForm(request.GET).filters()
    profiles = selectors.profile_directory_list(user=request.user, **filters)
    rows = [profile_row(profile) for profile in profiles]
    day = timezone.localdate().isoformat()
    return _file_response(
        write(rows), content_type=content_type, filename=f"directory-{day}.{file_format}"
    )
