"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import bulk_starts, definitions, docs, instances, messages, oversight, rule_sets, tasks, workplace  # noqa: F401  (routes)
from .routes import bp

__all__ = ["bp"]
