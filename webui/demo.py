"""Demo accounts and a few purchase requests in every state, so a new user sees a living system."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import ProcessInstance, WorkflowEngine, create_user
from rules import RuleStore

from .demo_company import seed_company
from .demo_flows import seed_flows
from .demo_hr import seed_hr_history
from .demo_people import DEMO_PASSWORD, DEMO_USERS, demo_actor

DEMO_REQUESTS = [
    # item, supplier, quantity, unit price, reason, what happens next
    ("ThinkPad X1 笔记本电脑", "联想 Lenovo", 3, 9800.0, "新员工入职", "wait_manager"),
    ("会议室显示器", "京东企业购", 2, 1999.0, "替换损坏设备", "approve"),
    ("服务器机柜", "华为 Huawei", 4, 16800.0, "机房扩容", "wait_finance"),
    ("人体工学椅", "震旦 AURORA", 10, 1200.0, "办公环境改善", "reject"),
]


DEMO_RULE_SET = ("Purchases under ¥5,000", "purchase_approval", "Task_manager_approval")
DEMO_RULES = [
    {"name": "probation", "decision": "never",
     "when": [{"fact": "requester_on_probation", "op": "==", "value": True}]},
    {"name": "small, from a trusted supplier", "decision": "approve",
     "when": [{"fact": "auto_approval_eligible", "op": "==", "value": True},
              {"fact": "supplier_rating", "op": ">=", "value": 4}]},
]


def seed_users(session: Session) -> None:
    """The demo accounts and the company's master data (departments, suppliers, items, budgets...)."""
    for username, display, dept, groups, roles in DEMO_USERS:
        create_user(session, username, DEMO_PASSWORD, groups=groups, roles=roles, department=dept,
                    display_name=display, check_policy=False)
    seed_company(session)
    seed_hr_history(session)


def seed_instances(engine: WorkflowEngine, session: Session) -> int:
    """Start the demo requests once, then the other flows' demo instances once; returns how many started."""
    started = _seed_purchase_requests(engine, session)
    return started + seed_flows(engine, session)


def _seed_purchase_requests(engine: WorkflowEngine, session: Session) -> int:
    if session.scalar(select(func.count()).select_from(ProcessInstance)):
        return 0
    alice, bob, carol = demo_actor("alice"), demo_actor("bob"), demo_actor("carol")
    for item, supplier, qty, price, reason, plan in DEMO_REQUESTS:
        view = engine.start("purchase_approval", {"item": item, "supplier": supplier, "quantity": qty,
                                                  "unit_price": price, "reason": reason, "department": "IT"},
                            alice)
        if plan == "wait_manager":
            continue
        task = next(t for t in view.tasks if t.status == "open")
        decision = "reject" if plan == "reject" else "approve"
        comment = "预算不足，下季度再申请" if plan == "reject" else "同意"
        engine.complete(task.id, bob, {"decision": decision, "comment": comment})
        if plan == "wait_finance":
            continue
        if plan == "approve":
            open_tasks = [t for t in engine.get(view.id).tasks if t.status == "open"]
            for t in open_tasks:
                engine.complete(t.id, carol, {"decision": "approve", "comment": "同意"})
    return len(DEMO_REQUESTS)


def seed_rule_sets(store: RuleStore) -> None:
    """The purchase manager's approval by rule, live: small requests from trusted suppliers, never on probation."""
    name, process_key, task_name = DEMO_RULE_SET
    if any((rs.process_key, rs.task_name) == (process_key, task_name) for rs in store.rule_sets()):
        return
    rule_set_id = store.create(name, process_key, task_name, "admin")
    store.save_draft(rule_set_id, DEMO_RULES, "admin")
    store.publish(rule_set_id, "admin")
