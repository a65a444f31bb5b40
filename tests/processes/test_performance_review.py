"""Performance review: HR opens it → self assessment (when the employee has an account) → the reviewer rates
→ HR calibrates (confirms or adjusts) → the settled rating is written to the employee's review in hr."""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import Actor, Forbidden, InvalidData, ProcessInstance, ServiceRegistry, WorkflowEngine
from modules.hr import Employee, PerformanceReview

LILY = Actor("lily", groups=frozenset({"hr"}))
FRANK = Actor("frank", groups=frozenset({"requesters"}))
ERIN = Actor("erin", groups=frozenset({"Sales-managers"}))
OPENING = {"employee_number": "E0006", "period": "2026-H1", "reviewer": "erin", "goals": "Grow Hangzhou accounts 20%"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    with Session(db) as session, session.begin():
        session.add_all([Employee(number="E0006", name="赵强 Frank Zhao", department="Sales", username="frank"),
                         Employee(number="E0012", name="马超 Leo Ma", department="Sales", username="")])
    return Driver(db, registry, "performance_review")


def the_review(flow: Driver) -> PerformanceReview:
    [review] = flow.rows(PerformanceReview)
    return review


def to_calibration(flow: Driver):
    view = flow.start(OPENING, LILY)
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.assignee) == ("Task_self_assessment", "frank")
    review = the_review(flow)
    assert (review.employee_name, review.department, review.status, review.rating) == \
           ("赵强 Frank Zhao", "Sales", "in_review", None), "the review is open from the start"
    view = flow.complete(view, "Task_self_assessment", FRANK, self_rating="5", comment="Signed two key accounts")
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.assignee, task.title) == \
           ("Task_manager_review", "erin", "Review 赵强 Frank Zhao · 2026-H1")
    with pytest.raises(Forbidden):
        flow.engine().complete(task.id, FRANK, {"rating": "5", "comment": "great"})
    view = flow.complete(view, "Task_manager_review", ERIN, rating="4", comment="Strong half, weak reporting")
    assert open_names(view) == ["Task_calibration"] and the_review(flow).rating is None
    return view


def test_confirmed_rating_is_recorded_with_both_assessments(flow: Driver) -> None:
    done = flow.complete(to_calibration(flow), "Task_calibration", LILY, calibration="confirm")
    assert (done.status, done.data["outcome"]) == ("completed", "completed")
    review = the_review(flow)
    assert (review.rating, review.self_rating, review.comments, review.self_assessment, review.calibration_note,
            review.status, review.instance_id) == (4, 5, "Strong half, weak reporting", "Signed two key accounts",
                                                   "", "completed", done.id)
    assert review.completed_at is not None


def test_hr_adjusting_the_rating_records_the_calibrated_one_and_why(flow: Driver) -> None:
    view = to_calibration(flow)
    [task] = [t for t in view.tasks if t.status == "open"]
    with pytest.raises(InvalidData, match="final_rating"):
        flow.engine().complete(task.id, LILY, {"calibration": "adjust"})
    done = flow.complete(view, "Task_calibration", LILY, calibration="adjust", final_rating="3",
                         calibration_note="Sales ratings above the curve this half")
    review = the_review(flow)
    assert (review.rating, review.calibration_note, review.comments) == \
           (3, "Sales ratings above the curve this half", "Strong half, weak reporting")
    assert done.data["outcome"] == "completed"


def test_an_employee_without_an_account_goes_straight_to_the_reviewer(flow: Driver) -> None:
    view = flow.start({**OPENING, "employee_number": "E0012"}, LILY)
    assert open_names(view) == ["Task_manager_review"]
    view = flow.complete(view, "Task_manager_review", ERIN, rating="3", comment="Reliable")
    flow.complete(view, "Task_calibration", LILY, calibration="confirm")
    review = the_review(flow)
    assert (review.employee_number, review.rating, review.self_rating, review.self_assessment) == \
           ("E0012", 3, None, "")


def test_a_review_that_cannot_be_opened_is_refused_at_the_start_and_writes_nothing(flow: Driver) -> None:
    flow.start(OPENING, LILY)
    with pytest.raises(InvalidData) as second:
        flow.start(OPENING, LILY)
    assert second.value.errors == {"period": "E0006 already has a review for 2026-H1"}
    with pytest.raises(InvalidData) as unknown:
        flow.start({**OPENING, "employee_number": "E0404", "period": "2026-H2"}, LILY)
    assert unknown.value.errors == {"employee_number": "no current employee 'E0404'"}
    assert len(flow.rows(PerformanceReview)) == 1
    assert len(flow.rows(ProcessInstance)) == 1, "a refused start leaves no instance behind"
