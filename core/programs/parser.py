"""Small programs (loops, branches) as functions of x: the validated record and its parser.

A person writes the body of `def f(x):` in a tiny Python subset: assignments,
`+ - * / **`, the allowed maths functions, `if/elif/else` on comparisons,
`for i in range(N)` with a constant N, and `return`. Python's own parser builds the
syntax tree (`ast.parse` only parses); `core.programs.checker` checks every node
against an allow-list, and the static cost is bounded before anything runs. Nothing
here compiles or evaluates the text: `core.programs.interpreter` walks the validated
tree with its own interpreter.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from core.programs.analysis import close_returns, count_steps
from core.programs.checker import Checker
from core.programs.rules import (
    MAX_SOURCE_CHARS,
    MAX_STEPS,
    ProgramError,
    line_column,
    text_index,
)


@dataclass(frozen=True)
class Program:
    """A validated program.

    Attributes:
        source: the text as typed.
        steps: statements it executes in the worst case (both sides of every if).
        has_branch: whether it contains an if (then jit and vmap of it fail).
        tree: the syntax tree as parsed.
        body: the statements, normalised so that an if containing a `return` is the
            last statement of its block and every path ends in `return`.
    """

    source: str
    steps: int
    has_branch: bool
    tree: ast.Module = field(repr=False, compare=False)
    body: tuple[ast.stmt, ...] = field(repr=False, compare=False)


def parse_program(text: str) -> Program:
    """Parse and validate the body of `def f(x):`.

    Raises:
        ProgramError: the first problem, with its line and column.

    Example:
        >>> parse_program("y = x * x\\nreturn 3 * y").steps
        2
    """
    if not isinstance(text, str):
        raise ProgramError("The program must be text")
    if len(text) > MAX_SOURCE_CHARS:
        line, column = line_column(text, MAX_SOURCE_CHARS)
        raise ProgramError(
            f"the program is longer than {MAX_SOURCE_CHARS:,} characters",
            line,
            column,
            MAX_SOURCE_CHARS,
        )
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        line, column = error.lineno or 1, error.offset or 1
        raise ProgramError(
            f"invalid syntax ({error.msg})", line, column, text_index(text, line, column)
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ProgramError(
            "the program cannot be parsed: it is too deeply nested or contains a null character",
            1,
            1,
            0,
        ) from None
    checker = Checker(text)
    checker.check_shape(tree)
    checker.block(tree.body, {"x"}, depth=0, in_loop=False)
    checker.unreachable(tree.body)
    body = close_returns(tree.body)
    if body is None:
        last = tree.body[-1] if tree.body else None
        raise checker.error(last, "the program must end with `return <expression>` on every path")
    steps = count_steps(body)
    if steps > MAX_STEPS:
        raise checker.error(
            tree.body[0],
            f"the program would run {steps:,} steps; the limit "
            f"is {MAX_STEPS:,} — use fewer or shorter loops",
        )
    has_branch = any(isinstance(node, ast.If) for node in ast.walk(tree))
    return Program(text, steps, has_branch, tree, tuple(body))
