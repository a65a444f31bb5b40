"""The monitor's figures as an Excel workbook, one sheet per table, for people who compare in Excel."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _

from engine import analytics

from ..formatting import person
from ..labels import group
from ..labels import process as process_label
from ..xlsx import sheets_bytes


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def workbook(report: analytics.Report, names: dict[str, str]) -> BytesIO:
    """Written by the app's own writer, so a step or person named `=...` stays text (see webui.xlsx)."""
    steps = ([str(process_label(s.process)), names.get(f"{s.process}:{s.step}", s.step), s.completed, s.open,
              _hours(s.avg_wait_s), _hours(s.max_wait_s), s.overdue] for s in report.steps)
    spread = ([str(process_label(s.process)), names.get(f"{s.process}:{s.step}", s.step), s.completed,
               _hours(s.wait_p50_s), _hours(s.wait_p90_s), _hours(s.work_p50_s), _hours(s.work_p90_s), s.breached,
               _hours(s.late_working_s)] for s in report.steps if s.completed)
    cycles = ([str(process_label(c.process)), c.started, c.completed, c.active, c.failed, _hours(c.avg_cycle_s)]
              for c in report.cycles)
    load = ([person(w.owner) if w.assigned else group(w.owner), _("yes") if w.assigned else _("no"), w.open,
             w.overdue] for w in report.workload)
    days = ([d.day, d.started, d.completed] for d in report.throughput)
    return BytesIO(sheets_bytes([
        (_("Steps"), [_("Process"), _("Step"), _("Completed"), _("Open"), _("Average wait (h)"),
                      _("Longest wait (h)"), _("Overdue")], steps),
        (_("Cycle times"), [_("Process"), _("Started"), _("Completed"), _("In progress"), _("Failed"),
                            _("Average cycle time (h)")], cycles),
        (_("Workload"), [_("Person or group"), _("Claimed"), _("Open"), _("Overdue")], load),
        (_("Per day"), [_("Day"), _("Started"), _("Completed")], days),
        (_("Waiting and working"), [_("Process"), _("Step"), _("Completed"), _("Waiting p50 (h)"),
                                    _("Waiting p90 (h)"), _("Working p50 (h)"), _("Working p90 (h)"),
                                    _("Completed late"), _("Late by (working hours, average)")], spread),
    ]))
