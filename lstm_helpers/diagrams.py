"""Kept only while :mod:`lstm_helpers.cheatsheet` imports ``describe_call`` from here; it now
lives in :mod:`lstm_helpers.figures` (delete this file when the cheat sheet imports it there)."""

from lstm_helpers.figures import describe_call  # noqa: F401
