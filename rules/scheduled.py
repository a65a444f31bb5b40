"""What the scheduler does with rule sets each poll: run every rule set whose interval has passed.

Several schedulers may poll at once; `RuleStore.claim_run` lets exactly one of them take a
rule set's run for a period, and each task completion is itself optimistic, so a task is
never decided twice.
"""
from __future__ import annotations

from datetime import datetime

from engine import WorkflowEngine

from .auto_approval import Progress, RunSummary, run_rule_set
from .facts import FactProviders
from .store import RuleStore


def run_due(engine: WorkflowEngine, store: RuleStore, facts: FactProviders, now: datetime,
            force: bool = False, progress: Progress | None = None) -> list[RunSummary]:
    """Run the rule sets due at `now` (all of them with `force`, as `opsflow rules run` does)."""
    summaries = []
    for rule_set in store.rule_sets():
        if force or store.claim_run(rule_set.id, now):
            summaries.append(run_rule_set(engine, store, facts, rule_set.id, now, progress))
    return summaries
