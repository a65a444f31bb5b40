"""The managers' monitor: figures from the demo company's real flows, access, filters and the Excel export."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import HumanTask, ProcessInstance, WorkflowEngine

Login = Callable[..., FlaskClient]


def _counts(engine: WorkflowEngine) -> dict[str, int]:
    with engine.read() as session:
        def n(model: type, *where) -> int:  # noqa: ANN002
            return session.scalar(select(func.count()).select_from(model).where(*where))
        step = (HumanTask.process_key == "purchase_approval", HumanTask.task_name == "Task_manager_approval")
        return {"started": n(ProcessInstance), "completed": n(ProcessInstance, ProcessInstance.status == "completed"),
                "open": n(HumanTask, HumanTask.status == "open"),
                "step_done": n(HumanTask, *step, HumanTask.status == "completed"),
                "step_open": n(HumanTask, *step, HumanTask.status == "open")}


def test_manager_sees_steps_cycles_and_workload(login: Login, engine: WorkflowEngine) -> None:
    expected = _counts(engine)
    assert expected["started"] and expected["completed"] and expected["open"]  # a living demo company
    html = login("bob").get("/monitor/?days=30").get_data(as_text=True)
    assert f'data-testid="kpi-started">{expected["started"]}<' in html
    assert f'data-testid="kpi-completed">{expected["completed"]}<' in html
    assert f'data-testid="kpi-open">{expected["open"]}<' in html
    steps = html.split('data-testid="steps"')[1].split("</table>")[0]
    assert "Department manager approval" in steps and "Finance director approval" in steps
    assert "IT managers" in html
    assert 'id="monitor-data"' in html and "chart.umd.min.js" in html
    spread = html.split('data-testid="spread-table"')[1].split("</table>")[0]
    assert 'data-step="Task_manager_approval"' in spread and 'data-testid="wait-p90"' in spread


def test_process_filter_narrows_the_figures(login: Login) -> None:
    html = login("bob").get("/monitor/?days=7&process=no_such_process").get_data(as_text=True)
    assert 'data-testid="kpi-started">0<' in html and "No tasks in this period." in html


def test_requesters_may_not_see_it_and_bad_filters_are_named(login: Login) -> None:
    assert login("alice").get("/monitor/").status_code == 403
    response = login("bob").get("/monitor/?days=13")
    assert response.status_code == 400 and "days must be one of 7, 30, 90, 365" in response.get_data(as_text=True)


def test_export_is_a_workbook_with_the_same_figures(login: Login, engine: WorkflowEngine) -> None:
    expected = _counts(engine)
    response = login("admin").get("/monitor/export.xlsx?days=30")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Steps", "Cycle times", "Workload", "Per day", "Waiting and working"]
    steps = {(row[0], row[1]): row for row in book["Steps"].iter_rows(min_row=2, values_only=True)}
    assert steps[("Purchase approval", "Department manager approval")][2:4] == (
        expected["step_done"], expected["step_open"])
    cycles = list(book["Cycle times"].iter_rows(min_row=2, values_only=True))
    assert sum(c[1] for c in cycles) == expected["started"] and sum(c[2] for c in cycles) == expected["completed"]
    assert book["Per day"].max_row == 32  # header and 31 days
    spread = {(row[0], row[1]): row for row in book["Waiting and working"].iter_rows(min_row=2, values_only=True)}
    manager = spread[("Purchase approval", "Department manager approval")]
    assert manager[2] == expected["step_done"] and None not in manager[3:7]
    assert manager[3] <= manager[4] and manager[5] <= manager[6], "p50 never above p90"
