"""Deploying and versioning process definitions.

A changed file deploys as a new version; an unchanged one (same checksum
over BPMN, DMN and forms) does not. Running instances keep the version they
started on. Parsed specs are cached per definition id: a version never
changes once deployed.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from .clock import utcnow
from .data_checks import data_problems
from .dmn_checks import decision_report
from .errors import DefinitionError, NotFound, Problem
from .models import ProcessDefinition
from .names import names_in
from .parser import ParsedProcess, SourceFile, called_decisions, decision_ids, parse_bundle
from .prepared import Prepared
from .serializer import StateSerializer
from .services import ServiceRegistry
from .specs import ProcessSpecs

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
_LATEST_ID = Prepared(select(ProcessDefinition.id).where(ProcessDefinition.key == bindparam("key"))
                      .order_by(ProcessDefinition.version.desc()).limit(1))
_NEWEST = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
           .group_by(ProcessDefinition.key).subquery())
_LATEST_IDS = (select(ProcessDefinition.id)
               .join(_NEWEST, (ProcessDefinition.key == _NEWEST.c.key) & (ProcessDefinition.version == _NEWEST.c.v))
               .order_by(ProcessDefinition.key))


@dataclass(frozen=True)
class Bundle:
    """One BPMN file with the DMN files and forms that sit beside it."""

    bpmn: SourceFile
    dmn: tuple[SourceFile, ...] = ()
    forms: tuple[tuple[str, dict[str, Any]], ...] = ()

    @classmethod
    def from_path(cls, path: Path) -> Bundle:
        folder = path.parent
        dmn = tuple(SourceFile(p.name, p.read_bytes()) for p in sorted(folder.glob("*.dmn")))
        return cls(SourceFile(str(path), path.read_bytes()), dmn, _forms_beside(path))

    @classmethod
    def for_file(cls, path: Path) -> Bundle:
        """The BPMN file with only the DMN files beside it that define a decision it calls.

        `opsflow validate FILE` checks what that file would run with: a DMN it never calls (or two of
        them defining one decision id) is none of its business. A DMN file that cannot be read is kept
        while a called decision is still unaccounted for, so its error is the one reported.
        """
        bpmn = SourceFile(str(path), path.read_bytes())
        called = called_decisions(bpmn)
        found, unreadable = [], []
        for p in sorted(path.parent.glob("*.dmn")):
            source = SourceFile(p.name, p.read_bytes())
            try:
                ids = decision_ids(source)
            except DefinitionError:
                unreadable.append(source)
                continue
            if called & ids:
                found.append((source, ids))
        missing = called - {i for _, ids in found for i in ids}
        dmn = tuple(s for s, _ in found) + (tuple(unreadable) if missing else ())
        return cls(bpmn, dmn, _forms_beside(path))

    def checksum(self) -> str:
        h = hashlib.sha256(self.bpmn.content)
        for d in self.dmn:
            h.update(d.content)
        h.update(json.dumps(self.forms, sort_keys=True).encode())
        return h.hexdigest()


def _forms_beside(path: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    folder = path.parent
    forms = []
    for p in sorted((folder / "forms").glob("*.json")):
        try:
            forms.append((p.stem, json.loads(p.read_text(encoding="utf-8"))))
        except json.JSONDecodeError as exc:
            raise DefinitionError([Problem(f"form is not valid JSON: {exc.msg}", line=exc.lineno,
                                           source=str(p))]) from exc
    return tuple(forms)


@dataclass(frozen=True)
class DeployResult:
    key: str
    version: int
    created: bool


def bpmn_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.name.endswith(BPMN_SUFFIXES))


class _PassedBundles:
    """The parses of the last bundles that passed their checks, by name, content and the operations checked
    against.

    Every start deploys every file of processes/ again, and the checks parse each one although nothing
    changed; a process that makes many engines (the test suite makes one per test) parsed the same files
    each time. The checks read nothing but the files and the registry's operations, and a parsed spec is
    never changed once made (each version's is shared by all its instances already), so a bundle that
    passed once passes as the same specs. Only the newest few are kept: the designer checks every draft.
    """

    KEEP = 64

    def __init__(self) -> None:
        self._parsed: OrderedDict[Hashable, list[ParsedProcess]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> list[ParsedProcess] | None:
        with self._lock:
            parsed = self._parsed.get(key)
            if parsed is not None:
                self._parsed.move_to_end(key)
            return parsed

    def put(self, key: Hashable, parsed: list[ParsedProcess]) -> None:
        with self._lock:
            self._parsed[key] = parsed
            while len(self._parsed) > self.KEEP:
                self._parsed.popitem(last=False)


_PASSED = _PassedBundles()


class DefinitionStore:
    def __init__(self, registry: ServiceRegistry, serializer: StateSerializer) -> None:
        self.registry = registry
        self.serializer = serializer
        self._specs: dict[int, ProcessSpecs] = {}
        self._rows: dict[int, ProcessDefinition] = {}
        self._names: dict[tuple[int, str], dict[str, str]] = {}
        self._lock = threading.Lock()

    def check(self, bundle: Bundle) -> list[ParsedProcess]:
        """Parse and check a bundle without storing anything (`opsflow validate`).

        Every problem is reported at once: the parser's, then those of the flow's data and parameters.
        A bundle that passed is not parsed again in this process (`_PASSED`)."""
        operations = frozenset((op.name, op.params) for op in map(self.registry.get, self.registry.names()) if op)
        key = (bundle.bpmn.name, tuple(d.name for d in bundle.dmn), bundle.checksum(), operations)
        parsed = _PASSED.get(key)
        if parsed is None:
            parsed = self._check(bundle)
            _PASSED.put(key, parsed)
        return list(parsed)

    def _check(self, bundle: Bundle) -> list[ParsedProcess]:
        problems: list[Problem] = []
        parsed: list[ParsedProcess] = []
        try:
            parsed = parse_bundle(bundle.bpmn, list(bundle.dmn))
        except DefinitionError as exc:
            problems.extend(exc.problems)
        for problem in data_problems(bundle.bpmn.content, bundle.bpmn.name, dict(bundle.forms),
                                     [d.content for d in bundle.dmn], self.registry):
            if problem not in problems:
                problems.append(problem)
        tables = decision_report(bundle.bpmn, bundle.dmn, dict(bundle.forms))
        problems += [p for p in tables.errors if p not in problems]
        if problems:
            raise DefinitionError(problems)
        return parsed

    def deploy(self, session: Session, bundle: Bundle, actor: str = "system") -> list[DeployResult]:
        parsed = self.check(bundle)
        checksum = bundle.checksum()
        results = []
        for process in parsed:
            latest = self.latest(session, process.key)
            if latest is not None and latest.checksum == checksum:
                results.append(DeployResult(process.key, latest.version, False))
                continue
            definition = ProcessDefinition(
                key=process.key, name=process.name, version=(latest.version + 1) if latest else 1,
                checksum=checksum, source=bundle.bpmn.name,
                bpmn_xml=bundle.bpmn.content.decode("utf-8"),
                dmn_xml=[d.content.decode("utf-8") for d in bundle.dmn],
                spec_json=self.serializer.specs_to_json(process.specs),
                forms=dict(bundle.forms), deployed_at=utcnow(), deployed_by=actor,
            )
            session.add(definition)
            session.flush()
            self._specs[definition.id] = process.specs
            results.append(DeployResult(process.key, definition.version, True))
        return results

    @staticmethod
    def latest(session: Session, key: str) -> ProcessDefinition | None:
        return session.scalar(
            select(ProcessDefinition).where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version.desc()).limit(1)
        )

    def latest_all(self, session: Session) -> list[ProcessDefinition]:
        """The newest version of every process, by key: ids read, rows from the cache (pages list them
        on every view, and a version's row, with its XML and spec, is large)."""
        return [self.get(session, definition_id) for definition_id in session.scalars(_LATEST_IDS)]

    @staticmethod
    def versions(session: Session, key: str) -> list[ProcessDefinition]:
        """Every deployed version of a process, newest first: the designer's history."""
        return list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                    .order_by(ProcessDefinition.version.desc())))

    def require_latest(self, session: Session, key: str) -> ProcessDefinition:
        newest = _LATEST_ID.scalar(session, {"key": key})
        if newest is None:
            raise NotFound(f"no process named {key!r}")
        return self.get(session, newest)

    def get(self, session: Session, definition_id: int) -> ProcessDefinition:
        """A deployed version never changes, so its row (XML, spec, forms) is read once per process.

        The cached object is detached from the session that read it, so no rollback can expire it.
        """
        definition = self._rows.get(definition_id)
        if definition is None:
            definition = session.get(ProcessDefinition, definition_id)
            if definition is None:
                raise NotFound(f"no process definition {definition_id}")
            session.expunge(definition)
            self._rows[definition_id] = definition
        return definition

    def step_names(self, session: Session, definition_id: int, language: str | None) -> dict[str, str]:
        """Element id → name in one version, in `language` where the version carries it (engine.names).

        Every page naming a step asks; a version never changes, so its diagram is read and parsed once.
        """
        key = (definition_id, language or "")
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = names_in(self.get(session, definition_id).bpmn_xml, language)
        return found

    @staticmethod
    def sensitive(definition: ProcessDefinition) -> frozenset[str]:
        """The fields its forms mark `sensitive`: its instances' state is kept encrypted, and these values
        stay out of the summary, the task rows and the event log."""
        return frozenset(f["name"] for form in (definition.forms or {}).values() for f in form.get("fields", [])
                         if f.get("sensitive"))

    def specs(self, definition: ProcessDefinition) -> ProcessSpecs:
        specs = self._specs.get(definition.id)
        if specs is None:
            with self._lock:
                specs = self._specs.get(definition.id)
                if specs is None:
                    specs = self.serializer.specs_from_json(definition.spec_json)
                    self._specs[definition.id] = specs
        return specs
