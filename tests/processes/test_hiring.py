"""Hiring: requisition (HR, department head) → posting → screening → one interview per interviewer
(multi-instance) → offer (above the band also the director) → onboarding in parallel → employee in hr."""
from __future__ import annotations

import pytest
from flow_driver import Driver, open_names
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine import Actor, Forbidden, ServiceRegistry, WorkflowEngine
from modules.hr import Candidate, Department, Employee, Interview, Position, TrainingRecord

MIA = Actor("mia", groups=frozenset({"requesters"}), department="IT")
HANNA = Actor("hanna", groups=frozenset({"hr"}))
MIKE = Actor("mike", groups=frozenset({"IT-managers"}))
DORA = Actor("dora", groups=frozenset({"directors"}))
IRIS = Actor("iris", groups=frozenset({"it-support"}))
REQUISITION = {"position_title": "Backend developer", "department": "IT", "salary_max": 30000,
               "reason": "new ERP integration project"}


@pytest.fixture
def flow(workflow_engine: WorkflowEngine, db: Engine, registry: ServiceRegistry) -> Driver:
    with Session(db) as session, session.begin():
        session.add(Department(code="IT", name="IT"))
    return Driver(db, registry, "hiring")


def to_interviews(flow: Driver, interviewers: str = "mike, tom, una"):
    view = flow.start(REQUISITION, MIA)
    view = flow.complete(view, "Task_hr_approval", HANNA, decision="approve")
    view = flow.complete(view, "Task_head_approval", MIKE, decision="approve")
    view = flow.complete(view, "Task_posting", HANNA, channels="51job, BOSS直聘")
    return flow.complete(view, "Task_screening", HANNA, screening="candidate_found", candidate_name="林晓",
                         candidate_email="lin@example.com", interviewer_names=interviewers)


def interview(flow: Driver, view, who: str, recommendation: str):
    [task] = [t for t in view.tasks if t.status == "open" and t.assignee == who]
    return flow.settle(flow.engine().complete(task.id, Actor(who), {"recommendation": recommendation}))


def to_offer(flow: Driver):
    view = to_interviews(flow)
    for who, vote in (("una", "no_hire"), ("mike", "hire"), ("tom", "hire")):  # in any order
        view = interview(flow, view, who, vote)
    return view


def onboard(flow: Driver, view):
    assert open_names(view) == ["Task_hr_file", "Task_it_account", "Task_training_plan"]
    view = flow.complete(view, "Task_it_account", IRIS)
    view = flow.complete(view, "Task_training_plan", MIKE, training_courses="Company induction\nERP basics",
                         training_start="2026-12-01", training_days=2, training_hours=6)
    assert flow.rows(Employee) == [] and flow.rows(TrainingRecord) == [], \
        "no employee and no training before every onboarding task is done"
    return flow.complete(view, "Task_hr_file", HANNA)


def test_one_interview_per_interviewer_each_for_that_person_only(flow: Driver) -> None:
    view = to_interviews(flow)
    tasks = [t for t in view.tasks if t.status == "open"]
    assert sorted((t.task_name, t.assignee) for t in tasks) == [
        ("Task_interview", "mike"), ("Task_interview", "tom"), ("Task_interview", "una")]
    tom_task = next(t for t in tasks if t.assignee == "tom")
    with pytest.raises(Forbidden):
        flow.engine().complete(tom_task.id, MIKE, {"recommendation": "hire"})
    view = interview(flow, view, "tom", "hire")
    assert sorted(t.assignee for t in view.tasks if t.status == "open") == ["mike", "una"]


def test_recommended_within_band_is_hired_after_parallel_onboarding(flow: Driver) -> None:
    view = to_offer(flow)
    assert view.data["votes"] == {"mike": "hire", "tom": "hire", "una": "no_hire"}
    assert open_names(view) == ["Task_offer"]
    [position] = flow.rows(Position)
    assert (position.title, position.department, position.status) == ("Backend developer", "IT", "open")
    [candidate] = flow.rows(Candidate)
    assert (candidate.name, candidate.status, candidate.position_id) == ("林晓", "recommended", position.id)
    assert sorted((i.interviewer, i.recommendation) for i in flow.rows(Interview)) == [
        ("mike", "hire"), ("tom", "hire"), ("una", "no_hire")], "each vote stays with its interviewer"
    view = flow.complete(view, "Task_offer", HANNA, salary=28000, start_date="2026-12-01")
    view = flow.complete(view, "Task_offer_approval", MIKE, decision="approve")
    done = onboard(flow, view)
    assert (done.status, done.data["outcome"]) == ("completed", "hired")
    [employee] = flow.rows(Employee)
    assert (employee.name, employee.department, employee.position, employee.hired_on.isoformat()) == \
           ("林晓", "IT", "Backend developer", "2026-12-01")
    assert done.data["employee"]["number"] == employee.number
    assert [(t.employee_number, t.course, t.status, t.provider, t.ends_on.isoformat(), t.instance_id)
            for t in flow.rows(TrainingRecord)] == [
        (employee.number, "Company induction", "planned", "", "2026-12-02", view.id),
        (employee.number, "ERP basics", "planned", "", "2026-12-02", view.id)], "the training plan, for the new hire"
    assert (flow.rows(Position)[0].status, flow.rows(Candidate)[0].status) == ("filled", "hired")


def test_offer_above_the_band_also_needs_the_director(flow: Driver) -> None:
    view = flow.complete(to_offer(flow), "Task_offer", HANNA, salary=36000, start_date="2026-12-01")
    view = flow.complete(view, "Task_offer_approval", MIKE, decision="approve")
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.candidate_group) == ("Task_director_approval", "directors")
    done = onboard(flow, flow.complete(view, "Task_director_approval", DORA, decision="approve"))
    assert done.data["outcome"] == "hired" and len(flow.rows(Employee)) == 1
    assert [t.course for t in flow.rows(TrainingRecord)] == ["Company induction", "ERP basics"]


def test_director_rejecting_the_offer_hires_no_one(flow: Driver) -> None:
    view = flow.complete(to_offer(flow), "Task_offer", HANNA, salary=36000, start_date="2026-12-01")
    view = flow.complete(view, "Task_offer_approval", MIKE, decision="approve")
    done = flow.complete(view, "Task_director_approval", DORA, decision="reject", comment="above budget")
    assert (done.status, done.data["outcome"]) == ("completed", "not_hired") and flow.rows(Employee) == []


def test_a_majority_against_ends_without_a_hire(flow: Driver) -> None:
    view = to_interviews(flow, "mike, tom")
    view = interview(flow, view, "mike", "hire")
    done = interview(flow, view, "tom", "no_hire")
    assert (done.status, done.data["outcome"], done.data["hire_votes"]) == ("completed", "not_hired", 1)
    assert [c.status for c in flow.rows(Candidate)] == ["declined"] and flow.rows(Employee) == []


@pytest.mark.parametrize("rejecter", ["hr", "head"])
def test_a_rejected_requisition_stops_before_posting(flow: Driver, rejecter: str) -> None:
    view = flow.start(REQUISITION, MIA)
    if rejecter == "head":
        view = flow.complete(view, "Task_hr_approval", HANNA, decision="approve")
        done = flow.complete(view, "Task_head_approval", MIKE, decision="reject", comment="no headcount")
    else:
        done = flow.complete(view, "Task_hr_approval", HANNA, decision="reject", comment="no headcount")
    assert (done.data["outcome"], done.data["rejection_comment"]) == ("rejected", "no headcount")
    assert flow.rows(Position) == [], "no position opens for a rejected requisition"


def test_no_suitable_candidate_posts_the_position_again(flow: Driver) -> None:
    view = flow.start(REQUISITION, MIA)
    view = flow.complete(view, "Task_hr_approval", HANNA, decision="approve")
    view = flow.complete(view, "Task_head_approval", MIKE, decision="approve")
    view = flow.complete(view, "Task_posting", HANNA, channels="51job")
    again = flow.complete(view, "Task_screening", HANNA, screening="post_again")
    assert open_names(again) == ["Task_posting"]
