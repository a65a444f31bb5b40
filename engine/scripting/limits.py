"""The hard limits on what a BPMN script may cost, and on how big an instance's state may grow.

A script that loops forever, computes `7 ** 10000000` or builds a 20 MB string must not hold the
database's write lock, take the server's memory or make every later save of its instance slow.
`ScriptLimits` holds the bounds; the engine takes it as a constructor argument, else reads it from
the environment (`ScriptLimits.from_environment`, documented in engine/README.md).
"""
from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import OpsFlowError

MB = 1024 * 1024
# an int result above this many bits takes noticeable time to compute and to print
MAX_INT_BITS = 65_536


class StateTooLarge(OpsFlowError):
    """A step would leave the instance's serialized state above the limit; the step is not saved."""

    status = 422


@dataclass(frozen=True)
class ScriptLimits:
    """`seconds`: wall-clock time of one script or expression run in the sandbox; `memory`: bytes of
    address space of the sandbox process; `data`: bytes of JSON a script may leave in the instance
    (and the size of any one value an in-process expression may build); `state`: bytes of the whole
    serialized instance state a step may save."""

    seconds: float = 1.0
    memory: int = 256 * MB
    data: int = 1 * MB
    state: int = 8 * MB

    def __post_init__(self) -> None:
        for name in ("seconds", "memory", "data", "state"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"script limit {name} must be a positive number, not {value!r}")
        if self.memory < 32 * MB:
            raise ValueError(f"script limit memory must be at least 32 MB (the sandbox process itself needs "
                             f"about 16 MB), not {size(self.memory)}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ScriptLimits:
        """OPSFLOW_SCRIPT_SECONDS, OPSFLOW_SCRIPT_MEMORY_MB, OPSFLOW_SCRIPT_DATA_MB, OPSFLOW_STATE_MB."""
        values: dict[str, float | int] = {}
        for field, variable, scale in (("seconds", "OPSFLOW_SCRIPT_SECONDS", 1), ("memory", "OPSFLOW_SCRIPT_MEMORY_MB",
                                       MB), ("data", "OPSFLOW_SCRIPT_DATA_MB", MB), ("state", "OPSFLOW_STATE_MB", MB)):
            text = environ.get(variable, "").strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{variable} must be a number, not {text!r}") from None
            values[field] = number if scale == 1 else int(number * scale)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"{exc} (from the OPSFLOW_SCRIPT_* / OPSFLOW_STATE_MB environment)") from None

    def check_state(self, length: int, process: str, element: str) -> None:
        if length > self.state:
            raise StateTooLarge(
                f"process {process}: after {element!r} the instance's state would be {size(length)} of JSON, "
                f"above the limit of {size(self.state)}; nothing of this step was saved",
                {"element": element, "size": length, "limit": self.state})


def size(n: float) -> str:
    """Bytes as a person reads them: `512 KB`, `1 MB`, `20.5 MB`."""
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{int(n)} bytes"


def seconds(s: float) -> str:
    return f"{s:g} s"
