"""Who may do what, decided in one place: the access policy.

Every screen, API endpoint, export and download asks the same `AccessPolicy`, so
a rule changed on the admin screen holds everywhere at once. A right on a
resource is granted to principals:

- `*`              everyone signed in
- `<group>`        the members of a group (`hr`, `finance-directors`)
- `role:<role>`    everyone with a role (`role:manager`)

Resources are named `process:<key>` (rights `start`, `see_all`, `see_department`) and
`records:<module>.<list>` (rights `read_all`, `read_department`, `import`). The code
that declares a resource gives its defaults; an administrator's change is a row of
`access_grants` that replaces the default of that one right, recorded in the audit log.
Administrators hold every right.

Instances are seen by whoever takes part in them whatever the grants say: the
requester, whoever holds or finished one of their tasks, and the members of a
group a task was offered to. A task the flow gives to one person (the requester's
"revise" task) is offered to no group, so it makes nobody else a participant.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, String, Text, UniqueConstraint, and_, bindparam, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import audit
from .errors import Forbidden, InvalidData, NotFound
from .models import Base, HumanTask, ProcessDefinition, ProcessInstance
from .prepared import Prepared, PreparedIn
from .views import Actor

EVERYONE = "*"
PROCESS_RIGHTS = ("start", "see_all", "see_department")
RECORD_RIGHTS = ("read_all", "read_department", "import")
_CACHE_SECONDS = 2.0  # how long another worker may go on with the rules it read before a change


# what deciding who sees an instance reads of it: never its state
_WHO_SEES = (ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.started_by, ProcessInstance.department)
# built once: every request about an instance asks them
_WHO_SEES_ONE = Prepared(select(*_WHO_SEES).where(ProcessInstance.id == bindparam("instance_id")))
_WHO_SEES_TASK = Prepared(select(*_WHO_SEES).join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
                          .where(HumanTask.id == bindparam("task_id")))
_INVOLVED = PreparedIn(lambda groups: select(HumanTask.id).where(
    HumanTask.instance_id == bindparam("instance_id"),
    or_(HumanTask.candidate_group.in_(groups),
        HumanTask.assignee == bindparam("username"), HumanTask.completed_by == bindparam("username"))).limit(1))


class AccessGrant(Base):
    """An administrator's choice for one right on one resource, replacing the declared default."""

    __tablename__ = "access_grants"
    __table_args__ = (UniqueConstraint("resource", "right", name="uq_access_grant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource: Mapped[str] = mapped_column(String(200))
    right: Mapped[str] = mapped_column(String(30))
    principals: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))


@dataclass(frozen=True)
class Grant:
    """A right as it stands: who holds it, and whether that is the declared default."""

    resource: str
    right: str
    principals: tuple[str, ...]
    default: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.principals != self.default


def parse_principals(text: str | Iterable[str]) -> tuple[str, ...]:
    """`"hr, role:manager"` → `("hr", "role:manager")`: trimmed, without repeats, in the order given."""
    items = text.replace("\n", ",").split(",") if isinstance(text, str) else list(text)
    seen: dict[str, None] = {}
    for item in (i.strip() for i in items):
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def holds(actor: Actor, principals: Iterable[str]) -> bool:
    for p in principals:
        if p == EVERYONE or p in actor.groups or (p.startswith("role:") and p[5:] in actor.roles):
            return True
    return False


class AccessPolicy:
    """The rules, their declared defaults and the administrators' changes; see the module docstring."""

    def __init__(self) -> None:
        self._defaults: dict[tuple[str, str], tuple[str, ...]] = {}
        self._overrides: dict[tuple[str, str], tuple[str, ...]] | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    # -- declaring -------------------------------------------------------------------------
    def declare(self, resource: str, right: str, principals: Iterable[str]) -> None:
        """The default of a right; declaring it again (an app built twice in one process) replaces it."""
        rights = PROCESS_RIGHTS if resource.startswith("process:") else RECORD_RIGHTS
        if right not in rights:
            raise ValueError(f"{right!r} is not a right of {resource!r} (one of {', '.join(rights)})")
        self._defaults[(resource, right)] = parse_principals(principals)

    def declare_process(self, key: str, *, start: Iterable[str] = (EVERYONE,), see_all: Iterable[str] = (),
                        see_department: Iterable[str] = ()) -> None:
        for right, principals in (("start", start), ("see_all", see_all), ("see_department", see_department)):
            self.declare(f"process:{key}", right, principals)

    def declare_records(self, name: str, *, read_all: Iterable[str], read_department: Iterable[str] = (),
                        import_: Iterable[str] = ()) -> None:
        for right, principals in (("read_all", read_all), ("read_department", read_department),
                                  ("import", import_)):
            self.declare(f"records:{name}", right, principals)

    # -- reading ---------------------------------------------------------------------------
    def _changes(self, session: Session) -> dict[tuple[str, str], tuple[str, ...]]:
        with self._lock:
            if self._overrides is not None and time.monotonic() - self._read_at < _CACHE_SECONDS:
                return self._overrides
        rows = session.execute(select(AccessGrant.resource, AccessGrant.right, AccessGrant.principals)).all()
        overrides = {(r, right): parse_principals(p) for r, right, p in rows}
        with self._lock:
            self._overrides, self._read_at = overrides, time.monotonic()
        return overrides

    def principals(self, session: Session, resource: str, right: str) -> tuple[str, ...]:
        key = (resource, right)
        changed = self._changes(session).get(key)
        if changed is not None:
            return changed
        if key in self._defaults:
            return self._defaults[key]
        # a process nobody declared: anyone may start it, and only its participants see it
        return (EVERYONE,) if right == "start" else ()

    def allows(self, session: Session, actor: Actor, resource: str, right: str) -> bool:
        return actor.is_admin or holds(actor, self.principals(session, resource, right))

    def grants(self, session: Session, prefix: str = "") -> list[Grant]:
        """Every declared right (and every changed one), for the admin screen."""
        keys = sorted({*self._defaults, *self._changes(session)})
        return [Grant(r, right, self.principals(session, r, right), self._defaults.get((r, right), ()))
                for r, right in keys if r.startswith(prefix)]

    # -- processes -------------------------------------------------------------------------
    def may_start(self, session: Session, actor: Actor, process_key: str) -> bool:
        return self.allows(session, actor, f"process:{process_key}", "start")

    def check_instance(self, session: Session, instance_id: int, actor: Actor) -> None:
        """NotFound, or Forbidden unless the actor may see the instance (its state is not read)."""
        self._check_seen(session, _WHO_SEES_ONE.first(session, {"instance_id": instance_id}), actor,
                         f"no process instance {instance_id}", "you may not see this process instance")

    def check_task(self, session: Session, task_id: str, actor: Actor) -> None:
        """NotFound, or Forbidden unless the actor may see the task's instance: one statement finds both."""
        self._check_seen(session, _WHO_SEES_TASK.first(session, {"task_id": task_id}), actor,
                         f"no task {task_id}", "you may not see this task")

    def _check_seen(self, session: Session, inst: Any, actor: Actor, missing: str, refusal: str) -> None:
        if inst is None:
            raise NotFound(missing)
        if not self.may_view_instance(session, inst, actor):
            raise Forbidden(refusal)

    def may_view_instance(self, session: Session, inst: Any, actor: Actor) -> bool:
        """`inst`: anything with id, process_key, started_by and department (a row or a model)."""
        resource = f"process:{inst.process_key}"
        if (actor.is_admin or inst.started_by == actor.username
                or holds(actor, self.principals(session, resource, "see_all"))):
            return True
        if (actor.department and inst.department == actor.department
                and holds(actor, self.principals(session, resource, "see_department"))):
            return True
        involved, groups = _INVOLVED.bound(sorted(actor.groups))
        return involved.first(session, {**groups, "instance_id": inst.id, "username": actor.username}) is not None

    def visible_instances(self, session: Session, actor: Actor) -> ColumnElement[bool]:
        """`may_view_instance` as SQL, so that a list of instances is one query that shows no more."""
        if actor.is_admin:
            return true()
        keys = session.scalars(select(ProcessDefinition.key).distinct()).all()
        see_all = [k for k in keys if holds(actor, self.principals(session, f"process:{k}", "see_all"))]
        see_department = [k for k in keys if holds(actor, self.principals(session, f"process:{k}", "see_department"))]
        involved = select(HumanTask.id).where(
            HumanTask.instance_id == ProcessInstance.id,
            or_(HumanTask.candidate_group.in_(sorted(actor.groups)), HumanTask.assignee == actor.username,
                HumanTask.completed_by == actor.username)).exists()
        ways = [ProcessInstance.started_by == actor.username, ProcessInstance.process_key.in_(see_all), involved]
        if actor.department and see_department:
            ways.append(and_(ProcessInstance.department == actor.department,
                             ProcessInstance.process_key.in_(see_department)))
        return or_(*ways)

    # -- records ---------------------------------------------------------------------------
    def record_scope(self, session: Session, actor: Actor, name: str) -> str | None:
        """"all", "department" (the rows of the actor's own department), or None."""
        resource = f"records:{name}"
        if self.allows(session, actor, resource, "read_all"):
            return "all"
        if actor.department and holds(actor, self.principals(session, resource, "read_department")):
            return "department"
        return None

    # -- changing --------------------------------------------------------------------------
    def change(self, session: Session, resource: str, right: str, principals: Iterable[str] | str,
               actor: str, now: datetime, address: str | None = None) -> Grant:
        """An administrator's change of one right, in the caller's transaction and in the audit log."""
        if (resource, right) not in self._defaults:
            raise InvalidData({"right": f"{resource} has no right {right!r}"})
        wanted = parse_principals(principals)
        if any(len(p) > 200 or (p.startswith("role:") and not p[5:]) for p in wanted):
            raise InvalidData({right: "each entry is a group name, role:<name> or * (at most 200 characters)"})
        before = self.principals(session, resource, right)
        row = session.scalar(select(AccessGrant).where(AccessGrant.resource == resource,
                                                       AccessGrant.right == right))
        if row is None:
            row = AccessGrant(resource=resource, right=right)
            session.add(row)
        row.principals, row.updated_at, row.updated_by = ",".join(wanted), now, actor
        audit.record(session, actor, "access.change", resource, now, address,
                     right=right, before=list(before), after=list(wanted))
        with self._lock:
            self._overrides = None
        return Grant(resource, right, wanted, self._defaults[(resource, right)])


__all__ = ["EVERYONE", "AccessGrant", "AccessPolicy", "Grant", "holds", "parse_principals"]
