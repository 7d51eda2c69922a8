"""(being written) reference."""

__all__: list[str] = []
