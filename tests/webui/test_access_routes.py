"""Every route, walked as someone who must be refused: a signed-in colleague with no groups, from a
department that has no records. Each answer is 403 or 404 and carries none of the demo company's records.

A route added without an access rule fails `test_every_route_declares_its_access_rule`; one whose rule
lets the outsider in fails the walk, unless it only ever shows people their own things (its rule says so).
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.routing import Rule as UrlRule

from engine import HumanTask, ProcessInstance, create_token, create_user
from engine.workplace.models import Attachment
from modules.finance import Budget, LedgerEntry
from modules.hr import Candidate, Employee, PerformanceReview, Position, TrainingRecord
from modules.procurement import Supplier
from modules.sales import Customer
from webui.access import Public, Records, SignedIn, rule_of
from webui.extensions import db
from webui.records import CATALOG

pytestmark = pytest.mark.adversarial

Login = Callable[..., FlaskClient]
OUTSIDER = "mallory"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# lists every signed-in person reads by design: what there is to order, and the departments
OPEN_LISTS = ("inventory.items", "inventory.stock", "hr.departments")


@pytest.fixture
def outsider(app: Flask, login: Login) -> FlaskClient:
    with app.app_context():
        create_user(db.session, OUTSIDER, "demo", groups=[], roles=["requester"], department="Nowhere",
                    check_policy=False)
        db.session.commit()
    return login(OUTSIDER)


@pytest.fixture
def secrets(app: Flask) -> set[str]:
    """Texts only the demo company's records hold: if one shows in a refusal, a record leaked."""
    with app.app_context():
        texts = {*db.session.scalars(select(Supplier.name)), *db.session.scalars(select(Customer.name)),
                 *db.session.scalars(select(Employee.name)), *db.session.scalars(select(Candidate.name)),
                 *db.session.scalars(select(Position.title)), *db.session.scalars(select(PerformanceReview.goals)),
                 *db.session.scalars(select(LedgerEntry.memo))}
        for summary in db.session.scalars(select(ProcessInstance.summary)):
            texts.update(v for k, v in (summary or {}).items() if isinstance(v, str) and k in ("reason", "item"))
    return {t for t in texts if t and len(t) >= 4}


def _values(app: Flask) -> dict[str, Any]:
    """A real value for each kind of URL argument, taken from the demo data."""
    with app.app_context():
        attachment = db.session.scalars(select(Attachment)).first()
        return {
            "instance_id": attachment.instance_id, "attachment_id": attachment.id,
            "task_id": db.session.scalar(select(HumanTask.id).where(HumanTask.status == "open")),
            "record_id": db.session.scalar(select(TrainingRecord.id)), "key": "purchase_approval",
            "version": 1, "rule_set_id": 1, "job_id": 1, "action": "retry", "day": "2026-01-01",
            "filter_id": 1, "absence_id": 1, "notification_id": 1, "filename": "app.css",
            "resource": "records:hr.reviews", "token_id": 1, "username": "lily", "group_id": 1,
            "subscription_id": 1, "change": "disable", "name": "approver", "language": "en", "report_id": 1,
            "index": 0,
        }


def _record_keys(app: Flask) -> dict[str, str]:
    """The first record of every list, by its detail endpoint."""
    keys = {}
    with app.app_context():
        for module, specs in CATALOG.items():
            for spec in specs:
                value = db.session.scalar(select(getattr(spec.model, spec.key)).limit(1))
                if value is not None:
                    keys[f"{module}.{spec.name}_detail"] = str(value)
    return keys


def _urls(app: Flask) -> Iterator[tuple[UrlRule, str, str]]:
    values, record_keys = _values(app), _record_keys(app)
    for rule in app.url_map.iter_rules():
        args = {name: values[name] for name in rule.arguments}
        if rule.endpoint in record_keys:
            args["key"] = record_keys[rule.endpoint]
        with app.test_request_context():
            path = app.url_map.bind("localhost").build(rule.endpoint, args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, path


def test_every_route_declares_its_access_rule(app: Flask) -> None:
    missing = sorted(r.endpoint for r in app.url_map.iter_rules() if rule_of(app, r.endpoint) is None)
    assert missing == []


def _refused(response: Any, secrets: set[str], path: str = "", own_rows: bool = False) -> list[str]:
    """What is wrong with a refusal: its status, or record data in it (beyond the key the URL gave).

    `own_rows`: a list that shows everyone their own rows may answer 200, with none of them.
    """
    if own_rows and response.status_code == 200 and response.mimetype == XLSX:
        rows = list(load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0].iter_rows())
        return [f"exports {len(rows) - 1} rows"] if len(rows) > 1 else []
    body = response.get_data().decode("utf-8", "replace")
    allowed = (403, 404, 200) if own_rows else (403, 404)
    problems = [] if response.status_code in allowed else [f"status {response.status_code}"]
    problems += [f"shows {s!r}" for s in secrets if s in body and s not in path]
    if 'data-testid="record-row"' in body:
        problems.append("shows record rows")
    return problems


def test_an_outsider_is_refused_everywhere_without_seeing_a_record(app: Flask, outsider: FlaskClient,
                                                                    secrets: set[str], figure) -> None:  # noqa: ANN001
    token = _token(app)
    leaks: dict[str, list[str]] = {}
    walked = 0
    for rule, method, path in _urls(app):
        access = rule_of(app, rule.endpoint)
        if isinstance(access, (Public, SignedIn)) or (isinstance(access, Records) and access.name in OPEN_LISTS
                                                       and access.right == "read"):
            continue  # nothing to refuse: their own things only, or open to all (tested below)
        own_rows = isinstance(access, Records) and access.own
        walked += 1
        if rule.endpoint.startswith("api."):
            response = outsider.open(path, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
        else:
            response = outsider.open(path, method=method, data={})
        if problems := _refused(response, secrets, path, own_rows):
            leaks[f"{method} {path}"] = problems
    assert leaks == {}
    assert walked >= 140, "the walk reached every guarded route"
    figure("refusals", f"{walked} guarded routes walked as a signed-in outsider: {len(leaks)} answered with data")


def _token(app: Flask) -> str:
    with app.app_context():
        token = create_token(db.session, OUTSIDER, scope="act")
        db.session.commit()
    return token


def test_the_pages_open_to_everyone_signed_in_show_an_outsider_nothing_of_others(
        outsider: FlaskClient, secrets: set[str]) -> None:
    for path in ("/inbox", "/requests", "/notifications", "/away", "/inbox/export.xlsx"):
        response = outsider.get(path)
        assert response.status_code == 200, path
        assert not [s for s in secrets if s in response.get_data().decode("utf-8", "replace")], path
    records = outsider.get("/records").get_data(as_text=True)
    assert re.findall(r'data-testid="records-(\w+)"', records) == [
        "purchase_orders", "orders", "items", "stock", "departments"], "open lists, and two of one's own rows"
    assert 'data-testid="start-flows"' not in records, "the outsider may start no flow from here"


@pytest.mark.parametrize("path", [
    "/hr/reviews", "/hr/reviews/export.xlsx", "/hr/positions/export.xlsx", "/hr/candidates", "/hr/employees",
    "/finance/ledger", "/finance/ledger/export.xlsx", "/finance/payments", "/finance/budgets", "/sales/customers",
])
def test_a_requester_reads_no_hr_or_finance_records(login: Login, path: str, secrets: set[str]) -> None:
    response = login("alice").get(path)
    assert _refused(response, secrets) == []


def test_a_review_page_is_for_hr_not_for_the_colleague_or_the_manager(app: Flask, login: Login,
                                                                         secrets: set[str]) -> None:
    with app.app_context():
        review = db.session.scalars(select(PerformanceReview)).first()
    page = f"/hr/reviews/item/{review.id}"
    for who in ("alice", "bob", "carol"):
        assert _refused(login(who).get(page), secrets) == [], who
    assert review.goals in login("lily").get(page).get_data(as_text=True)


def test_a_manager_reads_the_budget_of_their_own_department_only(app: Flask, login: Login) -> None:
    with app.app_context():
        budgets = {b.department: b.id for b in db.session.scalars(select(Budget))}
    bob = login("bob")  # IT's manager
    listed = bob.get("/finance/budgets").get_data(as_text=True)
    assert re.findall(r'data-key="(\d+)"', listed) == [str(budgets["IT"])]
    assert bob.get(f"/finance/budgets/item/{budgets['IT']}").status_code == 200
    assert bob.get(f"/finance/budgets/item/{budgets['Sales']}").status_code == 404
    sheet = bob.get("/finance/budgets/export.xlsx")
    assert sheet.status_code == 200 and b"Sales" not in sheet.data


def _instances(app: Flask, process: str) -> list[ProcessInstance]:
    with app.app_context():
        return list(db.session.scalars(select(ProcessInstance).where(ProcessInstance.process_key == process)))


def test_a_manager_sees_the_requests_of_their_department_not_every_department(app: Flask, login: Login) -> None:
    bob = login("bob")
    it_request = next(i for i in _instances(app, "purchase_approval") if i.department == "IT")
    assert bob.get(f"/instances/{it_request.id}").status_code == 200
    for process in ("performance_review", "hiring", "expense_reimbursement"):  # Sales and HR matters
        for inst in _instances(app, process):
            assert bob.get(f"/instances/{inst.id}").status_code == 403, (process, inst.id)
    assert all(login("lily").get(f"/instances/{i.id}").status_code == 200
               for i in _instances(app, "performance_review")), "HR sees every review"


def test_a_request_returned_for_revision_is_seen_by_its_requester_not_by_every_requester(
        app: Flask, login: Login) -> None:
    with app.app_context():
        revise = db.session.scalar(select(HumanTask).where(HumanTask.task_name == "Task_revise_request",
                                                           HumanTask.status == "open"))
    assert revise is not None and revise.candidate_group is None, "offered to its requester alone"
    assert login("frank").get(f"/instances/{revise.instance_id}").status_code == 200
    assert login("alice").get(f"/instances/{revise.instance_id}").status_code == 403
    assert login("alice").get(f"/tasks/{revise.id}").status_code == 403
    assert revise.id not in login("alice").get("/inbox?queue=group").get_data(as_text=True)


def test_every_person_is_refused_wherever_the_policy_refuses_them(app: Flask, login: Login, secrets: set[str],
                                                                   figure) -> None:  # noqa: ANN001
    """Routes × people: each demo person on every page of a list, an admin screen or a start form the
    policy does not give them is refused, with none of the company's records in the answer."""
    from webui.access import Roles, Starts, policy
    from webui.demo_people import DEMO_USERS, demo_actor

    guarded = [(rule, path) for rule, method, path in _urls(app) if method == "GET"
               and not rule.endpoint.startswith("api.")  # the API is walked with a token above
               and isinstance(rule_of(app, rule.endpoint), Records | Roles | Starts)]
    pairs = refused = 0
    leaks: dict[str, list[str]] = {}
    for username, *_ in DEMO_USERS:
        client, actor = login(username), demo_actor(username)
        for rule, path in guarded:
            access = rule_of(app, rule.endpoint)
            pairs += 1
            with app.app_context():
                try:
                    access.check(policy(), actor, {})
                    continue  # theirs to see
                except Exception:  # noqa: BLE001 - Forbidden: the policy refuses them
                    pass
            refused += 1
            if problems := _refused(client.get(path), secrets, path, isinstance(access, Records) and access.own):
                leaks[f"{username} GET {path}"] = problems
    assert leaks == {}
    assert refused > 200, "most people are refused most lists"
    figure("routes × people", f"{len(guarded)} list, admin and start pages × {len(DEMO_USERS)} demo people: "
                              f"{refused} of {pairs} refused by the policy, {len(leaks)} answered with data")
