"""The two kinds of failure the command line reports as one clear line."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: exit code 2, nothing written."""


class RenderError(Exception):
    """Something failed while working: exit code 1, nothing left behind."""
