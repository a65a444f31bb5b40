"""Scripts meet hard limits of time, memory and data whatever they do, as an attacker would try them.

Each runaway fails its own instance (status `error`, the element and the limit named, a retry job
as for any failing step) within the time limit plus a small margin, and nothing it built is kept;
ordinary scripts, conditions and decision tables still give their results.
"""
from __future__ import annotations

import html
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, select
from tiny_bpmn import HEAD, bundle, linear, script, user

from engine import Actor, Bundle, InstanceView, Job, ProcessInstance, WorkflowEngine
from engine.parser import SourceFile
from engine.scripting.limits import ScriptLimits

REQUESTER = Actor("rita", groups=frozenset({"requesters"}))
LIMITS = ScriptLimits()
MARGIN = 1.0  # seconds past the limit: the step's own work, starting a sandbox process, a busy machine


def _run(wf_engine: WorkflowEngine, source: str, data: dict | None = None,
         key: str = "scripted") -> tuple[InstanceView, float]:
    """Deploy `start -> run_it (the script) -> look`, start it; the view and the seconds the start took."""
    wf_engine.deploy_bundle(bundle(linear(key, script("run_it", source), user("look", "requesters"))))
    return _timed(wf_engine.start, key, data or {}, REQUESTER)


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - started


def _state_bytes(db: Engine, instance_id: int) -> int:
    with db.connect() as conn:
        return len(conn.scalar(select(ProcessInstance.state).where(ProcessInstance.id == instance_id)))


RUNAWAYS = [
    pytest.param("while True: pass", ["ran longer than the time limit of 1 s"], id="one-line endless loop"),
    pytest.param("n = 0\nwhile True:\n    n += 1", ["ran longer than the time limit of 1 s"], id="endless loop"),
    pytest.param("x = 7 ** 10000000", ["'**'", "65,536 bits"], id="huge power, refused before computing"),
    pytest.param("x = [7 ** 10000000 for _ in [1]]", ["ran longer than the time limit of 1 s"],
                 id="huge power in the sandbox, one C call stopped"),
    # RestrictedPython's own range() refuses more than 1000 elements: an ordinary error of the script
    pytest.param("x = sum(range(10**12))", ["ValueError", "range() object would be to large"],
                 id="C-level sum over a huge range"),
    pytest.param("x = 'x' * (10**10)", ["'*'", "10,000,000,000 characters"], id="10 GB string, refused"),
    pytest.param("x = ['x' for _ in [1]][0] * (10**10)", ["memory limit of 256 MB"], id="10 GB string in the sandbox"),
    pytest.param("x = 'a'.ljust(10**10)", ["memory limit of 256 MB"], id="ljust to 10 GB"),
    pytest.param("x = 'y' * 20_000_000", ["'*'", "20,000,000 characters"], id="20 MB string, refused"),
    pytest.param("x = ''.join(['y' for _ in [1]]) * 20_000_000",
                 ["leaves (x) would be 19.1 MB of JSON", "limit of 1 MB"], id="20 MB string left in the sandbox"),
    pytest.param("def down(n):\n    return down(n + 1)\nx = down(0)", ["recursion"], id="deep recursion"),
]


@pytest.mark.parametrize("source, words", RUNAWAYS)
def test_a_runaway_script_fails_its_instance_within_the_limit(wf_engine: WorkflowEngine, db: Engine, source: str,
                                                              words: list[str]) -> None:
    view, elapsed = _run(wf_engine, source, {"note": "kept"})
    assert elapsed < LIMITS.seconds + MARGIN, f"took {elapsed:.2f}s"
    assert (view.status, view.error_task) == ("error", "run_it")
    if "ValueError" not in words:  # a broken limit is said with the element: "script of 'run_it': it ran longer..."
        assert view.error_message.startswith("script of 'run_it': "), view.error_message
    assert all(w in view.error_message for w in words), view.error_message
    assert view.tasks == [], "the instance stops at the failing script"
    assert "x" not in view.data and view.data["note"] == "kept"
    assert _state_bytes(db, view.id) < 100_000, "nothing the script built is stored"
    with wf_engine.read() as session:
        assert session.scalar(select(Job.kind).where(Job.instance_id == view.id)) == "retry"
    assert [e.kind for e in wf_engine.get(view.id).history][-1] == "instance_error"


def test_after_a_runaway_the_next_scripts_run_at_once_with_their_results(wf_engine: WorkflowEngine) -> None:
    assert _run(wf_engine, "while True: pass")[0].status == "error"
    view, elapsed = _run(wf_engine, "names = [n.upper() for n in people]", {"people": ["ann", "bo"]}, "next")
    assert (view.status, view.data["names"]) == ("waiting", ["ANN", "BO"])
    assert elapsed < 0.5, f"took {elapsed:.2f}s: the stopped sandbox process was not replaced in time"


def test_a_limit_set_for_the_engine_holds_instead_of_the_default(db: Engine, registry: Any) -> None:
    eng = WorkflowEngine(db, registry, limits=ScriptLimits(seconds=0.3))
    view, elapsed = _run(eng, "while True: pass")
    assert "time limit of 0.3 s" in view.error_message
    assert elapsed < 0.3 + MARGIN


ROUTED = HEAD.format(key="routed") + """<bpmn:process id="routed" isExecutable="true">
<bpmn:startEvent id="start" />
<bpmn:scriptTask id="draft_it"><bpmn:script>draft = "scratch"</bpmn:script></bpmn:scriptTask>
<bpmn:scriptTask id="total_it"><bpmn:script>total = sum(l["qty"] * l["price"] for l in lines)
items = [l["item"] for l in lines]
del draft</bpmn:script></bpmn:scriptTask>
<bpmn:exclusiveGateway id="how_big" default="to_small" />
<bpmn:userTask id="big" name="big"><bpmn:extensionElements><spiffworkflow:properties>
  <spiffworkflow:property name="candidate_group" value="'requesters'" />
  <spiffworkflow:property name="title" value="items[0] + ' and ' + str(len(items) - 1) + ' more: ' + str(total)" />
</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
<bpmn:userTask id="small" name="small"><bpmn:extensionElements><spiffworkflow:properties>
  <spiffworkflow:property name="candidate_group" value="'requesters'" />
</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
<bpmn:scriptTask id="label_it"><bpmn:script>label = items[0] if total &lt; 1000 else items[0].upper()
share = round(total / len(items), 2)</bpmn:script></bpmn:scriptTask>
<bpmn:endEvent id="end" />
<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="draft_it" />
<bpmn:sequenceFlow id="f1" sourceRef="draft_it" targetRef="total_it" />
<bpmn:sequenceFlow id="f2" sourceRef="total_it" targetRef="how_big" />
<bpmn:sequenceFlow id="to_big" sourceRef="how_big" targetRef="big">
  <bpmn:conditionExpression>total &gt; 500 and any(l["qty"] &gt; 1 for l in lines)</bpmn:conditionExpression>
</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="to_small" sourceRef="how_big" targetRef="small" />
<bpmn:sequenceFlow id="f3" sourceRef="big" targetRef="label_it" />
<bpmn:sequenceFlow id="f4" sourceRef="small" targetRef="label_it" />
<bpmn:sequenceFlow id="f5" sourceRef="label_it" targetRef="end" />
</bpmn:process></bpmn:definitions>
"""


@pytest.mark.parametrize("lines, route, label", [
    ([{"item": "desk", "qty": 2, "price": 600}, {"item": "lamp", "qty": 1, "price": 50}], "big", "DESK"),
    ([{"item": "pen", "qty": 1, "price": 3}], "small", "pen"),
])
def test_scripts_and_conditions_still_work_and_later_steps_read_what_they_set(
        wf_engine: WorkflowEngine, lines: list[dict], route: str, label: str) -> None:
    wf_engine.deploy_bundle(bundle(ROUTED))
    view = wf_engine.start("routed", {"lines": lines}, REQUESTER)
    [task] = view.tasks
    assert task.task_name == route
    assert "draft" not in view.data, "a variable the script deleted is gone"
    if route == "big":
        assert task.title == "desk and 1 more: 1250"
    done = wf_engine.complete(task.id, REQUESTER, {})
    total = sum(line["qty"] * line["price"] for line in lines)
    assert (done.status, done.data["label"], done.data["total"]) == ("completed", label, total)
    assert done.data["share"] == round(total / len(lines), 2)


RULES = [("&gt; 1000000", '"x" * 10**10'), ("&lt; 5000", '"auto"'), ("&gt;= 5000", '"manager"')]
DMN = ('<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
       'id="d" name="d" namespace="http://opsflow.example/t"><decision id="level" name="Level">'
       '<decisionTable id="t" hitPolicy="FIRST"><input id="i"><inputExpression id="ie" typeRef="number">'
       '<text>amount</text></inputExpression></input><output id="o" name="level" typeRef="string" />'
       + "".join(f'<rule id="r{n}"><inputEntry id="e{n}"><text>{test}</text></inputEntry>'
                 f'<outputEntry id="o{n}"><text>{html.escape(out)}</text></outputEntry></rule>'
                 for n, (test, out) in enumerate(RULES))
       + "</decisionTable></decision></definitions>")
DECIDED = linear("decided", '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements>'
                 '<spiffworkflow:calledDecisionId>level</spiffworkflow:calledDecisionId></bpmn:extensionElements>'
                 '</bpmn:businessRuleTask>', user("look", "requesters"))


@pytest.mark.parametrize("amount, outcome", [(100, "auto"), (9000, "manager"), (2_000_000, "'*'")])
def test_decision_table_cells_are_bounded_too(wf_engine: WorkflowEngine, amount: int, outcome: str) -> None:
    wf_engine.deploy_bundle(Bundle(SourceFile("decided.bpmn", DECIDED.encode()),
                                   (SourceFile("level.dmn", DMN.encode()),)))
    view, elapsed = _timed(wf_engine.start, "decided", {"amount": amount}, REQUESTER)
    assert elapsed < MARGIN
    if outcome.startswith("'"):
        assert (view.status, view.error_task) == ("error", "decide")
        assert "10,000,000,000 characters" in view.error_message
    else:
        assert (view.status, view.data["level"]) == ("waiting", outcome)


def test_while_a_runaway_script_runs_another_writer_waits_at_most_the_time_limit(
        wf_engine: WorkflowEngine, new_engine: Any, db: Engine) -> None:
    """On SQLite a step holds the database's write lock; the sandbox's deadline bounds how long."""
    wf_engine.deploy_bundle(bundle(linear("runaway", script("spin", "while True: pass"))))
    wf_engine.deploy_bundle(bundle(linear("plain", script("add", "total = a + b"), user("look", "requesters"))))
    ended: dict[str, float] = {}
    views: dict[str, InstanceView] = {}

    def start(name: str, eng: WorkflowEngine, key: str, data: dict) -> None:
        views[name] = eng.start(key, data, REQUESTER)
        ended[name] = time.monotonic()

    begun = time.monotonic()
    runaway = threading.Thread(target=start, args=("runaway", wf_engine, "runaway", {}))
    runaway.start()
    time.sleep(0.3)  # the runaway's step has taken the write lock and is in its script
    other = threading.Thread(target=start, args=("other", new_engine(), "plain", {"a": 1, "b": 2}))
    other.start()
    for thread in (runaway, other):
        thread.join(timeout=30)
    assert (views["other"].status, views["other"].data["total"]) == ("waiting", 3)
    assert ended["other"] - begun < LIMITS.seconds + MARGIN
    assert ended["other"] - ended["runaway"] < 0.5, "the other writer goes on right after the runaway stops"
    if db.dialect.name == "sqlite":  # PostgreSQL locks rows, not the database: there the other never waits
        assert ended["other"] > ended["runaway"], "the other writer waited for the runaway's write lock"
    failed = wf_engine.get(views["runaway"].id)
    assert (failed.status, failed.error_task) == ("error", "spin")
    assert "time limit of 1 s" in failed.error_message
