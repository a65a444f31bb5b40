"""Hostile workbooks sent to a real import page: each is refused quickly with a message, and nothing is written.

The files are built here, part by part, from a workbook the app itself writes:
an entity-expanding DTD, malformed sheet XML, millions of blank rows, a zip
bomb, text and numbers no database column holds.
"""
from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from modules.procurement import Supplier
from webui.extensions import db
from webui.xlsx import workbook_bytes
from webui.xlsx_read import MAX_CELLS, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES

pytestmark = pytest.mark.adversarial

Login = Callable[..., FlaskClient]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def _sheet(rows: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{head}<worksheet xmlns="{MAIN}"><sheetData>{HEADER}{rows}</sheetData></worksheet>'.encode()


def _replaced(parts: dict[str, bytes]) -> bytes:
    """A workbook the app writes, with some of its parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes("suppliers", ["code", "name"], [["S-900", "Kept out"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name in source.namelist():
            book.writestr(name, parts.pop(name, source.read(name)))
        for name, data in parts.items():
            book.writestr(name, data)
    return out.getvalue()


def _post(client: FlaskClient, data: bytes) -> tuple[int, str, float]:
    """Status, page and the CPU seconds the server spent on the import."""
    started = time.process_time()
    response = client.post("/procurement/suppliers/import", data={"file": (io.BytesIO(data), "hostile.xlsx")},
                           content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True), time.process_time() - started


def _suppliers(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Supplier)) or 0


def _blank_rows(count: int) -> str:
    return "".join(f'<row r="{n}"/>' for n in range(2, count + 2))


HOSTILE = {
    "entities in the sheet": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&d;</t></is></c></row>', LAUGHS)}), "declares a DTD"),
    "entities in the workbook part": (_replaced({"xl/workbook.xml": (
        LAUGHS.replace("worksheet", "workbook") + f'<workbook xmlns="{MAIN}"><sheets/></workbook>').encode()}),
        "declares a DTD"),
    "malformed sheet XML": (_replaced({"xl/worksheets/sheet1.xml": _sheet('<row r="2"><c r="A2">')}),
                            "xl/worksheets/sheet1.xml is not well-formed XML"),
    "a row far below the last": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>S-901</t></is></c></row>')}),
        f"at most {MAX_ROWS} rows can be imported at once (blank rows count too)"),
    "more blank rows than the cap": (_replaced({"xl/worksheets/sheet1.xml": _sheet(_blank_rows(MAX_ROWS + 5))}),
                                     f"at most {MAX_ROWS} rows"),
    "a NUL in a cell": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>S-902&#0;</t></is></c></row>')}), "is not well-formed XML"),
    "a lone surrogate in a cell": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2"><c r="A2" t="inlineStr"><is><t>S-&#xD800;</t></is></c></row>')}), "is not well-formed XML"),
    "more cells than the cap": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2">' + "<c/>" * (MAX_CELLS + 1) + "</row>")}), f"more than {MAX_CELLS} cells"),
    "infinity in a number cell": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2"><c r="A2"><v>1e999</v></c></row>')}), "row 2, column code: the number inf cannot be imported"),
    "NaN in a number cell": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        '<row r="2"><c r="A2"><v>NaN</v></c></row>')}), "not an Excel workbook"),
    "an integer past 64 bits": (_replaced({"xl/worksheets/sheet1.xml": _sheet(
        f'<row r="2"><c r="A2"><v>{2**64}</v></c></row>')}), f"the number {2**64} cannot be imported"),
}


REFUSED: list[tuple[str, float]] = []


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_workbook_is_refused_with_a_message_and_nothing_is_written(app: Flask, login: Login,
                                                                             name: str, figure) -> None:  # noqa: ANN001
    data, message = HOSTILE[name]
    before = _suppliers(app)
    status, html, cpu = _post(login("ivy"), data)
    assert status == 400 and 'data-testid="import-error"' in html
    assert message in html.replace("&#39;", "'")
    assert cpu < 2, f"{name} cost {cpu:.1f} s of CPU"
    assert _suppliers(app) == before
    REFUSED.append((name, cpu))
    figure("hostile workbooks", f"{len(REFUSED)} tried on a real import page, {len(REFUSED)} refused naming the "
                                f"problem, 0 rows written; worst {max(c for _, c in REFUSED):.2f} s of CPU")


def test_three_million_blank_rows_are_refused_in_well_under_a_second_or_two(app: Flask, login: Login) -> None:
    data = _replaced({"xl/worksheets/sheet1.xml": _sheet("<row/>" * 3_000_000)})
    assert len(data) < 1024 * 1024, "a small upload: the cost would all be in reading it"
    status, html, cpu = _post(login("ivy"), data)
    assert status == 400 and f"at most {MAX_ROWS} rows can be imported at once (blank rows count too)" in html
    assert cpu < 2, f"the import cost {cpu:.1f} s of CPU"


def _bomb(declared_as: int | None = None) -> bytes:
    """A workbook whose sheet unpacks past the budget; `declared_as` makes the zip lie about its size."""
    sheet = _sheet(" " * (MAX_UNPACKED_BYTES + 1))
    data = bytearray(_replaced({"xl/worksheets/sheet1.xml": sheet}))
    if declared_as is not None:  # the 4-byte uncompressed size, in the local header and the central directory
        data = bytearray(bytes(data).replace(len(sheet).to_bytes(4, "little"), declared_as.to_bytes(4, "little")))
    return bytes(data)


@pytest.mark.parametrize("declared_as", [None, 1000])
def test_a_zip_bomb_is_refused_whatever_size_it_declares(app: Flask, login: Login, declared_as: int | None) -> None:
    status, html, cpu = _post(login("ivy"), _bomb(declared_as))
    assert status == 400 and 'data-testid="import-error"' in html
    assert ("unpacks to more than" in html) if declared_as is None else ("not an Excel workbook" in html)
    assert cpu < 2


def test_an_upload_over_the_size_limit_is_refused_naming_it(login: Login) -> None:
    status, html, _ = _post(login("ivy"), b"PK" + b"\0" * MAX_FILE_BYTES)
    assert status == 400 and f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB" in html


@pytest.mark.parametrize("planted", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB"])
def test_an_exported_formula_comes_back_as_text(app: Flask, login: Login, planted: str) -> None:
    with app.app_context():
        db.session.add(Supplier(code="S-990", name=planted, category="it", status="active"))
        db.session.commit()
    exported = load_workbook(io.BytesIO(login("ivy").get("/procurement/suppliers/export.xlsx?q=S-990").data)).active
    [cell] = [c for c in exported[2] if c.value == planted]
    assert cell.data_type == "s", "a string, not a formula"
    assert cell.quotePrefix, "marked as typed text, so editing the cell in Excel keeps it text"
    assert exported["A2"].value == "S-990" and not exported["A2"].quotePrefix
