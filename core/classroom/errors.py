"""The one error a live class raises to a page: `ClassError`, a sentence a person can act on."""

from __future__ import annotations


class ClassError(ValueError):
    """A class action cannot be done: unknown or ended class, wrong teacher key, class full,
    bad nickname, too many answers, ...

    Args:
        message: one sentence that says what happened and what to do.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self):
        # Rebuilt with its sentence when it crosses a process boundary.
        return (type(self), (self.message,))
