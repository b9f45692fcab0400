"""The workstation's screens (PySide6). The only package that imports Qt.

Importing it first protects `None`, `True` and `False` from PySide6 6.12's lost references on
Python 3.11 (see `refcounts`), for every widget, also in tests that build one widget alone.
"""

from reviewer_app.ui import refcounts as _refcounts  # noqa: F401  (pins on import)
