"""Headers on every response that tell the browser what OpsFlow's pages may do.

The Content-Security-Policy lets a page run scripts, load styles, images,
fonts and make requests only from OpsFlow itself: no inline script, no
inline style, no event-handler attribute, no other site (OpsFlow serves its
libraries itself; it runs on closed intranets). JSON data for a page's
script rides in `<script type="application/json">` blocks, which are never
run, so no nonce is needed. Pages may not be framed (clickjacking), a
response is never sniffed into another type, and other sites are told
nothing of where a visitor came from.

The designer is the one exception: bpmn-js's modeler writes its popup-menu
icons as markup with `style` attributes and draws with `data:` images from
its stylesheet, so its page (`bpmn_js_modeler`) also allows inline style
attributes (`style-src-attr`, not `<style>` elements or scripts) and
`data:` images. The decision table editor (`dmn_js_modeler`) allows that and
also `<style>` elements: dmn-js's cell editors (CodeMirror) write their
styles into one, with no way to give it a nonce. Scripts stay locked down.
The API docs page (`swagger_ui`) allows the `data:` images
of Swagger UI's stylesheet (its icons), and nothing else more.

Pages carry `Cache-Control: no-store` unless they say otherwise, so a page
with someone's data is not kept for the back button after they sign out.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
BPMN_JS_MODELER = {**POLICY, "img-src": "'self' data:", "style-src-attr": "'unsafe-inline'"}
DMN_JS_MODELER = {**BPMN_JS_MODELER, "style-src-elem": "'self' 'unsafe-inline'"}
SWAGGER_UI = {**POLICY, "img-src": "'self' data:"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

View = TypeVar("View", bound=Callable[..., object])


def bpmn_js_modeler(view: View) -> View:
    """Mark a view whose page runs bpmn-js's modeler (see the module's docstring for what it allows)."""
    view.csp = BPMN_JS_MODELER  # type: ignore[attr-defined]
    return view


def dmn_js_modeler(view: View) -> View:
    """Mark a view whose page runs dmn-js's modeler (see the module's docstring for what it allows)."""
    view.csp = DMN_JS_MODELER  # type: ignore[attr-defined]
    return view


def swagger_ui(view: View) -> View:
    """Mark the view of the API docs page (Swagger UI: see the module's docstring)."""
    view.csp = SWAGGER_UI  # type: ignore[attr-defined]
    return view


def _policy() -> str:
    """The header of the view's policy, spelled once per endpoint (every response carries one)."""
    endpoint = request.endpoint or ""
    spelled = _SPELLED.get(endpoint)
    if spelled is None:
        policy = getattr(current_app.view_functions.get(endpoint), "csp", POLICY)
        spelled = _SPELLED[endpoint] = "; ".join(f"{name} {value}" for name, value in policy.items())
    return spelled


_SPELLED: dict[str, str] = {}


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _policy())
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    app.after_request(_add_headers)
