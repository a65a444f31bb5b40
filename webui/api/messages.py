"""REST API v1: messages from other systems (engine/messages.py says where a message goes)."""
from __future__ import annotations

from flask import jsonify, url_for
from werkzeug.wrappers import Response

from ..access import SignedIn, guard
from ..extensions import workflow_engine
from . import schemas as s
from .auth import caller
from .describe import operation
from .parse import model_body
from .routes import bp
from .serialize import instance_json


@bp.post("/messages")
@guard(SignedIn("a message reaches only the instances its sender may see and the processes it may start"))
@operation("Send a message: wake the instance waiting for it, or start the process that begins with it",
           "messages", {200: ("delivered to the waiting instance", s.MessageDelivery),
                        201: ("started a new instance", s.MessageDelivery)},
           body=s.Message, headers={201: {"Location": "the new instance's URL"}})
def send_message() -> tuple[Response, int, dict[str, str]]:
    body = model_body(s.Message)
    who = caller()
    delivery = workflow_engine().send_message(body["name"].strip(), body["correlation_key"].strip(),
                                              body.get("payload", {}), who.actor)
    instance = instance_json(workflow_engine().get(delivery.instance.id, who.actor))
    answer = jsonify({"started": delivery.started, "element": delivery.element, "instance": instance})
    if delivery.started:
        return answer, 201, {"Location": url_for(".get_instance", instance_id=delivery.instance.id)}
    return answer, 200, {}
