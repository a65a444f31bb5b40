"""A refused value keeps its English words for logs and the API, and carries a code a screen can translate."""
from __future__ import annotations

import copy
import json
import pickle

import pytest

from modules.importing import Reason, RowRejected
from modules.procurement.lines import LineRejected, parse_lines
from modules.procurement.supplier import parse_supplier


def test_a_rejected_row_says_in_english_what_its_codes_say() -> None:
    with pytest.raises(RowRejected) as caught:
        parse_supplier({"code": "S-1", "name": "", "category": "food", "rating": "9"})
    name, category, rating = caught.value.reasons
    assert (name, name.code, name.field) == ("name: required", "required", "name")
    assert category.code == "not_choice" and category.params["value"] == "food"
    assert (str(rating), rating.params) == ("rating: must be at most 5", {"maximum": 5})


def test_a_reason_survives_copying_pickling_and_json() -> None:
    reason = Reason("repeats_row", "code", value="S-1", row=2)
    for kept in (copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):
        assert (kept, kept.code, kept.params) == ("code: S-1 repeats row 2", "repeats_row", {"value": "S-1", "row": 2})
    assert json.loads(json.dumps({"why": reason})) == {"why": "code: S-1 repeats row 2"}


def test_a_bad_purchase_line_names_its_number_and_column() -> None:
    with pytest.raises(LineRejected) as caught:
        parse_lines([{"item": "Desk", "quantity": 1, "unit_price": 1}, {"item": "Chair", "quantity": "x",
                                                                          "unit_price": 1}])
    assert str(caught.value) == "line 2: quantity must be a positive whole number, not 'x'"
    assert (caught.value.reason.code, caught.value.reason.params["line"]) == ("line_not_positive_whole", 2)
