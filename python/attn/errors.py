"""The package's one exception type."""


class AttnError(Exception):
    """A program that cannot be built, traced, parsed or compiled; the message
    says what and where (MLIR diagnostics included)."""
