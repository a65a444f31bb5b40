"""Master-data and record lists declared once, served the same way by every module's blueprint.

A `ListSpec` says which table, which columns, what can be searched and
filtered, who may read and import it, and (for master data) how a spreadsheet
is imported; `routes.add_list` gives a blueprint the list, detail, Excel export,
template and import pages (`views`), each guarded by the access policy. Every query of a
list goes through `_conditions`, which keeps to the rows the reader may see (all,
or their own department's), so a page, an export and a related section never
show more than the list itself would.
`Related` rows (an order's lines) are listed under a record on its detail
page and, when asked, exported on a sheet of their own beside the list.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import BigInteger, ColumnElement, Integer, Select, false, func, or_, select
from sqlalchemy.orm import Session

from engine import ID_MAX, AccessPolicy, storable_number

from ..access import current_actor, policy
from ..extensions import db
from ..xlsx import Sheet

PAGE_SIZE = 25
Importer = Callable[[Session, list[dict[str, Any]], str], Any]
Sheets = Callable[[Session, Select[Any]], list[Sheet]]  # more sheets for the export, from the filtered query


@dataclass(frozen=True)
class Column:
    attr: str
    label: Any
    kind: str = "text"  # text, money, number, date, status, rating
    link: str | None = None  # the detail endpoint the value is the key of, e.g. "procurement.contracts_detail"


@dataclass(frozen=True)
class Filter:
    attr: str
    label: Any
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]]

    def options(self) -> tuple[str, ...]:
        """Fixed codes, or, for codes kept in a table (departments, review periods), those there are now."""
        return self.choices() if callable(self.choices) else self.choices


@dataclass(frozen=True)
class RelatedList:
    """Rows of another list of the same module that point at a record, shown on its detail page."""
    spec: str   # the other list's name: "trainings"
    attr: str   # its column holding this record's key: "employee_number"
    title: Any


@dataclass(frozen=True)
class Related:
    """Rows of another table that belong to a record: `model.<parent_key>` equals the record's `<match>`."""

    name: str                  # sheet name and test id: "lines"
    title: Any
    model: type
    parent_key: str
    columns: tuple[Column, ...]
    match: str = "id"
    order_by: str = "id"
    export: bool = False       # a sheet of these rows, for every exported record, beside the list


@dataclass(frozen=True)
class Access:
    """Who reads a list by default (principals as in engine/access.py); administrators change it on a screen."""

    read_all: tuple[str, ...]
    read_department: tuple[str, ...] = ()  # they read the rows of their own department (the model's `department`)
    import_: tuple[str, ...] = ()
    own: str | None = None  # a column naming the person a row is for: everyone reads their own rows


ADMINS_ONLY = Access(read_all=())


@dataclass(frozen=True)
class Editor:
    """How a master-data record is entered and changed on a form: by the row parser its import uses, so a
    form and a spreadsheet accept the same values. Whoever may import the list may edit it."""

    parse: Callable[[dict[str, Any]], dict[str, Any]]
    fields: tuple[str, ...]
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unique: tuple[tuple[str, ...], ...] = ()  # column sets no two records share: ("code",), ("department", "period")


@dataclass(frozen=True)
class ListSpec:
    name: str                  # URL segment and endpoint prefix: "suppliers"
    title: Any
    model: type
    key: str                   # the column a detail page is found by
    columns: tuple[Column, ...]
    access: Access = ADMINS_ONLY
    module: str = ""           # the blueprint's name, set by `add_list`
    search: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    order_by: str = "id"
    descending: bool = False
    importer: Importer | None = None
    import_columns: tuple[str, ...] = ()
    details: tuple[Column, ...] = ()     # shown on the detail page only (long text)
    related: tuple[Related, ...] = ()    # parts of the record (its lines), or rows of another table naming it
    related_lists: tuple[RelatedList, ...] = ()  # rows of another list of the module that name it
    extra: dict[str, Any] = field(default_factory=dict)
    # a record with parts of its own (an order's lines): its detail page, and export sheets beside the list
    detail_template: str = "records/detail.html"
    detail_context: Callable[[Session, Any], dict[str, Any]] | None = None
    more_sheets: Sheets | None = None
    editor: Editor | None = None         # master data entered and changed on a form, not only imported

    @property
    def resource(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    page: int
    pages: int
    total: int




def field_labels(spec: ListSpec) -> dict[str, Any]:
    """Each column's label by its name, for naming a field in a message (the list's own headings)."""
    return {c.attr: c.label for c in (*spec.details, *spec.columns)}


def may_import(spec: ListSpec) -> bool:
    return spec.importer is not None and policy().allows(db.session, current_actor(), f"records:{spec.resource}",
                                                         "import")


def may_edit(spec: ListSpec) -> bool:
    """Entering and changing records on a form is the list's `import` right: the same people, the same data."""
    return spec.editor is not None and policy().allows(db.session, current_actor(), f"records:{spec.resource}",
                                                       "import")


def readable(spec: ListSpec) -> list[ColumnElement[bool]] | None:
    """Conditions that keep `spec` to the rows the reader may see; None when they may see none of it."""
    actor = current_actor()
    scope = policy().record_scope(db.session, actor, spec.resource)
    if scope == "all":
        return []
    own = [getattr(spec.model, spec.access.own) == actor.username] if spec.access.own else []
    if scope == "department":
        column = getattr(spec.model, "department", None)
        return [or_(column == actor.department, *own)] if column is not None else own or [false()]
    return own or None


def _conditions(spec: ListSpec, args: Any) -> list[ColumnElement[bool]]:
    where = readable(spec)
    if where is None:
        abort(403)
    text = (args.get("q") or "").strip()
    if text and spec.search:
        pattern = f"%{text.lower()}%"
        where.append(or_(*[func.lower(getattr(spec.model, a)).like(pattern) for a in spec.search]))
    for f in spec.filters:
        value = args.get(f.attr)
        if value:
            if value not in f.options():
                abort(400, description=f"{f.attr} must be one of {', '.join(f.options())}")
            column = getattr(spec.model, f.attr)
            where.append(column == typed(column, value))
    return where


def typed(column: Any, raw: str) -> Any:
    """A value from the URL in the column's own type (PostgreSQL will not compare an integer with text).

    A number no column holds (past an INTEGER's 32 bits, NaN, infinity) is no record's key either: 404, not
    an overflow.
    """
    try:
        value = column.type.python_type(raw)
    except (ValueError, ArithmeticError, TypeError):
        value = None
    narrow = isinstance(column.type, Integer) and not isinstance(column.type, BigInteger)
    too_big = isinstance(value, int) and narrow and not -ID_MAX - 1 <= value <= ID_MAX
    if value is None or too_big or (isinstance(value, int | float | Decimal) and not storable_number(value)):
        abort(404, description=f"{raw!r} is not a valid {column.key}")
    return value


def distinct_values(column: Any) -> Callable[[], tuple[str, ...]]:
    """Filter choices read from a column when the page is drawn: the departments, the review periods."""
    return lambda: tuple(str(v) for v in db.session.scalars(select(column).distinct().order_by(column)))


def _order(spec: ListSpec) -> tuple[Any, ...]:
    order = getattr(spec.model, spec.order_by)
    return order.desc() if spec.descending else order, spec.model.id


def query(spec: ListSpec, args: Any) -> Select[Any]:
    return select(spec.model).where(*_conditions(spec, args)).order_by(*_order(spec))


def related_query(spec: ListSpec, related: Related, args: Any) -> Select[Any]:
    """The related rows of every record the list shows with `args`, each with the record's key."""
    model = related.model
    return (select(getattr(spec.model, spec.key), model)
            .join(model, getattr(model, related.parent_key) == getattr(spec.model, related.match))
            .where(*_conditions(spec, args)).order_by(*_order(spec), getattr(model, related.order_by)))


def related_rows(session: Session, related: Related, record: Any) -> list[Any]:
    model = related.model
    belongs = getattr(model, related.parent_key) == getattr(record, related.match)
    return list(session.scalars(select(model).where(belongs).order_by(getattr(model, related.order_by))))


def page_of(session: Session, spec: ListSpec, args: Any, number: int) -> Page:
    q = query(spec, args)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(max(number, 1), pages)
    rows = list(session.scalars(q.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))
    return Page(rows, number, pages, total)


def current_filters(spec: ListSpec) -> dict[str, str]:
    keys = ["q", *[f.attr for f in spec.filters]]
    return {k: request.args[k] for k in keys if request.args.get(k)}


def declare_access(access_policy: AccessPolicy) -> None:
    """Every list's default readers and importers, as the policy's `records:<module>.<list>` rights."""
    for specs in CATALOG.values():
        for spec in specs:
            access_policy.declare_records(spec.resource, read_all=spec.access.read_all,
                                          read_department=spec.access.read_department,
                                          import_=spec.access.import_)


CATALOG: dict[str, list[ListSpec]] = {}


def render(template: str, **context: Any) -> str:
    spec = context.get("spec")
    listed = isinstance(spec, ListSpec)
    return render_template(template, may_import=listed and may_import(spec), may_edit=listed and may_edit(spec),
                           **context)


def session() -> Session:
    return db.session
