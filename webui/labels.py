"""Words for the codes the engine stores: statuses, outcomes, event kinds, step ids.

The engine speaks in stable codes ("waiting", "task_completed",
"Task_manager_approval"); people read them here, translated. Codes this
table does not know fall back to a readable form of the code itself, so a
newly deployed process still shows something sensible.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

STATUS = {
    "running": _l("In progress"),
    "waiting": _l("In approval"),
    "completed": _l("Completed"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "error": _l("Error"),
    "cancelled": _l("Cancelled"),
    "open": _l("Open"),
    "suspended": _l("Suspended"),
    # a job's, an outgoing call's or a webhook delivery's state, where a screen shows one
    "pending": _l("Waiting to run"),
    "done": _l("Done"),
    "sent": _l("Sent out"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}

DECISION = {"approve": _l("Approved"), "reject": _l("Rejected"), "return": _l("Returned for revision"),
            "complete": _l("Completed"), "cancel": _l("Cancelled")}

EVENT = {
    "instance_started": _l("Submitted"),
    "step_completed": _l("Automatic step done"),
    "step_waiting": _l("Waiting for another system"),
    "task_created": _l("Waiting for approval"),
    "task_claimed": _l("Claimed"),
    "task_unclaimed": _l("Released"),
    "task_delegated": _l("Delegated"),
    "task_substituted": _l("Passed to the deputy"),
    "task_completed": _l("Completed task"),
    "instance_completed": _l("Process finished"),
    "instance_suspended": _l("Suspended"),
    "instance_resumed": _l("Resumed"),
    "instance_error": _l("Failed"),
    "instance_cancelled": _l("Cancelled"),
    "instance_retried": _l("Retried"),
    "instance_migrated": _l("Moved to a newer version"),
    "timer_fired": _l("Timer fired"),
    "rule_not_applied": _l("Left to a person by the rules"),
    "task_reminded": _l("Reminder: task overdue"),
    "task_reassigned": _l("Reassigned"),
    "job_failed": _l("Scheduled work failed"),
    "job_retried": _l("Scheduled work retried"),
    "job_skipped": _l("Scheduled work skipped"),
    "request_revised": _l("Request revised"),
}

PROCESS = {"Purchase approval": _l("Purchase approval"), "purchase_approval": _l("Purchase approval"),
           "Sales order handling": _l("Sales order handling"), "order_handling": _l("Sales order handling"),
           "Supplier onboarding": _l("Supplier onboarding"), "supplier_onboarding": _l("Supplier onboarding"),
           "Expense reimbursement": _l("Expense reimbursement"),
           "expense_reimbursement": _l("Expense reimbursement"),
           "Production order": _l("Production order"), "production_order": _l("Production order"),
           "Hiring": _l("Hiring"), "hiring": _l("Hiring"),
           "Performance review": _l("Performance review"), "performance_review": _l("Performance review"),
           "Monthly operations report": _l("Monthly operations report"),
           "monthly_report": _l("Monthly operations report")}

ELEMENT = {
    "Task_compute_amount": _l("Compute amount"),
    "Task_approval_level": _l("Determine approval level"),
    "Task_manager_approval": _l("Department manager approval"),
    "Task_finance_approval": _l("Finance director approval"),
    "Task_create_purchase_order": _l("Create purchase order"),
    "Task_request_payment": _l("Request payment"),
    "Task_record_rejection": _l("Record rejection"),
    "Task_check_budget": _l("Check department budget"),
    "Task_revise_request": _l("Revise request"),
    "Task_check_working_day": _l("First working day of the month?"),
    "Task_plan_report": _l("Find the month's first working day"),
    "Task_build_report": _l("Build last month's report"),
}

APPROVAL_LEVEL = {
    "auto_or_manager": _l("Automatic approval possible, otherwise the department manager"),
    "manager": _l("Department manager"),
    "manager_and_finance": _l("Department manager and finance director"),
}

GROUP = {
    "IT-managers": _l("IT managers"),
    "Sales-managers": _l("Sales managers"),
    "Finance-managers": _l("Finance managers"),
    "Procurement-managers": _l("Procurement managers"),
    "Warehouse-managers": _l("Warehouse managers"),
    "Production-managers": _l("Production managers"),
    "HR-managers": _l("HR managers"),
    "department-managers": _l("Department managers"),
    "finance-directors": _l("Finance directors"),
    "finance-clerks": _l("Finance clerks"),
    "procurement-managers": _l("Procurement managers"),
    "procurement": _l("Buyers"),
    "sales": _l("Sales"),
    "warehouse": _l("Warehouse"),
    "production": _l("Production"),
    "production-planners": _l("Production planners"),
    "quality": _l("Quality control"),
    "hr": _l("HR"),
    "designers": _l("Process designers"),
    "admins": _l("Administrators"),
    "requesters": _l("Requesters"),
}


def _readable(code: str) -> str:
    words = code.removeprefix("Task_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _pick(table: dict[str, Any], code: str | None) -> str:
    """A code's label in the reader's language, translated once per request (a list shows each many times)."""
    if not code:
        return ""
    if code not in table:
        return _readable(code)
    if not has_request_context():
        return str(table[code])
    said: dict[tuple[int, str], str] = g.setdefault("opsflow_labels", {})
    key = (id(table), code)
    label = said.get(key)
    if label is None:
        label = said[key] = str(table[code])
    return label


def status(code: str | None) -> str:
    return _pick(STATUS, code)


def event(code: str | None) -> str:
    return _pick(EVENT, code)


def process(name: str | None) -> str:
    return _pick(PROCESS, name)


def element(code: str | None) -> str:
    return _pick(ELEMENT, code)


def approval_level(code: str | None) -> str:
    return _pick(APPROVAL_LEVEL, code)


def group(code: str | None) -> str:
    """A group or lane by its name for people: translated when known, else its id read as words."""
    if not code:
        return ""
    return str(GROUP[code]) if code in GROUP else code.replace("-", " ").replace("_", " ")


def decision(code: str | None) -> str:
    """A task's outcome as a result: "Approved", "Rejected", or "Completed" for a form without a decision."""
    if code is None:
        return gettext("Completed")
    return str(DECISION[code]) if code in DECISION else code


def outcome(status_code: str, data: dict[str, Any]) -> str:
    """What a requester wants to know: approved, rejected, or still the engine's status.

    The purchase flow writes `outcome`; a finished flow that does not is
    read from its last decision (or the order it created), so older
    instances and other processes still get a clear badge.
    """
    if data.get("outcome") == "rejected":
        return "rejected"
    if status_code == "completed" and (data.get("outcome") == "approved" or data.get("decision") == "approve"
                                       or "purchase_order" in data):
        return "approved"
    return status_code


LABELS = {"status": status, "event_label": event, "process_label": process, "element": element,
          "approval_level": approval_level, "group_label": group, "decision_label": decision}
