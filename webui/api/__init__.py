"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import docs, rule_sets, workplace  # noqa: E402,F401  (add the description, rule-set, delegate and comment routes)
from .routes import bp

__all__ = ["bp"]
