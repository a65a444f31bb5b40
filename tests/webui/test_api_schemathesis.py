"""schemathesis against the served description: generated calls to every operation, as an administrator.

Whatever a client sends within (or outside) the description, the API never
answers 500, and every answer conforms to the description: a documented status,
content type and headers, and a body that validates against its schema.
"""
from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytest_plugins = ["api_fixtures"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def _calls(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_no_answer_is_a_500_and_every_answer_conforms(api_app: Flask, api_tokens: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 27
    for operation in operations:
        given(case=operation.as_strategy())(_calls)(token=api_tokens["admin"])
