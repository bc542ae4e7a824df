"""The spreadsheet format of bulk import and export: the template's columns, reading rows from
.xlsx and CSV files into dicts of text, and writing .xlsx and CSV files safely.

One header row of column names (COLUMNS, in any order), then one organization per row. Every
column of the template must be present, so that an empty cell always means "empty", never
"not in this file"; an export has the same columns and can be imported again unchanged.

Formula injection (a cell that a spreadsheet program would run as a formula):
- on export, any text starting with = + - @, a tab or a carriage return is written with a leading
  apostrophe, which spreadsheet programs show as text (the OWASP "CSV injection" advice);
- on import, a cell starting with = + - @ (after leading whitespace) refuses the whole file,
  except in `contact_phone`, where "+" followed by a phone number ("+86 10 6512 3456") is
  allowed. No other column may start with "+" or "-": start a list in a description with "•".
  A cell starting with an apostrophe followed by one of those characters is the escaped form
  our exports write; the apostrophe is removed and the text taken as it is.

File-level problems (not a spreadsheet, too large, too many rows, wrong columns, formulas) raise
SpreadsheetError before anything is written; problems of single rows are the import service's.
"""

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import PurePath

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import District, OrganizationKind
from matchmaking.models import (
    Channel,
    ExportVolumeBand,
    Language,
    MerchantCountBand,
    ServiceType,
    Visibility,
)
from matchmaking.profile_fields import PROFILE_KINDS, profile_fields, profile_relations

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx is a zip archive: a small file could expand to gigabytes of XML (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Rows and columns read at most, empty ones included: a sheet may declare cells far away
# (row 1,000,000, column XFD) to make a reader fill millions of empty ones.
MAX_PHYSICAL_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit
# How many problem cells or rows a refusal names before it says "and N more".
MAX_LISTED = 10

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IMPORT_FORMULA_PREFIXES = ("=", "+", "-", "@")  # leading whitespace is stripped before checking
PHONE_NUMBER = re.compile(r"\+[\d\s\-().]+")
LIST_SEPARATORS = re.compile(r"[\s,，;；、]+")
CSV_DELIMITERS = (",", ";", "\t")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATA_SHEET_TITLE = "organizations"
# Sheet titles cannot contain "/" (nor \ ? * [ ] :).
INSTRUCTIONS_SHEET_TITLE = "说明 | Instructions"

ORGANIZATION = "organization"


class SpreadsheetError(Exception):
    """The file is refused as a whole; the message (translated) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """A column of the template. `fields` are the profile fields and relations it sets (or
    ORGANIZATION); the kinds it applies to follow from the profile services' field lists."""

    name: str
    help_zh: str
    help_en: str
    fields: tuple[str, ...]
    required: bool = False
    choices: type[TextChoices] | None = None
    is_list: bool = False
    # Added to the template later: a file made from an older template may leave the column
    # out, and its rows then leave the field as it is.
    optional: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        if self.fields == (ORGANIZATION,):
            return tuple(PROFILE_KINDS)
        return tuple(
            kind
            for kind in PROFILE_KINDS
            if set(self.fields) <= set(profile_fields(kind)) | set(profile_relations(kind))
        )

    @property
    def is_kind_specific(self) -> bool:
        return len(self.kinds) < len(PROFILE_KINDS)

    @property
    def help(self) -> str:
        return self.help_en if translation.get_language() == "en" else self.help_zh

    def choice_codes(self) -> list[tuple[str, str]]:
        """(code, label in the active language) of the codes this column accepts."""
        if self.choices is None:
            return []
        if self.choices is OrganizationKind:
            return [(kind, OrganizationKind(kind).label) for kind in PROFILE_KINDS]
        return [(str(value), str(label)) for value, label in self.choices.choices]


def _org(name, help_zh, help_en, **kwargs) -> Column:
    return Column(name, help_zh, help_en, fields=(ORGANIZATION,), **kwargs)


def _profile(name, help_zh, help_en, fields=None, **kwargs) -> Column:
    return Column(name, help_zh, help_en, fields=fields or (name,), **kwargs)


COLUMNS: tuple[Column, ...] = (
    _org(
        "credit_code",
        "18位统一社会信用代码。已有此代码的组织会被更新，否则新建（仅限商务局工作人员）。",
        "The 18-character unified social credit code. An organization with this code is "
        "updated; otherwise one is created (bureau staff only).",
        required=True,
    ),
    _org(
        "kind",
        "组织类型代码。已有组织的类型不能通过导入更改。",
        "The kind of organization (a code). The kind of an existing organization cannot be "
        "changed by an import.",
        required=True,
        choices=OrganizationKind,
    ),
    _org("name_zh", "中文名称。", "Name in Chinese.", required=True),
    _org("name_en", "英文名称。", "Name in English."),
    _org("district", "所在区代码。", "District (a code).", required=True, choices=District),
    _org(
        "website",
        "网址；不写 http(s):// 时按 https:// 处理。",
        "Website; https:// is assumed when no scheme is given.",
    ),
    _profile("summary_zh", "一句话简介（中文，最多200字）。", "Summary in Chinese (200 at most)."),
    _profile("summary_en", "一句话简介（英文，最多200字）。", "Summary in English (200 at most)."),
    _profile(
        "description_zh",
        "详细介绍（中文，纯文本）；空一行分段。文字不变时，网页上设置的格式保留。",
        "Description in Chinese, plain text; a blank line starts a paragraph. When the text "
        "is unchanged, formatting set on the website is kept.",
    ),
    _profile(
        "description_en",
        "详细介绍（英文，纯文本）；空一行分段。",
        "Description in English, plain text; a blank line starts a paragraph.",
    ),
    _profile(
        "hs_headings",
        "HS四位编码，用空格或逗号分隔，例如：9401 9403。",
        "Four-digit HS headings separated by spaces or commas, e.g. 9401 9403.",
        fields=("hs_headings",),
        is_list=True,
    ),
    _profile(
        "markets",
        "目标市场：国家（ISO两位字母代码，如 US DE）或区域代码（如 EU RCEP），用空格或逗号分隔。",
        "Markets: countries (ISO two-letter codes such as US DE) or region codes (such as EU "
        "RCEP), separated by spaces or commas.",
        fields=("market_countries", "market_regions"),
        is_list=True,
    ),
    _profile(
        "languages",
        "工作语言代码，用空格或逗号分隔。",
        "Working languages (codes), separated by spaces or commas.",
        choices=Language,
        is_list=True,
    ),
    _profile(
        "certifications",
        "已获认证代码（如 CE FCC ISO9001），用空格或逗号分隔。",
        "Certifications held (codes such as CE FCC ISO9001), separated by spaces or commas.",
        is_list=True,
    ),
    _profile(
        "certifications_other",
        "列表以外的其他认证，逗号分隔。",
        "Other certifications not in the list, separated by commas.",
    ),
    _profile("contact_name", "联系人。", "Contact person."),
    _profile(
        "contact_phone",
        "电话；可以“+”开头（如 +86 10 6512 3456）。",
        "Phone; may start with “+” (e.g. +86 10 6512 3456).",
    ),
    _profile("contact_email", "电子邮箱。", "E-mail address."),
    _profile(
        "visibility",
        "谁能看到档案（代码）；留空则保持不变（新档案为 public）。",
        "Who sees the profile (a code); empty keeps the current setting (public for a new "
        "profile).",
        choices=Visibility,
    ),
    _profile(
        "export_volume_band",
        "年出口额区间代码。",
        "Annual export volume (a code).",
        choices=ExportVolumeBand,
    ),
    _profile("production_capacity", "产能，如：每月20万件。", "Production capacity."),
    _profile("minimum_order", "起订量，如：500件。", "Minimum order."),
    _profile("brands", "自有品牌，逗号分隔。", "Own brands, separated by commas."),
    _profile(
        "channels_wanted",
        "希望拓展的销售渠道代码，用空格或逗号分隔。",
        "Sales channels wanted (codes), separated by spaces or commas.",
        choices=Channel,
        is_list=True,
    ),
    _profile(
        "services_needed",
        "需要的服务代码，用空格或逗号分隔。",
        "Services needed (codes), separated by spaces or commas.",
        choices=ServiceType,
        is_list=True,
    ),
    _profile(
        "years_cross_border",
        "从事跨境电商的年数（整数）。",
        "Years of cross-border e-commerce (a whole number).",
    ),
    _profile(
        "services_offered",
        "提供的服务代码，用空格或逗号分隔。",
        "Services offered (codes), separated by spaces or commas.",
        choices=ServiceType,
        is_list=True,
    ),
    _profile(
        "channels_offered",
        "平台为商家提供的销售渠道代码，用空格或逗号分隔。",
        "Sales channels the platform offers merchants (codes), separated by spaces or commas.",
        choices=Channel,
        is_list=True,
        optional=True,
    ),
    _profile(
        "merchant_min_volume_band",
        "平台接受的最低商家年出口额区间代码。",
        "The smallest annual export volume the platform accepts (a code).",
        choices=ExportVolumeBand,
    ),
    _profile(
        "merchant_count_band",
        "平台商家数量区间代码。",
        "Merchants on the platform (a code).",
        choices=MerchantCountBand,
    ),
    _profile(
        "incentives_zh", "入驻优惠与费用（中文）。", "Onboarding incentives and fees (Chinese)."
    ),
    _profile(
        "incentives_en", "入驻优惠与费用（英文）。", "Onboarding incentives and fees (English)."
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}


@dataclass
class SheetRow:
    """One non-empty row: its number as the spreadsheet program shows it (the header is row 1)
    and its cells as stripped text, keyed by column name."""

    number: int
    values: dict[str, str] = field(default_factory=dict)


# --- Reading -------------------------------------------------------------------------------


def _cell_text(value) -> str:
    """A cell's value as the text a person typed: 5.0 → "5", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _unescaped(text: str) -> tuple[str, bool]:
    """Strip the text; remove the apostrophe our exports put before formula characters.
    Returns the text and whether it was escaped (and so is plain text whatever it starts with)."""
    text = text.strip()
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_PREFIXES:
        return text[1:].strip(), True
    return text, False


def _is_formula(column: str, text: str) -> bool:
    if not text.startswith(IMPORT_FORMULA_PREFIXES):
        return False
    return not (column == "contact_phone" and PHONE_NUMBER.fullmatch(text))


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        shown += " " + _("and %(count)d more") % {"count": len(items) - MAX_LISTED}
    return shown


def _header(cells: Sequence) -> list[str]:
    names = [_cell_text(cell).strip().lstrip("\ufeff").strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise SpreadsheetError(
            _("The first row must name the columns, as in the template; it is empty.")
        )
    missing = [
        name for name in COLUMN_NAMES if name not in names and not COLUMNS_BY_NAME[name].optional
    ]
    unknown = [name or _("(empty)") for name in names if name not in COLUMNS_BY_NAME]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing: %(names)s") % {"names": _listed(missing)})
    if unknown:
        problems.append(_("unknown: %(names)s") % {"names": _listed(unknown)})
    if repeated:
        problems.append(_("repeated: %(names)s") % {"names": _listed(repeated)})
    if problems:
        raise SpreadsheetError(
            _("The columns do not match the template (%(problems)s).")
            % {"problems": "; ".join(problems)}
        )
    return names


def _rows(cell_rows: Iterator[Sequence]) -> list[SheetRow]:
    """Header check, then the non-empty rows as SheetRows; every file-level check on cells."""
    try:
        first = next(cell_rows)
    except StopIteration:
        raise SpreadsheetError(_("The file has no rows.")) from None
    header = _header(first)
    rows: list[SheetRow] = []
    formulas: list[str] = []
    overflowing: list[str] = []
    too_long: list[str] = []
    for number, cells in enumerate(cell_rows, start=2):
        if number > MAX_PHYSICAL_ROWS:
            raise SpreadsheetError(
                _("The sheet has more than %(count)d rows, empty ones included.")
                % {"count": MAX_PHYSICAL_ROWS}
            )
        texts = [_cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            continue
        if any(text.strip() for text in texts[len(header) :]):
            overflowing.append(str(number))
        values = {}
        for name, raw in zip(header, texts, strict=False):
            text, escaped = _unescaped(raw)
            if len(text) > MAX_CELL_CHARACTERS:
                too_long.append(f"{number}:{name}")
            if not escaped and _is_formula(name, text):
                formulas.append(f"{number}:{name}")
            values[name] = text
        for name in header[len(texts) :]:
            values[name] = ""
        rows.append(SheetRow(number=number, values=values))
        if len(rows) > MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(count)d rows; split it into several files.")
                % {"count": MAX_ROWS}
            )
    if formulas:
        raise SpreadsheetError(
            _(
                "Cells starting with =, +, - or @ could run as formulas in a spreadsheet "
                "program and are not accepted (row:column): %(cells)s. Remove the character, "
                "or put an apostrophe (') before it."
            )
            % {"cells": _listed(formulas)}
        )
    if overflowing:
        raise SpreadsheetError(
            _("These rows have values to the right of the last named column: %(rows)s.")
            % {"rows": _listed(overflowing)}
        )
    if too_long:
        raise SpreadsheetError(
            _("These cells are longer than %(count)d characters (row:column): %(cells)s.")
            % {"count": MAX_CELL_CHARACTERS, "cells": _listed(too_long)}
        )
    if not rows:
        raise SpreadsheetError(_("The file has column names but no rows of data."))
    return rows


def _xlsx_cell_rows(data: bytes) -> Iterator[Sequence]:
    not_xlsx = _("This is not an Excel workbook (.xlsx). Save the file as .xlsx or .csv.")
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetError(not_xlsx) from None
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            _("The workbook expands to more than %(size)d MB; it is not accepted.")
            % {"size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    try:
        # data_only=False: a formula reads as its text ("=..."), so that it is refused rather
        # than silently replaced by the value it last computed. openpyxl parses the XML with
        # defusedxml (installed), so entity expansion attacks are refused too.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # a malformed archive raises anything from KeyError to XML errors
        raise SpreadsheetError(not_xlsx) from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("The workbook has no sheets."))
        sheet = workbook.worksheets[0]
        # The declared size may be wrong either way: read what is there, within MAX_COLUMNS.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # broken XML inside an otherwise valid archive
        raise SpreadsheetError(
            _("The workbook could not be read; open it in Excel and save it again.")
        ) from None
    finally:
        workbook.close()


def _csv_text(data: bytes) -> str:
    not_text = _("This is not a CSV text file. Save the file as .xlsx or .csv.")
    if b"\x00" in data:
        raise SpreadsheetError(not_text)
    # UTF-8 (with or without the byte-order mark Excel writes), else GB18030, a superset of the
    # GBK that Chinese Excel uses for "CSV (comma delimited)".
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("The CSV file's characters could not be read; save it as UTF-8 (or GBK).")
    )


def _csv_cell_rows(data: bytes) -> Iterator[Sequence]:
    text = _csv_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from None


def read_rows(file) -> list[SheetRow]:
    """The rows of an uploaded (or opened) .xlsx or CSV file, every file-level check done.

    `file` has `name`, `size` and `read()` (a Django File or UploadedFile). The size is checked
    before a byte is read; the format is told from the content, the extension only says which
    one to expect. Raises SpreadsheetError.
    """
    size = file.size
    if not size:
        raise SpreadsheetError(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": size / (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    extension = PurePath(file.name or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise SpreadsheetError(
            _(
                "Upload an Excel workbook (.xlsx) or a CSV file (.csv); older .xls files must be "
                "saved as .xlsx first."
            )
        )
    file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # the reported size was wrong
        raise SpreadsheetError(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    cell_rows = _xlsx_cell_rows(data) if extension == ".xlsx" else _csv_cell_rows(data)
    return _rows(cell_rows)


def normalize_text(text: str) -> str:
    """Plain text as the import compares it: lines stripped, at most one blank line between
    paragraphs, no blank lines at either end."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """Plain text → paragraphs (a blank line between them) with line breaks, all escaped."""
    paragraphs = [part for part in normalize_text(text).split("\n\n") if part]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in part.split("\n")) + "</p>"
        for part in paragraphs
    )


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "div", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(value: str) -> str:
    """The text of a sanitized rich-text description, paragraphs separated by a blank line and
    list items by "• ": what an export writes, and what the import compares a cell with."""
    extractor = _TextExtractor()
    extractor.feed(value or "")
    extractor.close()
    return normalize_text("".join(extractor.parts))


def split_list(text: str) -> list[str]:
    """Codes in a list cell, in order, each once."""
    return list(dict.fromkeys(code for code in LIST_SEPARATORS.split(text) if code))


# --- Writing -------------------------------------------------------------------------------


def escape_cell(value) -> str:
    """Text for a cell that no spreadsheet program runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Sequence], *, header: Sequence[str] = COLUMN_NAMES) -> bytes:
    """A CSV file in UTF-8 with the byte-order mark, so that Excel shows Chinese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _instructions() -> list[list[str]]:
    """One row per column: name, required, kinds, accepted codes, help in Chinese and English."""
    rows = [["列 Column", "必填 Required", "适用类型 Applies to", "代码 Codes", "说明", "Notes"]]
    for column in COLUMNS:
        kinds = " ".join(column.kinds) if column.is_kind_specific else "*"
        codes = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                codes.append(column.choice_codes())
        code_text = "\n".join(
            f"{code}: {zh} / {en}" for (code, zh), (_code, en) in zip(*codes, strict=True)
        )
        rows.append(
            [
                column.name,
                "是 yes" if column.required else "",
                kinds,
                code_text,
                column.help_zh,
                column.help_en,
            ]
        )
    rows += [
        [],
        [
            "",
            "",
            "",
            "",
            "第一行是列名（任意顺序，全部必须有）；每行一个组织，按统一社会信用代码新建或更新。"
            "与组织类型无关的列须留空。空单元格表示清空该项（visibility 除外）。"
            f"文件最大 {MAX_FILE_BYTES // (1024 * 1024)} MB，最多 {MAX_ROWS} 行。"
            "以 = + - @ 开头的单元格会被拒绝（电话可以 + 开头）。",
            "The first row names the columns (any order, all of them); one organization a row, "
            "created or updated by its credit code. Columns that do not apply to the row's "
            "kind must be empty. An empty cell clears the value (except visibility). "
            f"At most {MAX_FILE_BYTES // (1024 * 1024)} MB and {MAX_ROWS} rows. Cells "
            "starting with = + - @ are refused (a phone number may start with +).",
        ],
    ]
    return rows


def xlsx_bytes(
    rows: Iterable[Sequence],
    *,
    header: Sequence[str] = COLUMN_NAMES,
    with_instructions: bool = True,
) -> bytes:
    """A workbook: the data sheet (every cell text, formula characters escaped) and the
    bilingual instructions sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(14, len(name) + 2)
        # Text cells: Excel would otherwise turn an all-digit credit code into a rounded number.
        dimension.number_format = "@"
    sheet.append(list(header))
    for row in rows:
        # Escaped text is never a formula: openpyxl stores it as a plain string.
        sheet.append([escape_cell(value) for value in row])
    if with_instructions:
        instructions = workbook.create_sheet(INSTRUCTIONS_SHEET_TITLE)
        for letter, width in zip("ABCDEF", (26, 14, 28, 40, 60, 70), strict=True):
            instructions.column_dimensions[letter].width = width
        for row in _instructions():
            instructions.append([escape_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILE_WRITERS: dict[str, tuple[Callable[..., bytes], str]] = {
    "xlsx": (xlsx_bytes, XLSX_CONTENT_TYPE),
    "csv": (csv_bytes, CSV_CONTENT_TYPE),
}


def profile_row(profile) -> list[str]:
    """A profile (with its organization and the relations profile_directory_list prefetches)
    as a row of the template's columns: what importing the row again leaves unchanged."""
    organization = profile.organization
    kind = organization.kind
    values = {
        "credit_code": organization.credit_code,
        "kind": kind,
        "name_zh": organization.name_zh,
        "name_en": organization.name_en,
        "district": organization.district,
        "website": organization.website,
        "hs_headings": " ".join(sorted(item.code for item in profile.hs_headings.all())),
        "markets": " ".join(
            sorted(item.code for item in profile.market_regions.all())
            + sorted(item.code for item in profile.market_countries.all())
        ),
        "certifications": " ".join(sorted(item.code for item in profile.certifications.all())),
    }
    row = []
    for column in COLUMNS:
        if kind not in column.kinds:
            row.append("")
            continue
        if column.name in values:
            row.append(values[column.name])
            continue
        value = getattr(profile, column.name)
        if column.name.startswith("description_"):
            value = html_to_text(value)
        elif isinstance(value, list):
            value = " ".join(value)
        row.append("" if value is None else str(value))
    return row
