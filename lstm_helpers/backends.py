"""(being written) backends."""

__all__: list[str] = []
