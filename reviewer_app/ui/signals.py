"""Emitting Qt signals from Python: `emit(self.changed, value)`, not `self.changed.emit(value)`.

PySide6 6.12.0 hands back the result of `SignalInstance.emit()` (a bool) without a reference of
its own, so every emit from Python drops one reference to `True`. On Python 3.11, where `True` is
not immortal, a process dies with "Fatal Python error: bool_dealloc: deallocating True or False"
once that count reaches zero: a few thousand emits. The SLA countdown alone emits twice a second,
so the workstation would crash within the hour. PySide6 6.11.3 is not affected, and from Python
3.12 on `True` is immortal.

`emit()` emits and, where the fault was detected when this module was imported, gives the missing
reference back. Where there is no fault it is a plain emit.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_PROBES = 16


class _Probe(QObject):
    ping = Signal()


def _give_back(value: object) -> None:
    _py_incref(value)


_py_incref = ctypes.pythonapi.Py_IncRef
_py_incref.argtypes = [ctypes.py_object]
_py_incref.restype = None


def _detect() -> bool:
    """True if emitting drops a reference to its result."""
    probe = _Probe()
    results: list[object] = []
    before = sys.getrefcount(True)
    ping: Any = probe.ping  # the stubs say emit() returns None; it returns a bool
    for _ in range(_PROBES):
        results.append(ping.emit())
    # Held in `results`, each result should have added one reference.
    gained = sys.getrefcount(True) - before
    faulty = all(result is True for result in results) and gained < _PROBES // 2
    if faulty:
        for result in results:
            _give_back(result)  # before `results` lets go of the references it never had
    results.clear()
    return faulty


EMIT_DROPS_REFERENCE = _detect()


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`, safe from the reference fault of PySide6 6.12.0."""
    result = signal.emit(*args)
    if EMIT_DROPS_REFERENCE and isinstance(result, bool):
        _give_back(result)
