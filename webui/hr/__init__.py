"""HR screens: departments and employees (with Excel import)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.hr import STATUSES, Candidate, Department, Employee, Interview, Position, import_employees

from ..records import Column, Filter, ListSpec, add_list, add_start

bp = Blueprint("hr", __name__)
add_start(bp, "positions/new", "hiring")

add_list(bp, ListSpec(
    name="departments", title=_l("Departments"), model=Department, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("manager", _l("Manager")),
             Column("cost_center", _l("Cost center"))),
    search=("code", "name"),
))
add_list(bp, ListSpec(
    name="employees", title=_l("Employees"), model=Employee, key="number", order_by="number",
    columns=(Column("number", _l("Number")), Column("name", _l("Name")), Column("department", _l("Department")),
             Column("position", _l("Position")), Column("email", _l("E-mail")),
             Column("hired_on", _l("Hired on"), "date"), Column("status", _l("Status"), "status")),
    search=("number", "name", "position", "email"),
    filters=(Filter("status", _l("Status"), STATUSES),),
    importer=import_employees,
    import_columns=("number", "name", "department", "position", "email", "username", "hired_on", "status"),
))
add_list(bp, ListSpec(
    name="positions", title=_l("Positions"), model=Position, key="id", order_by="opened_at", descending=True,
    columns=(Column("id", _l("Number")), Column("title", _l("Position")), Column("department", _l("Department")),
             Column("salary_max", _l("Salary band maximum"), "money"), Column("status", _l("Status"), "status"),
             Column("opened_at", _l("Opened"), "date")),
    search=("title", "department"), filters=(Filter("status", _l("Status"), ("open", "filled", "closed")),),
))
add_list(bp, ListSpec(
    name="candidates", title=_l("Candidates"), model=Candidate, key="id", order_by="id", descending=True,
    columns=(Column("id", _l("Number")), Column("name", _l("Name")), Column("email", _l("E-mail")),
             Column("position_id", _l("Position")), Column("status", _l("Status"), "status")),
    search=("name", "email"),
    filters=(Filter("status", _l("Status"), ("interviewing", "recommended", "declined", "hired")),),
))
add_list(bp, ListSpec(
    name="interviews", title=_l("Interviews"), model=Interview, key="id", order_by="id", descending=True,
    columns=(Column("id", _l("Number")), Column("candidate_id", _l("Candidate")),
             Column("interviewer", _l("Interviewer")), Column("recommendation", _l("Recommendation"), "status")),
    search=("interviewer",), filters=(Filter("recommendation", _l("Recommendation"), ("hire", "no_hire")),),
))
