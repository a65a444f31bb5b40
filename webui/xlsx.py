"""Excel in and out: every list people work with exports to .xlsx, master data imports from it.

Kept to a few small functions so each screen only says which columns (and sheets) it has.

A workbook is written as SpreadsheetML text straight into the zip: a list of 100,000 rows
is a million cells, and building an object per cell (openpyxl) cost most of the export.
Strings are inline, datetimes and dates serial numbers with a date format, as Excel and
openpyxl write them. A stored moment (naive UTC) is written as the wall-clock time in
OPSFLOW_TIMEZONE, as every screen shows it. Reading an upload is xlsx_read's.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from itertools import chain
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from flask import Response, current_app, has_app_context
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]  # name, headers, rows

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# cell style 1: date and time, 2: date, 3: text kept as text (Excel's quote prefix, see _text)
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DAY = timedelta(days=1)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_FORMULA_STARTS = frozenset("=+-@\t\r")


def _text(ref: str, value: str) -> str:
    """An inline string, which Excel and LibreOffice show as text, never evaluate, on opening.

    Text a spreadsheet would read as a formula once someone edits the cell (`=HYPERLINK(...)`,
    `+1`, `-2`, `@SUM(...)`, a leading tab or return: all a record may hold) gets the quote
    prefix too, as Excel writes a cell typed `'=...`: it stays text even then, and its value
    is unchanged, so an exported list still imports back as it was.
    """
    value = escape(_NOT_IN_XML.sub("", value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    style = ' s="3"' if value[:1] in _FORMULA_STARTS else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _number(ref: str, value: float) -> str:
    # as openpyxl writes numbers: 16 significant digits, nothing for NaN and infinity
    return f'<c r="{ref}"><v>{value:.16g}</v></c>' if math.isfinite(value) else ""


def _serial(ref: str, days: float, style: int) -> str:
    if 0 < days < 61:  # Excel counts a 29 February 1900 that never was
        days -= 1
    return f'<c r="{ref}" s="{style}"><v>{days!r}</v></c>'


def _datetime(ref: str, value: datetime) -> str:
    return _serial(ref, ((value.replace(tzinfo=None) if value.tzinfo else value) - _EXCEL_EPOCH) / _DAY, 1)


def _cells_in(zone: ZoneInfo | None) -> dict[type, Callable[[str, Any], str]]:
    """The cell writers, a datetime moved from UTC onto `zone`'s clock (none: written as it is)."""
    if zone is None:
        return _CELLS

    def moved(ref: str, value: datetime) -> str:
        at = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
        return _datetime(ref, at.replace(tzinfo=None))
    return {**_CELLS, datetime: moved}


def _zone() -> ZoneInfo | None:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]) if has_app_context() else None


def _date(ref: str, value: date) -> str:
    return _serial(ref, (value - _EXCEL_EPOCH.date()).days, 2)


def _other(ref: str, value: Any) -> str:
    """A subclass of a known type (an enum of str, a bool of numpy...), or anything else as its text."""
    kind = next((k for k in (bool, int, float, datetime, date, str) if isinstance(value, k)), None)
    return _CELLS[kind](ref, value) if kind else _text(ref, str(value))


_CELLS: dict[type, Callable[[str, Any], str]] = {
    str: _text, int: lambda ref, value: f'<c r="{ref}"><v>{value}</v></c>', float: _number,
    datetime: _datetime, date: _date,
    bool: lambda ref, value: f'<c r="{ref}" t="b"><v>{int(value)}</v></c>',
    Decimal: _number,
}


def _sheet_rows(rows: Iterable[Sequence[Any]], zone: ZoneInfo | None = None) -> Iterable[str]:
    letters: list[str] = []
    cells = _cells_in(zone).get
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        yield f'<row r="{number}">' + "".join([cells(type(v), _other)(f"{letters[i]}{number}", v)
                                                for i, v in enumerate(row) if v is not None and v != ""]) + "</row>"


def _write_sheet(part: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 zone: ZoneInfo | None) -> None:
    part.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
    batch: list[str] = []
    for xml in _sheet_rows(chain([headers], rows), zone):
        batch.append(xml)
        if len(batch) >= 1000:
            part.write("".join(batch).encode())
            batch.clear()
    part.write(("".join(batch) + "</sheetData></worksheet>").encode())


def _sheet_names(wanted: Sequence[str]) -> list[str]:
    """Names Excel accepts: none of []:*?/\\, at most 31 characters, unique whatever the case."""
    names: list[str] = []
    for name in wanted:
        name = base = _NOT_IN_SHEET_NAME.sub("_", name)[:31] or "Sheet"
        n = 1
        while name.lower() in {taken.lower() for taken in names}:
            n += 1
            name = f"{base[:31 - len(str(n))]}{n}"
        names.append(name)
    return names


def _package(names: list[str]) -> dict[str, str]:
    """Every part of the package but the sheets themselves."""
    numbers = range(1, len(names) + 1)
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
                      for n in numbers) + "</Types>"),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId0" Type="{_REL}/styles" Target="styles.xml"/>'
            + "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                      for n in numbers) + "</Relationships>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                      for n, name in zip(numbers, names, strict=True)) + "</sheets></workbook>"),
        "xl/styles.xml": _STYLES,
    }


def workbook_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                   more: Sequence[Sheet] = ()) -> bytes:
    """The list on the first sheet; `more` adds sheets after it (an order list's lines)."""
    return sheets_bytes([(sheet, headers, rows), *more])


def sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Each sheet: its header row, then its rows (str, numbers, bool, date, datetime; others as text)."""
    out, zone = BytesIO(), _zone()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in _package(_sheet_names([name for name, _, _ in sheets])).items():
            book.writestr(name, _XML_HEAD + xml)
        for number, (_name, headers, rows) in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                _write_sheet(part, headers, rows, zone)
    return out.getvalue()


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                  more: Sequence[Sheet] = ()) -> Response:
    return sheets_response(filename, [(sheet, headers, rows), *more])


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> Response:
    return Response(sheets_bytes(sheets), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
