import io
import os
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import MembershipRole, Organization, OrganizationKind, VerificationState
from matchmaking import services
from matchmaking.models import Profile, Visibility
from matchmaking.services.imports import organization_profile_import
from matchmaking.spreadsheets import (
    COLUMN_NAMES,
    INSTRUCTIONS_SHEET_TITLE,
    MAX_FILE_BYTES,
    MAX_ROWS,
    SpreadsheetError,
    read_rows,
)
from tests.factories import MembershipFactory, OrganizationFactory
from tests.matchmaking.bulk_files import (
    code,
    csv_file,
    exporter_row,
    platform_row,
    provider_row,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def run_import(file, *, by):
    return organization_profile_import(rows=read_rows(file), by=by)


def snapshot() -> dict:
    """Everything an import could change, to prove that a refused one changed nothing."""
    return {
        "organizations": sorted(
            Organization.objects.values_list("credit_code", "name_zh", "updated_at")
        ),
        "profiles": sorted(
            Profile.objects.values_list("organization__credit_code", "data_version", "updated_at")
        ),
    }


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


# --- Valid files ------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_a_valid_file_creates_organizations_and_profiles(make_file, bureau_staff, taxonomy):
    report = run_import(
        make_file([exporter_row(), platform_row(), provider_row()]), by=bureau_staff
    )

    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    exporter = Organization.objects.get(credit_code=code(1))
    assert exporter.kind == OrganizationKind.EXPORTER
    assert exporter.district == "daxing"
    assert exporter.website == "https://www.example.com"
    assert exporter.verification_state == VerificationState.VERIFIED
    assert exporter.verified_by == bureau_staff
    assert not exporter.memberships.exists()
    profile = exporter.profile
    assert sorted(profile.hs_headings.values_list("code", flat=True)) == ["9401", "9403"]
    assert list(profile.market_regions.values_list("code", flat=True)) == ["EU"]
    assert list(profile.market_countries.values_list("code", flat=True)) == ["US"]
    assert sorted(profile.certifications.values_list("code", flat=True)) == ["FSC", "ISO9001"]
    assert profile.languages == ["zh", "en"]
    assert profile.export_volume_band == "5m_20m"
    assert profile.channels_wanted == ["marketplace", "b2b"]
    assert profile.services_needed == ["overseas_warehouse", "logistics"]
    assert profile.years_cross_border == 3
    assert profile.contact_phone == "+86 10 6512 3456"
    assert profile.visibility == Visibility.PUBLIC
    assert (
        profile.description_zh == "<p>年产能5万张餐桌。<br>可做FSC认证。</p><p>欢迎平台联系。</p>"
    )
    platform = Organization.objects.get(credit_code=code(2)).profile
    assert platform.visibility == Visibility.MEMBERS
    assert platform.services_offered == ["store_operation", "marketing"]
    assert platform.channels_offered == ["marketplace", "b2b"]
    assert platform.incentives_zh == "前三个月免佣金"
    provider = Organization.objects.get(credit_code=code(3)).profile
    assert list(provider.certifications.values_list("code", flat=True)) == ["AEO"]
    assert provider.completeness > 0


def test_a_chinese_excel_csv_in_gbk_is_read(bureau_staff, taxonomy):
    file = csv_file([exporter_row()], encoding="gbk")
    report = run_import(file, by=bureau_staff)
    assert report.created == 1
    organization = Organization.objects.get(credit_code=code(1))
    assert organization.name_zh == "北京导入家具有限公司1"
    assert organization.profile.contact_name == "王经理"


def test_semicolon_separated_csv_and_lenient_codes_are_read(bureau_staff, taxonomy):
    row = exporter_row(kind=" Exporter ", district="DAXING", languages="ZH；en", markets="Eu，us")
    header = ";".join(COLUMN_NAMES)
    line = ";".join(row.get(name, "").replace("\n", " ") for name in COLUMN_NAMES)
    file = SimpleUploadedFile("semicolons.csv", f"{header}\n{line}\n".encode())
    report = run_import(file, by=bureau_staff)
    assert report.created == 1, report.rows
    profile = Organization.objects.get(credit_code=code(1)).profile
    assert profile.languages == ["zh", "en"]
    assert list(profile.market_regions.values_list("code", flat=True)) == ["EU"]


# --- A mixed file: row numbers and reasons ----------------------------------------------------


def test_a_mixed_file_imports_the_good_rows_and_reports_the_others(bureau_staff, taxonomy):
    rows = [
        exporter_row(1),  # row 2
        exporter_row(2, credit_code="91110105000000001X"),  # row 3: check character
        exporter_row(3, hs_headings="9403 7701 12", markets="DE XX"),  # row 4
        None,  # row 5: empty, skipped but counted
        platform_row(4, export_volume_band="1m_5m", years_cross_border="2"),  # row 6
        exporter_row(1, name_zh="重复"),  # row 7: same code as row 2
        exporter_row(5, kind="bureau", district="mars", name_zh="", languages="tlh"),  # row 8
        provider_row(6),  # row 9
    ]
    with translation.override("en"):
        report = run_import(xlsx_file(rows), by=bureau_staff)

    assert (report.created, report.rejected) == (2, 5)
    reasons = {row.number: " ".join(row.reasons) for row in report.rejected_rows}
    assert sorted(reasons) == [3, 4, 6, 7, 8]
    assert "credit_code" in reasons[3] and "check character" in reasons[3]
    assert "7701" in reasons[4] and "12" in reasons[4] and "XX" in reasons[4]
    assert "export_volume_band" in reasons[6] and "years_cross_border" in reasons[6]
    assert "row 2" in reasons[7]
    for column in ("kind", "district", "name_zh", "languages"):
        assert column in reasons[8]
    assert [row.number for row in report.accepted_rows] == [2, 9]
    assert set(Organization.objects.values_list("credit_code", flat=True)) >= {code(1), code(6)}
    assert not Organization.objects.filter(credit_code__in=[code(3), code(4), code(5)]).exists()
    assert Organization.objects.get(credit_code=code(1)).name_zh == "北京导入家具有限公司1"


def test_only_platforms_offer_sales_channels_and_only_known_ones(bureau_staff, taxonomy):
    rows = [
        platform_row(1, channels_offered="marketplace telepathy"),  # row 2
        exporter_row(2, channels_offered="marketplace"),  # row 3
        provider_row(3, channels_offered="b2b"),  # row 4
        platform_row(4, channels_offered="Social_Commerce；independent_site"),  # row 5
        platform_row(5, channels_offered=""),  # row 6
    ]
    with translation.override("en"):
        report = run_import(xlsx_file(rows), by=bureau_staff)

    assert (report.created, report.rejected) == (2, 3)
    reasons = {row.number: " ".join(row.reasons) for row in report.rejected_rows}
    assert sorted(reasons) == [2, 3, 4]
    assert "channels_offered: unknown codes: telepathy." in reasons[2]
    for number in (3, 4):
        assert "channels_offered: does not apply to a" in reasons[number]
    profiles = Profile.objects.filter(organization__credit_code__in=[code(4), code(5)])
    assert dict(profiles.values_list("organization__credit_code", "channels_offered")) == {
        code(4): ["social_commerce", "independent_site"],
        code(5): [],
    }


def test_a_file_from_the_older_template_without_sales_channels_keeps_them(bureau_staff, taxonomy):
    run_import(xlsx_file([platform_row(1)]), by=bureau_staff)
    older = [name for name in COLUMN_NAMES if name != "channels_offered"]
    changed = platform_row(1, incentives_zh="前六个月免佣金")
    del changed["channels_offered"]

    report = run_import(csv_file([changed], header=older), by=bureau_staff)

    assert (report.updated, report.rejected) == (1, 0)
    profile = Profile.objects.get(organization__credit_code=code(1))
    assert profile.incentives_zh == "前六个月免佣金"
    assert profile.channels_offered == ["marketplace", "b2b"]


# --- Idempotence ------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_importing_the_same_file_again_changes_nothing(make_file, bureau_staff, taxonomy):
    rows = [exporter_row(), platform_row(), provider_row()]
    run_import(make_file(rows), by=bureau_staff)
    before = snapshot()

    report = run_import(make_file(rows), by=bureau_staff)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0)
    assert snapshot() == before


def test_unchanged_rows_cost_no_queries(bureau_staff, taxonomy):
    def reimport_queries(count):
        rows = [exporter_row(number) for number in range(count)]
        run_import(csv_file(rows), by=bureau_staff)
        parsed = read_rows(csv_file(rows))
        with CaptureQueriesContext(connection) as captured:
            report = organization_profile_import(rows=parsed, by=bureau_staff)
        assert report.unchanged == count
        return len(captured)

    assert reimport_queries(2) == reimport_queries(6)


def test_a_changed_cell_updates_that_row_only(bureau_staff, taxonomy):
    run_import(xlsx_file([exporter_row(), platform_row()]), by=bureau_staff)
    versions = dict(Profile.objects.values_list("organization__credit_code", "data_version"))

    report = run_import(
        xlsx_file([exporter_row(summary_en="Tables and chairs", markets="EU"), platform_row()]),
        by=bureau_staff,
    )

    assert (report.updated, report.unchanged) == (1, 1)
    after = dict(Profile.objects.values_list("organization__credit_code", "data_version"))
    assert after[code(1)] == versions[code(1)] + 1
    assert after[code(2)] == versions[code(2)]
    profile = Profile.objects.get(organization__credit_code=code(1))
    assert profile.summary_en == "Tables and chairs"
    assert not profile.market_countries.exists()


def test_formatting_set_on_the_website_survives_a_file_with_the_same_text(bureau_staff, taxonomy):
    run_import(xlsx_file([exporter_row(description_zh="第一段\n\n第二段")]), by=bureau_staff)
    organization = Organization.objects.get(credit_code=code(1))
    services.profile_update(
        organization=organization,
        by=bureau_staff,
        description_zh="<p><strong>第一段</strong></p><p>第二段</p>",
    )
    version = Profile.objects.get().data_version

    report = run_import(
        xlsx_file([exporter_row(description_zh="第一段\n\n第二段")]), by=bureau_staff
    )

    assert report.unchanged == 1
    profile = Profile.objects.get()
    assert "<strong>" in profile.description_zh
    assert profile.data_version == version


def test_an_empty_visibility_keeps_the_current_one(bureau_staff, taxonomy):
    run_import(xlsx_file([exporter_row(visibility="hidden")]), by=bureau_staff)
    report = run_import(xlsx_file([exporter_row(visibility="")]), by=bureau_staff)
    assert report.unchanged == 1
    assert Profile.objects.get().visibility == Visibility.HIDDEN


# --- Refused files ----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def not_an_xlsx_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


def too_many_rows():
    return csv_file([exporter_row(number) for number in range(MAX_ROWS + 1)])


def xlsx_with_header(header):
    return xlsx_file([exporter_row()], header=header)


MALFORMED = {
    "png renamed .xlsx": (lambda: SimpleUploadedFile("logo.xlsx", PNG), "not an Excel"),
    "png renamed .csv": (lambda: SimpleUploadedFile("logo.csv", PNG), "not a CSV"),
    "random bytes .xlsx": (
        lambda: SimpleUploadedFile("x.xlsx", b"PK\x03\x04" + os.urandom(2000)),
        "not an Excel",
    ),
    "random bytes .csv": (lambda: SimpleUploadedFile("x.csv", os.urandom(4000)), "CSV"),
    "a zip that is no workbook": (
        lambda: SimpleUploadedFile("x.xlsx", not_an_xlsx_zip()),
        "not an Excel",
    ),
    "empty file": (lambda: SimpleUploadedFile("x.csv", b""), "empty"),
    "old .xls": (lambda: SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0" + bytes(100)), ".xls"),
    "header only": (lambda: csv_file([]), "no rows of data"),
    "missing and unknown columns": (
        lambda: xlsx_with_header(
            [name for name in COLUMN_NAMES if name not in ("district", "markets")] + ["fax"]
        ),
        "missing: district, markets; unknown: fax",
    ),
    "repeated column": (lambda: xlsx_with_header([*COLUMN_NAMES, "kind"]), "repeated: kind"),
    "too many rows": (too_many_rows, str(MAX_ROWS)),
    "just above the size limit": (
        lambda: SimpleUploadedFile("big.csv", b"a" * (MAX_FILE_BYTES + 1)),
        "the limit is 10 MB",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_file_is_refused_with_a_reason(case):
    make_file, reason = MALFORMED[case]
    with translation.override("en"), pytest.raises(SpreadsheetError) as refused:
        read_rows(make_file())
    assert reason in refused.value.message


def test_the_size_is_checked_before_anything_is_read():
    class Unreadable:
        name = "huge.xlsx"
        size = 50 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

        def seek(self, *args):
            raise AssertionError("a file over the limit must not be read")

    with translation.override("en"), pytest.raises(SpreadsheetError, match=r"50\.0 MB"):
        read_rows(Unreadable())


def test_a_sheet_declaring_a_far_away_cell_is_refused_quickly():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMN_NAMES))
    sheet.cell(row=1_000_000, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"), pytest.raises(SpreadsheetError, match="empty ones included"):
        read_rows(SimpleUploadedFile("far.xlsx", buffer.getvalue()))


@pytest.mark.parametrize(
    ("column", "value", "file_maker"),
    [
        ("name_zh", '=HYPERLINK("http://evil.example","点我")', xlsx_file),
        ("name_zh", "=1+1", csv_file),
        ("summary_en", "@SUM(A1)", csv_file),
        ("contact_phone", "+cmd|' /C calc'!A0", csv_file),
        ("contact_phone", "-1 10 6512", xlsx_file),
        ("years_cross_border", "-2", csv_file),
        ("description_zh", "\t=cmd", csv_file),
    ],
)
def test_a_cell_that_would_run_as_a_formula_refuses_the_file(
    column, value, file_maker, bureau_staff, taxonomy
):
    before = snapshot()
    with translation.override("en"), pytest.raises(SpreadsheetError) as refused:
        run_import(
            file_maker([exporter_row(), exporter_row(2, **{column: value})]), by=bureau_staff
        )
    assert f"3:{column}" in refused.value.message
    assert snapshot() == before


def test_phone_numbers_and_escaped_text_are_not_formulas(bureau_staff, taxonomy):
    row = exporter_row(contact_phone="+86 (10) 6512-3456", summary_en="'=not a formula")
    report = run_import(csv_file([row]), by=bureau_staff)
    assert report.created == 1
    profile = Profile.objects.get()
    assert profile.contact_phone == "+86 (10) 6512-3456"
    assert profile.summary_en == "=not a formula"


# --- Who may import what ----------------------------------------------------------------------


def test_an_administrator_updates_their_organization_and_nothing_else(
    organization, org_admin, taxonomy
):
    other = OrganizationFactory(kind="exporter")
    rows = [
        exporter_row(credit_code=organization.credit_code, name_zh="我们的新名字"),
        exporter_row(credit_code=other.credit_code, name_zh="别人的公司"),
        exporter_row(9),
    ]
    with translation.override("en"):
        report = run_import(xlsx_file(rows), by=org_admin)

    assert (report.updated, report.rejected) == (1, 2)
    reasons = {row.number: " ".join(row.reasons) for row in report.rejected_rows}
    assert "only update organizations you administer" in reasons[3]
    assert "Only bureau staff can add organizations" in reasons[4]
    organization.refresh_from_db()
    assert organization.name_zh == "我们的新名字"
    assert organization.profile.summary_zh == "实木家具出口"
    other.refresh_from_db()
    assert other.name_zh != "别人的公司"
    assert not Organization.objects.filter(credit_code=code(9)).exists()


def test_a_member_cannot_import(member, organization, taxonomy):
    with pytest.raises(PermissionDenied):
        run_import(xlsx_file([exporter_row(credit_code=organization.credit_code)]), by=member)


def test_the_kind_and_bureau_organizations_are_not_changed(bureau_staff, taxonomy):
    platform = OrganizationFactory(kind="platform")
    bureau = bureau_staff.memberships.get().organization
    rows = [
        exporter_row(credit_code=platform.credit_code),
        exporter_row(credit_code=bureau.credit_code),
    ]
    with translation.override("en"):
        report = run_import(xlsx_file(rows), by=bureau_staff)
    reasons = [" ".join(row.reasons) for row in report.rejected_rows]
    assert "cannot change its kind" in reasons[0]
    assert "Bureau organizations" in reasons[1]
    platform.refresh_from_db()
    assert platform.kind == "platform"
    assert bureau.kind == OrganizationKind.BUREAU


# --- The import page --------------------------------------------------------------------------


def test_the_import_page_shows_a_report(bureau_client, taxonomy):
    page = bureau_client.get(en("matchmaking:import_upload"))
    assert page.status_code == 200
    assert "credit_code" in page.content.decode()
    file = xlsx_file([exporter_row(), exporter_row(2, markets="XX")])

    response = bureau_client.post(en("matchmaking:import_upload"), {"file": file})

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.rejected) == (1, 1)
    html = response.content.decode()
    assert 'data-testid="rejected-row"' in html and "XX" in html
    assert Organization.objects.filter(credit_code=code(1)).exists()


def test_the_import_page_refuses_a_malformed_file_and_changes_nothing(bureau_client, taxonomy):
    before = snapshot()
    response = bureau_client.post(
        en("matchmaking:import_upload"), {"file": SimpleUploadedFile("a.xlsx", PNG)}
    )
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    assert snapshot() == before


def test_an_administrator_imports_on_the_page(client, organization, org_admin, taxonomy):
    client.force_login(org_admin)
    file = csv_file([exporter_row(credit_code=organization.credit_code, summary_en="Updated")])
    response = client.post(en("matchmaking:import_upload"), {"file": file})
    assert response.context["report"].updated == 1
    assert Profile.objects.get(organization=organization).summary_en == "Updated"


def test_members_and_strangers_cannot_import(client, member, outsider):
    url = en("matchmaking:import_upload")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": csv_file([exporter_row()])}).status_code == 403
    assert client.get(en("matchmaking:import_template", "xlsx")).status_code == 403
    assert not Organization.objects.filter(credit_code=code(1)).exists()


def test_the_templates_have_the_columns_and_the_instructions(client, organization, owner):
    client.force_login(owner)
    response = client.get(en("matchmaking:import_template", "xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["organizations", INSTRUCTIONS_SHEET_TITLE]
    header = next(workbook["organizations"].iter_rows(values_only=True))
    assert list(header) == list(COLUMN_NAMES)
    instructions = workbook[INSTRUCTIONS_SHEET_TITLE].iter_rows(values_only=True)
    documented = [row[0] for row in instructions if row]
    assert set(COLUMN_NAMES) <= set(documented)
    csv_template = client.get(en("matchmaking:import_template", "csv"))
    assert csv_template.content.decode("utf-8-sig").strip() == ",".join(COLUMN_NAMES)
    assert client.get(en("matchmaking:import_template", "pdf")).status_code == 404


# --- The management command -------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_report(tmp_path, bureau_staff, taxonomy):
    path = tmp_path / "organizations.xlsx"
    path.write_bytes(xlsx_file([exporter_row(), platform_row()]).read())
    out, err = io.StringIO(), io.StringIO()

    call_command("import_profiles", str(path), user=bureau_staff.email, stdout=out, stderr=err)

    assert "created: 2, updated: 0, unchanged: 0, rejected: 0" in out.getvalue()
    assert "2/2" in err.getvalue()  # the progress bar
    assert Organization.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2
    out = io.StringIO()
    call_command("import_profiles", str(path), user=bureau_staff.email, stdout=out, stderr=err)
    assert "created: 0, updated: 0, unchanged: 2, rejected: 0" in out.getvalue()


def test_the_command_exits_non_zero_when_rows_are_rejected(tmp_path, bureau_staff, taxonomy):
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_file([exporter_row(), exporter_row(2, hs_headings="7701")]).read())
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_profiles", str(path), user=bureau_staff.email, stdout=out, stderr=io.StringIO()
        )
    assert failed.value.returncode == 2
    assert "row 3" in out.getvalue() and "7701" in out.getvalue()
    assert Organization.objects.filter(credit_code=code(1)).exists()


def test_the_command_refuses_a_bad_file_and_can_dry_run(tmp_path, bureau_staff, taxonomy):
    bad = tmp_path / "logo.xlsx"
    bad.write_bytes(PNG)
    with pytest.raises(CommandError, match="refused") as refused:
        call_command("import_profiles", str(bad), user=bureau_staff.email)
    assert refused.value.returncode == 1
    good = tmp_path / "organizations.csv"
    good.write_bytes(csv_file([exporter_row()]).read())
    out = io.StringIO()
    call_command(
        "import_profiles",
        str(good),
        user=bureau_staff.email,
        dry_run=True,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "created: 1" in out.getvalue() and "dry run" in out.getvalue()
    assert not Organization.objects.filter(credit_code=code(1)).exists()


def test_the_command_refuses_a_user_who_may_not_import(tmp_path, member, taxonomy):
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_file([exporter_row()]).read())
    with pytest.raises(CommandError):
        call_command("import_profiles", str(path), user=member.email, stderr=io.StringIO())
    assert not Organization.objects.filter(credit_code=code(1)).exists()


def test_an_owner_of_two_organizations_updates_both(taxonomy):
    first = OrganizationFactory(kind="exporter")
    second = OrganizationFactory(kind="platform")
    user = MembershipFactory(organization=first, role=MembershipRole.OWNER).user
    MembershipFactory(organization=second, user=user, role=MembershipRole.ADMIN)
    report = run_import(
        csv_file(
            [
                exporter_row(credit_code=first.credit_code),
                platform_row(credit_code=second.credit_code),
            ]
        ),
        by=user,
    )
    assert report.updated == 2
