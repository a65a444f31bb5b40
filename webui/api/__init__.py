"""REST API v1: JSON for other systems, authenticated with bearer tokens from `opsflow create-token`."""
from .routes import bp

__all__ = ["bp"]
