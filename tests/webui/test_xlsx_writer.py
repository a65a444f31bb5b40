"""The shared Excel writer: what a person opening the export sees, read back with openpyxl."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from webui.xlsx import sheets_bytes, workbook_bytes
from webui.xlsx_read import read_rows

HEADERS = ["name", "count", "amount", "paid", "due", "created", "note"]
ROWS = [
    ["A&B <Ltd>", 3, Decimal("12.50"), True, date(2026, 3, 1), datetime(2026, 3, 1, 9, 30, 15), "  padded  "],
    ["bell\x07 removed", -7, 0.1, False, None, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), None],
    ["", 2**40, float("inf"), Decimal("199"), date(1900, 1, 1), None, {"kept": "as text"}],
]


def _book(data: bytes):  # noqa: ANN202 - openpyxl's Workbook
    return load_workbook(io.BytesIO(data))


def test_values_types_and_formats_survive_the_round_trip() -> None:
    sheet = _book(workbook_bytes("Orders", HEADERS, ROWS)).active
    assert sheet.title == "Orders"
    assert [c.value for c in sheet[1]] == HEADERS
    first = [c.value for c in sheet[2]]
    assert first == ["A&B <Ltd>", 3, 12.5, True, datetime(2026, 3, 1), datetime(2026, 3, 1, 9, 30, 15), "  padded  "]
    assert sheet["E2"].number_format == "yyyy-mm-dd" and sheet["F2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["E2"].is_date and sheet["F2"].is_date and not sheet["B2"].is_date
    assert [c.value for c in sheet[3]][:4] == ["bell removed", -7, 0.1, False]
    assert sheet["F3"].value == datetime(2026, 3, 2, 18, 0), "an aware time is written as its wall-clock time"
    assert sheet["E3"].value is None and sheet["G3"].value is None, "an empty cell stays in its column"
    assert [c.value for c in sheet[4]] == [None, 2**40, None, 199, datetime(1900, 1, 1), None, "{'kept': 'as text'}"]
    assert type(sheet["D4"].value) is int, "a whole number reads back as one, as openpyxl wrote it"
    assert sheet.max_row == 4 and sheet.max_column == len(HEADERS)


def test_sheet_name_is_made_valid_and_microseconds_are_kept() -> None:
    stamp = datetime(2026, 1, 31, 23, 59, 59, 250000)
    book = _book(workbook_bytes("Q1 [draft]: costs/overview of every department", ["at"], [[stamp]]))
    assert book.sheetnames == ["Q1 _draft__ costs_overview of e"]
    assert abs((book.active["A2"].value - stamp).total_seconds()) < 0.001


def test_a_header_only_export_reads_back_as_an_empty_import() -> None:
    data = workbook_bytes("Suppliers", ["code", "name"], [])
    assert read_rows(io.BytesIO(data)) == []
    rows = read_rows(io.BytesIO(workbook_bytes("Suppliers", ["Code", "Name"], [["S-1", "Lenovo"], [None, None]])))
    assert rows == [{"_row": 2, "code": "S-1", "name": "Lenovo"}]


def test_each_sheet_gets_its_rows_under_a_name_of_its_own() -> None:
    data = sheets_bytes([("Orders", ["no"], [["SO-1"], ["SO-2"]]), ("Lines", ["no", "line"], [["SO-1", 1]]),
                         ("lines", ["no"], [])])
    book = _book(data)
    assert book.sheetnames == ["Orders", "Lines", "lines2"]
    assert [[c.value for c in row] for row in book["Lines"].iter_rows()] == [["no", "line"], ["SO-1", 1]]
    assert [c.value for c in book["Orders"]["A"]] == ["no", "SO-1", "SO-2"]
