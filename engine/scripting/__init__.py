"""Where BPMN scripts and expressions run: the script engine SpiffWorkflow calls, RestrictedPython, the
in-process path for cheap code, the sandbox processes for everything else, and the limits they hold.
A part of the kernel: `runtime.py` and deploy-time validation use it."""
from __future__ import annotations

from .limits import MB, ScriptLimits, StateTooLarge
from .script_engine import OpsFlowScriptEngine, RestrictedEnvironment, ServiceTask, check_source

__all__ = ["MB", "OpsFlowScriptEngine", "RestrictedEnvironment", "ScriptLimits", "ServiceTask", "StateTooLarge",
           "check_source"]
