"""The workstation's local SQLite store (SQLAlchemy 2): the only place that writes SQL."""
