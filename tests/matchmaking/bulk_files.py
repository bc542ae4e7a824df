"""Spreadsheets for the import and export tests, built in memory as people's files would be
(not with the code under test, so that a formula typed in Excel is a real formula here)."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from matchmaking.spreadsheets import COLUMN_NAMES
from tests.factories import credit_code

# Serial numbers far from the factories' sequences, so that codes never collide.
FIRST_SERIAL = 700_000


def code(number: int) -> str:
    return credit_code(FIRST_SERIAL + number)


def exporter_row(number: int = 1, **cells) -> dict[str, str]:
    row = {
        "credit_code": code(number),
        "kind": "exporter",
        "name_zh": f"北京导入家具有限公司{number}",
        "name_en": f"Beijing Imported Furniture {number}",
        "district": "daxing",
        "website": "www.example.com",
        "summary_zh": "实木家具出口",
        "summary_en": "Solid wood furniture",
        "description_zh": "年产能5万张餐桌。\n可做FSC认证。\n\n欢迎平台联系。",
        "description_en": "",
        "hs_headings": "9403, 9401",
        "markets": "eu us",
        "languages": "zh EN",
        "certifications": "fsc ISO9001",
        "certifications_other": "BSCI 2024",
        "contact_name": "王经理",
        "contact_phone": "+86 10 6512 3456",
        "contact_email": "sales@example.com",
        "visibility": "",
        "export_volume_band": "5M_20M",
        "production_capacity": "每月5000张",
        "minimum_order": "50张",
        "brands": "木语",
        "channels_wanted": "marketplace b2b",
        "services_needed": "overseas_warehouse, logistics",
        "years_cross_border": "3",
    }
    row.update(cells)
    return row


def platform_row(number: int = 2, **cells) -> dict[str, str]:
    row = {
        "credit_code": code(number),
        "kind": "platform",
        "name_zh": f"北京跨境平台{number}",
        "district": "chaoyang",
        "summary_zh": "面向欧洲的跨境平台",
        "hs_headings": "9403",
        "markets": "DE FR",
        "services_offered": "store_operation marketing",
        "channels_offered": "marketplace, B2B",
        "merchant_min_volume_band": "under_1m",
        "merchant_count_band": "1k_10k",
        "incentives_zh": "前三个月免佣金",
        "visibility": "members",
    }
    row.update(cells)
    return row


def provider_row(number: int = 3, **cells) -> dict[str, str]:
    row = {
        "credit_code": code(number),
        "kind": "service_provider",
        "name_zh": f"北京海外仓服务{number}",
        "district": "shunyi",
        "services_offered": "overseas_warehouse",
        "markets": "DE",
        "certifications": "AEO",
    }
    row.update(cells)
    return row


def table(rows, header=COLUMN_NAMES) -> list[list]:
    """A header row and one list per row dict (None for an empty row)."""
    return [list(header)] + [
        [] if row is None else [row.get(name, "") for name in header] for row in rows
    ]


def xlsx_file(rows, *, header=COLUMN_NAMES, name="organizations.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for cells in table(rows, header):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(
    rows, *, header=COLUMN_NAMES, name="organizations.csv", encoding="utf-8-sig"
) -> SimpleUploadedFile:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(table(rows, header))
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))
