"""Errors the engine raises; each maps to one clear HTTP status in the web layer."""
from __future__ import annotations

from dataclasses import dataclass, field


class OpsFlowError(Exception):
    """Base class; `status` is the HTTP status a caller should answer with."""

    status = 500

    def __init__(self, message: str, detail: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(OpsFlowError):
    status = 404


class Forbidden(OpsFlowError):
    status = 403


class Conflict(OpsFlowError):
    """Someone else changed the instance or task first (optimistic lock)."""

    status = 409


class InvalidData(OpsFlowError):
    """Submitted data failed validation; `detail` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        fields = ", ".join(f"{k}: {v}" for k, v in errors.items())
        super().__init__(f"invalid data ({fields})", errors)
        self.errors = errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a BPMN/DMN file, pointing at the element that causes it."""

    message: str
    element: str | None = None
    element_id: str | None = None
    line: int | None = None
    source: str = ""

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.source, self.line) if p)
        what = f"{self.element} id={self.element_id!r}" if self.element else ""
        return " ".join(p for p in (where, what, self.message) if p)


@dataclass
class DefinitionError(OpsFlowError):
    """A process file cannot be deployed; `problems` names each offending element."""

    problems: list[Problem] = field(default_factory=list)
    status = 422

    def __post_init__(self) -> None:
        OpsFlowError.__init__(self, "; ".join(str(p) for p in self.problems), None)


class ServiceError(OpsFlowError):
    """A service operation failed; wraps the cause with the operation's name."""

    def __init__(self, operation: str, cause: BaseException) -> None:
        super().__init__(f"service {operation} failed: {type(cause).__name__}: {cause}")
        self.operation = operation
        self.cause = cause


class ScriptError(OpsFlowError):
    """A script or expression broke a rule of the restricted environment or raised."""
