"""Keep `None`, `True` and `False` alive under PySide6 6.12 on Python 3.11.

PySide6 6.12.0 drops one reference to `None` every time a signal emitted by Qt itself (a timer's
`timeout`, a button's `clicked`, an action's `triggered`, …) calls a Python slot. On Python 3.11,
where `None` is not immortal, the process then dies with "Fatal Python error: none_dealloc:
deallocating None" after a few thousand such calls: a 1 ms timer kills it within half a second,
the SLA countdown and the undo toast's animation within minutes. (`signals.emit` covers the
related fault on `True` for emits from Python; this covers what Qt emits.)

`pin()` adds a very large count to the reference counts of these three objects, which makes them
as good as immortal for the life of the process (the count drops by one per call: 2**48 calls is
beyond any session). Python 3.12 made them immortal itself, so there it does nothing. Measured
with tests/test_ui_workstation.py::test_qt_signals_do_not_eat_none.
"""

from __future__ import annotations

import ctypes
import sys

PIN = 1 << 48
_pinned = False


def pin() -> None:
    global _pinned
    if _pinned or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for value in (None, True, False):
        # ob_refcnt is the first field of every object in CPython 3.11 (Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(value)).value += PIN
    _pinned = True


pin()
