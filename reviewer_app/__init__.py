"""Reviewer Workstation: admit or decline freelancer profile applications."""

__version__ = "0.1.0"
