"""Reading an uploaded workbook without trusting it: every refusal is a message a person can act on.

A .xlsx is a zip of XML parts, and both layers can be made to cost far more
than the upload's size: a part that unpacks to gigabytes (a zip bomb), XML
whose DTD declares entities that expand (the "billion laughs"), a sheet of
millions of blank rows that openpyxl yields one by one. So before openpyxl
opens the file, every part is unpacked and counted (its declared size, then
the bytes it really gives, against one budget for the whole package) and
every XML part is parsed once by lxml with no DTD, no entities and no
network; the rows are then counted as openpyxl reads them, blank ones too,
and reading stops past MAX_ROWS. Values no database stores (text with NUL
or lone surrogates, which openpyxl makes of `_x0000_` escapes, NaN,
integers past 64 bits) are refused naming their row and column.
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

from engine import fits_int64, unstorable_char

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1000
MAX_ROWS = 10000
MAX_COLUMNS = 200
_CHUNK = 256 * 1024
_XML_PARTS = (".xml", ".rels", ".vml")
_NOT_A_WORKBOOK = "the file is not an Excel workbook (.xlsx)"


class WorkbookRefused(ValueError):
    """The upload is not read: the message says why, in words for the person who sent it."""


class _RefuseDoctype:
    """lxml parser target: a DOCTYPE (where entities are declared) stops the parse; nothing else is kept."""

    def doctype(self, *_: Any) -> None:
        raise WorkbookRefused("the workbook's XML declares a DTD (entities), which an import does not accept")

    def close(self) -> None:
        return None


def _too_large() -> WorkbookRefused:
    return WorkbookRefused(f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; "
                           f"import at most {MAX_ROWS} rows at once")


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Unpack one part within `budget` bytes, parsing it if it is XML; returns the bytes it gave."""
    parser = (etree.XMLParser(target=_RefuseDoctype(), resolve_entities=False, no_network=True, load_dtd=False)
              if info.filename.lower().endswith(_XML_PARTS) else None)
    size = 0
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            if size > info.file_size or size > budget:
                raise _too_large()
            if parser is not None:
                parser.feed(chunk)
    if parser is not None:
        parser.close()
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
    """The cell's value, or a refusal naming where a value no database column holds stands."""
    bad = unstorable_char(value) if isinstance(value, str) else None
    if bad or (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, int) and not isinstance(value, bool) and not fits_int64(value)):
        what = f"the character {bad}" if bad else f"the number {value}"
        raise WorkbookRefused(f"row {row}, column {column}: {what} cannot be imported")
    return value


def _records(rows: Iterator[tuple[Any, ...]]) -> list[dict[str, Any]]:
    header = next(rows, None)
    if not header or not any(header):
        raise WorkbookRefused("the first row must name the columns")
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    out: list[dict[str, Any]] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:  # blank rows count: a sheet of millions of them is no cheaper to read
            raise WorkbookRefused(f"at most {MAX_ROWS} rows can be imported at once (blank rows count too)")
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
