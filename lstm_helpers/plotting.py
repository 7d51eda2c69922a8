"""(being written) plotting."""

__all__: list[str] = []
