"""The monthly operations report as an .xlsx: a summary sheet and the data behind each chart.

Built here, outside any web request: by the `monthly_report` flow's step when the scheduler fires
it, or by the `reports.build` job a manager asks for. Figures come from engine.automation and
engine.analytics, so the workbook says what the monitor says.
"""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from engine import analytics, automation

HOURS = 3600.0
SUMMARY = ("Process", "Started", "Completed", "Cycle p50 (h)", "Cycle p90 (h)", "SLA breaches", "Decisions",
           "Decided by rule", "Share decided by rule")
AUTOMATION = ("Month", "Decisions", "Decided by rule", "Share decided by rule", "Rule-approved instances",
              "Manually approved instances", "Rule median cycle (h)", "Manual median cycle (h)", "Time saved (h)")


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOURS, 2)


def _sheet(book: Workbook, title: str, headers: tuple[str, ...], rows: list[list[object]], *,
           first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def build(session: Session, month: str, now: datetime) -> bytes:
    """The workbook of `month` (YYYY-MM); the automation sheet covers the twelve months up to it."""
    since, until = automation.month_start(month), automation.month_start(automation.next_month(month))
    book = Workbook()
    summary = automation.process_month(session, since, until)
    _sheet(book, "Summary", SUMMARY, [
        [p.process, p.started, p.completed, _hours(p.cycle_p50_s), _hours(p.cycle_p90_s), p.sla_breaches,
         p.decisions, p.by_rule, p.rule_share] for p in summary], first=True)
    months = automation.automation_by_month(session, automation.month_start(automation.months_back(month, 11)),
                                            until)
    _sheet(book, "Automation", AUTOMATION, [
        [m.month, m.decisions, m.by_rule, m.rule_share, m.rule_approved, m.manual_approved,
         _hours(m.rule_median_s), _hours(m.manual_median_s), _hours(m.saved_s)] for m in months])
    days = [d for d in analytics.throughput(session, since, min(until, now)) if d.day < until.date()]
    _sheet(book, "Throughput", ("Day", "Started", "Completed"), [[d.day, d.started, d.completed] for d in days])
    _sheet(book, "Cycle times", ("Process", "Cycle p50 (h)", "Cycle p90 (h)"),
           [[p.process, _hours(p.cycle_p50_s), _hours(p.cycle_p90_s)] for p in summary if p.completed])
    _sheet(book, "About", ("Field", "Value"), [["Month", month], ["Built at (UTC)", now],
                                                ["From (UTC)", since], ["Until (UTC)", until]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
