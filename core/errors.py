"""The two errors that `core` raises to a page: bad input, and work too large for its budget."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A typed expression cannot be accepted.

    Args:
        message: one sentence a person can act on.
        position: 0-based index into the text the person typed, or None.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __reduce__(self):
        # Rebuilt with its position when it comes back from a worker process.
        return (type(self), (self.message, self.position))


class BudgetExceeded(RuntimeError):
    """A computation would take more time or memory than its budget allows.

    Args:
        message: a sentence the page can show as it is.
        order: the first derivative order that could not be computed, if any.
        partial: results computed before the budget ran out (may be empty).
        transient: True when the server's state stopped it (busy, a worker died, the
            request was cancelled), not the work's size: the same request may succeed later.
    """

    def __init__(
        self,
        message: str,
        order: int | None = None,
        partial: tuple = (),
        transient: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.order = order
        self.partial = partial
        self.transient = transient

    def __reduce__(self):
        return (type(self), (self.message, self.order, self.partial, self.transient))
