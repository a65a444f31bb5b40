"""Reading an uploaded workbook without trusting it: every refusal is a message a person can act on.

A .xlsx is a zip of XML parts, and both layers can be made to cost far more
than the upload's size: a part that unpacks to gigabytes (a zip bomb), XML
whose DTD declares entities that expand (the "billion laughs"), a sheet of
millions of blank rows that openpyxl yields one by one. So before openpyxl
opens the file, every part is unpacked and counted (its declared size, then
the bytes it really gives, against one budget for the whole package) and
every XML part is parsed once by lxml with no DTD, no entities and no
network, counting a sheet's rows and cells as they come; the rows are then
counted again as openpyxl reads them (blank ones too, and the gaps it fills
between row numbers), and reading stops past MAX_ROWS. Numbers no database
stores (infinity, integers past 64 bits) are refused naming their row and
column.
"""
from __future__ import annotations

import math
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from engine import fits_int64

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # 10,000 rows of 20 columns as this app writes them: 8 MB
MAX_PARTS = 1000
MAX_ROWS = 10000
MAX_COLUMNS = 200
MAX_CELLS = 250_000  # 10,000 rows of 25 columns: openpyxl reads each cell in Python
ROWS_REFUSED = f"at most {MAX_ROWS} rows can be imported at once (blank rows count too)"
_CHUNK = 256 * 1024
_XML_PARTS = (".xml", ".rels", ".vml")
_ROW = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"
_NO_TAG = "{opsflow}none"  # the other parts have no rows to count: only well-formedness and the DTD matter
_NOT_A_WORKBOOK = "the file is not an Excel workbook (.xlsx)"


class WorkbookRefused(ValueError):
    """The upload is not read: the message says why, in words for the person who sent it."""


def _too_large() -> WorkbookRefused:
    return WorkbookRefused(f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; "
                           f"import at most {MAX_ROWS} rows at once")


class _XmlCheck:
    """One XML part parsed as it unpacks, by lxml without DTDs, entities or network.

    In a sheet only the rows reach Python (lxml filters the tag): they are counted as they
    come, and a row read to its end is counted for its cells and dropped, so a sheet of
    millions of `<row/>` (or of cells in one row) is refused after the first MAX_ROWS
    (MAX_CELLS) and never held whole.
    """

    def __init__(self, sheet: bool) -> None:
        self.parser = etree.XMLPullParser(events=("start",), tag=_ROW if sheet else _NO_TAG,
                                          resolve_entities=False, no_network=True, load_dtd=False)
        self.rows = self.cells = 0
        self.row: Any = None  # the row being read: its cells are still coming

    def feed(self, chunk: bytes) -> None:
        self.parser.feed(chunk)
        for _, row in self.parser.read_events():
            if self.row is None:
                self._refuse_doctype(row)
            else:
                self.cells += len(self.row)
            self.rows += 1
            if self.rows > MAX_ROWS + 1:
                raise WorkbookRefused(ROWS_REFUSED)
            while row.getprevious() is not None:
                del row.getparent()[0]
            self.row = row
        if self.cells + (len(self.row) if self.row is not None else 0) > MAX_CELLS:
            raise WorkbookRefused(f"the workbook has more than {MAX_CELLS} cells")

    def close(self) -> None:
        self._refuse_doctype(self.parser.close())

    @staticmethod
    def _refuse_doctype(element: Any) -> None:
        if element.getroottree().docinfo.doctype:
            raise WorkbookRefused("the workbook's XML declares a DTD (entities), which an import does not accept")


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Unpack one part within `budget` bytes, parsing it if it is XML; returns the bytes it gave."""
    name = info.filename.lower()
    check = _XmlCheck(sheet=name.startswith("xl/worksheets/")) if name.endswith(_XML_PARTS) else None
    size = 0
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            if size > info.file_size or size > budget:
                raise _too_large()
            if check is not None:
                check.feed(chunk)
    if check is not None:
        check.close()
    return size


def _check_package(data: bytes) -> None:
    """The zip's parts, their sizes (declared, then actual) and the XML in them, before openpyxl sees any."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise WorkbookRefused(f"the workbook has more than {MAX_PARTS} parts")
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise _too_large()
            used = 0
            for info in infos:
                try:
                    used += _check_part(archive, info, MAX_UNPACKED_BYTES - used)
                except etree.XMLSyntaxError as exc:
                    raise WorkbookRefused(f"the workbook's part {info.filename} is not well-formed XML "
                                          f"({exc.msg})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
        raise WorkbookRefused(_NOT_A_WORKBOOK) from exc


def _upload(stream: IO[bytes]) -> bytes:
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                              f"import at most {MAX_ROWS} rows at once")
    return data


def _checked(value: Any, row: int, column: str) -> Any:
    """The cell's value, or a refusal naming where a number no database column holds stands.

    (Text needs no such check: XML cannot carry a NUL or a lone surrogate, and lxml refused the
    character references that would.)
    """
    if (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, int) and not isinstance(value, bool) and not fits_int64(value)):
        raise WorkbookRefused(f"row {row}, column {column}: the number {value} cannot be imported")
    return value


def _records(rows: Iterator[tuple[Any, ...]]) -> list[dict[str, Any]]:
    header = next(rows, None)
    if not header or not any(header):
        raise WorkbookRefused("the first row must name the columns")
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    out: list[dict[str, Any]] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:  # blank rows count: a sheet of millions of them is no cheaper to read
            raise WorkbookRefused(ROWS_REFUSED)
        if not any(v not in (None, "") for v in values):
            continue
        # `_row` keeps the sheet's row number, so the report names the row a person sees in Excel
        out.append({"_row": number, **{n: _checked(v, number, n or get_column_letter(i))
                                       for i, (n, v) in enumerate(zip(names, values, strict=False), start=1)
                                       if n}})
    return out


def read_rows(stream: IO[bytes]) -> list[dict[str, Any]]:
    """The first sheet as dicts keyed by the lower-cased header row; blank rows are skipped.

    Raises WorkbookRefused (a ValueError) with a message a person can act on when the file is not
    a workbook that can be imported.
    """
    data = _upload(stream)
    _check_package(data)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            return _records(book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True))
        finally:
            book.close()
    except WorkbookRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl fails on odd content in ways of its own (KeyError, TypeError...)
        raise WorkbookRefused(_NOT_A_WORKBOOK) from exc
