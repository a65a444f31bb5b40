"""Sheets of starts over the API: POST a workbook, follow the job, read each request's instance or errors."""
from __future__ import annotations

from datetime import timedelta

from api_helpers import ApiClient
from flask import Flask
from test_requests_bulk import sheet

from engine import JobRunner, utcnow

pytest_plugins = ["api_fixtures"]


def test_a_workbook_posted_is_a_job_whose_status_names_each_request(api_client: ApiClient, api_app: Flask) -> None:
    rows = [[None, "ACME", "new hires", "Laptop", 1, 5000], [None, "IKEA", "", "Chair", 2, 300]]
    queued = api_client.post("/processes/purchase_approval/bulk-starts", "alice",
                             data={"file": (sheet(rows), "requests.xlsx")}, content_type="multipart/form-data")
    assert queued.status_code == 202, queued.get_json()
    job = queued.get_json()
    assert (job["total"], job["done"], job["finished"]) == (2, 0, False)
    location = queued.headers["Location"]
    assert location.endswith(f"/api/v1/bulk-starts/{job['id']}")
    JobRunner(api_app.extensions["opsflow.engine"]).run_due(utcnow() + timedelta(seconds=1), "test")
    done = api_client.get(f"/bulk-starts/{job['id']}", "alice").get_json()
    assert (done["status"], done["started"], done["failed"]) == ("done", 1, 1)
    first, second = done["results"]
    assert first["rows"] == [2] and first["instance_id"]
    assert second["rows"] == [3] and second["errors"] == {"reason": "is required"}
    assert api_client.get(f"/process-instances/{first['instance_id']}", "alice").status_code == 200
    assert api_client.get(f"/bulk-starts/{job['id']}", "bob").status_code == 404, "someone else's sheet"


def test_a_sheet_for_a_process_the_caller_may_not_start_is_refused(api_client: ApiClient) -> None:
    refused = api_client.post("/processes/performance_review/bulk-starts", "alice",
                              data={"file": (sheet([[None, "x"]]), "x.xlsx")}, content_type="multipart/form-data")
    assert refused.status_code == 403


def test_a_file_that_is_no_workbook_is_a_400_naming_the_file(api_client: ApiClient) -> None:
    from io import BytesIO

    refused = api_client.post("/processes/purchase_approval/bulk-starts", "alice",
                              data={"file": (BytesIO(b"nope"), "x.xlsx")}, content_type="multipart/form-data")
    assert refused.status_code == 400 and "file" in refused.get_json()["detail"]
