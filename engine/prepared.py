"""Statements compiled once and run straight on the transaction's driver connection.

A step, a token check or an inbox page sends a few dozen short statements
whose SQL never changes. Through `Session.execute` each costs about four
times the database's own work in SQLAlchemy's machinery (the ORM's execute
state, the compiled-cache lookup, an execution context, a result object);
a served approval spent more than half its time there. A `Prepared`
statement is compiled once per dialect, keeps the type conversions its
columns need (dates as text on SQLite, JSON, booleans) and runs on the
DBAPI cursor of the session's own connection, so it joins the session's
transaction as before.

What stays as through SQLAlchemy: the session's pending objects are flushed
first (autoflush), the connection's `before_cursor_execute` and
`after_cursor_execute` listeners see every statement (SQLite's upgrade to
`BEGIN IMMEDIATE` before a first write, statement budgets, profiles), and a
driver error is raised as SQLAlchemy's (an `IntegrityError` stays one).
What is not: the ORM's `do_orm_execute` listeners, and the identity map
(a row written here leaves an ORM copy read earlier stale: expire it).
An IN list is a parameter per value (`PreparedIn`), not one expanded per call.
"""
from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, String, bindparam, exc, null
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql import ClauseElement

_MISSING = object()
On = Session | scoped_session[Session] | Connection  # where a prepared statement runs
_TEXT = String()
_CONNECTION = "opsflow_prepared_connection"


class _Bind(NamedTuple):
    """One parameter of the compiled SQL: where its value comes from and how the driver wants it."""

    key: str
    fixed: Any  # a literal of the statement, else _MISSING
    default: Any  # a column's Python-side default (a ColumnDefault) to use when no value is given
    process: Any  # the type's conversion for the driver, if any


@dataclass
class _Compiled:
    sql: str
    positional: bool
    names: list[str]  # the parameters' names in the SQL (positional: in order, repeated where repeated)
    binds: list[_Bind]
    row: Any  # a namedtuple class of the result's columns, or None
    result_types: list[Any]
    processors: list[Any] | None = None  # from the first result's description (PostgreSQL's numerics need it)


class Prepared:
    """A Core statement (select, insert, update, delete) to run on a session or connection at driver level.

    `keys`: for an INSERT or UPDATE written without `.values()`, the columns every call gives.
    """

    def __init__(self, statement: ClauseElement, keys: Iterable[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(keys) if keys is not None else None
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    # -- running --------------------------------------------------------------
    def rows(self, on: On, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Every row, as named tuples (attribute access and `_asdict()` as SQLAlchemy's rows)."""
        conn = _connection(on)
        compiled = self._compiled(conn.dialect)
        cursor = self._run(conn, compiled, params or {})
        try:
            return _convert(conn.dialect, compiled, cursor, cursor.fetchall())
        finally:
            cursor.close()

    def first(self, on: On, params: Mapping[str, Any] | None = None) -> Any:
        conn = _connection(on)
        compiled = self._compiled(conn.dialect)
        cursor = self._run(conn, compiled, params or {})
        try:
            row = cursor.fetchone()
            return _convert(conn.dialect, compiled, cursor, [row])[0] if row is not None else None
        finally:
            cursor.close()

    def scalars(self, on: On, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.rows(on, params)]

    def scalar(self, on: On, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(on, params)
        return row[0] if row is not None else None

    def run(self, on: On, params: Mapping[str, Any] | Sequence[Mapping[str, Any]] = ()) -> int:
        """Run a write with one set of values or many (executemany); returns the rows it touched."""
        conn = _connection(on)
        compiled = self._compiled(conn.dialect)
        if isinstance(params, Mapping):
            cursor = self._run(conn, compiled, params)
        elif not params:
            return 0
        else:
            cursor = self._run(conn, compiled, params, many=True)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    # -- internals ------------------------------------------------------------
    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect)
        if compiled is None:
            compiled = self._by_dialect[dialect] = _compile(self.statement, dialect, self.column_keys)
        return compiled

    @staticmethod
    def _run(conn: Connection, compiled: _Compiled, params: Any, many: bool = False) -> Any:
        values: Any = ([_values(compiled, p) for p in params] if many else _values(compiled, params))
        sql = compiled.sql
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        events = conn._has_events or conn.engine._has_events
        try:
            if events:
                for listener in conn.dispatch.before_cursor_execute:
                    sql, values = listener(conn, cursor, sql, values, None, many)
            if many:
                cursor.executemany(sql, values)
            else:
                cursor.execute(sql, values)
            if events:
                conn.dispatch.after_cursor_execute(conn, cursor, sql, values, None, many)
        except conn.dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise exc.DBAPIError.instance(sql, values, error, conn.dialect.loaded_dbapi.Error,
                                          dialect=conn.dialect, ismulti=many) from error
        except BaseException:
            cursor.close()
            raise
        return cursor


def _convert(dialect: Dialect, compiled: _Compiled, cursor: Any, rows: list[Any]) -> list[Any]:
    processors = compiled.processors
    if processors is None:
        codes = [d[1] for d in cursor.description or ()]
        processors = compiled.processors = [t._cached_result_processor(dialect, code)
                                            for t, code in zip(compiled.result_types, codes, strict=True)]
    make = compiled.row._make
    if not any(processors):
        return [make(r) for r in rows]
    return [make([v if p is None or v is None else p(v) for p, v in zip(processors, r, strict=True)])
            for r in rows]


def _connection(on: On) -> Connection:
    """The connection to run on. A bare one outside a transaction runs each statement as its driver does
    (SQLite: a snapshot of its own; PostgreSQL: in the transaction the driver opens, ended when the
    connection goes back to the pool): what a read-only check on its own connection needs."""
    if isinstance(on, Connection):
        return on
    if isinstance(on, scoped_session):
        on = on()
    on._autoflush()  # what Session.execute does first (it skips a session flushing already, or told not to)
    # the connection of the session's current (innermost) transaction, asked for once: asking again costs
    # more than most statements, and a savepoint begun since is a new transaction (its SAVEPOINT is sent
    # when its connection is first asked for)
    current, known = on._transaction, on.info.get(_CONNECTION)
    if known is not None and known[0] is current and current is not None:
        return known[1]
    connection = on.connection()
    on.info[_CONNECTION] = (on._transaction, connection)
    return connection


def _values(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
    out: list[Any] = []
    for key, fixed, default, process in compiled.binds:
        value = params.get(key, _MISSING)
        if value is _MISSING:
            value = _missing(key, fixed, default)
        out.append(value if process is None or value is None else process(value))
    if compiled.positional:
        return tuple(out)
    return dict(zip(compiled.names, out, strict=True))


def _missing(key: str, fixed: Any, default: Any) -> Any:
    if default is not None:
        return default.arg if default.is_scalar else default.arg(None)
    if fixed is not _MISSING:
        return fixed
    raise KeyError(f"no value for {key!r}")


def _compile(statement: ClauseElement, dialect: Dialect, column_keys: list[str] | None) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect, column_keys=column_keys)
    if any(b.expanding for b in compiled.binds.values()):
        raise ValueError("a statement with an IN list expanded per call cannot be prepared")
    processors = compiled._bind_processors
    defaults = {c.key: c.default for c in (*compiled.insert_prefetch, *compiled.update_prefetch)}
    names = compiled.positiontup if compiled.positional else list(compiled.bind_names.values())
    by_name = {name: bp for bp, name in compiled.bind_names.items()}
    binds: list[_Bind] = []
    for name in names:
        bp = by_name[name]
        default = defaults.get(bp.key)
        fixed = _MISSING if (bp.required or default is not None) else bp.effective_value
        binds.append(_Bind(bp.key, fixed, default, processors.get(name)))
    columns = compiled._result_columns or []
    keys = [c.keyname for c in columns]
    row = namedtuple("Row", keys, rename=True) if keys else None  # noqa: PYI024
    return _Compiled(sql=compiled.string, positional=compiled.positional, names=list(names), binds=binds, row=row,
                     result_types=[c.type for c in columns])


class PreparedIn:
    """A statement with one IN list, prepared once per length of the list.

    `build` makes the statement from the list's parameters (`column.in_(params)`); an empty list is given
    as `[NULL]`, which no value matches (so `in_` only, never `not_in`). An actor's groups or a
    notification's recipients are a handful, so a few lengths cover every call.
    """

    def __init__(self, build: Callable[[list[Any]], ClauseElement], type_: Any = _TEXT) -> None:
        """`type_`: the values' type (that of the column they are compared with)."""
        self._build = build
        self._type = type_
        self._by_length: dict[int, Prepared] = {}

    def bound(self, values: Sequence[Any]) -> tuple[Prepared, dict[str, Any]]:
        """The statement for this many values, and the parameters that carry them."""
        statement = self._by_length.get(len(values))
        if statement is None:
            statement = self._by_length[len(values)] = Prepared(
                self._build([bindparam(f"in_{n}", type_=self._type) for n in range(len(values))] or [null()]))
        return statement, {f"in_{n}": value for n, value in enumerate(values)}
