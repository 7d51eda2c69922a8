"""(being written) torch_port."""

__all__: list[str] = []
