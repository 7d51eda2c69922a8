"""The repository's tooling, run as ``python -m tools.<name>`` from the repository's root."""
