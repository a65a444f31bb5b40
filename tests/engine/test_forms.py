"""Task forms validate on the server: the browser and the REST API meet the same rules.

A bad submission names each offending field with a reason; a good one comes back as clean,
typed values (numbers as numbers, dates as ISO strings), and only the form's own fields.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import InvalidData, validate_form

REPO = Path(__file__).resolve().parents[2]
APPROVAL = json.loads((REPO / "processes/purchase_approval/forms/approval.json").read_text(encoding="utf-8"))
REQUEST = json.loads((REPO / "processes/purchase_approval/forms/start.json").read_text(encoding="utf-8"))


def _errors(form: dict, data: object) -> dict[str, str]:
    with pytest.raises(InvalidData) as info:
        validate_form(form, data)
    return info.value.errors


def test_purchase_request_is_cleaned_into_typed_values() -> None:
    data = {"item": "  Laptop ", "supplier": "ACME", "quantity": "3", "unit_price": "1299.5", "reason": "team",
            "department": "it", "extra": "dropped"}
    assert validate_form(REQUEST, data) == {"item": "Laptop", "supplier": "ACME", "quantity": 3, "lines": [],
                                            "unit_price": 1299.5, "reason": "team", "department": "it"}


def test_a_purchase_request_lists_its_lines_instead_of_one_item() -> None:
    data = {"supplier": "ACME", "reason": "team", "department": "it", "lines": [
        {"item_code": "LAP-X1", "item": "Laptop", "quantity": "2", "unit": "pcs", "unit_price": "9800"},
        {"item": "Dock", "quantity": 2, "unit_price": 450}]}
    assert validate_form(REQUEST, data)["lines"] == [
        {"item_code": "LAP-X1", "item": "Laptop", "quantity": 2, "unit": "pcs", "unit_price": 9800.0},
        {"item_code": None, "item": "Dock", "quantity": 2, "unit": None, "unit_price": 450.0}]


def test_every_bad_field_is_named_with_its_reason() -> None:
    errors = _errors(REQUEST, {"item": "", "supplier": "x" * 201, "quantity": "2.5", "unit_price": "0",
                               "reason": "r", "department": "it"})
    assert errors == {"item": "is required", "lines": "is required", "supplier": "must be at most 200 characters",
                      "quantity": "must be a whole number", "unit_price": "must be at least 0.01"}
    errors = _errors(REQUEST, {"supplier": "ACME", "reason": "r", "department": "it", "lines": [
        {"item": "Laptop", "quantity": 1, "unit_price": 9800}, {"item": "Dock", "quantity": 0, "unit_price": ""}]})
    assert errors == {"lines[2].quantity": "must be at least 1", "lines[2].unit_price": "is required"}


@pytest.mark.parametrize("value, message", [
    ("maybe", "must be one of approve, reject"),
    (True, "must be text"),
    (None, "is required"),
])
def test_decision_must_be_one_of_the_choices(value: object, message: str) -> None:
    assert _errors(APPROVAL, {"decision": value}) == {"decision": message}


def test_comment_is_required_only_when_rejecting() -> None:
    assert validate_form(APPROVAL, {"decision": "approve"}) == {"decision": "approve"}
    assert _errors(APPROVAL, {"decision": "reject", "comment": "  "}) == {"comment": "is required"}
    assert validate_form(APPROVAL, {"decision": "reject", "comment": "too dear"})["comment"] == "too dear"


@pytest.mark.parametrize("field, raw, expected", [
    ({"type": "boolean"}, "on", True),
    ({"type": "boolean"}, "0", False),
    ({"type": "date"}, "2030-02-28", "2030-02-28"),
    ({"type": "integer", "max": 10}, 10, 10),
    ({"type": "number"}, 7, 7.0),
])
def test_field_types_convert(field: dict, raw: object, expected: object) -> None:
    assert validate_form({"fields": [{"name": "f", **field}]}, {"f": raw}) == {"f": expected}


@pytest.mark.parametrize("field, raw, message", [
    ({"type": "boolean"}, "perhaps", "must be true or false"),
    ({"type": "date"}, "2030-02-30", "must be a date (YYYY-MM-DD)"),
    ({"type": "integer", "max": 10}, 11, "must be at most 10"),
    ({"type": "integer"}, True, "must be a whole number"),
    ({"type": "number"}, "nan", "must be a finite number"),
    ({"type": "number"}, "-Infinity", "must be a finite number"),
    ({"type": "number"}, 1e400, "must be a finite number"),
    ({"type": "integer"}, 2**63, "must be a whole number from -9223372036854775808 to 9223372036854775807"),
    ({"type": "integer"}, str(-(2**63) - 1), "must be a whole number from -9223372036854775808 to 9223372036854775807"),
    ({"type": "integer"}, "9" * 5000, "must be a whole number from -9223372036854775808 to 9223372036854775807"),
    ({"type": "string"}, "a\x00b", "cannot hold the character \\x00"),
    ({"type": "text"}, "\ud800", "cannot hold the character \\ud800"),
    ({"type": "colour"}, "red", "unknown field type colour"),
])
def test_field_types_refuse_what_they_cannot_convert(field: dict, raw: object, message: str) -> None:
    assert _errors({"fields": [{"name": "f", **field}]}, {"f": raw}) == {"f": message}


def test_submission_must_be_an_object() -> None:
    assert _errors(APPROVAL, ["approve"]) == {"data": "must be an object"}


ORDER_LINES = {"fields": [
    {"name": "lines", "type": "lines", "required": True, "max_rows": 3, "columns": [
        {"name": "item", "type": "string", "required": True, "max_length": 20},
        {"name": "quantity", "type": "integer", "required": True, "min": 1},
        {"name": "unit", "type": "choice", "choices": ["pcs", "box"]},
    ]},
]}


def test_lines_are_converted_row_by_row_and_blank_rows_dropped() -> None:
    rows = [{"item": " Desk ", "quantity": "2", "unit": "pcs"}, {"item": "", "quantity": " "},
            {"item": "Lamp", "quantity": 5, "stray": "ignored"}]
    assert validate_form(ORDER_LINES, {"lines": rows}) == {"lines": [
        {"item": "Desk", "quantity": 2, "unit": "pcs"}, {"item": "Lamp", "quantity": 5, "unit": None}]}


def test_each_bad_cell_is_named_by_its_row_and_column() -> None:
    rows = [{"item": "Desk", "quantity": 1}, {"item": "Lamp", "quantity": "0", "unit": "crate"},
            {"quantity": "1.5"}]
    assert _errors(ORDER_LINES, {"lines": rows}) == {
        "lines[2].quantity": "must be at least 1", "lines[2].unit": "must be one of pcs, box",
        "lines[3].item": "is required", "lines[3].quantity": "must be a whole number"}


@pytest.mark.parametrize("raw, message", [
    (None, "is required"),
    ([], "is required"),
    ([{"item": "", "quantity": None}], "is required"),
    ("Desk x 2", "must be a list of rows"),
    ([["Desk", 2]], "must be a list of rows"),
    ([{"item": f"Item {n}", "quantity": 1} for n in range(4)], "must have at most 3 rows"),
])
def test_lines_refuse_a_missing_or_malformed_table(raw: object, message: str) -> None:
    assert _errors(ORDER_LINES, {"lines": raw}) == {"lines": message}


def test_an_optional_lines_field_always_yields_a_list() -> None:
    optional = {"fields": [{**ORDER_LINES["fields"][0], "required": False}]}
    assert validate_form(optional, {}) == {"lines": []}


def test_required_without_asks_for_a_field_only_when_the_other_is_empty() -> None:
    form = {"fields": [{"name": "item", "type": "string", "required_without": "lines"},
                       {**ORDER_LINES["fields"][0], "required": False, "required_without": "item"}]}
    assert _errors(form, {}) == {"item": "is required", "lines": "is required"}
    assert _errors(form, {"lines": [{"item": "", "quantity": ""}]}) == {"item": "is required",
                                                                          "lines": "is required"}
    assert validate_form(form, {"item": "Desk"}) == {"item": "Desk", "lines": []}
    assert validate_form(form, {"lines": [{"item": "Desk", "quantity": 1}]}) == {
        "lines": [{"item": "Desk", "quantity": 1, "unit": None}]}
