"""HR screens: departments, employees (with Excel import), recruiting, training records, performance reviews."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from modules.hr import (
    RATINGS,
    REVIEW_STATUSES,
    STATUSES,
    TRAINING_STATUSES,
    Candidate,
    Department,
    Employee,
    Interview,
    PerformanceReview,
    Position,
    TrainingRecord,
    import_employees,
)

from ..records import Access, Column, Filter, ListSpec, RelatedList, add_list, add_start, distinct_values
from . import training

bp = Blueprint("hr", __name__)
add_start(bp, "positions/new", "hiring")
add_start(bp, "reviews/new", "performance_review")

DEPARTMENT = Filter("department", _l("Department"), distinct_values(Department.code))

add_list(bp, ListSpec(
    name="departments", access=Access(read_all=("*",)),
    title=_l("Departments"), model=Department, key="code", order_by="code",
    columns=(Column("code", _l("Code")), Column("name", _l("Name")), Column("manager", _l("Manager")),
             Column("cost_center", _l("Cost center"))),
    search=("code", "name"),
))
add_list(bp, ListSpec(
    name="employees", access=Access(read_all=("hr",), read_department=("role:manager",), import_=("hr",)),
    title=_l("Employees"), model=Employee, key="number", order_by="number",
    columns=(Column("number", _l("Number")), Column("name", _l("Name")), Column("department", _l("Department")),
             Column("position", _l("Position")), Column("email", _l("E-mail")),
             Column("hired_on", _l("Hired on"), "date"), Column("status", _l("Status"), "status")),
    search=("number", "name", "position", "email"),
    filters=(Filter("status", _l("Status"), STATUSES),),
    importer=import_employees,
    import_columns=("number", "name", "department", "position", "email", "username", "hired_on", "status"),
    related_lists=(RelatedList("trainings", "employee_number", _l("Training")),
                   RelatedList("reviews", "employee_number", _l("Performance reviews"))),
))
add_list(bp, ListSpec(
    name="positions", access=Access(read_all=("hr",), read_department=("role:manager",)),
    title=_l("Positions"), model=Position, key="id", order_by="opened_at", descending=True,
    columns=(Column("id", _l("Number")), Column("title", _l("Position")), Column("department", _l("Department")),
             Column("salary_max", _l("Salary band maximum"), "money"), Column("status", _l("Status"), "status"),
             Column("opened_at", _l("Opened"), "date")),
    search=("title", "department"), filters=(Filter("status", _l("Status"), ("open", "filled", "closed")),),
))
add_list(bp, ListSpec(
    name="candidates", access=Access(read_all=("hr",)),
    title=_l("Candidates"), model=Candidate, key="id", order_by="id", descending=True,
    columns=(Column("id", _l("Number")), Column("name", _l("Name")), Column("email", _l("E-mail")),
             Column("position_id", _l("Position")), Column("status", _l("Status"), "status")),
    search=("name", "email"),
    filters=(Filter("status", _l("Status"), ("interviewing", "recommended", "declined", "hired")),),
))
add_list(bp, ListSpec(
    name="interviews", access=Access(read_all=("hr",)),
    title=_l("Interviews"), model=Interview, key="id", order_by="id", descending=True,
    columns=(Column("id", _l("Number")), Column("candidate_id", _l("Candidate")),
             Column("interviewer", _l("Interviewer")), Column("recommendation", _l("Recommendation"), "status")),
    search=("interviewer",), filters=(Filter("recommendation", _l("Recommendation"), ("hire", "no_hire")),),
))
TRAININGS = add_list(bp, ListSpec(
    name="trainings", access=Access(read_all=("hr",), read_department=("role:manager",)),
    title=_l("Training records"), model=TrainingRecord, key="id", order_by="starts_on",
    descending=True,
    columns=(Column("id", _l("Number")), Column("employee_number", _l("Employee")),
             Column("employee_name", _l("Name")), Column("department", _l("Department")),
             Column("course", _l("Course")), Column("provider", _l("Provider")),
             Column("starts_on", _l("Starts"), "date"), Column("ends_on", _l("Ends"), "date"),
             Column("hours", _l("Hours"), "number"), Column("status", _l("Status"), "status"),
             Column("score", _l("Score"), "number"), Column("certificate", _l("Certificate"))),
    search=("employee_number", "employee_name", "course", "provider", "certificate"),
    filters=(Filter("status", _l("Status"), TRAINING_STATUSES), DEPARTMENT),
    detail_template="hr/training.html", detail_context=training.training_context,
))
training.register(bp, TRAININGS)
add_list(bp, ListSpec(
    name="reviews", access=Access(read_all=("hr",)),
    title=_l("Performance reviews"), model=PerformanceReview, key="id", order_by="period",
    descending=True,
    columns=(Column("id", _l("Number")), Column("employee_number", _l("Employee")),
             Column("employee_name", _l("Name")), Column("department", _l("Department")),
             Column("period", _l("Period")), Column("reviewer", _l("Reviewer")),
             Column("rating", _l("Rating"), "rating"), Column("status", _l("Status"), "status")),
    details=(Column("goals", _l("Goals")), Column("self_rating", _l("Self rating"), "rating"),
             Column("self_assessment", _l("Self assessment")), Column("comments", _l("Reviewer's comments")),
             Column("calibration_note", _l("Calibration note")), Column("completed_at", _l("Completed"))),
    search=("employee_number", "employee_name", "reviewer"),
    filters=(Filter("period", _l("Period"), distinct_values(PerformanceReview.period)), DEPARTMENT,
             Filter("rating", _l("Rating"), RATINGS), Filter("status", _l("Status"), REVIEW_STATUSES)),
))
