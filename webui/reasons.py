"""Why a module refused a value (an imported row, a form's field, an order's line), in the reader's language.

The modules say it with a code and parameters (modules.importing.Reason, an English str as well); this
words the code, names the field by its label where the screen shows labels, and words a chosen code
("raw_materials") as its label. A plain string (a reason from before codes, or a code this table does not
know yet) reads as the engine's validation words do (form_fields.error_text), else as it came.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .form_fields import error_text
from .formatting import number

SENTENCES = {
    "required": _l("This field is required."),
    "too_long": _l("At most %(n)s characters."),
    "not_number": _l("“%(value)s” is not a number."),
    "out_of_range": _l("Must be between -%(limit)s and %(limit)s."),
    "not_whole": _l("Enter a whole number."),
    "too_small": _l("Must be at least %(n)s."),
    "too_large": _l("Must be at most %(n)s."),
    "not_choice": _l("“%(value)s” is not one of: %(choices)s."),
    "not_date": _l("“%(value)s” is not a date (YYYY-MM-DD)."),
    "not_email": _l("“%(value)s” is not an e-mail address."),
    "not_year": _l("Enter a year such as 2026, not “%(value)s”."),
    "repeats_row": _l("%(value)s is already in row %(row)s of this file."),
    "no_department": _l("There is no department “%(value)s”."),
    "no_supplier": _l("There is no supplier %(value)s."),
    "before": _l("Must not be before %(other)s."),
    "no_lines": _l("Enter at least one line."),
    "too_many_lines": _l("At most %(n)s lines."),
    "not_json_lines": _l("The lines could not be read as a list of lines."),
    "not_line": _l("Each line needs %(columns)s."),
    "no_item": _l("There is no item %(value)s."),
    "item_status": _l("Item %(value)s is %(status)s."),
    "line_not_line": _l("Line %(line)s: each line needs %(columns)s."),
    "line_required": _l("Line %(line)s: %(field)s is required."),
    "line_too_long": _l("Line %(line)s: %(field)s holds at most %(max_length)s characters."),
    "line_not_positive_whole": _l("Line %(line)s: %(field)s must be a whole number above 0, not “%(value)s”."),
    "line_not_positive": _l("Line %(line)s: %(field)s must be a number above 0, not “%(value)s”."),
}
# the parameters that name other fields, worded by their labels like the field itself
FIELD_PARAMS = ("other",)
Labeller = Callable[[str], str]


def record_label(code: str) -> str:
    """A record's code (a category, a status) as its label; imported here, as the records package imports this."""
    from .records.labels import record_label as label
    return label(code)


def _shown(value: Any) -> str:
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return "" if value is None else str(value)


def _choice(code: str) -> str:
    """A code as the reader knows it, and as the spreadsheet takes it: "原材料 (raw_materials)"."""
    label = record_label(code)
    if label.lower() in (code.lower(), code.replace("_", " ").lower()):
        return code
    return _("%(label)s (%(code)s)", label=label, code=code)


def _values(reason: Any, label: Labeller) -> dict[str, str]:
    values = {k: _shown(v) for k, v in reason.params.items()}
    if "choices" in reason.params:
        values["choices"] = _(", ").join(_choice(str(c)) for c in reason.params["choices"])
    if "columns" in reason.params:
        values["columns"] = _(", ").join(label(str(c)) for c in reason.params["columns"])
    if "status" in reason.params:
        values["status"] = record_label(str(reason.params["status"]))
    for name in FIELD_PARAMS:
        if name in reason.params:
            values[name] = label(str(reason.params[name]))
    values["field"] = label(reason.field) if reason.field else ""
    for name in ("max_length", "minimum", "maximum", "limit"):  # the bound, as the form's own messages say it
        if name in values:
            values["n"] = values[name]
    return values


def said(reason: str, label: Labeller | None = None) -> str:
    """The reason without the field it is about (the screen shows it beside that field or names it)."""
    label = label or _plain_label
    code = getattr(reason, "code", None)
    if code not in SENTENCES:
        text = str(reason)
        return error_text(text.partition(": ")[2] if getattr(reason, "field", "") else text)
    return str(SENTENCES[code]) % _values(reason, label)


def sentence(reason: str, label: Labeller | None = None) -> str:
    """The reason naming its field: "评分 (rating)：不能大于 5。" on an import report, where no field is beside it."""
    label = label or _plain_label
    code = getattr(reason, "code", None)
    field = getattr(reason, "field", "")
    if code is None:
        name, sep, rest = str(reason).partition(": ")
        return _("%(field)s: %(reason)s", field=label(name), reason=error_text(rest)) if sep else str(reason)
    if not field or "%(field)s" in str(SENTENCES.get(code, "")):
        return said(reason, label)
    return _("%(field)s: %(reason)s", field=label(field), reason=said(reason, label))


def _plain_label(name: str) -> str:
    return name.replace("_", " ")


def column_labels(labels: Mapping[str, Any], *, with_code: bool = False) -> Labeller:
    """Field name → its label in the reader's language; with its column heading too where a sheet uses it."""
    def label(name: str) -> str:
        text = str(labels[name]) if name in labels else _plain_label(name)
        if not with_code or text.lower() == _plain_label(name).lower():
            return text
        return _("%(label)s (%(code)s)", label=text, code=name)
    return label
