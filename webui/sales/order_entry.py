"""The sales order entry page: a customer, a warehouse and a table of lines, started as order_handling.

The lines reach the flow as JSON text in the start form's `lines` field (forms have no repeating
rows); the page first checks them with the rules the flow applies (modules.sales.parse_lines), so a
bad line is named beside its cell and nothing starts.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from itertools import zip_longest
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine import InvalidData, validate_form
from modules.inventory import Item
from modules.sales import MAX_LINES, Customer, LinesRejected, parse_lines
from modules.sales.order_lines import LINE_FIELDS

from ..access import Starts, guard
from ..extensions import actor_for, db, workflow_engine
from ..form_fields import error_text, fields, pick_label
from ..reasons import column_labels, said
from ..records import STARTS

PROCESS = "order_handling"
BLANK = dict.fromkeys(LINE_FIELDS, "")
LINE_LABELS = {"item_code": _l("Item"), "quantity": _l("Quantity"), "unit_price": _l("Unit price")}


@dataclass(frozen=True)
class LineRow:
    number: int
    values: dict[str, str]
    errors: dict[str, str]


def posted_lines(form: MultiDict[str, str]) -> list[dict[str, str]]:
    """The table's rows as typed; rows left blank are dropped, so line numbers count the rows that remain."""
    columns = [form.getlist(name) for name in LINE_FIELDS]
    rows = [dict(zip(LINE_FIELDS, (v.strip() for v in values), strict=True))
            for values in zip_longest(*columns, fillvalue="")]
    return [row for row in rows if any(row.values())]


def reason(message: str) -> str:
    """A line's or the customer's problem in the reader's language (beside its cell, which names the item)."""
    code = getattr(message, "code", None)
    if code is not None and code not in ("no_item", "item_status"):
        return said(message, column_labels(LINE_LABELS))
    if message.startswith(("no item", "no customer")):
        return _("Not found.")
    if message.startswith(("item ", "customer ")):
        return _("No longer active.")
    if message.startswith("at least one line"):
        return _("Enter at least one line.")
    if message.startswith("at most"):
        return _("At most %(n)s lines.", n=MAX_LINES)
    return error_text(message)


def _check(values: dict[str, str], rows: list[dict[str, str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The data to start the flow with, or what is wrong (keys: form fields, "lines", "<line>.<field>")."""
    errors: dict[str, str] = {}
    try:
        lines = [asdict(line) for line in parse_lines(db.session, rows)]
    except LinesRejected as exc:
        lines, errors = [], dict(exc.errors)
    data = {**values, "lines": json.dumps(lines, ensure_ascii=False)}
    try:
        validate_form(workflow_engine().form(PROCESS, "start") or {}, data)
    except InvalidData as exc:
        errors.update(exc.errors)
    customer = db.session.scalar(select(Customer).where(Customer.code == values["customer_code"]))
    if values["customer_code"] and (customer is None or customer.status != "active"):
        code = values["customer_code"]
        errors["customer_code"] = f"no customer {code}" if customer is None else f"customer {code} is {customer.status}"
    return data, errors


def _page(values: dict[str, str], rows: list[dict[str, str]], errors: dict[str, str]) -> str:
    form = workflow_engine().form(PROCESS, "start")
    [warehouse] = fields({"fields": [f for f in (form or {}).get("fields", []) if f["name"] == "warehouse"]},
                         values, errors)
    table = [LineRow(n, row, {f: reason(errors[f"{n}.{f}"]) for f in LINE_FIELDS if f"{n}.{f}" in errors})
             for n, row in enumerate(rows or [dict(BLANK)], start=1)]
    return render_template(
        "sales/order_new.html", title=pick_label((form or {}).get("title"), _("New sales order")),
        warehouse=warehouse, rows=table, customer=values.get("customer_code", ""),
        customer_error=reason(errors["customer_code"]) if "customer_code" in errors else None,
        lines_error=reason(errors["lines"]) if "lines" in errors else None,
        customers=db.session.scalars(select(Customer).where(Customer.status == "active").order_by(Customer.code)),
        items=db.session.scalars(select(Item).where(Item.status == "active").order_by(Item.code)))


@guard(Starts("order_handling"))
@login_required
def new_order() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return _page({}, [], {})
    values = {name: request.form.get(name, "").strip() for name in ("customer_code", "warehouse")}
    rows = posted_lines(request.form)
    if "add_line" in request.form:  # without JavaScript, "Add line" comes back with one more empty row
        return _page(values, [*rows, dict(BLANK)], {})
    data, errors = _check(values, rows)
    if errors:
        return _page(values, rows, errors), 422
    try:
        started = workflow_engine().start(PROCESS, data, actor_for(current_user))
    except InvalidData as exc:
        return _page(values, rows, exc.errors), 422
    number = (started.data.get("sales_order") or {}).get("number")
    if number is None:  # the flow stopped before the order was written: its page says why
        flash(_("Started #%(id)s.", id=started.id), "success")
        return redirect(url_for("instances.show", instance_id=started.id))
    flash(_("Sales order %(number)s entered.", number=number), "success")
    return redirect(url_for("sales.orders_detail", key=number))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/sales/orders/new", "start_order_handling", new_order, methods=["GET", "POST"])
    STARTS.append(("sales.start_order_handling", PROCESS))
