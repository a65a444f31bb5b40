"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import docs, messages, rule_sets, workplace  # noqa: E402,F401  (add their routes to bp)
from .routes import bp

__all__ = ["bp"]
