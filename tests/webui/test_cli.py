"""The `opsflow` command: schema, deployment, demo data and file validation (users and tokens:
test_identity_commands.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from engine import ProcessInstance, User, authenticate
from modules.hr import TrainingRecord
from webui.extensions import db, workflow_engine

ROOT = Path(__file__).resolve().parents[2]
PURCHASE_DIR = ROOT / "processes" / "purchase_approval"

LINK_EVENT_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_link"
                  targetNamespace="http://opsflow.example/bpmn">
  <bpmn:process id="link_jump" name="Link jump" isExecutable="true">
    <bpmn:startEvent id="Start_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="Throw_to_end">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:linkEventDefinition id="Link_def_1" name="to_end" />
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Throw_to_end" />
  </bpmn:process>
</bpmn:definitions>
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_init_db_is_repeatable(runner: FlaskCliRunner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "database is up to date" in result.output


def test_deploy_creates_a_version_only_when_the_file_changes(cli_app: Flask, runner: FlaskCliRunner,
                                                              tmp_path: Path) -> None:
    result = runner.invoke(args=["deploy"])
    assert result.exit_code == 0, result.output
    assert "purchase_approval v1 deployed" in result.output
    result = runner.invoke(args=["deploy"])
    assert "purchase_approval v1 unchanged" in result.output

    changed = tmp_path / "purchase_approval"
    shutil.copytree(PURCHASE_DIR, changed)
    bpmn = changed / "purchase_approval.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('name="Compute amount"', 'name="Compute total"'),
                    encoding="utf-8")
    result = runner.invoke(args=["deploy", str(changed)])
    assert result.exit_code == 0, result.output
    assert "purchase_approval v2 deployed" in result.output
    assert "purchase_approval v2 unchanged" in runner.invoke(args=["deploy", str(bpmn)]).output
    with cli_app.app_context():
        versions = {d.key: d.version for d in workflow_engine().processes()}
        assert versions["purchase_approval"] == 2 and versions["order_handling"] == 1


def test_deploy_refuses_a_broken_file(cli_app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "link_jump.bpmn"
    broken.write_text(LINK_EVENT_BPMN, encoding="utf-8")
    result = runner.invoke(args=["deploy", str(broken)])
    assert result.exit_code == 1
    assert "ERROR" in result.stderr and "Throw_to_end" in result.stderr
    with cli_app.app_context():
        assert workflow_engine().processes() == []


def test_seed_demo_is_idempotent(cli_app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["deploy"])
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "27 demo requests started" in result.output
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "0 demo requests started" in result.output
    with cli_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 27
        assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 9, "HR history seeded once"
        assert db.session.scalars(select(User.username).order_by(User.username)).all() == [
            "admin", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry", "ivy", "jack", "kevin",
            "lily"]
        assert authenticate(db.session, "carol", "demo") is not None


def test_validate_accepts_the_shipped_process(runner: FlaskCliRunner) -> None:
    bpmn = PURCHASE_DIR / "purchase_approval.bpmn"
    dmn = PURCHASE_DIR / "approval_level.dmn"
    result = runner.invoke(args=["validate", str(bpmn), str(dmn)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{bpmn}: OK", f"{dmn}: OK"]
    result = runner.invoke(args=["validate", str(PURCHASE_DIR)])
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()) == sorted([f"{bpmn}: OK", f"{dmn}: OK"])


def test_validate_names_the_element_and_line_of_each_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    link = tmp_path / "link_jump.bpmn"
    link.write_text(LINK_EVENT_BPMN, encoding="utf-8")
    result = runner.invoke(args=["validate", str(link), str(PURCHASE_DIR / "purchase_approval.bpmn")])
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if "ERROR" in line]
    assert error.startswith(f"{link}: ERROR")
    throw_line = line_of(LINK_EVENT_BPMN, 'id="Throw_to_end"')
    assert "Throw_to_end" in error and f"{link}:{throw_line} " in error
    assert "link" in error.lower()
    assert f"{PURCHASE_DIR / 'purchase_approval.bpmn'}: OK" in result.output  # the good file is still checked

    malformed = tmp_path / "malformed.bpmn"
    malformed.write_text(LINK_EVENT_BPMN.replace("</bpmn:process>", "</bpmn:proces>"), encoding="utf-8")
    result = runner.invoke(args=["validate", str(malformed)])
    assert result.exit_code == 1
    assert "ERROR" in result.output and "well-formed" in result.output
    assert f"{malformed}:{line_of(LINK_EVENT_BPMN, '</bpmn:process>')} " in result.output

    dmn = tmp_path / "broken.dmn"
    dmn.write_text((PURCHASE_DIR / "approval_level.dmn").read_text(encoding="utf-8").replace("</rule>", "", 1),
                   encoding="utf-8")
    result = runner.invoke(args=["validate", str(dmn)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{dmn}: ERROR")


def test_validate_a_file_checks_it_with_the_decisions_it_calls_only(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """Two DMN files defining one decision id beside a BPMN that calls no decision are none of its business;
    the folder as a bundle still reports them, and a BPMN calling that decision is told which files clash."""
    folder = tmp_path / "flows"
    shutil.copytree(PURCHASE_DIR, folder)
    shutil.copy(PURCHASE_DIR / "approval_level.dmn", folder / "approval_level_copy.dmn")
    plain = folder / "link_free.bpmn"
    plain.write_text(LINK_EVENT_BPMN.replace('id="link_jump"', 'id="plain"').replace(
        """<bpmn:intermediateThrowEvent id="Throw_to_end">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:linkEventDefinition id="Link_def_1" name="to_end" />
    </bpmn:intermediateThrowEvent>""", """<bpmn:endEvent id="Throw_to_end"><bpmn:incoming>Flow_1</bpmn:incoming>
    </bpmn:endEvent>"""), encoding="utf-8")

    result = runner.invoke(args=["validate", str(plain)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{plain}: OK"]

    calling = folder / "purchase_approval.bpmn"
    result = runner.invoke(args=["validate", str(calling)])
    assert result.exit_code == 1
    assert "approval_level" in result.output and "also defined in" in result.output

    result = runner.invoke(args=["validate", str(folder)])
    assert result.exit_code == 1
    assert f"{plain}: ERROR" in result.output, "a folder stays one bundle: its DMN files clash for every BPMN"

    (folder / "approval_level_copy.dmn").unlink()
    (folder / "unread.dmn").write_text("<not-closed>", encoding="utf-8")
    result = runner.invoke(args=["validate", str(calling)])
    assert result.exit_code == 0, "a broken DMN file that defines nothing called is left out"
