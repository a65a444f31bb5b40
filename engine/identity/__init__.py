"""Who people are and how they get in: users and groups, accounts and passwords, signed-in sessions,
throttled sign-in and API tokens. The kernel imports nothing of it: a step knows people only as an
`Actor` (a name, groups, roles)."""
from __future__ import annotations

from .accounts import authenticate, change_password, create_user, deactivate_user, set_password
from .api_tokens import DEFAULT_DAYS as DEFAULT_TOKEN_DAYS
from .api_tokens import MAX_DAYS as MAX_TOKEN_DAYS
from .api_tokens import (
    SCOPES,
    ApiToken,
    TokenCheck,
    check_token,
    create_token,
    note_use,
    revoke_token,
    scope_allows,
    tokens_page,
    user_for_token,
)
from .bearer import Bearer, identify_bearer
from .login_sessions import LoginSessions, SessionLimits
from .login_throttle import TOKEN_ADDRESS, LoginThrottle, ThrottleKey, ThrottleLimits
from .password_policy import MIN_LENGTH as MIN_PASSWORD_LENGTH
from .password_policy import WeakPassword, check_password_policy
from .users import Group, User, get_or_create_group, user_groups

__all__ = [
    "DEFAULT_TOKEN_DAYS", "MAX_TOKEN_DAYS", "MIN_PASSWORD_LENGTH", "SCOPES", "TOKEN_ADDRESS", "ApiToken", "Bearer",
    "Group", "LoginSessions", "LoginThrottle", "SessionLimits", "ThrottleKey", "ThrottleLimits", "TokenCheck", "User",
    "WeakPassword", "authenticate", "change_password", "check_password_policy", "check_token", "create_token",
    "create_user", "deactivate_user", "get_or_create_group", "identify_bearer", "note_use", "revoke_token",
    "scope_allows", "set_password", "tokens_page", "user_for_token", "user_groups",
]
