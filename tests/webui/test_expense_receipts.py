"""Receipts on an expense claim: sent with the claim, stored apart from the database, shown to the approvers.

Who may see the claim may download them (the requester, the managers, finance once it is their turn);
anyone else gets 403. A claim without a receipt, or with a file of the wrong type, starts nothing.
"""
from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from api_helpers import ApiClient
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import ProcessInstance
from engine.workplace.models import Attachment
from webui.extensions import db

pytest_plugins = ["api_fixtures"]
Login = Callable[..., FlaskClient]
RECEIPT = b"%PDF-1.4\n% fapiao 04412\n"
CLAIM = {"category": "travel", "amount": "860", "expense_date": "2026-11-20", "description": "Client visit Suzhou",
         "fapiao_numbers": "04412, 04413"}


def _claim(client: FlaskClient, *files: tuple[bytes, str], **fields: str):
    data = {**CLAIM, **fields, "receipts": [(io.BytesIO(content), name) for content, name in files]}
    return client.post("/finance/expenses/new", data=data, content_type="multipart/form-data")


def _root(app: Flask) -> Path:
    return app.extensions["opsflow.workplace"].attachment_root


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _waiting(app: Flask) -> list[Path]:
    return list((_root(app) / "incoming").glob("*"))


def test_receipts_go_with_the_claim_and_the_approvers_open_them(app: Flask, login: Login, engine) -> None:
    alice = login("alice")
    response = _claim(alice, (RECEIPT, "taxi.pdf"), (b"\x89PNG\r\n\x1a\n photo", "hotel.PNG"))
    assert response.status_code == 302, response.get_data(as_text=True)
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    view = engine.get(instance_id)
    assert view.data["receipts"] == ["taxi.pdf", "hotel.PNG"]
    with app.app_context():
        rows = db.session.scalars(select(Attachment).where(Attachment.instance_id == instance_id)
                                  .order_by(Attachment.id)).all()
        stored = [(r.id, r.filename, r.content_type, r.size, r.uploaded_by) for r in rows]
    assert [s[1:] for s in stored] == [("taxi.pdf", "application/pdf", len(RECEIPT), "alice"),
                                       ("hotel.PNG", "image/png", 14, "alice")]
    assert (_root(app) / str(instance_id) / rows[0].stored_name).read_bytes() == RECEIPT, "kept outside the database"
    assert _waiting(app) == []

    taxi = f"/instances/{instance_id}/attachments/{stored[0][0]}"
    [task] = [t for t in view.tasks if t.status == "open"]
    bob = login("bob")  # IT manager: the claim is in his queue
    page = bob.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "taxi.pdf, hotel.PNG" in page and f'href="{taxi}"' in page
    download = bob.get(taxi)
    assert (download.status_code, download.data, download.mimetype) == (200, RECEIPT, "application/pdf")
    jack = login("jack")  # finance clerk: not yet his turn
    assert jack.get(taxi).status_code == 403
    assert bob.post(f"/tasks/{task.id}", data={"decision": "approve"}).status_code == 302
    [check] = [t for t in engine.get(instance_id).tasks if t.status == "open"]
    assert f'href="{taxi}"' in jack.get(f"/tasks/{check.id}").get_data(as_text=True)
    assert jack.get(taxi).data == RECEIPT
    assert login("frank").get(taxi).status_code == 403, "a colleague from sales may not see it"
    assert alice.get(taxi).data == RECEIPT


def test_a_claim_without_a_receipt_names_the_field_and_starts_nothing(app: Flask, login: Login) -> None:
    before = _count(app, ProcessInstance)
    response = _claim(login("alice"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-receipts"' in html and "Attach at least one file." in html
    assert _count(app, ProcessInstance) == before


@pytest.mark.parametrize(("name", "fields", "errors"), [
    ("receipt.docx", {}, {"receipts": "Only these types of file: .jpeg, .jpg, .pdf, .png."}),
    ("receipt.pdf", {"amount": "-5", "description": ""},
     {"amount": "Must be at least 0.01.", "description": "This field is required."}),
])
def test_a_refused_claim_keeps_no_file_and_no_row(app: Flask, login: Login, name: str, fields: dict,
                                                  errors: dict) -> None:
    before = (_count(app, ProcessInstance), _count(app, Attachment))
    response = _claim(login("alice"), (RECEIPT, name), **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field, message in errors.items():
        assert f'data-testid="error-{field}">{message}<' in html, field
    assert (_count(app, ProcessInstance), _count(app, Attachment)) == before
    assert _waiting(app) == [], "a file sent with a refused form is not kept"


def test_a_receipt_over_the_size_limit_is_refused(app: Flask, login: Login) -> None:
    app.extensions["opsflow.workplace"].max_upload = 1024 * 1024
    response = _claim(login("alice"), (b"x" * (1024 * 1024 + 1), "scan.pdf"))
    assert response.status_code == 422
    assert 'data-testid="error-receipts">The file is too large (at most 1 MB).<' in response.get_data(as_text=True)
    assert _waiting(app) == []


def test_other_systems_send_receipts_as_multipart_parts(api_app: Flask, api_client: ApiClient) -> None:
    data = json.dumps({**CLAIM, "amount": 860})
    response = api_client.post("/process-instances", "alice", content_type="multipart/form-data", data={
        "process": "expense_reimbursement", "business_key": "EXP-7", "data": data,
        "receipts": [(io.BytesIO(RECEIPT), "taxi.pdf")]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["business_key"], body["data"]["receipts"], body["data"]["department"]) == ("EXP-7", ["taxi.pdf"], "IT")
    with api_app.app_context():
        [row] = db.session.scalars(select(Attachment).where(Attachment.instance_id == body["id"])).all()
        assert (row.filename, row.uploaded_by) == ("taxi.pdf", "alice")


@pytest.mark.parametrize(("request_", "status", "detail"), [
    ({"json": {"process": "expense_reimbursement", "data": {**CLAIM, "amount": 860}}}, 422,
     {"receipts": "is required"}),
    ({"json": {"process": "expense_reimbursement", "data": {**CLAIM, "amount": 860, "receipts": ["taxi.pdf"]}}}, 422,
     {"receipts": "must be files uploaded with the form (multipart/form-data)"}),
    ({"content_type": "multipart/form-data", "data": {"process": "expense_reimbursement", "data": "[1]"}}, 400,
     {"data": "must be an object"}),
    ({"content_type": "multipart/form-data", "data": {"process": "expense_reimbursement", "date": "{}"}}, 400,
     {"date": "is not a part of this request (expected: business_key, data, process)"}),
])
def test_an_api_claim_without_receipt_files_is_refused(api_client: ApiClient, request_: dict, status: int,
                                                      detail: dict) -> None:
    response = api_client.post("/process-instances", "alice", **request_)
    assert (response.status_code, response.get_json()["detail"]) == (status, detail)
