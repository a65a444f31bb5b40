"""Every API endpoint, fed what a fuzzer makes (bodies of any JSON shape, odd ids and parameters): never a 500,
always a JSON answer. The endpoints are listed by hand until the API has a description to fuzz from."""
from __future__ import annotations

import json
from typing import Any

import pytest
from api_helpers import ApiClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest_plugins = ["api_fixtures"]
pytestmark = pytest.mark.adversarial

ENDPOINTS = [  # method, path with {id} for an instance or rule set and {task} for a task, the body's fields
    ("GET", "/processes", ()), ("POST", "/process-instances", ("process", "data", "business_key")),
    ("GET", "/process-instances/{id}", ()), ("POST", "/process-instances/{id}/cancel", ()),
    ("POST", "/process-instances/{id}/retry", ()), ("GET", "/process-instances/{id}/comments", ()),
    ("POST", "/process-instances/{id}/comments", ("body",)), ("GET", "/tasks", ()), ("GET", "/tasks/{task}", ()),
    ("POST", "/tasks/{task}/claim", ()), ("POST", "/tasks/{task}/unclaim", ()),
    ("POST", "/tasks/{task}/complete", ("data",)), ("POST", "/tasks/{task}/delegate", ("to", "reason")),
    ("GET", "/rule-sets", ()), ("PUT", "/rule-sets/{id}/schedule", ("schedule",)),
]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                    max_leaves=12)
IDS = st.one_of(st.integers(min_value=0, max_value=2**64), st.sampled_from(["1", "-1", "0x10", "１", "9" * 30]))
PARAMS = st.dictionaries(st.sampled_from(["limit", "offset", "q", "queue", "sort", "process"]),
                         st.one_of(st.text(max_size=12), st.integers(min_value=-(2**65), max_value=2**65).map(str)),
                         max_size=3)


def _body(fields: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Mostly objects with the endpoint's own fields (so the fuzz gets past the first check), sometimes anything."""
    known = st.fixed_dictionaries({}, optional={f: JSON for f in fields})
    return st.one_of(known, known, JSON)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_the_api_never_answers_500_whatever_it_is_sent(api_client: ApiClient, endpoint: tuple) -> None:
    method, template, fields = endpoint
    task = api_client.start_purchase("alice")["tasks"][0]["id"]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=_body(fields), some_id=IDS, params=PARAMS, who=st.sampled_from(["alice", "bob", "admin"]),
           real=st.booleans())
    def fuzz(body: Any, some_id: Any, params: dict[str, str], who: str, real: bool) -> None:
        path = template.format(id=1 if real else some_id, task=task if real else some_id)
        response = api_client.call(method, path, who, query_string=params,
                                   data=json.dumps(body), headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (method, path, body, response.get_data(as_text=True)[:300])
        assert response.is_json, (method, path, response.status_code)

    fuzz()
