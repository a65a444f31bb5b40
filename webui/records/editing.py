"""The new and edit forms of master data (suppliers, customers, items, budgets).

A form's values go through the same row parser the Excel import uses, so both accept the same data; a
refused value is named by its field (422) and nothing is written. Codes no two records share are checked
before writing (and the database's unique index catches a race), and an edit carries a fingerprint of
the record as it was shown: when someone else changed it meanwhile, the edit is refused with 409 instead
of silently undoing their change. Every write is in the audit log with each changed value, old → new;
an encrypted column (a supplier's bank account) is logged as changed, never with its value.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from engine import Encrypted, audit, utcnow
from modules.importing import RowRejected

from ..access import current_actor
from ..reasons import column_labels, said, sentence
from .catalog import Editor, ListSpec, field_labels, render, session
from .labels import record_label
from .views import find_row

HIDDEN = "•••"  # what the audit log keeps of an encrypted value


def _editor(spec: ListSpec) -> Editor:
    assert spec.editor is not None  # routes.add_list registers the forms only for a list with an editor
    return spec.editor


def _label(spec: ListSpec, name: str) -> str:
    return column_labels(field_labels(spec))(name)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float) and value == int(value):
        return str(int(value))
    return str(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Decimal | float):
        return float(value)
    return str(value)


def _secret(spec: ListSpec, name: str) -> bool:
    return isinstance(getattr(spec.model, name).type, Encrypted)


def version(spec: ListSpec, row: Any) -> str:
    """A keyed fingerprint of the record's form values: it changes whenever anyone changes the record,
    and tells nothing of an encrypted value to whoever reads the page's source."""
    values = json.dumps([_plain(getattr(row, n)) for n in _editor(spec).fields], default=str, ensure_ascii=False)
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, values.encode(), hashlib.sha256).hexdigest()[:32]


def _errors(spec: ListSpec, reasons: list[str]) -> tuple[dict[str, str], list[str]]:
    """The parser's reasons under their fields, in the reader's language; the rest for the top of the page."""
    label = column_labels(field_labels(spec))
    names = _editor(spec).fields
    by_field: dict[str, str] = {}
    general: list[str] = []
    for reason in reasons:
        name = getattr(reason, "field", None) or str(reason).partition(": ")[0]
        if name in names and name not in by_field:
            by_field[name] = said(reason, label)
        else:
            general.append(sentence(reason, label))
    return by_field, general


def _fields(spec: ListSpec, values: dict[str, str], errors: dict[str, str], locked: str | None) -> list[dict]:
    editor = _editor(spec)
    return [{"name": n, "label": _label(spec, n), "value": values.get(n, ""), "error": errors.get(n),
             "choices": [(c, record_label(c)) for c in editor.choices.get(n, ())],
             "locked": n == locked} for n in editor.fields]


def _page(module: str, spec: ListSpec, row: Any, values: dict[str, str], errors: dict[str, str] | None = None,
          general: list[str] | None = None) -> str:
    locked = spec.key if row is not None and spec.key in _editor(spec).fields else None
    title = (_("Edit %(list)s · %(key)s", list=spec.title, key=getattr(row, spec.key)) if row is not None
             else _("New record in %(list)s", list=spec.title))
    return render("records/edit.html", module=module, spec=spec, row=row, title=title,
                  fields=_fields(spec, values, errors or {}, locked), general=general or [],
                  version=version(spec, row) if row is not None else "")


def _unique_errors(spec: ListSpec, clean: dict[str, Any], row: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    for columns in _editor(spec).unique:
        q = select(spec.model.id).where(*[getattr(spec.model, c) == clean[c] for c in columns])
        if row is not None:
            q = q.where(spec.model.id != row.id)
        if session().scalar(q.limit(1)) is not None:
            taken = " / ".join(_shown(clean[c]) for c in columns)
            errors[columns[0]] = _("%(value)s is already taken by another record.", value=taken)
    return errors


def new(module: str, spec: ListSpec) -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return _page(module, spec, None, {})
    return _save(module, spec, None)


def edit(module: str, spec: ListSpec, key: str) -> str | Response | tuple[str, int]:
    row = find_row(spec, key)
    if request.method == "GET":
        return _page(module, spec, row, {n: _shown(getattr(row, n)) for n in _editor(spec).fields})
    # the row is held from here to the commit, so two edits of it cannot both pass the version check
    session().refresh(row, with_for_update=True)
    return _save(module, spec, row)


def _save(module: str, spec: ListSpec, row: Any) -> Response | tuple[str, int]:
    editor = _editor(spec)
    values = {n: (request.form.get(n) or "").strip() for n in editor.fields}
    if row is not None and spec.key in editor.fields:
        values[spec.key] = _shown(getattr(row, spec.key))  # a record's key is how others name it: not changed here
    if row is not None and request.form.get("version") != version(spec, row):
        return _page(module, spec, row, values, general=[
            _("Someone else changed this record after you opened it. Check the values and save again.")]), 409
    try:
        clean = editor.parse(values)
    except RowRejected as exc:
        errors, general = _errors(spec, exc.reasons)
        return _page(module, spec, row, values, errors, general), 422
    errors = _unique_errors(spec, clean, row)
    if errors:
        return _page(module, spec, row, values, errors), 422
    db_session = session()
    if row is None:
        row = spec.model(**clean)
        db_session.add(row)
        changes = {n: [None, HIDDEN if _secret(spec, n) and v else _plain(v)] for n, v in clean.items()}
        action = "records.create"
    else:
        changes = {}
        for name, value in clean.items():
            before = getattr(row, name)
            if _plain(before) != _plain(value):
                changes[name] = ([HIDDEN, HIDDEN] if _secret(spec, name)
                                 else [_plain(before), _plain(value)])
                setattr(row, name, value)
        action = "records.edit"
    if not changes:
        db_session.rollback()
        flash(_("Nothing changed."), "info")
        return redirect(url_for(f"{module}.{spec.name}_detail", key=getattr(row, spec.key)))
    try:
        db_session.flush()
    except IntegrityError:
        db_session.rollback()
        first = editor.unique[0][0] if editor.unique else editor.fields[0]
        return _page(module, spec, None if action == "records.create" else find_row(spec, str(getattr(row, spec.key))),
                     values, {first: _("%(value)s is already taken by another record.", value=values.get(first, ""))}
                     ), 422
    key = getattr(row, spec.key)
    audit.record(db_session, current_actor().username, action, spec.resource, utcnow(), request.remote_addr,
                 key=str(key), changed=changes)  # {column: [old, new]}, as the audit screen shows it
    db_session.commit()
    flash(_("Saved %(key)s.", key=key), "success")
    return redirect(url_for(f"{module}.{spec.name}_detail", key=key))
