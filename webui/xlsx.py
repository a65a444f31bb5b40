"""Excel in and out: every list people work with exports to .xlsx, master data imports from it.

Kept to two small functions so each screen only says which columns it has.
"""
from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from flask import Response
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10000

# The workbook is written as SpreadsheetML text straight into the zip: a list of 100,000
# rows is a million cells, and building an object per cell (openpyxl) costs most of the
# export. Strings are inline, datetimes and dates are serial numbers with a date format,
# as Excel and openpyxl write them.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/></Types>'),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
    # cell style 1: date and time, 2: date
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><numFmts count="2">'
        '<numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
        '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DAY = timedelta(days=1)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _text(ref: str, value: str) -> str:
    value = escape(_NOT_IN_XML.sub("", value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _number(ref: str, value: float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return _text(ref, str(value))
    return f'<c r="{ref}"><v>{value!r}</v></c>'


def _datetime(ref: str, value: datetime) -> str:
    serial = ((value.replace(tzinfo=None) if value.tzinfo else value) - _EXCEL_EPOCH) / _DAY
    return f'<c r="{ref}" s="1"><v>{serial!r}</v></c>'


def _date(ref: str, value: date) -> str:
    return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'


def _other(ref: str, value: Any) -> str:
    """A subclass of a known type (an enum of str, a bool of numpy...), or anything else as its text."""
    kind = next((k for k in (bool, int, float, datetime, date, str) if isinstance(value, k)), None)
    return _CELLS[kind](ref, value) if kind else _text(ref, str(value))


_CELLS: dict[type, Callable[[str, Any], str]] = {
    str: _text, int: _number, float: _number, datetime: _datetime, date: _date,
    bool: lambda ref, value: f'<c r="{ref}" t="b"><v>{int(value)}</v></c>',
    Decimal: lambda ref, value: _number(ref, float(value)),
}


def _sheet_rows(rows: Iterable[Sequence[Any]]) -> Iterable[str]:
    letters: list[str] = []
    cells = _CELLS.get
    for number, row in enumerate(rows, start=1):
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        yield f'<row r="{number}">' + "".join([cells(type(v), _other)(f"{letters[i]}{number}", v)
                                                for i, v in enumerate(row) if v is not None]) + "</row>"


def workbook_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: the header row, then the rows (str, numbers, bool, date, datetime; others as text)."""
    title = _NOT_IN_SHEET_NAME.sub("_", sheet)[:31] or "Sheet1"
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in _STATIC_PARTS.items():
            book.writestr(name, _XML_HEAD + xml)
        book.writestr("xl/workbook.xml", f'{_XML_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet '
                                         f'name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets></workbook>')
        with book.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            batch: list[str] = []
            for xml in _sheet_rows(_chain_header(headers, rows)):
                batch.append(xml)
                if len(batch) >= 1000:
                    part.write("".join(batch).encode())
                    batch.clear()
            part.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return out.getvalue()


def _chain_header(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    yield list(headers)
    yield from rows


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    body = workbook_bytes(sheet, headers, rows)
    return Response(body, mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def read_rows(stream: IO[bytes]) -> list[dict[str, Any]]:
    """The first sheet as dicts keyed by the lower-cased header row; blank rows are skipped.

    Raises ValueError with a message a person can act on when the file is not a usable workbook.
    """
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError("the file is not an Excel workbook (.xlsx)") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(header):
        raise ValueError("the first row must name the columns")
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    out: list[dict[str, Any]] = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        # `_row` keeps the sheet's row number, so the report names the row a person sees in Excel
        out.append({"_row": number, **{n: v for n, v in zip(names, values, strict=False) if n}})
        if len(out) > MAX_ROWS:
            raise ValueError(f"at most {MAX_ROWS} rows can be imported at once")
    wb.close()
    return out
