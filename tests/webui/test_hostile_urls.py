"""Addresses and parameters as an attacker writes them: every route answers 4xx, never an internal error.

The routes are found by walking the app's URL map, so a route added later is
tried the same way without anyone remembering to.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from engine import create_token
from webui.extensions import db

pytestmark = pytest.mark.adversarial

Login = Callable[..., FlaskClient]
PAST_64_BITS = (str(2**63), str(2**64), "9" * 40)
PAST_IDS = (str(2**31), *PAST_64_BITS)  # ids are INTEGER columns: 32 bits on PostgreSQL
ODD_VALUES = ("-1", "0", "nan", str(2**64), "9" * 5000, "1e999", "abc", "%ED%A0%80", "%FF", "inf", "%C2%B2",
              "' or 1=1 --", "9999-99-99")
# A crawl tries each page with every odd value in turn: the whole of it is about 2,000 pages a user and half a
# minute. By default page i gets every third value from the i-th on, so each page is tried with numbers, a huge
# or malformed one and broken text, and each value on a third of the pages; OPSFLOW_FULL_CRAWL=1 tries them all.
FULL_CRAWL = os.environ.get("OPSFLOW_FULL_CRAWL") == "1"
ODD_PARAMETERS = ("page", "offset", "limit", "days", "version", "q", "status", "process", "department", "sort",
                  "tab", "amount_min", "amount_max", "created_from", "created_to", "next", "category", "unit")


def _int_rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules()
            if any(type(c).__name__ == "Int64Converter" for c in r._converters.values())]


def _path(rule: Rule, value: str) -> str:
    """The rule's address with `value` for every integer part (and the first choice of an `any`)."""
    path = rule.rule
    for name, converter in rule._converters.items():
        if type(converter).__name__ == "AnyConverter":
            part = re.search(r"<any\(([^,)]+)", path).group(1).strip()  # type: ignore[union-attr]
        else:
            part = value
        path = re.sub(rf"<[^>]*\b{name}>", part, path)
    return path


def _calls(app: Flask, value: str) -> Iterator[tuple[str, str]]:
    for rule in _int_rules(app):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield method, _path(rule, value)


@pytest.fixture
def admin_token(app: Flask) -> dict[str, str]:
    with app.app_context():
        token = create_token(db.session, "admin", scope="admin")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_url_map_has_integer_routes_in_every_part_of_the_app(app: Flask) -> None:
    prefixes = {rule.rule.split("/")[1] for rule in _int_rules(app)}
    assert {"api", "instances", "admin", "hr", "inbox", "away", "notifications", "designer"} <= prefixes


@pytest.mark.parametrize("value", PAST_IDS)
def test_an_id_past_64_bits_is_not_found_on_every_integer_route(app: Flask, login: Login,
                                                                admin_token: dict[str, str], value: str) -> None:
    admin = login("admin")
    answers = {(method, path): admin.open(path, method=method, headers=admin_token).status_code
               for method, path in _calls(app, value)}
    # Werkzeug answers 405 when the address matched a rule of another method before the id was refused
    wrong = {call: code for call, code in answers.items() if code != 404 and not (code == 405 and call[0] != "GET")}
    assert len(answers) >= 20 and not wrong


def test_a_record_key_no_column_holds_is_not_found(app: Flask, login: Login) -> None:
    bob = login("admin")
    details = [r.rule for r in app.url_map.iter_rules() if r.rule.endswith("/item/<key>")]
    assert len(details) > 20
    for rule in details:
        for key in (*PAST_IDS, str(-(2**63) - 1), "nan", "inf", "1e999", "-0"):
            response = bob.get(rule.replace("<key>", key))
            assert response.status_code == 404, (rule, key, response.status_code)


def test_an_api_cursor_past_64_bits_is_a_bad_parameter_and_a_huge_limit_is_capped(
        client: FlaskClient, admin_token: dict[str, str]) -> None:
    for limit in PAST_64_BITS:
        response = client.get(f"/api/v1/tasks?limit=-{limit}", headers=admin_token)
        assert response.status_code == 400, response.get_json()
        assert "limit" in response.get_json()["detail"]
    for cursor in ("WzE4NDQ2NzQ0MDczNzA5NTUxNjE2XQ", "WzEsMiwzXQ", "bnVsbA"):  # [2**64], [1,2,3], null
        response = client.get(f"/api/v1/tasks?cursor={cursor}", headers=admin_token)
        assert response.status_code == 400 and "cursor" in response.get_json()["detail"], cursor
    assert client.get(f"/api/v1/tasks?limit={2**64}", headers=admin_token).status_code == 200


def test_a_page_past_64_bits_shows_a_page_that_exists(app: Flask, login: Login) -> None:
    admin = login("admin")
    lists = ["/inbox", "/requests", *[r.rule for r in app.url_map.iter_rules()
                                      if r.endpoint.endswith("_list") and not r.arguments]]
    for path in lists:
        for page in PAST_64_BITS:
            response = admin.get(f"{path}?page={page}")
            assert response.status_code == 200, (path, page, response.status_code)


def _values_for(index: int) -> tuple[str, ...]:
    """The odd values the crawl tries on its `index`-th page."""
    return ODD_VALUES if FULL_CRAWL else ODD_VALUES[index % 3::3]


def test_a_sampled_crawl_still_tries_every_value_and_every_kind_on_each_page() -> None:
    tried = [set(_values_for(i)) for i in range(3)]
    assert set().union(*tried) == set(ODD_VALUES)
    for values in tried:  # a number, a number no column holds, and text that is not one
        assert values & {"-1", "0", "nan"} and values & {str(2**64), "9" * 5000, "1e999", "inf"}
        assert values & {"abc", "%ED%A0%80", "%FF", "%C2%B2", "' or 1=1 --"}


def _get_routes(app: Flask) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules()
                  if "GET" in (r.methods or set()) and not r.arguments and r.endpoint != "static")


@pytest.mark.parametrize("user", ["admin", "alice"])
def test_a_crawl_of_every_page_with_odd_parameters_never_fails(app: Flask, login: Login, user: str) -> None:
    client = login(user)
    failures = []
    for index, path in enumerate(_get_routes(app)):
        for value in _values_for(index):
            query = "&".join(f"{name}={value}" for name in ODD_PARAMETERS)
            response = client.get(f"{path}?{query}")
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert not failures


def test_a_crawl_of_the_pages_of_one_record_with_odd_parameters_never_fails(
        app: Flask, login: Login, open_task: Callable[[int], str]) -> None:
    """Instance 1, rule set 1, a task and a process in the designer, each with odd parameters."""
    known = {"int": "1", "task_id": open_task(1), "key": "purchase_approval"}
    admin, failures, tried = login("admin"), [], 0
    for index, rule in enumerate(app.url_map.iter_rules()):
        if "GET" not in (rule.methods or set()) or not rule.arguments or rule.endpoint == "static" or (
                rule.rule.endswith("/item/<key>")):
            continue
        path = re.sub(r"<int:\w+>", known["int"], rule.rule)
        path = path.replace("<task_id>", known["task_id"]).replace("<key>", known["key"])
        for value in _values_for(index):
            response = admin.get(f"{path}?" + "&".join(f"{name}={value}" for name in ODD_PARAMETERS))
            tried += 1
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert tried > 50 and not failures


def test_a_nul_in_any_parameter_of_any_page_is_refused_naming_it(app: Flask, login: Login) -> None:
    admin = login("admin")
    for path in _get_routes(app):
        response = admin.get(f"{path}?q=a%00b")
        assert response.status_code == 400, (path, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["detail"] == {"q": "holds the character \\x00, which cannot be stored"}
        else:
            assert "The field q holds a character that cannot be stored (\\x00)." in response.get_data(as_text=True)


def test_a_nul_in_a_path_part_is_refused(login: Login, admin_token: dict[str, str], client: FlaskClient) -> None:
    assert login("admin").get("/finance/budgets/item/IT%00").status_code == 400
    response = client.get("/api/v1/tasks/abc%00", headers=admin_token)
    assert response.status_code == 400
    assert response.get_json()["detail"] == {"task_id": "holds the character \\x00, which cannot be stored"}


def test_the_refusal_speaks_the_readers_language(login: Login) -> None:
    response = login("alice", locale="zh_CN").get("/inbox?q=%00")
    assert response.status_code == 400
    assert "字段 q 含有无法保存的字符（\\x00）。" in response.get_data(as_text=True)
