"""The demo company's HR history: finished and planned training, and the last two half-years' reviews.

Seeded once: nothing is added when the tables already hold records HR entered
(the flows' own records carry an instance and do not count).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from modules.hr import Employee, PerformanceReview, TrainingRecord

TRAININGS = [
    # employee, course, provider, starts, ends, hours, score, certificate (no score: still planned)
    ("E0001", "信息安全意识 Information security awareness", "内部培训 In-house", "2026-03-10", "2026-03-10", 3, 92,
     ""),
    ("E0001", "ITIL 4 Foundation", "AXELOS 授权培训机构", "2025-09-15", "2025-09-17", 21, 85, "ITIL4F-2025-0917-118"),
    ("E0004", "BPMN 2.0 流程建模 Process modelling", "Camunda Academy", "2025-11-03", "2025-11-05", 18, 88,
     "BPMN-CA-22871"),
    ("E0006", "顾问式销售 Consultative selling", "上海销售学院 Sales Academy", "2026-12-07", "2026-12-08", 14, None,
     ""),
    ("E0010", "会计继续教育 Accounting CPD", "上海财经大学继续教育学院", "2026-06-15", "2026-06-18", 24, 90,
     "CPD-2026-3321"),
    ("E0007", "叉车安全操作 Forklift safety", "上海特种设备培训中心", "2026-04-20", "2026-04-21", 16, 96,
     "T310115-2026-0421"),
    ("E0012", "新员工入职培训 Company induction", "内部培训 In-house", "2024-07-01", "2024-07-02", 12, 87, ""),
    ("E0013", "精益生产 Lean production", "TÜV 南德培训中心", "2027-01-11", "2027-01-13", 21, None, ""),
    ("E0011", "劳动法实务 Labour law in practice", "上海人力资源协会", "2026-12-14", "2026-12-14", 6, None, ""),
]

REVIEWS = [
    # employee, period, reviewer, rating, goals, comments
    ("E0001", "2026-H1", "bob", 4, "OA 系统迁移 OA migration", "迁移按期完成，文档完整"),
    ("E0004", "2026-H1", "bob", 5, "采购流程上线 Purchase flow live", "流程设计质量高，提前上线"),
    ("E0006", "2026-H1", "erin", 3, "华东新客户 8 家 Eight new East China accounts", "完成 6 家，回款及时"),
    ("E0012", "2026-H1", "erin", 3, "订单录入准确率 99%", "准确率 98.7%，态度认真"),
    ("E0010", "2026-H1", "carol", 4, "月结提前到 3 个工作日", "月结稳定在第 3 个工作日"),
    ("E0008", "2026-H1", "ivy", 2, "供应商准时交付率 95%", "准时率 88%，需加强跟催"),
    ("E0001", "2025-H2", "bob", 3, "服务台响应 4 小时内", "达标，夜间值班需改进"),
    ("E0006", "2025-H2", "erin", 4, "华东新客户 5 家", "完成 7 家"),
]


def seed_hr_history(session: Session) -> None:
    if session.scalar(select(TrainingRecord.id).where(TrainingRecord.instance_id.is_(None)).limit(1)) is None:
        _trainings(session)
    if session.scalar(select(PerformanceReview.id).where(PerformanceReview.instance_id.is_(None)).limit(1)) is None:
        _reviews(session)
    session.flush()


def _employees(session: Session) -> dict[str, Employee]:
    return {e.number: e for e in session.scalars(select(Employee))}


def _trainings(session: Session) -> None:
    staff = _employees(session)
    session.add_all(TrainingRecord(
        employee_number=no, employee_name=staff[no].name, department=staff[no].department, course=course,
        provider=provider, starts_on=date.fromisoformat(starts), ends_on=date.fromisoformat(ends), hours=hours,
        status="planned" if score is None else "completed", score=score, certificate=certificate)
        for no, course, provider, starts, ends, hours, score, certificate in TRAININGS if no in staff)


def _reviews(session: Session) -> None:
    staff = _employees(session)
    session.add_all(PerformanceReview(
        employee_number=no, employee_name=staff[no].name, department=staff[no].department, period=period,
        reviewer=reviewer, rating=rating, goals=goals, comments=comments, status="completed",
        completed_at=_closed(period))
        for no, period, reviewer, rating, goals, comments in REVIEWS if no in staff)


def _closed(period: str) -> datetime:
    """Reviews of a half-year are closed in the middle of the month after it."""
    year = int(period[:4])
    return datetime(year, 7, 15) if period.endswith("H1") else datetime(year + 1, 1, 15)
