"""Expense reimbursement: employee claim with receipt files → manager → finance check → payment request in finance."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine

from engine import Actor, InstanceView, InvalidData, ProcessInstance, ServiceRegistry, WorkflowEngine
from engine.workplace.attachments import StagedFile, stage, start_with_files
from engine.workplace.models import Attachment
from modules.finance import PaymentRequest

EVE = Actor("eve", groups=frozenset({"requesters"}), department="IT")
MIKE = Actor("mike", groups=frozenset({"IT-managers"}))
FRED = Actor("fred", groups=frozenset({"finance-clerks"}))
CLAIM = {"category": "travel", "amount": 1860.5, "expense_date": "2026-11-20", "description": "Client visit Hangzhou",
         "fapiao_numbers": "04411, 04412", "department": "IT"}
RECEIPTS = {"fapiao-04411.pdf": b"%PDF-1.4 train ticket", "fapiao-04412.jpg": b"\xff\xd8\xff hotel"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    return Driver(db, registry, "expense_reimbursement")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Where the attachments are kept, beside the test's database."""
    return tmp_path / "attachments"


def receipts(root: Path) -> list[StagedFile]:
    return [stage(root, name, io.BytesIO(content)) for name, content in RECEIPTS.items()]


def claim(flow: Driver, root: Path) -> InstanceView:
    view = flow.settle(start_with_files(flow.engine(), "expense_reimbursement", CLAIM, EVE,
                                        {"receipts": receipts(root)}))
    assert view.data["receipts"] == list(RECEIPTS)
    return view


def kept_receipts(flow: Driver, root: Path, view: InstanceView) -> dict[str, bytes]:
    """The claim's attachments as stored: rows in the database, bytes in the instance's folder."""
    rows = [a for a in flow.rows(Attachment) if a.instance_id == view.id]
    assert {a.uploaded_by for a in rows} == {"eve"}
    return {a.filename: (root / str(view.id) / a.stored_name).read_bytes() for a in rows}


def test_approved_claim_becomes_a_payment_to_the_employee(flow: Driver, root: Path) -> None:
    view = claim(flow, root)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.candidate_group, task.excluded_user) == ("Task_manager_approval", "IT-managers", "eve")
    assert kept_receipts(flow, root, view) == RECEIPTS
    assert list((root / "incoming").iterdir()) == [], "every staged file joined the claim"
    checked = flow.complete(view, "Task_manager_approval", MIKE, decision="approve")
    assert open_names(checked) == ["Task_finance_check"] and flow.rows(PaymentRequest) == []
    assert kept_receipts(flow, root, checked) == RECEIPTS
    done = flow.complete(checked, "Task_finance_check", FRED, decision="approve")
    assert (done.status, done.data["outcome"]) == ("completed", "approved")
    [payment] = flow.rows(PaymentRequest)
    assert (payment.payee, float(payment.amount), payment.department, payment.instance_id) == \
           ("eve", 1860.5, "IT", view.id)
    assert kept_receipts(flow, root, done) == RECEIPTS, "the receipts stay with the paid claim"


@pytest.mark.parametrize("who_rejects", ["manager", "finance"])
def test_rejected_claim_pays_nothing_and_keeps_the_reason(flow: Driver, root: Path, who_rejects: str) -> None:
    view = claim(flow, root)
    if who_rejects == "finance":
        view = flow.complete(view, "Task_manager_approval", MIKE, decision="approve")
        done = flow.complete(view, "Task_finance_check", FRED, decision="reject", comment="receipt 04412 unreadable")
    else:
        done = flow.complete(view, "Task_manager_approval", MIKE, decision="reject", comment="receipt 04412 unreadable")
    assert (done.data["outcome"], done.data["rejection_comment"]) == ("rejected", "receipt 04412 unreadable")
    assert flow.rows(PaymentRequest) == []
    assert kept_receipts(flow, root, done) == RECEIPTS


@pytest.mark.parametrize(("files", "error"), [
    ({}, "is required"),
    ({"receipts": []}, "is required"),
    ({"receipts": ["fapiao-04411.pdf"]}, "must be files uploaded with the form"),  # a name, but no file
])
def test_a_claim_needs_receipt_files(flow: Driver, root: Path, files: dict, error: str) -> None:
    with pytest.raises(InvalidData) as refused:
        flow.engine().start("expense_reimbursement", {**CLAIM, **files}, EVE)
    assert refused.value.errors["receipts"].startswith(error)
    assert flow.rows(Attachment) == []


def test_a_refused_claim_leaves_no_file_behind(flow: Driver, root: Path) -> None:
    with pytest.raises(InvalidData, match="amount"):
        start_with_files(flow.engine(), "expense_reimbursement", {**CLAIM, "amount": -1}, EVE,
                         {"receipts": receipts(root)})
    [train, hotel] = receipts(root)
    with pytest.raises(FileNotFoundError):  # the second copy fails once the first has joined the instance
        start_with_files(flow.engine(), "expense_reimbursement", CLAIM, EVE, {"receipts": [train, train, hotel]})
    assert flow.rows(Attachment) == [] and flow.rows(ProcessInstance) == []
    assert [p for p in root.rglob("*") if p.is_file()] == [], "no file is left, staged or moved"
