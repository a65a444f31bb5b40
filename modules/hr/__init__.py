"""HR: departments, employees, positions, candidates and interviews (training and reviews are still to come)."""
from engine import ServiceRegistry

from .. import Manifest
from .department import Department
from .employee import STATUSES, CreateEmployee, Employee, Hire, create_employee, import_employees
from .probation import register_facts
from .recruiting import Candidate, Interview, OpenPosition, Position, RecordInterviews, open_position, record_interviews

MANIFEST = Manifest(name="hr", depends=(), processes=("hiring",))


def register(registry: ServiceRegistry) -> None:
    registry.register("hr.create_employee", create_employee, CreateEmployee)
    registry.register("hr.open_position", open_position, OpenPosition)
    registry.register("hr.record_interviews", record_interviews, RecordInterviews)


__all__ = ["MANIFEST", "STATUSES", "Candidate", "Department", "Employee", "Hire", "Interview", "Position",
           "import_employees", "register", "register_facts"]
