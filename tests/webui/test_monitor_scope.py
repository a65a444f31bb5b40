"""The monitor over a chosen department and from–to period: every figure, the export and the drill-downs
count the same instances, over a small history the test lays down in a quiet month of 2020."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import update

from engine import Actor, HumanTask, ProcessInstance, WorkflowEngine
from webui.extensions import db

Login = Callable[..., FlaskClient]
MARCH = "from=2020-03-01&to=2020-03-31"
STEP = "Task_manager_approval"


@pytest.fixture
def history(app: Flask, engine: WorkflowEngine, purchase: Callable[..., int],
            actor: Callable[[str], Actor]) -> dict[str, list[int]]:
    """Two IT requests and one of Finance filed in March 2020 (their tasks with them), one IT request in April."""
    finance = {"item": "Ledger binders", "supplier": "ACME", "quantity": 2, "unit_price": 300.0,
               "reason": "year end", "department": "Finance"}
    filed = {"it": [purchase(), purchase()], "finance": [engine.start("purchase_approval", finance,
                                                                      actor("carol")).id],
             "april": [purchase()]}
    moved = {filed["it"][0]: datetime(2020, 3, 3, 12), filed["it"][1]: datetime(2020, 3, 12, 12),
             filed["finance"][0]: datetime(2020, 3, 20, 12), filed["april"][0]: datetime(2020, 4, 2, 12)}
    with app.app_context():
        for instance_id, at in moved.items():
            db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(created_at=at))
            db.session.execute(update(HumanTask).where(HumanTask.instance_id == instance_id).values(created_at=at))
        db.session.commit()
    return filed


def _kpi(html: str, name: str) -> int:
    return int(re.search(rf'data-testid="kpi-{name}">(\d+)<', html).group(1))


def _step_open(html: str) -> int:
    steps = html.split('data-testid="steps"')[1].split("</table>")[0]
    row = steps.split(f'data-step="{STEP}"')[1].split("</tr>")[0]
    return int(re.findall(r'class="num">(\d+)<', row)[1])


def _behind(client: FlaskClient, query: str) -> list[int]:
    html = client.get(f"/monitor/behind?{query}").get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-testid="behind-row" data-instance="(\d+)"', html)]


def test_department_and_dates_narrow_every_figure_and_the_export(login: Login, history: dict) -> None:
    bob = login("bob")
    march = bob.get(f"/monitor/?{MARCH}").get_data(as_text=True)
    assert (_kpi(march, "started"), _step_open(march)) == (3, 3)
    it = bob.get(f"/monitor/?{MARCH}&department=IT").get_data(as_text=True)
    assert (_kpi(it, "started"), _step_open(it)) == (2, 2)
    late_march = bob.get("/monitor/?from=2020-03-10&to=2020-03-31&department=IT").get_data(as_text=True)
    assert (_kpi(late_march, "started"), _step_open(late_march)) == (1, 1)
    figures = json.loads(march.split('id="monitor-data">')[1].split("</script>")[0])
    days = figures["days"]["labels"]
    assert (days[0], days[-1], len(days)) == ("2020-03-01", "2020-03-31", 31), "one point per day of the period"
    assert sum(figures["days"]["started"]) == 3
    link = re.search(r'data-testid="export" href="([^"]+)"', it).group(1).replace("&amp;", "&")
    export = bob.get(link)  # the page's own export link keeps its filters
    cycles = {r[0]: r for r in load_workbook(BytesIO(export.data))["Cycle times"].iter_rows(values_only=True)}
    assert cycles["Purchase approval"][1] == 2


def test_a_drill_down_lists_exactly_the_instances_behind_the_figure(login: Login, history: dict) -> None:
    bob = login("bob")
    assert _behind(bob, f"kind=started&{MARCH}") == [*history["it"], *history["finance"]]
    assert _behind(bob, f"kind=started&{MARCH}&department=IT") == history["it"]
    assert _behind(bob, f"kind=step&step={STEP}&process=purchase_approval&{MARCH}&department=Finance") \
        == history["finance"]
    assert _behind(bob, f"kind=completed&{MARCH}") == []
    page = bob.get(f"/monitor/behind?kind=started&{MARCH}&offset=2").get_data(as_text=True)
    assert 'data-testid="behind-previous"' in page and 'data-testid="behind-next"' not in page
    assert "3–3 of 3" in page and f'href="/instances/{history["finance"][0]}"' in page
    html = bob.get(f"/monitor/?{MARCH}&department=IT").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="behind-started"', html).group(1).replace("&amp;", "&")
    assert _behind(bob, link.split("?", 1)[1]) == history["it"], "the KPI links to its own instances"


def test_the_charts_say_their_units_in_both_languages(login: Login) -> None:
    html = login("bob").get("/monitor/").get_data(as_text=True)
    assert 'data-testid="unit-steps">x axis: hours<' in html and '"count": "count"' in html
    zh = login("bob", "zh_CN").get("/monitor/").get_data(as_text=True)
    assert 'data-testid="unit-steps">x 轴：小时<' in zh


@pytest.mark.parametrize("query", ["from=2020-03-01", "from=2020-03-01&to=2020-02-01", "from=1.3.2020&to=2020-03-02",
                                   "from=2018-01-01&to=2020-12-31", "department=Nowhere"])
def test_a_bad_period_or_department_is_named(login: Login, query: str) -> None:
    response = login("bob").get(f"/monitor/?{query}")
    assert response.status_code == 400
    assert login("bob").get(f"/monitor/behind?kind=started&{query}").status_code == 400


def test_the_drill_down_is_for_managers(login: Login) -> None:
    assert login("alice").get("/monitor/behind?kind=started").status_code == 403
    assert login("bob").get("/monitor/behind?kind=nothing").status_code == 400
    assert login("bob").get("/monitor/behind?kind=step").status_code == 400


def _figures(html: str) -> dict:
    return json.loads(html.split('id="monitor-data">')[1].split("</script>")[0])


def _total(client: FlaskClient, query: str) -> int:
    html = client.get(f"/monitor/behind?{query}").get_data(as_text=True)
    return int(re.search(r'data-testid="behind-total">(\d+)', html).group(1))


def test_a_day_of_the_per_day_chart_lists_the_instances_it_counted(app: Flask, login: Login, history: dict) -> None:
    with app.app_context():  # Finance's request finished on the 25th
        db.session.execute(update(ProcessInstance).where(ProcessInstance.id == history["finance"][0])
                           .values(status="completed", ended_at=datetime(2020, 3, 25, 12)))
        db.session.commit()
    bob = login("bob")
    figures = _figures(bob.get(f"/monitor/?{MARCH}").get_data(as_text=True))
    behind = figures["behind"]
    assert behind["scope"] == {"days": "30", "from": "2020-03-01", "to": "2020-03-31"}
    days = dict(zip(figures["days"]["labels"], zip(figures["days"]["started"], figures["days"]["completed"],
                                                   strict=True), strict=True))
    assert days["2020-03-12"] == (1, 0) and days["2020-03-25"] == (0, 1)
    assert _behind(bob, f"kind=started&day=2020-03-12&{MARCH}") == history["it"][1:]
    assert _behind(bob, f"kind=ended&day=2020-03-25&{MARCH}") == history["finance"]
    assert _behind(bob, f"kind=ended&day=2020-03-25&{MARCH}&department=IT") == []
    for day, (started, completed) in days.items():
        assert _total(bob, f"kind=started&day={day}&{MARCH}") == started, day
        assert _total(bob, f"kind=ended&day={day}&{MARCH}") == completed, day


def test_the_last_days_chart_and_its_drill_downs_count_the_same(login: Login, purchase: Callable[..., int]) -> None:
    purchase()
    bob = login("bob")
    figures = _figures(bob.get("/monitor/?days=30").get_data(as_text=True))
    days = zip(figures["days"]["labels"], figures["days"]["started"], figures["days"]["completed"], strict=True)
    checked = 0
    for day, started, completed in days:
        if started or completed:
            assert _total(bob, f"kind=started&day={day}&days=30") == started, day
            assert _total(bob, f"kind=ended&day={day}&days=30") == completed, day
            checked += 1
    assert checked, "today's request is on the chart"


def test_a_workload_row_lists_the_open_tasks_it_counted(login: Login, history: dict, engine: WorkflowEngine,
                                                        actor: Callable[[str], Actor],
                                                        open_task: Callable[[int], str]) -> None:
    engine.claim(open_task(history["it"][1]), actor("bob"))
    bob = login("bob")
    html = bob.get(f"/monitor/?{MARCH}&department=IT").get_data(as_text=True)
    rows = re.findall(r'data-testid="workload-row" data-owner="([^"]*)">.*?href="([^"]+)" data-testid="workload-open">'
                      r'(\d+)<', html)
    assert rows, "the workload has rows"
    for owner, link, count in rows:
        query = link.split("?", 1)[1].replace("&amp;", "&")
        assert "department=IT" in query and "from=2020-03-01" in query
        assert _total(bob, query) == int(count), owner
    kpi = re.search(r'href="([^"]+)" data-testid="behind-open"', html).group(1).replace("&amp;", "&")
    assert _total(bob, kpi.split("?", 1)[1]) == _kpi(html, "open")
    overdue = re.search(r'href="([^"]+)" data-testid="behind-overdue"', html).group(1).replace("&amp;", "&")
    assert _total(bob, overdue.split("?", 1)[1]) == _kpi(html, "overdue")
    mine = next(link for owner, link, _n in rows if owner == "bob").split("?", 1)[1].replace("&amp;", "&")
    assert _behind(bob, mine) == history["it"][1:], "bob holds the task he claimed, and only that one"
    assert set(history["it"]) <= set(_behind(bob, f"kind=open&department=IT&{MARCH}")), "March's IT requests wait"
    assert login("bob").get("/monitor/behind?kind=open&assigned=maybe").status_code == 400
