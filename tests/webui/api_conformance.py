"""Checking an API answer against the OpenAPI description the app serves.

`ApiClient` runs `check` on every response it gets, so each API test also
proves that what it was answered is what the description promises: a
documented status, and a body that validates against its schema.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from webui.api.describe import PREFIX, document


def _paths(app: Flask) -> tuple[dict[str, Any], list[tuple[re.Pattern[str], dict[str, Any]]]]:
    if "tests.openapi" in app.extensions:
        return app.extensions["tests.openapi"]
    with app.app_context():
        doc = document(app)
    patterns = [(re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", path) + "$"), item)
                for path, item in doc["paths"].items()]
    # a literal segment wins over a parameter (/tasks/mine before /tasks/{task_id})
    patterns.sort(key=lambda p: p[0].pattern.count("[^/]+"))
    app.extensions["tests.openapi"] = doc, patterns
    return doc, patterns


def problems(app: Flask, method: str, path: str, response: TestResponse) -> list[str]:
    """What is wrong with this answer by the description; [] when it conforms."""
    doc, patterns = _paths(app)
    path = path.split("?", 1)[0].removeprefix(PREFIX)
    item = next((item for pattern, item in patterns if pattern.match(path)), None)
    if item is None:
        return [] if response.status_code in (404, 405) else [f"{path} is not described"]
    op = item.get(method.lower())
    if op is None:
        return [] if response.status_code == 405 else [f"{method} {path} is not described"]
    answer = op["responses"].get(str(response.status_code))
    if answer is None:
        return [f"{method} {path}: status {response.status_code} is not described ({response.get_data(True)[:200]})"]
    content = answer.get("content")
    if not content:
        return []
    mimetype = response.mimetype or ""
    if mimetype not in content:
        return [f"{method} {path}: {response.status_code} answered {mimetype}, described {sorted(content)}"]
    if mimetype != "application/json":
        return []
    schema = {**content[mimetype]["schema"], "components": doc["components"]}
    return [f"{method} {path} {response.status_code}: {e.json_path}: {e.message}"
            for e in Draft202012Validator(schema).iter_errors(response.get_json())]


def check(app: Flask, method: str, path: str, response: TestResponse) -> None:
    found = problems(app, method, path, response)
    assert not found, "the answer does not conform to the OpenAPI description:\n" + "\n".join(found)
