"""HR: departments, employees, positions, candidates and interviews, training records, performance reviews."""
from engine import ServiceRegistry

from .. import Manifest, ProcessAccess
from .department import Department
from .employee import STATUSES, CreateEmployee, Employee, Hire, create_employee, import_employees
from .probation import register_facts
from .recruiting import (
    Candidate,
    Interview,
    OpenPosition,
    Position,
    RecordInterviews,
    open_position,
    position_problems,
    record_interviews,
)
from .review import (
    RATINGS,
    REVIEW_STATUSES,
    OpenReview,
    PerformanceReview,
    RecordReview,
    open_review,
    record_review,
    review_problems,
)
from .training import TRAINING_STATUSES, PlanTraining, TrainingRecord, complete_training, plan_training

# offers, salaries and ratings: HR and the people taking part, not every manager
MANIFEST = Manifest(name="hr", depends=(), processes=("hiring", "performance_review"),
                    access={"hiring": ProcessAccess(start=("requesters",), see_all=("hr",)),
                            "performance_review": ProcessAccess(start=("hr",), see_all=("hr",))})


def register(registry: ServiceRegistry) -> None:
    registry.register("hr.create_employee", create_employee, CreateEmployee)
    registry.register("hr.open_position", open_position, OpenPosition)
    registry.register("hr.record_interviews", record_interviews, RecordInterviews)
    registry.register("hr.plan_training", plan_training, PlanTraining)
    registry.register("hr.open_review", open_review, OpenReview)
    registry.on_start("performance_review", review_problems)
    registry.on_start("hiring", position_problems)
    registry.register("hr.record_review", record_review, RecordReview)


__all__ = ["MANIFEST", "RATINGS", "REVIEW_STATUSES", "STATUSES", "TRAINING_STATUSES", "Candidate", "Department",
           "Employee", "Hire", "Interview", "PerformanceReview", "Position", "TrainingRecord", "complete_training",
           "import_employees", "register", "register_facts"]
