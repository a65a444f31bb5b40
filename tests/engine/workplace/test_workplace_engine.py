# ruff: noqa: F811  (pytest fixtures imported from workplace_fixtures are parameters here)
"""Delegation, absences, comments with mentions, drafts, bulk approval and notifications, on a real database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from workplace_fixtures import clock, people, place, start  # noqa: F401  (fixtures)

from engine import SYSTEM, Conflict, Forbidden, InvalidData, NotFound
from engine.workplace.models import Notification


def notes(place, username: str) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(n.kind, n.detail.get("title", "")) for n in place.notifications(username)]


def test_priority_and_due_date_come_from_the_bpmn(place, start) -> None:  # noqa: ANN001
    _, task_id = start()
    view = place.engine.task(task_id, SYSTEM)
    assert view.priority == "high"
    assert view.due_at == view.created_at + timedelta(days=1)


def test_a_group_member_delegates_with_a_reason_and_it_is_audited(place, start, people) -> None:  # noqa: ANN001
    instance_id, task_id = start()
    view = place.delegate(task_id, people["ann"], "dan", "Dan knows this supplier")
    assert view.assignee == "dan"
    history = place.engine.get(instance_id).history
    handed = [e for e in history if e.kind == "task_delegated"]
    assert [(e.actor, e.detail["to"], e.detail["reason"]) for e in handed] == [
        ("ann", "dan", "Dan knows this supplier")]
    assert ("task_assigned", "Review Laptop") in notes(place, "dan")
    # dan (not a reviewer) may now decide, ann no longer may
    with pytest.raises(Forbidden):
        place.engine.complete(task_id, people["ann"], {"decision": "approve"})
    place.engine.complete(task_id, people["dan"], {"decision": "approve"})


def test_who_may_delegate_and_to_whom_is_enforced(place, start, people) -> None:  # noqa: ANN001
    _, task_id = start()
    with pytest.raises(Forbidden):
        place.delegate(task_id, people["dan"], "ben", "not mine to give")
    with pytest.raises(InvalidData) as unknown:
        place.delegate(task_id, people["ann"], "nobody", "who?")
    assert "to" in unknown.value.errors
    with pytest.raises(InvalidData) as requester:
        place.delegate(task_id, people["ann"], "rita", "her own request")
    assert "may not decide" in requester.value.errors["to"]
    with pytest.raises(InvalidData) as no_reason:
        place.delegate(task_id, people["ann"], "ben", "  ")
    assert no_reason.value.errors == {"reason": "is required"}
    place.engine.claim(task_id, people["ben"])
    with pytest.raises(Forbidden):
        place.delegate(task_id, people["ann"], "dan", "ben has it")
    with pytest.raises(NotFound):
        place.delegate("no-such-task", people["ann"], "dan", "x")


def test_the_requester_cannot_hand_their_own_approval_to_a_friend(place, people) -> None:  # noqa: ANN001
    from engine import Actor

    rita = Actor("rita", frozenset({"requesters", "reviewers"}))  # a reviewer filing her own request
    view = place.engine.start("expense_check", {"item": "Boat", "amount": 9}, rita)
    assert ("group_task", "Review Boat") in notes(place, "ann")
    assert "group_task" not in [kind for kind, _ in notes(place, "rita")]  # she may not decide it: not told to
    with pytest.raises(Forbidden, match="separation of duties"):
        place.delegate(view.tasks[0].id, rita, "zed", "my friend will approve")


def test_an_absent_persons_tasks_go_to_the_deputy_who_also_sees_their_groups(place, start, people, clock) -> None:  # noqa: ANN001
    _, first = start("Chair")
    place.engine.claim(first, people["ben"])
    absence = place.set_absence(people["ben"], "dan", date(2026, 3, 1), date(2026, 3, 5), "holiday")
    assert place.engine.task(first, people["dan"]).assignee == "dan"  # moved when the absence began
    _, second = start("Desk")
    assert place.delegate(second, people["ann"], "ben", "you know desks").assignee == "dan"
    events = [e for e in place.engine.get(place.engine.task(second, people["dan"]).instance_id).history
              if e.kind == "task_delegated"]
    assert events[-1].detail["substitute_for"] == "ben"
    with place.engine.read() as session:
        assert "reviewers" in place.with_deputy_groups(session, people["dan"]).groups
        clock.advance(days=10)
        assert "reviewers" not in place.with_deputy_groups(session, people["dan"]).groups
    assert absence.deputy == "dan"
    clock.advance(days=-10)
    start("Lamp")
    assert ("group_task", "Review Lamp") in notes(place, "dan")  # the deputy hears of ben's new group tasks
    with pytest.raises(InvalidData):
        place.set_absence(people["ben"], "ben", date(2026, 3, 1), date(2026, 3, 2))
    with pytest.raises(InvalidData):
        place.set_absence(people["ben"], "dan", date(2026, 3, 5), date(2026, 3, 1))


def test_comments_notify_mentioned_people_in_the_same_transaction(place, start, people) -> None:  # noqa: ANN001
    instance_id, _ = start()
    comment = place.add_comment(instance_id, people["rita"], "@ann please check the receipt; cc @nobody @rita")
    assert comment.mentions == ("ann", "rita")
    assert [n.kind for n in place.notifications("ann")].count("mention") == 1
    assert "mention" not in [n.kind for n in place.notifications("rita")]  # not to oneself
    assert [c.body for c in place.comments(instance_id, people["ann"])] == [comment.body]
    with pytest.raises(Forbidden):
        place.add_comment(instance_id, people["zed"], "let me in")
    with pytest.raises(Forbidden):
        place.comments(instance_id, people["zed"])
    with pytest.raises(InvalidData):
        place.add_comment(instance_id, people["ann"], "   ")


def test_new_tasks_and_decisions_notify_the_people_concerned(place, start, people) -> None:  # noqa: ANN001
    _, task_id = start()
    assert notes(place, "ann") == [("group_task", "Review Laptop")]
    assert notes(place, "dan") == []
    place.engine.complete(task_id, people["ben"], {"decision": "approve", "comment": "fine"})
    assert notes(place, "rita")[0] == ("decision", "Review Laptop")
    with place.engine.read() as session:
        detail = session.scalar(select(Notification.detail).where(Notification.username == "rita"))
        assert detail["outcome"] == "approve"
    place.mark_read("rita")
    assert all(n.read_at for n in place.notifications("rita"))


def test_a_refused_completion_leaves_no_notification(place, start, people) -> None:  # noqa: ANN001
    _, task_id = start()
    with pytest.raises(InvalidData):
        place.engine.complete(task_id, people["ann"], {"decision": "reject"})  # reason missing
    assert notes(place, "rita") == []


def test_overdue_tasks_remind_once(place, start, clock) -> None:  # noqa: ANN001
    start()
    assert place.notify_overdue() == 0
    clock.advance(days=2)
    assert place.notify_overdue() == 2  # ann and ben, the reviewers
    assert place.notify_overdue() == 0
    assert ("overdue", "Review Laptop") in notes(place, "ben")


def test_drafts_are_kept_per_person_until_discarded(place, start, people) -> None:  # noqa: ANN001
    _, task_id = start()
    place.save_draft(task_id, people["ann"], {"comment": "half way"})
    assert place.draft(task_id, people["ann"]) == {"comment": "half way"}
    assert place.draft(task_id, people["ben"]) is None
    with pytest.raises(Forbidden):
        place.save_draft(task_id, people["dan"], {"comment": "not mine"})
    place.discard_draft(task_id, people["ann"])
    assert place.draft(task_id, people["ann"]) is None


def test_bulk_approve_decides_each_task_on_its_own(place, start, people) -> None:  # noqa: ANN001
    ids = [start(item)[1] for item in ("A", "B", "C")]
    place.engine.claim(ids[1], people["ben"])  # ann may no longer decide B
    results = place.bulk_approve([*ids, "missing"], people["ann"], "all fine")
    assert [(r.ok, r.status) for r in results] == [(True, 200), (False, 403), (True, 200), (False, 404)]
    assert "claimed by ben" in results[1].error
    for task_id in (ids[0], ids[2]):
        view = place.engine.task(task_id, people["ann"])
        assert (view.status, view.outcome, view.comment, view.completed_by) == (
            "completed", "approve", "all fine", "ann")
    with pytest.raises(Conflict):
        place.engine.claim(ids[0], people["ann"])


def test_bulk_approve_is_refused_where_the_process_does_not_allow_it(place, people) -> None:  # noqa: ANN001
    from tiny_bpmn import bundle
    from workplace_fixtures import FORM, review_xml

    place.engine.deploy_bundle(bundle(review_xml(bulk=False, priority=None), "expense_check.bpmn", {"review": FORM}))
    view = place.engine.start("expense_check", {"item": "Car", "amount": 1}, people["rita"])
    task_id = view.tasks[0].id
    assert place.bulk_capable([task_id]) == set()
    [result] = place.bulk_approve([task_id], people["ann"])
    assert (result.ok, result.status) == (False, 422)
    assert place.engine.task(task_id, people["ann"]).priority == "normal"


def test_the_schedulers_reminders_and_reassignments_notify_too(place, start, people) -> None:  # noqa: ANN001
    from engine.task_events import reassign, record

    instance_id, task_id = start()
    record(place.engine, instance_id, "task_reminded", "system", task_id=task_id, task_name="review")
    assert ("overdue", "Review Laptop") in notes(place, "ben")
    reassign(place.engine, task_id, "dan", "system", rule="escalate")
    assert ("task_assigned", "Review Laptop") in notes(place, "dan")


def test_a_task_born_for_someone_away_goes_to_their_deputy(place, people) -> None:  # noqa: ANN001
    from tiny_bpmn import bundle, linear, user

    task = user("check", "reviewers", title='"Check " + item').replace(
        "</spiffworkflow:properties>", '<spiffworkflow:property name="assignee" value="&quot;ben&quot;" />'
                                       "</spiffworkflow:properties>")
    place.engine.deploy_bundle(bundle(linear("direct_check", task), "direct_check.bpmn"))
    place.set_absence(people["ben"], "dan", date(2026, 3, 1), date(2026, 3, 3))
    view = place.engine.start("direct_check", {"item": "Tent"}, people["rita"])
    assert [t.assignee for t in view.tasks] == ["dan"]
    substituted = [e for e in place.engine.get(view.id).history if e.kind == "task_substituted"]
    assert substituted[0].detail["substitute_for"] == "ben"
    assert ("task_assigned", "Check Tent") in notes(place, "dan")
