"""The reference queue service: the HTTP API the workstation talks to (FastAPI, SQLAlchemy)."""
