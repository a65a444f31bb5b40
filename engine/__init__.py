"""OpsFlow's workflow kernel. Import from here; the submodules are internal."""
from . import analytics
from .clock import utcnow
from .database import configure_engine, engine_options, make_engine
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
from .forms import validate as validate_form
from .identity import ApiToken, Group, User, authenticate, create_token, create_user, user_for_token
from .models import Base, Event, HumanTask, ProcessDefinition, ProcessInstance
from .runtime import WorkflowEngine
from .services import ServiceCall, ServiceRegistry
from .tasks import QUEUES, queue_filter
from .tasks import to_view as task_view
from .views import SYSTEM, Actor, EventView, InstanceView, TaskView

__all__ = [
    "analytics", "Actor", "ApiToken", "Base", "Bundle", "Conflict", "DefinitionError", "DeployResult", "Event",
    "EventView", "Forbidden", "Group", "HumanTask", "InstanceView", "InvalidData", "NotFound",
    "OpsFlowError", "Problem", "QUEUES", "ProcessDefinition", "ProcessInstance", "SYSTEM", "ScriptError",
    "ServiceCall", "ServiceError", "ServiceRegistry", "TaskView", "User", "WorkflowEngine",
    "authenticate", "bpmn_files", "configure_engine", "create_token", "create_user", "engine_options",
    "make_engine", "queue_filter", "task_view", "user_for_token", "utcnow", "validate_form",
]
