"""Tests of lstm_helpers/figures/, one file per figure module (a package, so their names
may repeat the package tests' own: tests/test_engines.py, tests/figures/test_engines.py)."""
