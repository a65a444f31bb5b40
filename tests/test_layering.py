"""The dependency table of DESIGN.md, checked on the source: who may import what."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "engine": {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "apscheduler",
               "webui", "modules", "rules", "werkzeug"},
    "rules": {"flask", "webui", "modules", "SpiffWorkflow"},
    "modules": {"flask", "webui", "SpiffWorkflow"},
    "webui": {"SpiffWorkflow"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_three_engine_files_and_the_runtime_touch_spiffworkflow() -> None:
    allowed = {"parser.py", "scripting/script_engine.py", "serializer.py", "runtime.py", "tasks.py", "validation.py",
               "workflow.py", "spiff_clock.py", "jobs/timers.py", "jobs/retries.py", "migration.py"}
    users = {p.relative_to(ROOT / "engine").as_posix() for p in (ROOT / "engine").rglob("*.py")
             if "SpiffWorkflow" in imported_roots(p)}
    assert users <= allowed, users - allowed


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport webui.api\n")
    assert imported_roots(bad) & FORBIDDEN["engine"] == {"flask", "webui"}


WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}
# the clock module, and the shim that hands SpiffWorkflow the engine's clock (the wall clock outside a step)
CLOCKS = {ROOT / "engine" / "clock.py", ROOT / "engine" / "spiff_clock.py"}


def wall_clock_reads(path: Path) -> list[int]:
    """Lines that ask the wall clock for the time: `datetime.now()`, `date.today()`, `time.time()`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and (node.func.value.id, node.func.attr) in WALL_CLOCK]


def test_time_comes_from_the_engines_clock_not_the_wall_clock() -> None:
    """A test that passes today must pass next month: only the clock module and the benchmarks read real time."""
    packages = ("engine", "modules", "rules", "webui", "tests")
    sources = [p for package in packages for p in (ROOT / package).rglob("*.py")]
    offenders = {str(p.relative_to(ROOT)): lines for p in [*sources, ROOT / "app.py"]
                 if p not in CLOCKS and "bench" not in p.relative_to(ROOT).parts and (lines := wall_clock_reads(p))}
    assert offenders == {}


def test_the_wall_clock_checker_sees_a_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from datetime import date, datetime\nx = date.today()\ny = datetime.now(tz=None)\n")
    assert wall_clock_reads(bad) == [2, 3]


# -- the parts of engine/ and the import graph -------------------------------------------------------
def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Each module of `package` and the modules of `package` it imports.

    Every import counts, at the top, inside a function or under TYPE_CHECKING: a lazy import only
    hides a circle until the day it runs first. `from x import y` is an import of `x.y` when that is
    a module of its own, else of `x`.
    """
    files = {module_name(root, p): p for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = imported_from(name, path, node)
                targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                               for alias in node.names)
        for target in targets:
            while target and target not in files:  # `import a.b.c` imports the module a.b.c, or its package
                target = target.rpartition(".")[0]
            if target and target != name:
                graph.setdefault(name, set()).add(target)
        graph.setdefault(name, set())
    return graph


def imported_from(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute name of the module a `from … import` in module `name` (file `path`) imports from."""
    if not node.level:
        return node.module or ""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    return ".".join([*here[:len(here) - node.level + 1], *([node.module] if node.module else [])])


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle of imports per strongly connected component of more than one module (Tarjan), as a path
    that starts and ends at the same module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = {stack.pop()}
            while module not in component:
                component.add(stack.pop())
            if len(component) > 1:
                components.append(component)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_circle_through(min(component), component, graph) for component in components]


def _circle_through(start: str, component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest way from `start` back to itself inside its component."""
    paths = {target: [start, target] for target in sorted(graph[start] & component)}
    queue = list(paths)
    while start not in paths:
        module = queue.pop(0)
        for target in sorted(graph[module] & component):
            if target not in paths:
                paths[target] = [*paths[module], target]
                queue.append(target)
    return paths[start]


def _part(module: str) -> str:
    """engine's parts: the public API (`engine` itself), the rooms beside the kernel, and the kernel."""
    if module == "engine":
        return "api"
    room = module.split(".")[1]
    return room if room in ("identity", "jobs", "workplace", "integration") else "kernel"


# what each part of engine/ may import (engine/README.md); `api` imports them all and nothing imports it
MAY_IMPORT = {
    "kernel": {"kernel"},
    "identity": {"kernel", "identity"},
    "jobs": {"kernel", "jobs"},
    "integration": {"kernel", "jobs", "integration"},
    "workplace": {"kernel", "identity", "workplace"},
}


@pytest.mark.parametrize("part", sorted(MAY_IMPORT))
def test_each_part_of_the_engine_imports_only_what_it_may(part: str) -> None:
    """The kernel imports neither the workplace, the jobs nor identity (they register with it instead);
    no module inside engine/ imports `engine` itself, which imports every part."""
    graph = import_graph(ROOT, "engine")
    offenders = {module: sorted(t for t in targets if _part(t) not in MAY_IMPORT[part])
                 for module, targets in graph.items() if _part(module) == part}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_rooms_take_only_public_names_from_the_kernel() -> None:
    """The workplace, the jobs and identity reach the kernel through its public names, never a `_private` one."""
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        name = module_name(ROOT, path)
        if _part(name) in ("api", "kernel"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (source := imported_from(name, path, node)).startswith("engine"):
                offenders += [f"{name}: {source}.{alias.name}" for alias in node.names
                              if alias.name.startswith("_") and _part(source) == "kernel"]
    assert offenders == []


def test_the_engine_has_no_import_circle() -> None:
    assert [" → ".join(circle) for circle in circles(import_graph(ROOT, "engine"))] == []


def test_the_web_ui_has_no_import_circle() -> None:
    """A blueprint package's modules take its `bp` from the package that imports them (Flask's own pattern),
    and the CLI builds the app with the factory that registers the CLI's commands: a module importing a
    package it is part of is left out. Any other circle fails."""
    graph = {module: {t for t in targets if not module.startswith(t + ".")}
             for module, targets in import_graph(ROOT, "webui").items()}
    assert [" → ".join(circle) for circle in circles(graph)] == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": set(), "e": {"e", "a"}}
    assert circles(graph) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "catalog.py").write_text("def add_list():\n    from . import views\n")
    (package / "views.py").write_text("from .catalog import ListSpec\nfrom .sub import helper\n")
    (package / "sub" / "helper.py").write_text("from ..catalog import ListSpec\nimport pkg.sub\n")
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.views"] == {"pkg.catalog", "pkg.sub.helper"}
    assert graph["pkg.sub.helper"] == {"pkg.catalog", "pkg.sub"}
    assert circles(graph) == [["pkg.catalog", "pkg.views", "pkg.catalog"]]


def test_other_packages_import_the_engine_only_through_its_public_api() -> None:
    """`engine/__init__.py` is the one surface: where a file sits inside engine/ concerns the engine alone."""
    sources = [p for package in ("webui", "modules", "rules") for p in (ROOT / package).rglob("*.py")]
    offenders = {}
    for path in [*sources, ROOT / "app.py"]:
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        names = {alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module for node in nodes if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        if deep := sorted(n for n in names if n.startswith("engine.")):
            offenders[str(path.relative_to(ROOT))] = deep
    assert offenders == {}
