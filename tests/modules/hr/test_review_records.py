"""hr.open_review and hr.record_review: one review per employee and half-year, its rating written at the end."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from modules.hr import Employee, PerformanceReview
from modules.hr.review import OpenReview, RecordReview, open_review, record_review

OPEN = OpenReview(employee_number="E0006", period="2026-H1", reviewer="erin", goals="Grow the Hangzhou accounts")


@pytest.fixture
def session(db: Engine):
    with Session(db) as session, session.begin():
        session.add_all([Employee(number="E0006", name="赵强 Frank Zhao", department="Sales", username="frank"),
                         Employee(number="E0012", name="马超 Leo Ma", department="Sales", username=""),
                         Employee(number="E0099", name="Gone", department="Sales", status="left")])
    with Session(db) as session:
        yield session


def _call(session: Session, instance_id: int = 5, task: str = "Task_open_review") -> ServiceCall:
    return ServiceCall(session=session, instance_id=instance_id, task_name=task, actor="lily",
                       process_key="performance_review")


def test_a_review_opens_once_per_instance_and_says_who_assesses_themselves(session: Session) -> None:
    first = open_review(_call(session), OPEN)
    assert open_review(_call(session), OPEN) == first
    assert (first["employee_name"], first["department"], first["username"]) == ("赵强 Frank Zhao", "Sales", "frank")
    leo = open_review(_call(session, 6), OpenReview(employee_number="E0012", period="2026-H1", reviewer="erin"))
    assert leo["username"] == "", "no account: nobody to assess themselves"
    [review, _] = session.scalars(select(PerformanceReview).order_by(PerformanceReview.id)).all()
    assert (review.period, review.reviewer, review.status, review.rating) == ("2026-H1", "erin", "in_review", None)


@pytest.mark.parametrize(("change", "message"), [
    ({"employee_number": "E0404"}, "employee_number: no current employee"),
    ({"employee_number": "E0099"}, "employee_number: no current employee"),
    ({"period": "2026-Q1"}, "period: '2026-Q1' is not a half-year"),
    ({"reviewer": "frank"}, "reviewer: name someone other than the employee"),
])
def test_a_review_that_cannot_be_is_refused(session: Session, change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_review(_call(session), OpenReview(**{**OPEN.__dict__, **change}))


def test_a_second_review_for_the_same_half_year_is_refused(session: Session) -> None:
    open_review(_call(session, 5), OPEN)
    with pytest.raises(ValueError, match="E0006 already has a review for 2026-H1"):
        open_review(_call(session, 6), OPEN)


def test_recording_writes_the_settled_rating_and_a_retry_changes_nothing(session: Session) -> None:
    open_review(_call(session), OPEN)
    req = RecordReview(rating="4", comments="Strong quarter", self_assessment="Met targets", self_rating="5")
    record_review(_call(session, task="Task_record_review"), req)
    review = session.scalars(select(PerformanceReview)).one()
    done_at = review.completed_at
    record_review(_call(session, task="Task_record_review"), req)
    assert (review.rating, review.self_rating, review.status, review.completed_at) == (4, 5, "completed", done_at)
    with pytest.raises(ValueError, match="rating: must be 1 to 5"):
        record_review(_call(session, task="Task_record_review"), RecordReview(rating="6", comments=""))
