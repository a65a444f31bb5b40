"""Words for the codes module records store (statuses, categories, segments), translated."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MODULES = {
    "procurement": _l("Procurement"), "sales": _l("Sales"), "inventory": _l("Inventory"),
    "hr": _l("Human resources"), "finance": _l("Finance"), "production": _l("Production"),
}

CODES = {
    "active": _l("Active"), "pending": _l("Pending"), "inactive": _l("Inactive"), "rejected": _l("Rejected"),
    "blocked": _l("Blocked"), "on_leave": _l("On leave"), "left": _l("Left"),
    "it": _l("IT"), "office": _l("Office"), "raw_materials": _l("Raw materials"), "logistics": _l("Logistics"),
    "services": _l("Services"), "other": _l("Other"),
    "enterprise": _l("Enterprise"), "sme": _l("Small business"), "retail": _l("Retail"), "government": _l("Government"),
    "entered": _l("Entered"), "credit_hold": _l("Credit hold"), "credit_approved": _l("Credit approved"),
    "awaiting_stock": _l("Awaiting stock"), "shipped": _l("Shipped"), "invoiced": _l("Invoiced"),
    "completed": _l("Completed"), "open": _l("Open"), "paid": _l("Paid"), "requested": _l("Requested"),
    "reserved": _l("Reserved"), "short": _l("Short"), "issued": _l("Issued"),
    "planned": _l("Planned"), "material_short": _l("Material short"), "in_production": _l("In production"),
    "quality_check": _l("Quality check"), "rework": _l("Rework"), "cancelled": _l("Cancelled"),
    "pass": _l("Passed"), "fail": _l("Failed"), "overdue": _l("Overdue"),
    "filled": _l("Filled"), "closed": _l("Closed"), "interviewing": _l("Interviewing"),
    "recommended": _l("Recommended"), "declined": _l("Declined"), "hired": _l("Hired"),
    "hire": _l("Hire"), "no_hire": _l("Do not hire"), "in_review": _l("In review"),
    "draft": _l("Draft"), "expired": _l("Expired"), "terminated": _l("Terminated"),
}


def module_title(code: str) -> str:
    return str(MODULES.get(code, code))


def record_label(code: str | None) -> str:
    if code is None:
        return ""
    return str(CODES.get(code, code.replace("_", " ")))
