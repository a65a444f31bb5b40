"""The inbox list as an Excel workbook, for people who work their queue in a spreadsheet."""
from __future__ import annotations

from io import BytesIO

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook

from .. import labels
from ..formatting import local, person
from .queries import InboxRow


def workbook_response(rows: list[InboxRow], tab: str) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = tab
    sheet.append([_("Task"), _("Instance"), _("Business key"), _("Process"), _("Requester"), _("Amount"),
                  _("Priority"), _("Created"), _("Due"), _("Assignee")])
    for row in rows:
        t = row.task
        amount = row.summary.get("amount")
        sheet.append([t.title, t.instance_id, t.business_key or "", labels.process(t.process),
                      person(t.started_by), amount if isinstance(amount, (int, float)) else None,
                      t.priority, local(t.created_at), local(t.due_at) if t.due_at else None,
                      person(t.assignee)])
    buffer = BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(), headers={"Content-Disposition": f"attachment; filename=inbox-{tab}.xlsx"},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
