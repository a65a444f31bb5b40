"""The routes a module's list gets: `add_list` puts the catalog's `ListSpec` on a blueprint, served by `views`.

It sits apart from both: the catalog is data (and the queries over it), the views read it, and this
module joins them, so neither imports the other back.
"""
from __future__ import annotations

import dataclasses

from flask import Blueprint

from ..access import Records, guard
from . import editing, views
from .catalog import CATALOG, ListSpec


def add_list(bp: Blueprint, spec: ListSpec) -> ListSpec:
    """Register list, detail, export (and, with an importer, template and import; with an editor, new and
    edit) routes for `spec`."""
    spec = dataclasses.replace(spec, module=bp.name)
    base = f"/{bp.name}/{spec.name}"
    read = guard(Records(spec.resource, own=spec.access.own is not None))
    write = guard(Records(spec.resource, "import"))
    bp.add_url_rule(base, f"{spec.name}_list", read(lambda: views.list_page(bp.name, spec)))
    bp.add_url_rule(f"{base}/export.xlsx", f"{spec.name}_export", read(lambda: views.export(spec)))
    bp.add_url_rule(f"{base}/item/<key>", f"{spec.name}_detail",
                    read(lambda key: views.detail(bp.name, spec, key)))
    if spec.importer is not None:
        bp.add_url_rule(f"{base}/template.xlsx", f"{spec.name}_template", write(lambda: views.template(spec)))
        bp.add_url_rule(f"{base}/import", f"{spec.name}_import", write(lambda: views.import_page(bp.name, spec)),
                        methods=["GET", "POST"])
    if spec.editor is not None:
        bp.add_url_rule(f"{base}/new", f"{spec.name}_new", write(lambda: editing.new(bp.name, spec)),
                        methods=["GET", "POST"])
        bp.add_url_rule(f"{base}/item/<key>/edit", f"{spec.name}_edit",
                        write(lambda key: editing.edit(bp.name, spec, key)), methods=["GET", "POST"])
    CATALOG.setdefault(bp.name, []).append(spec)
    return spec
