"""(being written) overview."""

__all__: list[str] = []
