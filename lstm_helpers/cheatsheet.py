"""(being written) cheatsheet."""

__all__: list[str] = []
