"""Starting many purchase requests from a sheet: template, validation per row, the job, the result sheet."""
from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from engine import AuditEntry, Job, JobRunner, ProcessInstance, utcnow

HEADERS = ["Request key [request]", "Supplier [supplier]", "Reason [reason]", "Items · Item [lines.item]",
           "Items · Quantity [lines.quantity]", "Items · Unit price (CNY) [lines.unit_price]"]


def sheet(rows: list[list[Any]], headers: list[str] = HEADERS) -> BytesIO:
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def upload(client: Any, rows: list[list[Any]], process: str = "purchase_approval") -> Any:
    return client.post(f"/requests/bulk/{process}", data={"file": (sheet(rows), "requests.xlsx")},
                       content_type="multipart/form-data")


def run_jobs(app: Flask) -> None:
    JobRunner(app.extensions["opsflow.engine"]).run_due(utcnow(), "test")


def bulk_instances(app: Flask) -> int:
    with app.app_context():
        from webui.extensions import db
        return db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.business_key.like("bulk:%"))) or 0


def result(client: Any, job_id: int) -> list[tuple[Any, ...]]:
    response = client.get(f"/requests/bulk/jobs/{job_id}/result.xlsx")
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))


def job_of(response: Any) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_the_template_names_every_start_field_with_its_key(login: Any) -> None:
    response = login("alice").get("/requests/bulk/purchase_approval/template.xlsx")
    header = next(load_workbook(BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))
    assert list(header) == ["Request key [request]", "Supplier [supplier]", "Items · Item code [lines.item_code]",
                            "Items · Item [lines.item]", "Items · Quantity [lines.quantity]",
                            "Items · Unit [lines.unit]", "Items · Unit price (CNY) [lines.unit_price]",
                            "Reason [reason]"], "the department is the starter's own, never a column"
    header = next(load_workbook(BytesIO(login("alice", "zh_CN").get(
        "/requests/bulk/purchase_approval/template.xlsx").data)).worksheets[0].iter_rows(values_only=True))
    assert "供应商 [supplier]" in header


def test_each_request_is_checked_as_the_form_and_a_bad_one_stops_no_other(app: Flask, login: Any) -> None:
    alice = login("alice")
    job_id = job_of(upload(alice, [
        ["A", "ACME", "new hires", "Laptop", 2, 6000],
        ["A", None, None, "Dock", 2, 300],                 # a second line of request A
        ["B", "IKEA", "office", "Chair", "lots", 100],     # quantity is no number
        [None, "", "no supplier", "Desk", 1, 900],         # supplier required
        [None, "Huawei", "phones", "Phone", 3, 2000],
    ]))
    page = alice.get(f"/requests/bulk/jobs/{job_id}").get_data(as_text=True)
    assert 'data-testid="bulk-bar"' in page and 'http-equiv="refresh"' in page, "it waits for the scheduler"
    assert bulk_instances(app) == 0, "nothing starts inside the web request"
    run_jobs(app)
    assert bulk_instances(app) == 2
    page = alice.get(f"/requests/bulk/jobs/{job_id}").get_data(as_text=True)
    assert "2 started, 2 not started." in page and 'http-equiv="refresh"' not in page
    rows = result(alice, job_id)
    assert rows[0] == ("Row", "Request key", "Instance", "Result")
    assert [r[0] for r in rows[1:]] == [2, 3, 4, 5, 6]
    assert rows[1][2] and rows[1][2] == rows[2][2], "the two lines of request A are one instance"
    assert rows[3][2] is None and "Items · Quantity [lines.quantity]" in rows[3][3]
    assert rows[4][2] is None and "Supplier [supplier]" in rows[4][3] and "required" in rows[4][3]
    assert rows[5][2] and rows[5][2] != rows[1][2]
    engine = app.extensions["opsflow.engine"]
    started = engine.get(rows[1][2])
    assert started.data["supplier"] == "ACME" and len(started.data["lines"]) == 2
    assert started.data["department"] == "IT", "the department comes from the starter's account"
    with app.app_context():
        from webui.extensions import db
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "instances.bulk_start")).one()
        assert entry.actor == "alice" and entry.detail["requests"] == 4


def test_a_sheet_of_200_requests_runs_as_one_job(app: Flask, login: Any) -> None:
    alice = login("alice")
    rows = [[None, f"Supplier {n}", "restock", "Paper", 1 + n % 5, 20] for n in range(200)]
    rows[57][4] = 0  # below the form's minimum
    job_id = job_of(upload(alice, rows))
    run_jobs(app)
    with app.app_context():
        from webui.extensions import db
        job = db.session.get(Job, job_id)
        assert job.status == "done" and job.payload["done"] == 200
    assert bulk_instances(app) == 199
    outcome = result(alice, job_id)
    assert len(outcome) == 201
    bad = [r for r in outcome[1:] if r[2] is None]
    assert [r[0] for r in bad] == [59] and "Items · Quantity [lines.quantity]" in bad[0][3]


def test_only_who_may_start_the_process_sends_or_follows_a_sheet(app: Flask, login: Any) -> None:
    alice = login("alice")
    assert alice.get("/requests/bulk/performance_review").status_code == 403
    assert alice.get("/requests/bulk/performance_review/template.xlsx").status_code == 403
    assert upload(alice, [[None, "x"]], "performance_review").status_code == 403
    job_id = job_of(upload(alice, [[None, "ACME", "x", "Pen", 1, 2]]))
    assert login("bob").get(f"/requests/bulk/jobs/{job_id}").status_code == 404, "someone else's sheet"
    assert login("bob").get(f"/requests/bulk/jobs/{job_id}/result.xlsx").status_code == 404
    assert login("admin").get(f"/requests/bulk/jobs/{job_id}").status_code == 200


def test_a_file_that_is_no_workbook_is_refused_and_queues_nothing(app: Flask, login: Any) -> None:
    response = login("alice").post("/requests/bulk/purchase_approval",
                                   data={"file": (BytesIO(b"not a zip"), "x.xlsx")},
                                   content_type="multipart/form-data")
    assert response.status_code == 400 and "not an Excel workbook" in response.get_data(as_text=True)
    with app.app_context():
        from webui.extensions import db
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "bulk_start")) == 0
