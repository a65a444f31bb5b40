"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from . import workplace  # noqa: E402,F401  (adds the delegate and comment routes to bp)
from .routes import bp

__all__ = ["bp"]
