"""A small purchase-approval history in January 2030 whose figures are worked out by hand below.

Each instance waits for one manager decision (¥1,000: no finance step); a rule decides as
rules/auto_approval does, through `complete` as the system with the rule named in the event.

| instance | started      | decided by | after | outcome |
|----------|--------------|------------|-------|---------|
| A        | Jan 2 09:00  | bob        | 4 h   | approve |
| B        | Jan 3 09:00  | bob        | 6 h   | approve |
| C        | Jan 4 09:00  | bob        | 72 h  | approve (past its 2-day due time: one SLA breach) |
| D        | Jan 14 09:00 | rule       | 1 h   | approve |
| E        | Jan 15 09:00 | rule       | 3 h   | approve |
| F        | Jan 16 09:00 | bob        | 2 h   | reject  |
| G        | Jan 17 09:00 | —          | open  |         |

January: 7 started, 6 completed, 6 decisions of which 2 by rule (share 1/3); manual median
cycle 6 h (A, B, C), rule median 2 h (D, E): time saved (6 − 2) h × 2 = 8 h. Cycle times of the
completed ones 1, 2, 3, 4, 6, 72 h: p50 (nearest rank) 3 h, p90 72 h.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine import Actor, WorkflowEngine
from rules.auto_approval import RULES_ACTOR

ALICE = Actor("alice", frozenset({"requesters"}), department="IT")
BOB = Actor("bob", frozenset({"IT-managers"}))
REQUEST = {"item": "Keyboard", "supplier": "Logi", "reason": "broken", "department": "IT", "quantity": 1,
           "unit_price": 1000}
HISTORY = [  # (day of January, decided by, hours, decision)
    (2, "bob", 4, "approve"), (3, "bob", 6, "approve"), (4, "bob", 72, "approve"), (14, "rule", 1, "approve"),
    (15, "rule", 3, "approve"), (16, "bob", 2, "reject"), (17, None, 0, None)]
HOUR = 3600.0


def make_history(eng: WorkflowEngine, clock: Any) -> list[int]:
    """Run the table above on `clock` (a settable clock the engine reads); the instance ids, in order."""
    ids = []
    for day, who, hours, decision in HISTORY:
        clock.now = datetime(2030, 1, day, 1, 0)  # 09:00 in China
        view = eng.start("purchase_approval", dict(REQUEST), ALICE)
        ids.append(view.id)
        if who is None:
            continue
        clock.now += timedelta(hours=hours)
        [task] = [t for t in eng.get(view.id).tasks if t.status == "open"]
        if who == "rule":
            eng.complete(task.id, RULES_ACTOR, {"decision": decision, "comment": "Automatically approved by rule"},
                         detail={"rule": "small amounts", "rule_set": "purchases", "rule_version": 1})
        else:
            eng.complete(task.id, BOB, {"decision": decision, "comment": "ok"})
    return ids
