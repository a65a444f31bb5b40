"""The monitor's figures as an Excel workbook, one sheet per table, for people who compare in Excel."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook

from engine import analytics

from ..labels import process as process_label


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def workbook(report: analytics.Report, names: dict[str, str]) -> BytesIO:
    book = Workbook(write_only=True)
    steps = book.create_sheet(_("Steps"))
    steps.append([_("Process"), _("Step"), _("Completed"), _("Open"), _("Average wait (h)"), _("Longest wait (h)"),
                  _("Overdue")])
    for s in report.steps:
        steps.append([str(process_label(s.process)), names.get(f"{s.process}:{s.step}", s.step), s.completed, s.open,
                      _hours(s.avg_wait_s), _hours(s.max_wait_s), s.overdue])
    cycles = book.create_sheet(_("Cycle times"))
    cycles.append([_("Process"), _("Started"), _("Completed"), _("In progress"), _("Failed"),
                   _("Average cycle time (h)")])
    for c in report.cycles:
        cycles.append([str(process_label(c.process)), c.started, c.completed, c.active, c.failed,
                       _hours(c.avg_cycle_s)])
    load = book.create_sheet(_("Workload"))
    load.append([_("Person or group"), _("Claimed"), _("Open"), _("Overdue")])
    for w in report.workload:
        load.append([w.owner, _("yes") if w.assigned else _("no"), w.open, w.overdue])
    days = book.create_sheet(_("Per day"))
    days.append([_("Day"), _("Started"), _("Completed")])
    for d in report.throughput:
        days.append([d.day, d.started, d.completed])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out
