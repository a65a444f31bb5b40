"""Many rows in one statement: `INSERT … SELECT` over the numbers 0 … n-1, made by the database itself.

A test of a query plan at 100,000 open tasks needs the rows, not the way they got there: built as Python
dicts and sent as parameters they took several seconds a test; counted out by the database they take a
fraction of one. The rows are the same (the same text, the same times in the form the app stores them),
so the queries under test read what the engine would have written.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection


def text_number(conn: Connection, width: int) -> str:
    """SQL for `i` as text, zero-padded to `width` digits (Python's f"{i:0{width}d}")."""
    if conn.dialect.name == "sqlite":
        return f"printf('%0{width}d', i)"
    return f"lpad(i::text, {width}, '0')"


def seconds_after(conn: Connection, start: datetime, seconds: str) -> str:
    """SQL for `start` plus `seconds` (an SQL expression in `i`), as a DateTime column holds it."""
    if conn.dialect.name == "sqlite":  # SQLAlchemy stores a DateTime as 'YYYY-MM-DD HH:MM:SS.ffffff'
        return f"(datetime('{start:%Y-%m-%d %H:%M:%S}', '+' || ({seconds}) || ' seconds') || '.000000')"
    return f"(TIMESTAMP '{start:%Y-%m-%d %H:%M:%S}' + ({seconds}) * INTERVAL '1 second')"


def insert_series(conn: Connection, table: str, n: int, columns: dict[str, str], start: int = 0) -> None:
    """Insert one row per `i` in start … start+n-1 into `table`: `columns` maps each column to SQL in `i`."""
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"WITH RECURSIVE numbers(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM numbers "
                             f"WHERE i < {start + n - 1}) INSERT INTO {table} ({names}) SELECT {values} FROM numbers")
    else:
        statement = (f"INSERT INTO {table} ({names}) SELECT {values} "
                     f"FROM generate_series({start}, {start + n - 1}) AS numbers(i)")
        conn.exec_driver_sql(statement.replace("%", "%%"))  # psycopg reads a lone % as a placeholder
