"""Messages from other systems: start the process that begins with one, or wake the instance waiting for it.

A message has a name (the BPMN message's name), a correlation key and a
payload. The correlation key is an instance's business key: an instance
started by a message takes the message's key as its business key, so the
messages that follow about the same order, payment or case find it. A
message goes to exactly one place, or nowhere:

- an instance with that business key whose message catch event or receive
  task waits for it now (SpiffWorkflow's own matching decides, correlation
  properties included);
- else the latest version of a process that starts with that message;
- none of these: NotFound; several: Conflict naming them, nothing changed.

Instances the sender may not see, and processes it may not start, are not
candidates: a message reveals nothing the sender could not read already.
Each delivery is one transaction (the step it wakes included), logged as a
`message_received` event and in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, persistence
from .errors import Conflict, InvalidData, NotFound
from .models import ProcessInstance
from .views import Actor, InstanceView
from .workflow import OpsFlowWorkflow, message_start_names

_WAITING = ("waiting", "running")
MAX_CANDIDATES = 50  # instances sharing one business key that a message looks into


@dataclass(frozen=True)
class Delivery:
    """Where a message went: `started` a new instance, or woke `instance` at element `element`."""

    started: bool
    element: str | None
    instance: InstanceView


def _payload(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidData({"payload": "must be an object"})
    bad = sorted(k for k in payload if not isinstance(k, str) or k.startswith("_"))
    if bad:
        raise InvalidData({f"payload.{k}": "a field name may not start with _" for k in bad})
    return dict(payload)


def send(engine: Any, name: str, correlation_key: str, payload: Any, actor: Actor) -> Delivery:
    """Deliver a message (`engine`: the WorkflowEngine, whose transaction and step methods this drives)."""
    values = _payload(payload)
    with engine._write() as session:
        waiting = _waiting_instances(engine, session, name, correlation_key, actor)
        if len(waiting) > 1:
            raise Conflict(f"message {name!r} with key {correlation_key!r} matches several waiting instances",
                           {"instances": [row.id for row, _ in waiting]})
        if waiting:
            delivery = _wake(engine, session, *waiting[0], name, correlation_key, values, actor)
        else:
            delivery = _start(engine, session, name, correlation_key, values, actor)
        audit.record(session, actor.username, "message.received", f"instance {delivery.instance.id}",
                     engine.clock(), message=name, correlation_key=correlation_key, started=delivery.started)
    engine._commit_hooks(session)
    return delivery


def _waiting_instances(engine: Any, session: Session, name: str, key: str,
                       actor: Actor) -> list[tuple[Any, OpsFlowWorkflow]]:
    ids = session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.business_key == key, ProcessInstance.status.in_(_WAITING))
        .order_by(ProcessInstance.id).limit(MAX_CANDIDATES))
    found = []
    for instance_id in ids:
        row = persistence.load_instance(session, instance_id)
        if row is None or not engine.policy.may_view_instance(session, row, actor):
            continue
        wf = engine._checkout(session, row)
        if wf.waits_for_message(name):
            found.append((row, wf))
    return found


def _wake(engine: Any, session: Session, row: Any, wf: OpsFlowWorkflow, name: str, key: str,
          values: dict[str, Any], actor: Actor) -> Delivery:
    element = wf.deliver_message(name, values)
    if element is None:  # waiting, but its correlation properties say the message is for another instance
        raise NotFound(f"no instance waits for message {name!r} with key {key!r}")
    engine._log(session, row, "message_received", actor.username, task_name=element, message=name,
                correlation_key=key)
    open_rows = engine._advance(session, row, wf, actor.username)
    engine._save(session, row, wf)
    view = engine._result(row, engine.definitions.get(session, row.definition_id), wf, open_rows)
    return Delivery(False, element, view)


def _start(engine: Any, session: Session, name: str, key: str, values: dict[str, Any], actor: Actor) -> Delivery:
    starts = [d for d in engine.definitions.latest_all(session)
              if name in message_start_names(engine.definitions.specs(d).spec)
              and engine.policy.may_start(session, actor, d.key)]
    if not starts:
        raise NotFound(f"no instance waits for message {name!r} with key {key!r}, and no process starts with it")
    if len(starts) > 1:
        raise Conflict(f"message {name!r} starts several processes", {"processes": sorted(d.key for d in starts)})
    took: list[str | None] = []

    def take_message(wf: Any) -> None:
        wf.do_engine_steps()  # up to the message start event, which then waits
        took.append(wf.deliver_message(name, values))

    inst, definition, wf, open_rows = engine._launch(session, starts[0].key, {}, actor, key, take_message)
    engine._log(session, inst, "message_received", actor.username, task_name=took[0], message=name,
                correlation_key=key)
    return Delivery(True, took[0], engine._result(inst, definition, wf, open_rows))
