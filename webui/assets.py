"""Copy the front-end files OpsFlow serves from node_modules into static/vendor.

Run by `make setup`; the libraries come from the npm registry at set-up
time and are served by OpsFlow itself, never from a CDN.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"
FILES = {
    "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-js/bpmn-navigated-viewer.min.js",
    "bpmn-js/dist/bpmn-modeler.production.min.js": "bpmn-js/bpmn-modeler.min.js",
    "bpmn-js/dist/assets/diagram-js.css": "bpmn-js/diagram-js.css",
    "bpmn-js/dist/assets/bpmn-js.css": "bpmn-js/bpmn-js.css",
    "bpmn-js/dist/assets/bpmn-font/css/bpmn.css": "bpmn-js/bpmn-font/css/bpmn.css",
    "dmn-js/dist/dmn-modeler.production.min.js": "dmn-js/dmn-modeler.min.js",
    "dmn-js/dist/assets/diagram-js.css": "dmn-js/diagram-js.css",
    "dmn-js/dist/assets/dmn-js-shared.css": "dmn-js/dmn-js-shared.css",
    "dmn-js/dist/assets/dmn-js-drd.css": "dmn-js/dmn-js-drd.css",
    "dmn-js/dist/assets/dmn-js-decision-table.css": "dmn-js/dmn-js-decision-table.css",
    "dmn-js/dist/assets/dmn-js-decision-table-controls.css": "dmn-js/dmn-js-decision-table-controls.css",
    "dmn-js/dist/assets/dmn-js-literal-expression.css": "dmn-js/dmn-js-literal-expression.css",
    "dmn-js/dist/assets/dmn-font/css/dmn.css": "dmn-js/dmn-font/css/dmn.css",
    "chart.js/dist/chart.umd.min.js": "chart.js/chart.umd.min.js",
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
}
FOLDERS = {"bpmn-js/dist/assets/bpmn-font/font": "bpmn-js/bpmn-font/font",
           "dmn-js/dist/assets/dmn-font/font": "dmn-js/dmn-font/font"}


def copy_assets(node_modules: Path = ROOT / "node_modules") -> list[Path]:
    copied = []
    for src, dst in FILES.items():
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules / src, target)
        copied.append(target)
    for src, dst in FOLDERS.items():
        shutil.copytree(node_modules / src, VENDOR / dst, dirs_exist_ok=True)
        copied.append(VENDOR / dst)
    return copied


if __name__ == "__main__":
    try:
        for path in copy_assets():
            print(f"  {path.relative_to(ROOT)}")
    except FileNotFoundError as exc:
        sys.exit(f"missing front-end file {exc.filename}: run `npm install` first")
