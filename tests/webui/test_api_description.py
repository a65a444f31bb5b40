"""The OpenAPI description: served, complete, valid, and kept true by the checker every API test runs."""
from __future__ import annotations

import re
from typing import Any

from api_conformance import problems
from api_helpers import ApiClient
from flask import Flask
from jsonschema import Draft202012Validator

from webui.api.describe import undescribed

pytest_plugins = ["api_fixtures"]


def _description(api_client: ApiClient) -> dict[str, Any]:
    response = api_client.get("/openapi.json")  # no token: a developer reads it before having one
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def test_the_description_is_openapi_3_1_and_describes_every_api_route(api_app: Flask,
                                                                       api_client: ApiClient) -> None:
    doc = _description(api_client)
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": "/api/v1"}]
    assert undescribed(api_app) == []
    assert {"/processes", "/process-instances", "/process-instances/{instance_id}", "/tasks/{task_id}/complete",
            "/openapi.json"} <= set(doc["paths"])
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    start = doc["paths"]["/process-instances"]["post"]
    assert start["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StartInstance"}
    assert doc["components"]["schemas"]["StartInstance"]["required"] == ["process"]
    bodies = {(path, method): op["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
              for path, item in doc["paths"].items() for method, op in item.items()
              if "application/json" in op.get("requestBody", {}).get("content", {})}
    assert bodies[("/messages", "post")] == "Message" and bodies[("/tasks/{task_id}/draft", "put")] == "SaveDraft"
    # every command that takes a JSON body says which (POST /definitions and a sheet of starts take a file)
    assert {(p, m) for p, item in doc["paths"].items() for m in item if m in ("post", "put")} - set(bodies) == {
        ("/definitions", "post"), ("/processes/{key}/bulk-starts", "post"), ("/tasks/{task_id}/claim", "post"),
        ("/tasks/{task_id}/unclaim", "post")}
    upload = doc["paths"]["/processes/{key}/bulk-starts"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["required"] == ["file"]


def test_the_body_schema_is_the_one_the_endpoint_validates_with(api_client: ApiClient) -> None:
    schema = _description(api_client)["components"]["schemas"]["Delegate"]
    assert schema["required"] == ["to", "reason"] and schema["additionalProperties"] is False
    response = api_client.post("/tasks/nope/delegate", "alice", json={"to": 7, "reason": "holiday"})
    assert response.status_code in (400, 404)  # the task is looked up first: no such task
    instance = api_client.start_purchase()
    task_id = next(t["id"] for t in instance["tasks"] if t["status"] == "open")
    response = api_client.post(f"/tasks/{task_id}/delegate", "bob", json={"to": 7, "reason": "holiday"})
    assert response.status_code == 400 and response.get_json()["detail"] == {"to": "must be a string"}


def test_the_checker_refuses_an_answer_the_description_does_not_promise(api_app: Flask,
                                                                        api_client: ApiClient) -> None:
    good = api_client.get("/processes", "alice")
    assert problems(api_app, "GET", "/processes", good) == []
    bad = api_app.response_class('{"items": [{"key": "x", "name": "y"}], "next": null}', mimetype="application/json")
    assert any("'version' is a required property" in p for p in problems(api_app, "GET", "/processes", bad))
    teapot = api_app.response_class('{"error": "teapot"}', status=418, mimetype="application/json")
    assert any("418 is not described" in p for p in problems(api_app, "GET", "/processes", teapot))


def test_the_docs_page_loads_swagger_ui_from_opsflow_itself(api_client: ApiClient) -> None:
    response = api_client.client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "/api/v1/openapi.json" in html
    assert re.findall(r'(?:src|href)="([^/][^"]*)"', html) == []  # nothing from another site
    assert "img-src 'self' data:" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
