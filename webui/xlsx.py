"""Excel in and out: every list people work with exports to .xlsx, master data imports from it.

Kept to two small functions so each screen only says which columns it has.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from flask import Response
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10000


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float, str, date, datetime)):
        return value
    return str(value)


Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]  # name, headers, rows


def workbook_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                   more: Sequence[Sheet] = ()) -> bytes:
    """The list on the first sheet; `more` adds sheets after it (an order list's lines)."""
    return sheets_bytes([(sheet, headers, rows), *more])


def sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    wb = Workbook(write_only=True)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(headers))
        for row in rows:
            ws.append([_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                  more: Sequence[Sheet] = ()) -> Response:
    return sheets_response(filename, [(sheet, headers, rows), *more])


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> Response:
    return Response(sheets_bytes(sheets), mimetype=XLSX_MIME,
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
