"""The pages `routes.add_list` registers: list, detail, Excel export and template, Excel import."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from engine import audit, utcnow
from modules.importing import MODES

from .. import xlsx, xlsx_read
from ..access import current_actor
from ..formatting import day, money, number, when
from ..reasons import column_labels, sentence
from .catalog import (
    CATALOG,
    Column,
    ListSpec,
    RelatedList,
    current_filters,
    field_labels,
    page_of,
    query,
    readable,
    related_query,
    related_rows,
    render,
    session,
    typed,
)
from .labels import record_label

RELATED_ROWS = 10


def cell(row: Any, column: Column) -> str:
    value = getattr(row, column.attr)
    if value is None:
        return ""
    if column.kind == "money":
        return money(value)
    if column.kind == "number":
        return number(value)
    if column.kind == "status":
        return record_label(value)
    if column.kind == "rating":
        return "★" * int(value) + "☆" * (5 - int(value))
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return day(value)
    return str(value)


def list_page(module: str, spec: ListSpec) -> str:
    listing = page_of(session(), spec, request.args, request.args.get("page", 1, type=int) or 1)
    return render("records/list.html", module=module, spec=spec, listing=listing, cell=cell, href=href,
                  filters=current_filters(spec))


def href(row: Any, column: Column) -> str | None:
    value = getattr(row, column.attr)
    return url_for(column.link, key=value) if column.link and value not in (None, "") else None


def export(spec: ListSpec) -> Response:
    """The filtered list, and a sheet per exported `Related` naming each row's record by its key."""
    headers = [str(c.label) for c in spec.columns]
    rows = ([getattr(r, c.attr) for c in spec.columns] for r in session().scalars(query(spec, request.args)))
    sheets: list[xlsx.Sheet] = [(spec.name, headers, rows)]
    if spec.more_sheets:
        sheets.extend(spec.more_sheets(session(), query(spec, request.args)))
    key_label = next((str(c.label) for c in spec.columns if c.attr == spec.key), spec.key)
    for related in (r for r in spec.related if r.export):
        sheets.append((related.name, [key_label, *[str(c.label) for c in related.columns]],
                       ([key, *[getattr(child, c.attr) for c in related.columns]]
                        for key, child in session().execute(related_query(spec, related, request.args)))))
    return xlsx.sheets_response(f"{spec.name}.xlsx", sheets)


def detail(module: str, spec: ListSpec, key: str, **shown: Any) -> str:
    """`shown` overrides what `detail_context` gives the page (a form sent back with its errors)."""
    row = find_row(spec, key)
    facts = [{"key": c.attr, "label": c.label, "value": cell(row, c), "href": href(row, c)}
             for c in (*spec.columns, *spec.details)]
    more = {**(spec.detail_context(session(), row) if spec.detail_context else {}), **shown}
    return render(spec.detail_template, module=module, spec=spec, row=row, facts=facts, cell=cell, href=href,
                  related=[(r, related_rows(session(), r, row)) for r in spec.related],
                  related_lists=[s for r in spec.related_lists
                                 if (s := related_list(module, r, getattr(row, spec.key))) is not None],
                  title=f"{spec.title} · {getattr(row, spec.key)}", **more)


def find_row(spec: ListSpec, key: str) -> Any:
    """The record with this key among those the reader may see, else 404 (a record out of reach is not there)."""
    column = getattr(spec.model, spec.key)
    row = session().scalar(query(spec, {}).where(column == typed(column, key)))
    if row is None:
        abort(404, description=_("No record %(key)s", key=key))
    return row


@dataclass(frozen=True)
class Section:
    title: Any
    spec: ListSpec
    rows: list[Any]
    total: int
    search: str  # what the full list is searched for to show them all


def related_list(module: str, related: RelatedList, key: Any) -> Section | None:
    """The first rows of another list that point at this record, and how many there are;
    None when the reader may not read that list (an employee's reviews, for a manager who reads employees)."""
    other = next(s for s in CATALOG[module] if s.name == related.spec)
    if readable(other) is None:
        return None
    q = query(other, {}).where(getattr(other.model, related.attr) == key)
    total = session().scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    return Section(related.title, other, list(session().scalars(q.limit(RELATED_ROWS))), total, str(key))


def template(spec: ListSpec) -> Response:
    return xlsx.xlsx_response(f"{spec.name}-template.xlsx", spec.name, list(spec.import_columns), [])


def import_page(module: str, spec: ListSpec) -> str | tuple[str, int]:
    """Who may import is the access policy's `import` right; every import that writes is in the audit log."""
    if request.method == "GET":
        return render("records/import.html", module=module, spec=spec, report=None, error=None)
    mode = request.form.get("mode") or "all_or_nothing"
    if mode not in MODES:
        abort(400, description=f"mode must be one of {', '.join(MODES)}")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render("records/import.html", module=module, spec=spec, report=None,
                      error=_("Choose an .xlsx file to import.")), 400
    try:
        rows = xlsx_read.read_rows(upload.stream)
    except ValueError as exc:
        return render("records/import.html", module=module, spec=spec, report=None, error=str(exc)), 400
    db_session = session()
    report = spec.importer(db_session, rows, mode)
    if report.written:
        audit.record(db_session, current_actor().username, "records.import", spec.resource, utcnow(),
                     request.remote_addr, file=upload.filename[:200], mode=mode, created=report.created,
                     updated=report.updated, rejected=len(report.rejected), changes=report.changes)
        db_session.commit()
    else:
        db_session.rollback()
    status = 422 if report.rejected and not report.written else 200
    return render("records/import.html", module=module, spec=spec, report=report, error=None,
                  reason=_reason_words(spec)), status


def _reason_words(spec: ListSpec) -> Any:
    """A rejected row's reason naming its column by label and by the heading the sheet uses for it."""
    label = column_labels(field_labels(spec), with_code=True)
    return lambda r: sentence(r, label)
