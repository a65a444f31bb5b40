"""The API's request and response shapes, as pydantic models.

They are the one source of truth twice over: request bodies are validated
with them (`parse.body`), and the OpenAPI description (`describe.py`) is
generated from their JSON Schema, so what the docs say a body may hold is
what the server accepts. Response models describe what `serialize.py`
writes; the test suite checks every answer it gets against them.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from engine import analytics, audit


class Body(BaseModel):
    """A request body: strict types (no "7" for 7), unknown fields refused before the model sees them."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Answer(BaseModel):
    """A response body; only its JSON Schema is used (the views build plain dicts)."""

    model_config = ConfigDict(extra="forbid")


# -- errors -----------------------------------------------------------------
class Error(Answer):
    """Every failure: `error` says what went wrong, `detail` (often field -> problem) where."""

    error: str
    detail: Any = None


# -- processes --------------------------------------------------------------
class Process(Answer):
    key: str
    name: str
    version: int


class Definition(Answer):
    """One deployed version of a process."""

    key: str
    name: str
    version: int
    deployed_at: datetime
    deployed_by: str


class Deployed(Answer):
    key: str
    version: int
    created: bool = Field(description="false: the file was the same as the latest version, nothing changed")


# -- tasks ------------------------------------------------------------------
class Task(Answer):
    id: str
    title: str | None
    process: str | None
    instance_id: int
    task_name: str
    status: str = Field(description="open, completed, cancelled")
    form: str | None
    candidate_group: str | None
    assignee: str | None
    business_key: str | None
    started_by: str | None
    created_at: datetime | None
    due_at: datetime | None
    claimed_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    outcome: str | None
    comment: str | None


class InboxItem(Answer):
    """A task in the inbox, with its instance's few plain values (the amount before opening it)."""

    task: Task
    summary: dict[str, Any]


class Draft(Answer):
    data: dict[str, Any]
    version: int = Field(description="send it back when saving: a newer draft is not overwritten (409)")


class TaskForm(Answer):
    """What a client needs to fill a task: its form's definition (the engine validates against it), and the
    caller's draft."""

    form: str | None = Field(description="the form's name; null: the task takes free data")
    definition: dict[str, Any] | None
    draft: Draft | None


class SaveDraft(Body):
    data: dict[str, Any]
    version: int = Field(ge=0, le=2**31 - 1, description="the draft's version as read (0 when there was none)")


# -- instances --------------------------------------------------------------
class Event(Answer):
    id: int
    kind: str
    actor: str | None
    at: datetime | None
    task_id: str | None
    task_name: str | None
    detail: Any = None


class InstanceError(Answer):
    message: str
    task: str | None


class InstanceHead(Answer):
    """What an instance is and where it stands: the part its list and its whole answer share."""

    id: int
    process: str
    process_name: str
    version: int = Field(description="the version of the process definition the instance runs on")
    status: str = Field(description="running, waiting, suspended, completed, cancelled, error")
    business_key: str | None
    started_by: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    error: InstanceError | None


class Instance(InstanceHead):
    revision: int = Field(description="raised by every change; send it with a command to act only on what you saw")
    data: dict[str, Any]
    tasks: list[Task]
    history: list[Event]


class InstanceSummary(InstanceHead):
    """An instance in a list, without its tasks and history."""

    summary: dict[str, Any] = Field(description="a few plain values of its data (sensitive ones left out)")


class StartInstance(Body):
    """JSON, or multipart/form-data with the same names (`data` as JSON text) and one part per file."""

    process: str = Field(description="the key of the process to start")
    data: Any = Field(default=None, description="the start form's values (an object)")
    business_key: str | None = Field(default=None, max_length=200)


class InstanceCommand(Body):
    """The body of cancel, suspend, resume and retry: optional; with a revision, a changed instance is a 409."""

    revision: int | None = Field(default=None, ge=0, le=2**31 - 1,
                                 description="the instance's revision as read; omitted: act whatever changed")


class CompleteTask(Body):
    data: Any = Field(default=None, description="the task form's values (an object)")


# -- the workplace ----------------------------------------------------------
class Delegate(Body):
    to: str = Field(description="the username to hand the task to")
    reason: str


class NewComment(Body):
    body: str


class Comment(Answer):
    id: int
    instance_id: int
    author: str
    body: str
    mentions: list[str]
    created_at: datetime


# -- rule sets --------------------------------------------------------------
class Schedule(Body):
    schedule: str = Field(description="a cron expression: minute hour day-of-month month day-of-week")


class RuleSetAnswer(Answer):
    id: int
    name: str
    process_key: str
    task_name: str | None
    schedule: str
    timezone: str
    next_run: datetime


# -- audit and reports ------------------------------------------------------
def _mirror(source: type, name: str, doc: str) -> type[Answer]:
    """A response model with the fields of an engine dataclass, so the description follows the engine."""
    hints = get_type_hints(source)
    fields: dict[str, Any] = {f.name: (hints[f.name], ...) for f in dataclasses.fields(source)}
    return create_model(name, __base__=Answer, __doc__=doc, **fields)


AuditItem = _mirror(audit.AuditRow, "AuditItem", "One action: from the audit log, or an instance's event "
                                                 "(`instance.<kind>` on `instance <id>`).")
FlowReport = _mirror(analytics.Report, "FlowReport", "The monitor's figures: waiting per step, cycle times, "
                                                     "workload and throughput since `since`.")


# -- messages ---------------------------------------------------------------
class Message(Body):
    """A message from another system (the BPMN message's name), about the instance with this business key."""

    name: str = Field(min_length=1, max_length=200, description="the name of the BPMN message")
    correlation_key: str = Field(min_length=1, max_length=200,
                                 description="the business key of the instance it is about; an instance a "
                                             "message starts takes it as its business key")
    payload: dict[str, Any] = Field(default_factory=dict, description="fields added to the instance's data")


class MessageDelivery(Answer):
    started: bool = Field(description="true: the message started a new instance; false: it woke a waiting one")
    element: str | None = Field(description="the id of the BPMN element that took the message")
    instance: Instance


# -- sheets of starts ---------------------------------------------------------
class BulkStartRow(Answer):
    rows: list[int | None] = Field(description="the sheet rows the request came from (the header is row 1)")
    instance_id: int | None = Field(default=None, description="the instance started; absent where it was refused")
    errors: dict[str, str] | None = Field(default=None, description="field -> why, as a start would answer 422")


class BulkStart(Answer):
    """A sheet of starts: each request is started by the scheduler, as its own instance."""

    id: int
    process: str
    status: str = Field(description="pending, running, done, failed")
    total: int = Field(description="requests in the sheet (rows sharing a request key are one)")
    done: int
    started: int
    failed: int
    finished: bool
    results: list[BulkStartRow] = Field(description="one per request done so far, in sheet order")


MODELS: tuple[type[BaseModel], ...] = (
    InstanceCommand, Definition, Deployed, InstanceSummary, InboxItem, Draft, TaskForm, SaveDraft, AuditItem,
    FlowReport,
    Error, Process, Task, Event, InstanceError, Instance, StartInstance, CompleteTask, Delegate, NewComment, Comment,
    Schedule, RuleSetAnswer, Message, MessageDelivery, BulkStart, BulkStartRow,
)
