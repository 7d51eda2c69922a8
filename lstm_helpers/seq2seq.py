"""(being written) seq2seq."""

__all__: list[str] = []
