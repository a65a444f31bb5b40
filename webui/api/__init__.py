"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import definitions, docs, instances, messages, rule_sets, workplace  # noqa: E402,F401  (add their routes)
from .routes import bp

__all__ = ["bp"]
