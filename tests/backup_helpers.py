"""What the backup tests compare and do: every row, every file, the site's names, the demo company at work.

Kept apart from backup_fixtures.py (a pytest plugin) so test modules can import it.
"""
from __future__ import annotations

from pathlib import Path

from demo_databases import PG_URL, USE_PG
from sqlalchemy import inspect, make_url, text

from engine import ServiceRegistry, WorkflowEngine, Workplace, field_crypto, make_engine
from engine.backup import Installation
from modules import register_all
from webui.demo_people import demo_actor

SECRET_KEY = b"4f1c0de5ecret"


def field_keys() -> bytes:
    """The key file of a test site: the keys the demo database was encrypted with when it was prepared."""
    return ("\n".join(field_crypto.keyring().keys) + "\n").encode()


def pg_databases(prefix: str) -> list[str]:
    admin = make_engine(PG_URL)
    with admin.connect() as conn:
        names = list(conn.execute(text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                                  {"p": prefix}).scalars())
    admin.dispose()
    return sorted(names)


def all_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in an order that does not depend on how the database stored them."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {table: sorted((tuple(row) for row in conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
                    for table in sorted(inspect(conn).get_table_names())}
    finally:
        engine.dispose()


def all_files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by its path there, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def site_listing(site: Installation) -> list[str]:
    """Every name in the site's folders (staged, hidden and kept-aside ones too), and its databases."""
    root = site.attachments_dir.parent
    names = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*"))]
    if USE_PG:
        names += pg_databases(make_url(site.database_url).database or "")
    return names


class DemoCompany:
    """The engine and workplace on a site, used the way people use OpsFlow; closed before a restore."""

    def __init__(self, site: Installation) -> None:
        self.db = make_engine(site.database_url)
        self.engine = WorkflowEngine(self.db, register_all(ServiceRegistry()))
        self.workplace = Workplace(self.engine, site.attachments_dir)

    def request(self, quantity: int = 2, unit_price: float = 3000.0) -> int:
        """A purchase request of alice's; from ¥5,000 it waits for her manager bob."""
        data = {"item": "Docking station", "supplier": "ACME", "quantity": quantity, "unit_price": unit_price,
                "reason": "new hire", "department": "IT"}
        return self.engine.start("purchase_approval", data, demo_actor("alice")).id

    def approve(self, instance_id: int) -> None:
        task = next(t for t in self.engine.get(instance_id).tasks if t.status == "open")
        self.engine.complete(task.id, demo_actor("bob"), {"decision": "approve"})

    def close(self) -> None:
        self.db.dispose()
