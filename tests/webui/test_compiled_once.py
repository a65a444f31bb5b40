"""Apps of one process share their compiled URL builders and templates, and build and render as Flask would."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from jinja2 import DictLoader, Environment

from webui.compiled_once import OpsFlowApp, SharedTemplateCode


def _view(**_: object) -> str:
    return ""


def _routes(app: Flask) -> Flask:
    app.add_url_rule("/orders/<int:order_id>/lines/<path:rest>", "line", _view)
    app.add_url_rule("/reports/", "report", _view, defaults={"page": 1})
    app.add_url_rule("/reports/<int:page>", "report", _view)
    app.add_url_rule("/files/<name>", "files", _view, defaults={"name": "index"})
    return app


@pytest.mark.parametrize(("endpoint", "values"), [
    ("line", {"order_id": 7, "rest": "a b/ü", "q": "x&y"}),
    ("report", {"page": 1}), ("report", {"page": 3, "sort": "due"}),
    ("files", {}), ("files", {"name": "index", "v": "2"}),
])
def test_urls_build_as_flasks_own_rules_build_them(endpoint: str, values: dict[str, Any]) -> None:
    plain, shared = _routes(Flask(__name__)), _routes(OpsFlowApp(__name__))
    with plain.test_request_context():
        expected = plain.url_for(endpoint, **values)
    with shared.test_request_context():
        assert shared.url_for(endpoint, **values) == expected


def test_a_second_app_reuses_the_first_apps_url_builders() -> None:
    first, second = _routes(OpsFlowApp(__name__)), _routes(OpsFlowApp(__name__))
    def builders(app: Flask) -> dict[str, tuple[object, object]]:
        return {rule.rule: (rule._build.__func__, rule._build_unknown.__func__)  # type: ignore[attr-defined]
                for rule in app.url_map.iter_rules()}

    mine, theirs = builders(first), builders(second)
    assert {rule for rule in mine if mine[rule] == theirs[rule]} == set(mine) - {"/files/<name>"}, \
        "all but the rule with a default in its path, whose value werkzeug writes into the builder"


def test_a_template_compiles_once_for_every_environment_and_again_when_its_source_changes() -> None:
    cache, sources = SharedTemplateCode(), {"page.html": "Hello {{ name }}"}

    def environment() -> Environment:
        return Environment(loader=DictLoader(sources), bytecode_cache=cache, autoescape=True)

    assert environment().get_template("page.html").render(name="<b>") == "Hello &lt;b&gt;"
    reused = environment()
    reused.compile = lambda *args, **kwargs: pytest.fail("compiled again")  # type: ignore[method-assign]
    assert reused.get_template("page.html").render(name="Mei") == "Hello Mei"
    sources["page.html"] = "Goodbye {{ name }}"
    assert environment().get_template("page.html").render(name="Mei") == "Goodbye Mei"
    assert Environment(loader=DictLoader(sources), bytecode_cache=cache, autoescape=False) \
        .get_template("page.html").render(name="<b>") == "Goodbye <b>", "other settings, other code"
