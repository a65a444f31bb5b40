"""HR screens for training records and performance reviews, on the demo company."""
from __future__ import annotations

import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from modules.hr import PerformanceReview, TrainingRecord
from webui.extensions import db

Login = Callable[..., FlaskClient]


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def _keys(html: str) -> int:
    return html.count('data-testid="record-row"')


def test_training_records_search_filter_and_export(login: Login) -> None:
    client = login("lily")
    assert _keys(client.get("/hr/trainings").get_data(as_text=True)) == 9
    planned = client.get("/hr/trainings?status=planned").get_data(as_text=True)
    assert _keys(planned) == 3 and "精益生产 Lean production" in planned
    it = client.get("/hr/trainings?department=IT&q=itil").get_data(as_text=True)
    assert _keys(it) == 1 and "ITIL4F-2025-0917-118" in it
    assert client.get("/hr/trainings?department=Nowhere").status_code == 400
    rows = _sheet(client.get("/hr/trainings/export.xlsx?status=completed&department=IT").data)
    assert rows[0][:5] == ("Number", "Employee", "Name", "Department", "Course")
    assert sorted(r[4] for r in rows[1:]) == ["BPMN 2.0 流程建模 Process modelling", "ITIL 4 Foundation",
                                              "信息安全意识 Information security awareness"]


def test_reviews_filter_by_period_department_and_rating(login: Login) -> None:
    client = login("lily")
    page = client.get("/hr/reviews").get_data(as_text=True)
    assert _keys(page) == 12, "eight closed reviews and the four the demo flows opened for 2026-H2"
    assert '<option value="2025-H2"' in page and '<option value="2026-H2"' in page, "periods come from the reviews"
    assert _keys(client.get("/hr/reviews?period=2026-H1").get_data(as_text=True)) == 6
    sales = client.get("/hr/reviews?period=2026-H1&department=Sales").get_data(as_text=True)
    assert _keys(sales) == 2 and "★★★☆☆" in sales
    low = client.get("/hr/reviews?rating=2").get_data(as_text=True)
    assert _keys(low) == 1 and "周杰 Henry Zhou" in low
    assert client.get("/hr/reviews?rating=6").status_code == 400
    rows = _sheet(client.get("/hr/reviews/export.xlsx?period=2026-H2&status=completed").data)
    assert [(r[1], r[4], r[6]) for r in rows[1:]] == [("E0010", "2026-H2", 4)], "the review the demo finished"


def test_review_detail_shows_goals_and_comments(app: Flask, login: Login) -> None:
    with app.app_context():
        review_id = db.session.scalar(select(PerformanceReview.id).where(
            PerformanceReview.employee_number == "E0010", PerformanceReview.period == "2026-H2"))
    html = login("lily").get(f"/hr/reviews/item/{review_id}").get_data(as_text=True)
    for text in ("月结提前到 3 个工作日", "月结稳定在 3 个工作日内", "稳定可靠，可承担更多分析工作", "★★★★★"):
        assert text in html, text
    assert 'data-testid="record-instance"' in html, "a review a flow wrote links to its process"
    assert login("lily").get("/hr/reviews/item/abc").status_code == 404


def test_employee_page_lists_their_training_and_reviews(login: Login) -> None:
    html = login("lily").get("/hr/employees/item/E0001").get_data(as_text=True)
    trainings = html.split('data-testid="related-trainings"')[1].split("</section>")[0]
    assert trainings.count('data-testid="record-row"') == 2 and "ITIL 4 Foundation" in trainings
    reviews = html.split('data-testid="related-reviews"')[1].split("</section>")[0]
    assert reviews.count('data-testid="record-row"') == 2 and "2025-H2" in reviews and "2026-H1" in reviews
    bob = login("lily").get("/hr/employees/item/E0002").get_data(as_text=True)
    assert bob.count("None yet.") == 2, "no training and no review for bob"


def test_hr_starts_a_review_from_its_page(login: Login, engine) -> None:
    lily = login("lily")
    assert 'name="employee_number"' in lily.get("/hr/reviews/new").get_data(as_text=True)
    response = lily.post("/hr/reviews/new", data={"employee_number": "E0004", "period": "2026-H2",
                                                  "reviewer": "bob", "goals": "Designer handbook"})
    assert response.status_code == 302
    view = engine.get(int(response.headers["Location"].rsplit("/", 1)[1]))
    [task] = [t for t in view.tasks if t.status == "open"]
    assert (task.task_name, task.assignee) == ("Task_self_assessment", "dave")
    missing = lily.post("/hr/reviews/new", data={"employee_number": "E0004", "period": "", "reviewer": "bob",
                                                 "goals": "x"})
    assert missing.status_code == 422 and 'data-testid="error-period"' in missing.get_data(as_text=True)
    unknown = lily.post("/hr/reviews/new", data={"employee_number": "E0404", "period": "2026-H2", "reviewer": "bob",
                                                 "goals": "x"})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and 'data-testid="error-employee_number"' in page
    assert "No current employee E0404." in page
    taken = login("lily", "zh_CN").post("/hr/reviews/new", data={"employee_number": "E0004", "period": "2026-H2",
                                                                "reviewer": "bob", "goals": "x"})
    assert taken.status_code == 422 and "E0004 在 2026-H2 已有绩效考核。" in taken.get_data(as_text=True)


def test_the_reviewer_sees_the_goals_and_the_self_assessment(login: Login, engine, actor) -> None:
    [task] = [t for t in engine.open_tasks(actor("ivy")) if t.process == "performance_review"]
    assert task.title == "Review 周杰 Henry Zhou · 2026-H2"
    page = login("ivy").get(f"/tasks/{task.id}").get_data(as_text=True)
    facts = page.split('data-testid="earlier-approvals"')[0]
    for text in ("E0008", "周杰 Henry Zhou", "供应商准时交付率 95%", "Self rating"):
        assert text in facts, text
    assert "准时率提升到 93%，新增两家备选供应商" in page, "the self assessment among the earlier steps"
    assert 'name="rating"' in page and 'value="5"' in page


def _planned_training(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(TrainingRecord.id).where(TrainingRecord.status == "planned")
                                 .order_by(TrainingRecord.id))


def test_hr_records_a_planned_course_as_finished(app: Flask, login: Login) -> None:
    record = _planned_training(app)
    page = f"/hr/trainings/item/{record}"
    refused = login("alice").get(page)  # a colleague: HR keeps training records
    assert refused.status_code == 403 and "training-complete" not in refused.get_data(as_text=True)
    assert login("alice").post(f"{page}/complete", data={"score": "90"}).status_code == 403

    lily = login("lily")
    assert 'data-testid="training-complete"' in lily.get(page).get_data(as_text=True)
    bad = lily.post(f"{page}/complete", data={"score": "120", "certificate": "C-1"})
    assert bad.status_code == 422 and 'data-testid="error-score"' in bad.get_data(as_text=True)
    assert 'value="C-1"' in bad.get_data(as_text=True), "what was typed is kept"

    done = lily.post(f"{page}/complete", data={"score": "88", "certificate": "LEAN-0117"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Recorded as finished." in html and "LEAN-0117" in html
    assert 'data-testid="training-complete"' not in html, "a finished course offers no form"
    again = lily.post(f"{page}/complete", data={"score": "10"}, follow_redirects=True).get_data(as_text=True)
    assert "This course was already recorded as finished." in again
    with app.app_context():
        row = db.session.get(TrainingRecord, record)
        assert (row.status, float(row.score), row.certificate) == ("completed", 88.0, "LEAN-0117")
