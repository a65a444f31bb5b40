"""Demo instances of the business flows in every state: orders, supplier onboarding, expense claims,
production, hiring, performance reviews, and purchase requests listing several lines.

Started only when the database has no order_handling instance yet, so
seeding twice adds nothing.
"""
from __future__ import annotations

import io
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import InstanceView, ProcessInstance, WorkflowEngine, Workplace

from .demo_people import demo_actor
from .demo_receipts import receipt_pdf
from .extensions import workplace

_actor = demo_actor


def _do(engine: WorkflowEngine, view: InstanceView, task_name: str, who: str, **data: Any) -> InstanceView:
    task = next(t for t in view.tasks if t.status == "open" and t.task_name == task_name)
    return engine.complete(task.id, _actor(who), data)


def _orders(engine: WorkflowEngine) -> int:
    def order(customer: str, *lines: tuple[str, int, float]) -> InstanceView:
        data = {"customer_code": customer, "warehouse": "SH-01", "lines": json.dumps(
            [{"item_code": code, "quantity": qty, "unit_price": price} for code, qty, price in lines])}
        return engine.start("order_handling", data, _actor("frank"))

    shipped = order("C001", ("LAP-X1", 5, 12800), ("DOCK-U", 5, 599))
    shipped = _do(engine, shipped, "Task_ship", "grace", carrier="顺丰速运 SF Express", tracking_number="SF1402223340")
    _do(engine, shipped, "Task_await_payment", "jack", paid_on="2026-11-20", bank_reference="CMB20261120-0042")
    order("C002", ("MON-27", 12, 1690), ("DOCK-U", 12, 599), ("CHAIR-E", 2, 1800))  # to ship, and to be paid
    order("C004", ("DOCK-U", 20, 599), ("CHAIR-E", 3, 1800))  # over the shop's credit limit: sales manager
    # 2 servers in stock: a purchase request for 2 more, and the other lines wait with them
    order("C001", ("SRV-R", 4, 35000), ("MON-27", 4, 1690), ("DOCK-U", 4, 599), ("LAP-X1", 1, 12800))
    rejected = engine.start("order_handling", {"customer_code": "C004", "item_code": "CHAIR-E", "quantity": 10,
                                               "unit_price": 1800, "warehouse": "SH-01"}, _actor("frank"))
    _do(engine, rejected, "Task_credit_approval", "erin", decision="reject", comment="逾期账款未结清")
    return 6  # five orders and the purchase request the short one started


def _suppliers(engine: WorkflowEngine) -> int:
    def propose(code: str, name: str, category: str, contact: str, phone: str, who: str = "ivy") -> InstanceView:
        return engine.start("supplier_onboarding", {
            "code": code, "name": name, "category": category, "contact": contact, "phone": phone,
            "email": f"sales@{code.lower()}.example"}, _actor(who))

    propose("S-101", "苏州精工机械", "raw_materials", "陈工", "0512-6543-2100")  # documents to check
    checked = _do(engine, propose("S-102", "上海申通快递", "logistics", "吴经理", "95543", "erin"),
                  "Task_document_check", "henry", documents="complete")
    _do(engine, checked, "Task_manager_approval", "ivy", decision="approve")  # now an active supplier
    checking = propose("S-103", "临时供应商", "other", "无", "021-0000-0000")
    engine.cancel(checking.id, _actor("ivy"))
    return 3


def _expenses(engine: WorkflowEngine, place: Workplace) -> int:
    def claim(category: str, amount: float, text: str, fapiao: list[tuple[str, float, str]]) -> InstanceView:
        receipts = [place.stage(f"fapiao-{number}.pdf", io.BytesIO(receipt_pdf(number, part, seller)))
                    for number, part, seller in fapiao]
        return place.start_with_files("expense_reimbursement", {
            "category": category, "amount": amount, "expense_date": "2026-11-18", "description": text,
            "fapiao_numbers": ", ".join(n for n, _, _ in fapiao), "department": "Sales"}, _actor("frank"),
            {"receipts": receipts})

    claim("travel", 2380, "杭州客户拜访 高铁+酒店", [("04411201", 1460, "Hangzhou West Lake Hotel"),
                                              ("04411202", 920, "China Railway 12306")])  # with the sales manager
    _do(engine, claim("meals", 640, "客户午餐", [("04411230", 640, "Xinrong Restaurant")]),
        "Task_manager_approval", "erin", decision="approve")                              # with finance
    paid = _do(engine, claim("training", 1500, "销售技巧培训", [("04411245", 1500, "Shanghai Sales Academy")]),
               "Task_manager_approval", "erin", decision="approve")
    _do(engine, paid, "Task_finance_check", "jack", decision="approve")
    return 3


def _production(engine: WorkflowEngine) -> int:
    def work_order(quantity: int) -> InstanceView:
        return engine.start("production_order", {"product_code": "WS-OFFICE", "quantity": quantity,
                                                 "warehouse": "SH-01"}, _actor("kevin"))

    made = _do(engine, work_order(4), "Task_produce", "kevin")
    made = _do(engine, made, "Task_quality_check", "kevin", qc_result="fail", qc_inspector="何凯",
               qc_notes="两台电源线未固定")
    made = _do(engine, made, "Task_rework", "kevin", comment="重新固定电源线")
    _do(engine, made, "Task_quality_check", "kevin", qc_result="pass", qc_inspector="何凯")
    _do(engine, work_order(6), "Task_produce", "kevin")  # waiting for its quality check
    work_order(20)                                        # more cases than in stock: the planner decides
    return 3


def _hiring(engine: WorkflowEngine) -> int:
    def requisition(who: str, title: str, band: float) -> InstanceView:
        return engine.start("hiring", {"position_title": title, "department": "Sales", "salary_max": band,
                                       "reason": "华南市场扩张"}, _actor(who))

    requisition("frank", "销售助理 Sales assistant", 9000)   # waiting for HR
    view = _do(engine, requisition("frank", "大客户经理 Key account manager", 25000), "Task_hr_approval", "lily",
               decision="approve")
    view = _do(engine, view, "Task_head_approval", "erin", decision="approve")
    view = _do(engine, view, "Task_posting", "lily", channels="BOSS直聘, 猎聘")
    _do(engine, view, "Task_screening", "lily", screening="candidate_found", candidate_name="林晓",
        candidate_email="lin.xiao@example.com", interviewer_names="erin, frank")  # two interviews open
    return 2


def _reviews(engine: WorkflowEngine) -> int:
    def review(employee: str, reviewer: str, goals: str) -> InstanceView:
        return engine.start("performance_review", {"employee_number": employee, "period": "2026-H2",
                                                   "reviewer": reviewer, "goals": goals}, _actor("lily"))

    review("E0006", "erin", "华东新客户 8 家，回款周期 45 天内")                # frank assesses himself
    _do(engine, review("E0008", "ivy", "供应商准时交付率 95%"), "Task_self_assessment", "henry", self_rating="4",
        comment="准时率提升到 93%，新增两家备选供应商")                       # with ivy
    _do(engine, review("E0012", "erin", "订单录入准确率 99%"), "Task_manager_review", "erin", rating="4",
        comment="准确率 99.2%，主动整理客户资料")                             # no account: with HR to calibrate
    done = _do(engine, review("E0010", "carol", "月结提前到 3 个工作日"), "Task_self_assessment", "jack",
               self_rating="5", comment="月结稳定在 3 个工作日内")
    done = _do(engine, done, "Task_manager_review", "carol", rating="4", comment="稳定可靠，可承担更多分析工作")
    _do(engine, done, "Task_calibration", "lily", calibration="confirm")
    return 4


def _purchases_with_lines(engine: WorkflowEngine) -> int:
    def request(who: str, supplier: str, reason: str, *lines: tuple[str, str, int, str, float]) -> InstanceView:
        return engine.start("purchase_approval", {
            "supplier": supplier, "reason": reason, "department": "Sales",
            "lines": [{"item_code": code, "item": item, "quantity": qty, "unit": unit, "unit_price": price}
                      for code, item, qty, unit, price in lines]}, _actor(who))

    kit = request("frank", "联想 Lenovo", "三名销售新人入职套装",
                  ("LAP-X1", "ThinkPad X1 笔记本电脑", 3, "pcs", 9800), ("DOCK-U", "USB-C 扩展坞", 3, "pcs", 450),
                  ("", "无线键鼠套装", 3, "套", 199))
    _do(engine, kit, "Task_manager_approval", "erin", decision="approve", comment="按框架协议下单")  # ordered
    screens = request("frank", "Dell China", "销售内勤双屏改造",
                      ("MON-27", "27英寸显示器 27-inch monitor", 4, "pcs", 1200), ("", "显示器支架", 4, "pcs", 260))
    _do(engine, screens, "Task_manager_approval", "erin", decision="return",
        comment="支架请选可升降型号，并确认数量")  # back with frank to revise his lines
    return 2


def seed_flows(engine: WorkflowEngine, session: Session) -> int:
    has = session.scalar(select(func.count()).select_from(ProcessInstance)
                         .where(ProcessInstance.process_key == "order_handling"))
    if has:
        return 0
    return (_orders(engine) + _suppliers(engine) + _expenses(engine, workplace()) + _production(engine)
            + _hiring(engine) + _reviews(engine) + _purchases_with_lines(engine))
