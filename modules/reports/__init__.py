"""Reports: the monthly operations report, built by its flow on the month's first working day or on request."""
from engine import ServiceRegistry, register_kind

from .. import Manifest, ProcessAccess
from .models import StoredReport
from .monthly import (
    BUILD_JOB,
    BuildMonthlyReport,
    CheckWorkingDay,
    PlanMonthlyReport,
    build_monthly_report,
    check_working_day,
    first_working_day,
    plan_monthly_report,
    previous_month,
    reports_page,
    request_report,
    run_build_job,
)

# the flow starts on its timer only; managers see its instances
MANIFEST = Manifest(name="reports", depends=(), processes=("monthly_report",),
                    access={"monthly_report": ProcessAccess(start=(), see_all=("role:manager",))})

register_kind(BUILD_JOB, run_build_job)


def register(registry: ServiceRegistry) -> None:
    registry.register("reports.plan_monthly_report", plan_monthly_report, PlanMonthlyReport)
    # the daily versions' check
    registry.register("reports.check_working_day", check_working_day, CheckWorkingDay, reads_only=True)
    registry.register("reports.build_monthly_report", build_monthly_report, BuildMonthlyReport)


__all__ = ["BUILD_JOB", "MANIFEST", "StoredReport", "first_working_day", "previous_month", "register",
           "reports_page", "request_report"]
