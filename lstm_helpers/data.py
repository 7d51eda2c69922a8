"""(being written) data."""

__all__: list[str] = []
