"""Automatic-approval and escalation rules: typed inputs in, a decision with its reason out.

Rules decide and act only through the engine, as the actor "system", so every automatic
decision sits in the same audit trail as a human one. Business facts (a supplier's rating,
a requester's probation) come from providers the modules register in `FactProviders`;
rules never import a module.
"""
from .auto_approval import RULES_ACTOR, BacktestResult, RunSummary, backtest, run_rule_set
from .evaluation import DECISIONS, MISSING, OPERATORS, Decision, RuleError, check, evaluate
from .facts import FactContext, FactProviders
from .models import RuleAudit, RuleSet, RuleSetVersion
from .run_jobs import RULE_RUN_JOB
from .scheduled import RuleRuns, run_due
from .store import RuleStore

__all__ = [
    "DECISIONS", "MISSING", "OPERATORS", "RULES_ACTOR", "RULE_RUN_JOB", "BacktestResult", "Decision",
    "FactContext", "FactProviders", "RuleAudit", "RuleError", "RuleRuns", "RuleSet", "RuleSetVersion", "RuleStore",
    "RunSummary", "backtest", "check", "evaluate", "run_due", "run_rule_set",
]
