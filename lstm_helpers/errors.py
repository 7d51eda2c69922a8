"""(being written) errors."""

__all__: list[str] = []
