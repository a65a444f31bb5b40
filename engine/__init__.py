"""OpsFlow's workflow kernel. Import from here; the submodules are internal."""
from . import analytics, audit, field_crypto
from .access import EVERYONE, AccessGrant, AccessPolicy, Grant, parse_principals
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
from .audit import AuditEntry
from .clock import aware_utcnow, utcnow
from .database import configure_engine, engine_options, make_engine, refresh_statistics, write_sessions
from .definitions import Bundle, DeployResult, bpmn_files
from .errors import (
    Conflict,
    DefinitionError,
    Forbidden,
    InvalidData,
    NotFound,
    OpsFlowError,
    Problem,
    ScriptError,
    ServiceError,
)
from .field_crypto import Encrypted, FieldKeyError, Keyring
from .forms import validate as validate_form
from .identity import Group, User
from .jobs import Job, JobRunner, JobTicket, RunReport, add_job, add_unique_job
from .login_sessions import LoginSessions, SessionLimits
from .login_throttle import TOKEN_ADDRESS, LoginThrottle, ThrottleKey, ThrottleLimits
from .models import Base, Event, HumanTask, ProcessDefinition, ProcessInstance
from .password_policy import MIN_LENGTH as MIN_PASSWORD_LENGTH
from .password_policy import WeakPassword, check_password_policy
from .runtime import WorkflowEngine
from .script_limits import ScriptLimits, StateTooLarge
from .services import ServiceCall, ServiceRegistry
from .storable import ID_MAX, INT64_MAX, INT64_MIN, escape_unstorable, fits_int64, storable_number, unstorable_char
from .task_events import has_event, reassign, record
from .tasks import QUEUES, queue_filter
from .tasks import to_view as task_view
from .timer_starts import arm as arm_timer_starts
from .views import ADDRESS, SYSTEM, Actor, EventView, InstanceView, TaskView
from .work_calendar import CalendarDay, WorkCalendar, set_day
from .workplace import Workplace

__all__ = [
    "ADDRESS", "analytics", "audit", "field_crypto", "AccessGrant", "AccessPolicy", "EVERYONE", "Grant",
    "parse_principals",
    "AuditEntry", "Encrypted", "FieldKeyError", "Keyring",
    "Actor", "ApiToken", "Job", "JobRunner", "JobTicket", "RunReport", "add_job", "add_unique_job",
    "Base", "Bundle", "Conflict", "DefinitionError", "DeployResult", "Event",
    "EventView", "Forbidden", "Group", "HumanTask", "InstanceView", "InvalidData", "NotFound",
    "OpsFlowError", "Problem", "QUEUES", "ProcessDefinition", "ProcessInstance", "SYSTEM", "ScriptError",
    "ScriptLimits", "StateTooLarge",
    "ServiceCall", "ServiceError", "ServiceRegistry", "TaskView", "User", "WorkflowEngine", "Workplace",
    "authenticate", "bpmn_files", "configure_engine", "create_token", "create_user", "engine_options",
    "has_event", "make_engine", "refresh_statistics", "queue_filter", "reassign", "record",
    "task_view", "write_sessions", "CalendarDay", "WorkCalendar", "set_day",
    "user_for_token", "utcnow", "aware_utcnow", "validate_form", "arm_timer_starts",
    "ID_MAX", "INT64_MAX", "INT64_MIN", "escape_unstorable", "fits_int64", "storable_number", "unstorable_char",
    "change_password", "deactivate_user", "set_password", "SCOPES", "TokenCheck", "check_token", "note_use",
    "revoke_token", "scope_allows", "tokens_page", "LoginSessions", "SessionLimits", "LoginThrottle",
    "ThrottleKey", "ThrottleLimits", "TOKEN_ADDRESS", "DEFAULT_TOKEN_DAYS", "MAX_TOKEN_DAYS", "WeakPassword",
    "check_password_policy", "MIN_PASSWORD_LENGTH",
]
