"""The API's description and its docs page: public, so a developer can read them before having a token.

The page is Swagger UI from the npm registry, served from static/vendor like
bpmn-js (webui/assets.py copies it), reading /api/v1/openapi.json.
"""
from __future__ import annotations

from flask import current_app, jsonify, render_template
from werkzeug.wrappers import Response

from ..access import Public, guard
from ..security_headers import swagger_ui
from .describe import document, operation
from .routes import bp


@bp.get("/openapi.json")
@guard(Public())
@operation("This description (OpenAPI 3.1)", "description", {200: ("the OpenAPI document", {"type": "object"})},
           public=True)
def openapi() -> Response:
    return jsonify(document(current_app))


@bp.get("/docs")
@guard(Public())
@operation("The API's docs page", "description", {200: ("an HTML page", {"type": "string"})}, public=True,
           content_type="text/html")
@swagger_ui
def docs() -> str:
    return render_template("api/docs.html")
