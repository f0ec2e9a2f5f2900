"""What a program may contain (operators, names, bounds), and the error that rejects one.

Every bound is checked before anything runs: the text's length, the number and nesting
of statements, the size of literals and loops, and the statements executed in the worst
case (both sides of every if counted). A program that breaks a rule gets one sentence
with its line and column.
"""

from __future__ import annotations

import ast
import re

from core.errors import ExpressionError
from core.language import functions

MAX_SOURCE_CHARS = 2_000
MAX_STATEMENTS = 60
MAX_BLOCK_DEPTH = 8  # nested if/for blocks
MAX_EXPRESSION_DEPTH = 60  # nodes from a statement down to its deepest leaf
MAX_LOOP_COUNT = 10_000
MAX_STEPS = 100_000  # statements executed, both branches of every if counted
MAX_CONSTANT = 1e15
CONSTANT_NAMES = tuple(functions.CONSTANTS)  # pi and e
RESERVED_NAMES = ("range", "f", *CONSTANT_NAMES)
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
COMPARISONS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


class ProgramError(ExpressionError):
    """A program cannot be accepted: one sentence, with its line and column (1-based).

    `message` starts with "Line L, column C: "; `position` is the 0-based index into
    the text, as for `ExpressionError`.
    """

    def __init__(
        self,
        reason: str,
        line: int | None = None,
        column: int | None = None,
        position: int | None = None,
    ) -> None:
        where = f"Line {line}, column {column}: " if line is not None else ""
        end = "" if reason.endswith((".", "?")) else "."
        super().__init__(f"{where}{reason}{end}", position)
        self.reason = reason
        self.line = line
        self.column = column

    def __reduce__(self):
        return (type(self), (self.reason, self.line, self.column, self.position))


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based (line, column) of the 0-based `index` into `text`."""
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def text_index(text: str, line: int, column: int) -> int:
    """The 0-based index into `text` of a 1-based (line, column), clamped to its end."""
    lines = re.split(r"(?<=\n)", text)
    return min(sum(len(part) for part in lines[: line - 1]) + column - 1, len(text))
