"""OpsFlow's workflow engine: the kernel, and beside it the workplace, the jobs and identity (see README.md).

Import from here; the submodules and subpackages are internal. Importing the package plugs the job
system into the kernel (`jobs/__init__.py`).
"""
from . import analytics, audit, backup, behind_figures, bottlenecks, field_crypto, integration, names
from .access import EVERYONE, AccessGrant, AccessPolicy, Grant, parse_principals
from .audit import AuditEntry
from .clock import aware_utcnow, utcnow
from .database import configure_engine, engine_options, make_engine, refresh_statistics, write_sessions
from .definitions import Bundle, DeployResult, bpmn_files
from .dmn_checks import DecisionReport, decision_report, decisions_in
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
from .identity import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    MIN_PASSWORD_LENGTH,
    SCOPES,
    TOKEN_ADDRESS,
    ApiToken,
    Group,
    LoginSessions,
    LoginThrottle,
    SessionLimits,
    ThrottleKey,
    ThrottleLimits,
    TokenCheck,
    User,
    WeakPassword,
    authenticate,
    change_password,
    check_password_policy,
    check_token,
    create_token,
    create_user,
    deactivate_user,
    identify_bearer,
    note_use,
    revoke_token,
    scope_allows,
    set_password,
    tokens_page,
    user_for_token,
)
from .jobs import (
    Job,
    JobRunner,
    JobTicket,
    PastRowsRollup,
    RunReport,
    add_job,
    add_unique_job,
    arm_timer_starts,
    bulk_start,
    rebuild_rollups,
    register_kind,
    roll_up,
)
from .messages import Delivery
from .migration import Blocker, MigrationCheck
from .models import Base, Event, HumanTask, ProcessDefinition, ProcessInstance
from .parser import ParsedProcess, SourceFile, parse_dmn
from .prepared import Prepared
from .runtime import WorkflowEngine
from .scripting import ScriptLimits, StateTooLarge
from .services import ServiceCall, ServiceRegistry
from .storable import ID_MAX, INT64_MAX, INT64_MIN, escape_unstorable, fits_int64, storable_number, unstorable_char
from .task_events import has_event, reassign, record
from .tasks import QUEUES, InboxKey, in_queue_order, inbox_key, queue_filter
from .tasks import to_view as task_view
from .version_diff import ElementChange, PropertyChange, VersionDiff, diff_versions
from .views import ADDRESS, SYSTEM, Actor, EventView, InstanceView, TaskView
from .work_calendar import CalendarDay, WorkCalendar, set_day
from .work_calendar import load as load_calendar
from .workplace import (
    ATTACHMENT_TYPES,
    AttachmentView,
    CommentView,
    Mailer,
    SavedFilter,
    SmtpSettings,
    StagedFile,
    Workplace,
    discard_staged,
    smtp_mailer,
    unread_count,
)

__all__ = [
    "ADDRESS", "analytics", "audit", "backup", "behind_figures", "bottlenecks", "bulk_start", "field_crypto",
    "integration", "names", "AccessGrant", "AccessPolicy", "EVERYONE", "Grant", "parse_principals",
    "AuditEntry", "Encrypted", "FieldKeyError", "Keyring",
    "Actor", "ApiToken", "Job", "JobRunner", "JobTicket", "RunReport", "add_job", "add_unique_job",
    "Base", "Bundle", "Conflict", "Delivery", "DefinitionError", "DeployResult", "Event",
    "EventView", "Forbidden", "Group", "HumanTask", "InstanceView", "InvalidData", "NotFound",
    "OpsFlowError", "Prepared", "Problem", "QUEUES", "InboxKey", "in_queue_order", "inbox_key", "ProcessDefinition",
    "ProcessInstance",
    "SYSTEM",
    "ScriptError",
    "ScriptLimits", "StateTooLarge",
    "ServiceCall", "ServiceError", "ServiceRegistry", "TaskView", "User", "WorkflowEngine", "Workplace",
    "authenticate", "bpmn_files", "configure_engine", "create_token", "create_user", "engine_options",
    "has_event", "make_engine", "refresh_statistics", "queue_filter", "reassign", "record",
    "task_view", "write_sessions", "CalendarDay", "WorkCalendar", "set_day", "load_calendar", "register_kind",
    "roll_up", "rebuild_rollups", "PastRowsRollup",
    "ElementChange", "PropertyChange", "VersionDiff", "diff_versions", "Blocker", "MigrationCheck",
    "user_for_token", "utcnow", "aware_utcnow", "validate_form", "arm_timer_starts",
    "ID_MAX", "INT64_MAX", "INT64_MIN", "escape_unstorable", "fits_int64", "storable_number", "unstorable_char",
    "change_password", "deactivate_user", "set_password", "SCOPES", "TokenCheck", "check_token", "note_use",
    "identify_bearer",
    "revoke_token", "scope_allows", "tokens_page", "LoginSessions", "SessionLimits", "LoginThrottle",
    "ThrottleKey", "ThrottleLimits", "TOKEN_ADDRESS", "DEFAULT_TOKEN_DAYS", "MAX_TOKEN_DAYS", "WeakPassword",
    "check_password_policy", "MIN_PASSWORD_LENGTH", "ParsedProcess", "SourceFile", "parse_dmn",
    "DecisionReport", "decision_report", "decisions_in",
    "ATTACHMENT_TYPES", "AttachmentView", "CommentView", "Mailer", "SavedFilter", "SmtpSettings", "StagedFile",
    "discard_staged", "smtp_mailer", "unread_count",
]
