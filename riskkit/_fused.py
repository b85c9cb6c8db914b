"""When to use the optional numba kernels (``pip install riskkit[fast]``).

The kernels live in :mod:`riskkit._kernels` and give the numpy path's numbers bit for
bit, so using them or not is a matter of speed only. Loading numba and its cached
kernels costs about 0.4 s per process, more than the kernels save on a small run, so
by default (mode ``"auto"``) a run uses them when it is large — at least
:data:`AUTO_WORK` risk-iterations — or when they are loaded already. The environment
variable ``RISKKIT_NUMBA`` sets the mode: ``0`` never, ``1`` always (when numba is
installed). Attributes of :mod:`riskkit._kernels` are reachable from here and load it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

__all__ = ["AUTO_WORK", "available", "enabled", "set_enabled", "use", "kernels"]

#: Risk-iterations from which a run loads the kernels in mode "auto".
AUTO_WORK = 1e8

_KERNELS = "riskkit._kernels"
_available = importlib.util.find_spec("numba") is not None
_mode: str = {"0": "off", "1": "on"}.get(os.environ.get("RISKKIT_NUMBA", ""), "auto")
_checked: bool | None = None


def available() -> bool:
    """True when numba is installed."""
    return _available


def enabled() -> bool:
    """True when the kernels may be used (numba installed, mode not "off")."""
    return _available and _mode != "off"


def set_enabled(flag: bool | str) -> bool | str:
    """Set the mode: True or "on", False or "off", or "auto"; returns the previous
    mode, to restore it."""
    global _mode
    previous = _mode
    mode = ("on" if flag else "off") if isinstance(flag, bool) else flag
    if mode not in ("on", "off", "auto"):
        raise ValueError(f"mode must be True, False, 'on', 'off' or 'auto', not {flag!r}")
    _mode = mode
    return previous


def kernels() -> ModuleType:
    """The kernel module, imported on first use (numba installed)."""
    return sys.modules.get(_KERNELS) or importlib.import_module(_KERNELS)


def use(work: float) -> bool:
    """Whether a run of ``work`` risk-iterations uses the kernels: enabled, worth it
    (mode "on", or already loaded, or ``work >= AUTO_WORK``), and reproducing numpy's
    draws on this installation (checked once per process; numpy does not promise that
    the algorithms behind ``Generator.choice`` and ``SeedSequence`` never change)."""
    global _checked
    if not enabled():
        return False
    if _mode == "auto" and work < AUTO_WORK and _KERNELS not in sys.modules:
        return False
    if _checked is None:
        _checked = bool(kernels().draws_match_numpy())
    return _checked


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(kernels(), name)
