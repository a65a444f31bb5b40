"""The demo company's people: accounts, departments, groups and roles (password `demo`, for demo use only)."""
from __future__ import annotations

from engine import Actor

DEMO_PASSWORD = "demo"  # documented as demo only; the password policy would refuse it anywhere else
DEMO_USERS = [
    # username, display name, department, groups, roles
    ("alice", "Alice 王丽", "IT", ["requesters"], ["requester"]),
    ("bob", "Bob 张伟", "IT", ["requesters", "IT-managers"], ["requester", "manager"]),
    ("carol", "Carol 李娜", "Finance", ["requesters", "finance-directors"], ["requester", "manager"]),
    ("dave", "Dave 刘洋", "IT", ["requesters", "designers"], ["designer"]),
    ("admin", "Administrator 管理员", "IT", ["requesters", "admins"], ["admin"]),
    # the rest of the demo company, who work the sales, warehouse, procurement and finance flows
    ("erin", "Erin 陈静", "Sales", ["requesters", "Sales-managers"], ["requester", "manager"]),
    ("frank", "Frank 赵强", "Sales", ["requesters", "sales"], ["requester"]),
    ("grace", "Grace 孙燕", "Warehouse", ["requesters", "warehouse"], ["requester"]),
    ("henry", "Henry 周杰", "Procurement", ["requesters", "procurement"], ["requester"]),
    ("ivy", "Ivy 吴敏", "Procurement", ["requesters", "procurement-managers"], ["requester", "manager"]),
    ("jack", "Jack 郑浩", "Finance", ["requesters", "finance-clerks"], ["requester"]),
    ("kevin", "Kevin 何凯", "Production", ["requesters", "production", "production-planners", "quality"],
     ["requester", "manager"]),
    ("lily", "Lily 黄蕾", "HR", ["requesters", "hr"], ["requester"]),
]


def demo_actor(username: str) -> Actor:
    """The engine's Actor of a demo account, as signing in would give it, for seeding the demo flows."""
    _, _, department, groups, roles = next(u for u in DEMO_USERS if u[0] == username)
    return Actor(username, frozenset(groups), frozenset(roles), department)
