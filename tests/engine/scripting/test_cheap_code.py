"""Which code runs in the engine's process, and the guards that keep it cheap there.

Conditions and one-line scripts like those of the shipped processes run in process (a sandbox
round trip would cost more than the condition); anything that could loop, recurse or change the
data in place goes to the sandbox; the operators that grow values refuse, before computing, a
result above the limit.
"""
from __future__ import annotations

import time
from typing import Any

import pytest

from engine import ScriptError
from engine.scripting.cheap_code import compile_cheap
from engine.scripting.limits import MB

LIMIT = MB


@pytest.mark.parametrize("source, mode", [
    ("amount > 5000", "eval"),
    ('decision == "approve"', "eval"),
    ('approval_level == "manager_and_finance" or over_budget', "eval"),
    ('reservation["reserved"]', "eval"),
    ('item + (" × " + str(quantity) if len(lines) == 1 else "") + " · " + supplier', "eval"),
    ('f"{first} {last!r}"', "eval"),
    ('max(amounts, default=0) > limits.get("max", 10)', "eval"),
    ("stock_attempt = stock_attempt + 1", "exec"),
    ('outcome = "rejected"\nrejection_comment = comment', "exec"),
    ('lines = sales_order["items"]\namount = sales_order["amount"]\ndel order_lines', "exec"),
    ("adjusted = calibration == 'adjust'\nfinal_rating = final_rating if adjusted else rating", "exec"),
    ("if not lines:\n    lines = [{'item': item}]\nelse:\n    total, n = sum(lines), len(lines)", "exec"),
    ("count += 1", "exec"),
])
def test_the_usual_conditions_and_short_scripts_run_in_process(source: str, mode: str) -> None:
    assert compile_cheap(source, mode, LIMIT) is not None


@pytest.mark.parametrize("source", [
    "while True: pass",
    "for x in items:\n    total = x",
    "total = sum(x for x in items)",
    "names = [n for n in people]",
    "f = lambda v: v",
    "def f():\n    return 1",
    "try:\n    x = lines\nexcept NameError:\n    x = []",
    "votes[name] = vote",  # would change the instance's data in place
    "del votes[name]",
    "x = 'a'.ljust(10**10)",
    "x = ', '.join(names)",
    "x = sum(range(10))",
    "x = pow(7, 10**7)",
    "x = f'{n:>1000000000}'",
    "x = {1, 2}",
    "x = {**a}",
    "x = max(*values)",
    "x = (y := 2)",
    "x = items.append",
])
def test_what_could_loop_recurse_or_change_data_in_place_goes_to_the_sandbox(source: str) -> None:
    assert compile_cheap(source, "exec", LIMIT) is None


def _run(source: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    code = compile_cheap(source, "exec", LIMIT)
    assert code is not None, "this test is about code that runs in process"
    context = dict(data or {})
    code.execute(context, None)
    return context


@pytest.mark.parametrize("source, data, words", [
    ("x = 7 ** 10000000", {}, "'**' would make a value of 30,000,000 bits"),
    ("x = (-3) ** 10**9", {}, "'**'"),
    ("x = 1 << 10**9", {}, "'<<'"),
    ("x = a * a", {"a": 2 ** 40_000}, "'*' would make a value of 80,002 bits"),
    ("x = 'x' * 10**10", {}, "10,000,000,000 characters"),
    ("x = 10**10 * [0]", {}, "10,000,000,000 items"),
    ("x = s + s", {"s": "y" * 600_000}, "1,200,000 characters"),
    ("s += s\ns += s", {"s": "y" * 300_000}, "'+'"),
    ("s *= 5", {"s": "y" * 300_000}, "'*'"),
    ("x = '%10000000000d' % 1", {}, "'%'"),
    ("x = '%*d' % (10**9, 1)", {}, "'*' width"),
    ("x = round(5, -10**8)", {}, "round()"),
])
def test_growing_operators_refuse_a_result_above_the_limit_before_computing_it(source: str, data: dict,
                                                                               words: str) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptError) as info:
        _run(source, data)
    assert time.monotonic() - started < 0.1
    assert words in info.value.message


@pytest.mark.parametrize("source, data, expected", [
    ("x = 2 ** 64", {}, 2 ** 64),
    ("x = 'ab' * 3", {}, "ababab"),
    ("x = '%05d-%s' % (7, name)", {"name": "a"}, "00007-a"),
    ("x = round(2.675, 2)", {}, 2.67),
    ("x = round(1234, -2)", {}, 1200),
    ("x = [1] + items", {"items": [2]}, [1, 2]),
    ("x = 10 % 3", {}, 1),
])
def test_ordinary_arithmetic_gives_its_usual_result(source: str, data: dict, expected: Any) -> None:
    assert _run(source, data)["x"] == expected


def test_what_the_script_leaves_must_be_plain_data_within_the_limit_or_nothing_changes() -> None:
    data = {"s": "y" * 600_000, "d": {"a": 1}}
    for source, words in (("a = s\nb = s", "the data the script leaves (a, b) would be 1.1 MB of JSON"),
                          ("k = d.keys()", "variable 'k' holds a dict_keys, which is not plain data")):
        context = dict(data)
        code = compile_cheap(source, "exec", LIMIT)
        assert code is not None
        with pytest.raises(ScriptError) as info:
            code.execute(context, None)
        assert words in info.value.message
        assert context == data


def test_functions_named_in_a_script_are_not_kept_and_outer_context_is_read_only() -> None:
    code = compile_cheap("f = len\nn = len(items) + offset\noffset = 0", "exec", LIMIT)
    assert code is not None
    context = {"items": [1, 2]}
    code.execute(context, {"offset": 10})
    assert context == {"items": [1, 2], "n": 12}
