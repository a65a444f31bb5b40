"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import rule_sets, workplace  # noqa: E402,F401  (add the rule-set, delegate and comment routes to bp)
from .routes import bp

__all__ = ["bp"]
