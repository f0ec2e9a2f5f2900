"""Small programs (loops, branches) as functions of x: parsed, validated and bounded.

A person writes the body of `def f(x):` in a tiny Python subset: assignments,
`+ - * / **`, the allowed maths functions, `if/elif/else` on comparisons,
`for i in range(N)` with a constant N, and `return`. Python's own parser builds the
syntax tree (`ast.parse` only parses); an allow-list checks every node, and the static
cost is bounded before anything runs. Nothing here compiles or evaluates the text:
`core.programs.rewrite` walks the validated tree with its own interpreter.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from core.errors import ExpressionError
from core.language import functions

MAX_SOURCE_CHARS = 2_000
MAX_STATEMENTS = 60
MAX_BLOCK_DEPTH = 8  # nested if/for blocks
MAX_EXPRESSION_DEPTH = 60  # nodes from a statement down to its deepest leaf
MAX_LOOP_COUNT = 10_000
MAX_STEPS = 100_000  # statements executed, both branches of every if counted
MAX_CONSTANT = 1e15
CONSTANT_NAMES = ("pi", "e")
RESERVED_NAMES = ("range", "f", *CONSTANT_NAMES)

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_FORBIDDEN = {
    ast.Import: "imports are not allowed: sin, exp, sqrt, … are already available",
    ast.ImportFrom: "imports are not allowed: sin, exp, sqrt, … are already available",
    ast.While: "'while' loops are not allowed — use `for i in range(N)` with a constant N",
    ast.FunctionDef: "defining functions is not allowed — write only the body of f(x)",
    ast.AsyncFunctionDef: "defining functions is not allowed — write only the body of f(x)",
    ast.Lambda: "lambda is not allowed — write only the body of f(x)",
    ast.ClassDef: "classes are not allowed",
    ast.Attribute: "attributes (`a.b`) are not allowed — call functions by name, e.g. sin(x)",
    ast.Subscript: "indexing (`a[i]`) is not allowed: every value is a single number",
    ast.List: "lists are not allowed: every value is a single number",
    ast.Tuple: "tuples are not allowed: every value is a single number",
    ast.Set: "sets are not allowed: every value is a single number",
    ast.Dict: "dicts are not allowed: every value is a single number",
    ast.ListComp: "comprehensions are not allowed — use a for loop",
    ast.SetComp: "comprehensions are not allowed — use a for loop",
    ast.DictComp: "comprehensions are not allowed — use a for loop",
    ast.GeneratorExp: "generator expressions are not allowed — use a for loop",
    ast.JoinedStr: "text (strings) is not allowed: every value is a number",
    ast.Global: "'global' is not allowed",
    ast.Nonlocal: "'nonlocal' is not allowed",
    ast.Try: "'try' is not allowed",
    ast.With: "'with' is not allowed",
    ast.Raise: "'raise' is not allowed",
    ast.Assert: "'assert' is not allowed",
    ast.Delete: "'del' is not allowed",
    ast.Break: "'break' is not allowed: a loop always runs all of its N steps",
    ast.Continue: "'continue' is not allowed — use an if inside the loop",
    ast.IfExp: "`a if c else b` is not supported — write an if statement",
    ast.NamedExpr: "':=' is not allowed — write an assignment",
    ast.Expr: "a bare expression does nothing — assign it (`y = ...`) or `return` it",
    ast.AnnAssign: "annotated assignments are not allowed — write `y = ...`",
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
        line, column = _line_column(text, MAX_SOURCE_CHARS)
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
            f"invalid syntax ({error.msg})", line, column, _index(text, line, column)
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ProgramError(
            "the program cannot be parsed: it is too deeply nested or contains a null character",
            1,
            1,
            0,
        ) from None
    checker = _Checker(text)
    checker.check_shape(tree)
    checker.block(tree.body, {"x"}, depth=0, in_loop=False)
    checker.unreachable(tree.body)
    body = _close(tree.body)
    if body is None:
        last = tree.body[-1] if tree.body else None
        raise checker.error(last, "the program must end with `return <expression>` on every path")
    steps = _steps(body)
    if steps > MAX_STEPS:
        raise checker.error(
            tree.body[0],
            f"the program would run {steps:,} steps; the limit "
            f"is {MAX_STEPS:,} — use fewer or shorter loops",
        )
    has_branch = any(isinstance(node, ast.If) for node in ast.walk(tree))
    return Program(text, steps, has_branch, tree, tuple(body))


def _line_column(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def _index(text: str, line: int, column: int) -> int:
    lines = re.split(r"(?<=\n)", text)
    return min(sum(len(part) for part in lines[: line - 1]) + column - 1, len(text))


class _Checker:
    """The allow-list: every statement and expression node is checked here."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = re.split(r"\r\n|\r|\n", text)

    def error(self, node: ast.AST | None, reason: str) -> ProgramError:
        if node is None or not hasattr(node, "lineno"):
            return ProgramError(reason, 1, 1, 0)
        line = node.lineno
        # ast columns count UTF-8 bytes; people count characters.
        raw = self.lines[line - 1].encode()[: node.col_offset] if line <= len(self.lines) else b""
        column = len(raw.decode(errors="ignore")) + 1
        return ProgramError(reason, line, column, _index(self.text, line, column))

    def check_shape(self, tree: ast.Module) -> None:
        """Bound the size before recursing: statements, block depth, expression depth."""
        statements = [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]
        if len(statements) > MAX_STATEMENTS:
            raise self.error(
                statements[MAX_STATEMENTS], f"the program has more than {MAX_STATEMENTS} statements"
            )
        stack = [(tree, 0)]
        while stack:  # iterative: a deep tree must not exhaust our own recursion
            node, depth = stack.pop()
            if depth > MAX_EXPRESSION_DEPTH:
                raise self.error(
                    node, "an expression is nested too deeply — split it into several assignments"
                )
            for child in ast.iter_child_nodes(node):
                stack.append((child, 0 if isinstance(child, ast.stmt) else depth + 1))

    def block(
        self,
        statements: list[ast.stmt],
        defined: set[str],
        *,
        depth: int,
        in_loop: bool,
        loops: frozenset[str] = frozenset(),
    ) -> set[str]:
        """Check a block; return the names defined after it on paths that fall through."""
        if depth > MAX_BLOCK_DEPTH:
            raise self.error(statements[0], f"blocks are nested more than {MAX_BLOCK_DEPTH} deep")
        defined = set(defined)
        for node in statements:
            if isinstance(node, ast.Assign):
                if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                    target = node.targets[-1] if len(node.targets) == 1 else node.targets[1]
                    raise self.error(target, "assign to one plain name at a time, e.g. `y = 2*x`")
                self.expression(node.value, defined)
                defined.add(self.target(node.targets[0], loops))
            elif isinstance(node, ast.AugAssign):
                if type(node.op) not in _OPERATORS or not isinstance(node.target, ast.Name):
                    raise self.error(
                        node, "only `+=`, `-=`, `*=`, `/=` and `**=` on a name are allowed"
                    )
                self.expression(node.target, defined)
                self.expression(node.value, defined)
                self.target(node.target, loops)
            elif isinstance(node, ast.If):
                self.condition(node.test, defined)
                after_then = self.block(
                    node.body, defined, depth=depth + 1, in_loop=in_loop, loops=loops
                )
                after_else = (
                    self.block(node.orelse, defined, depth=depth + 1, in_loop=in_loop, loops=loops)
                    if node.orelse
                    else defined
                )
                paths = [
                    names
                    for names, branch in ((after_then, node.body), (after_else, node.orelse))
                    if not _always_returns(branch)
                ]
                defined = set.intersection(*paths) if paths else defined
            elif isinstance(node, ast.For):
                name = self.loop_header(node, loops)
                defined = self.block(
                    node.body, defined | {name}, depth=depth + 1, in_loop=True, loops=loops | {name}
                )
            elif isinstance(node, ast.Return):
                if in_loop:
                    raise self.error(
                        node, "`return` inside a loop is not supported — return after the loop"
                    )
                if node.value is None:
                    raise self.error(node, "`return` needs a value, e.g. `return y`")
                self.expression(node.value, defined)
            elif not isinstance(node, ast.Pass):
                raise self.error(node, self.forbidden(node))
        return defined

    def target(self, node: ast.Name, loops: frozenset[str]) -> str:
        name = node.id
        if name.startswith("_"):
            raise self.error(node, f"names may not start with '_' ({name!r})")
        if name in RESERVED_NAMES or functions.canonical_function_name(name):
            raise self.error(node, f"{name!r} is a reserved name — pick another")
        if name in loops:
            raise self.error(node, f"the loop variable {name!r} cannot be changed inside its loop")
        return name

    def loop_header(self, node: ast.For, loops: frozenset[str]) -> str:
        if not isinstance(node.target, ast.Name):
            raise self.error(node.target, "the loop variable must be one plain name")
        if node.orelse:
            raise self.error(node.orelse[0], "`for ... else` is not allowed")
        call = node.iter
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "range"
        ):
            raise self.error(call, "a loop must be `for i in range(N)` with a constant N")
        if call.keywords or not 1 <= len(call.args) <= 2:
            raise self.error(call, "use range(N) or range(start, stop) with constant whole numbers")
        bounds = [self.whole_number(argument) for argument in call.args]
        start, stop = (0, bounds[0]) if len(bounds) == 1 else bounds
        if stop - start > MAX_LOOP_COUNT:
            raise self.error(
                call,
                f"a loop may run at most {MAX_LOOP_COUNT:,} times; this one runs {stop - start:,}",
            )
        if stop <= start:
            raise self.error(call, "this loop would never run")
        return self.target(node.target, loops)

    def whole_number(self, node: ast.expr) -> int:
        value = literal_integer(node, 10 * MAX_LOOP_COUNT)
        if value is not None:
            return value
        if literal_integer(node, None) is not None:
            raise self.error(node, f"a loop may run at most {MAX_LOOP_COUNT:,} times")
        raise self.error(
            node, "the loop bound must be a whole number written as a constant, e.g. range(10)"
        )

    def condition(self, node: ast.expr, defined: set[str]) -> None:
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.condition(value, defined)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.condition(node.operand, defined)
        elif isinstance(node, ast.Compare):
            if not all(isinstance(op, _COMPARISONS) for op in node.ops):
                raise self.error(node, "compare with <, <=, >, >=, == or != only")
            for operand in (node.left, *node.comparators):
                self.expression(operand, defined)
        else:
            raise self.error(node, "the condition of an if must be a comparison, e.g. `x < 0`")

    def expression(self, node: ast.expr, defined: set[str]) -> None:
        if isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            self.name(node, defined)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                hint = " — use ** for powers" if isinstance(node.op, ast.BitXor) else ""
                raise self.error(node, f"only + - * / ** are allowed{hint}")
            self.expression(node.left, defined)
            self.expression(node.right, defined)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            self.expression(node.operand, defined)
        elif isinstance(node, ast.Call):
            self.call(node, defined)
        elif isinstance(node, ast.Compare | ast.BoolOp) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            raise self.error(node, "comparisons can only be the condition of an if")
        else:
            raise self.error(node, self.forbidden(node))

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str | bytes):
            raise self.error(node, "text (strings) is not allowed: every value is a number")
        if type(value) not in (int, float):
            raise self.error(node, f"{value!r} is not allowed: only real numbers")
        if not abs(value) <= MAX_CONSTANT:
            raise self.error(node, f"numbers may be at most {MAX_CONSTANT:g} in size")

    def name(self, node: ast.Name, defined: set[str]) -> None:
        name = node.id
        if name in defined or name in CONSTANT_NAMES:
            return
        if functions.canonical_function_name(name):
            raise self.error(node, f"{name!r} is a function — call it, e.g. {name}(x)")
        known = sorted(defined | set(CONSTANT_NAMES))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise self.error(node, f"{name!r} is not defined here{hint}")

    def call(self, node: ast.Call, defined: set[str]) -> None:
        if not isinstance(node.func, ast.Name):
            self.expression(node.func, defined)  # raises: attributes and the like
            raise self.error(node, "only the allowed maths functions can be called")
        name = node.func.id
        if name == "f":
            raise self.error(node, "f cannot call itself: recursion is not supported")
        if name == "range":
            raise self.error(node, "range(...) can only be used in `for i in range(N)`")
        if not functions.canonical_function_name(name):
            close = difflib.get_close_matches(name, functions.KNOWN_NAMES, n=1)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            raise self.error(node, f"{name!r} is not an allowed function{hint}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.error(node, f"{name} takes exactly one argument, e.g. {name}(x)")
        self.expression(node.args[0], defined)

    def unreachable(self, statements: list[ast.stmt]) -> None:
        for index, node in enumerate(statements):
            if index + 1 < len(statements) and _always_returns([node]):
                raise self.error(
                    statements[index + 1], "this line can never run: it comes after a return"
                )
            for block in (getattr(node, "body", []), getattr(node, "orelse", [])):
                self.unreachable(block)

    @staticmethod
    def forbidden(node: ast.AST) -> str:
        for kind, reason in _FORBIDDEN.items():
            if isinstance(node, kind):
                return reason
        return f"{type(node).__name__} is not part of the allowed language"


def _always_returns(statements: list[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.Return)
        or (
            isinstance(node, ast.If) and _always_returns(node.body) and _always_returns(node.orelse)
        )
        for node in statements
    )


def _contains_return(node: ast.stmt) -> bool:
    return any(isinstance(child, ast.Return) for child in ast.walk(node))


def _close(statements: list[ast.stmt]) -> list[ast.stmt] | None:
    """Move what follows an if-with-return into its branches that fall through.

    `if c: return a` then `return b` becomes `if c: return a else: return b`, so that
    every if containing a return ends its block and the rewrite can merge both
    branches' results with `where`. None when some path reaches the end without a return.
    """
    for index, node in enumerate(statements):
        if isinstance(node, ast.Return):
            return statements[: index + 1]
        if isinstance(node, ast.If) and _contains_return(node):
            rest = statements[index + 1 :]
            branches = []
            for branch in (node.body, node.orelse):
                closed = _close(branch if _always_returns(branch) else [*branch, *rest])
                if closed is None:
                    return None
                branches.append(closed)
            merged = ast.copy_location(
                ast.If(test=node.test, body=branches[0], orelse=branches[1]), node
            )
            return [*statements[:index], merged]
    return None


def _steps(statements: list[ast.stmt]) -> int:
    total = 0
    for node in statements:
        if isinstance(node, ast.For):
            start, stop = loop_bounds(node)
            total += 1 + (stop - start) * _steps(node.body)
        elif isinstance(node, ast.If):
            total += 1 + _steps(node.body) + _steps(node.orelse)
        else:
            total += 1
    return total


def literal_integer(node: ast.expr, bound: int | None) -> int | None:
    """n when `node` is a whole-number literal, perhaps negated, with |n| <= bound
    (any size when bound is None); otherwise None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1, node.operand
    if not (isinstance(node, ast.Constant) and type(node.value) is int):
        return None
    if bound is not None and node.value > bound:
        return None
    return sign * node.value


def loop_bounds(node: ast.For) -> tuple[int, int]:
    """(start, stop) of a validated `for ... in range(...)`."""
    values = [literal_integer(argument, None) for argument in node.iter.args]
    return (0, values[0]) if len(values) == 1 else (values[0], values[1])


class GalleryProgram(NamedTuple):
    """A one-click program with its derivative known in closed form.

    Attributes:
        title: a short name for a menu.
        source: the body of f(x).
        explanation: what it shows, in a sentence or two.
        exact_derivative_text: f'(x) written out for the page.
        exact_derivative: the same f' as a NumPy function (for plots and tests).
        x_range: a good interval to plot.
    """

    title: str
    source: str
    explanation: str
    exact_derivative_text: str
    exact_derivative: Callable[[np.ndarray], np.ndarray]
    x_range: tuple[float, float]


def _exp_partial_sum(x: np.ndarray, terms: int) -> np.ndarray:
    return sum(np.asarray(x, dtype=float) ** k / math.factorial(k) for k in range(terms))


GALLERY = (
    GalleryProgram(
        "A loop that squares and scales",
        "for i in range(2):\n    x = 0.2 * x * x\nreturn x\n",
        "Each pass squares x and scales it: after two passes f(x) = 0.2·(0.2x²)² = 0.008x⁴. "
        "JAX differentiates through the Python loop as it runs.",
        "f′(x) = 0.032 x³",
        lambda x: 0.032 * np.asarray(x) ** 3,
        (-3.0, 3.0),
    ),
    GalleryProgram(
        "A branch: one formula or another",
        "if x < 0:\n    y = sin(x)\nelse:\n    y = x + x**2 + x**3\nreturn y\n",
        "Python's if picks a formula at each point, so grad point by point works; jit and "
        "vmap cannot decide a traced comparison, and the rewrite uses jnp.where instead.",
        "f′(x) = cos(x) for x < 0, and 1 + 2x + 3x² otherwise",
        lambda x: np.where(np.asarray(x) < 0, np.cos(x), 1 + 2 * np.asarray(x) + 3 * x**2),
        (-3.0, 1.5),
    ),
    GalleryProgram(
        "A Rube Goldberg machine for x²",
        "y = x\n"
        "for i in range(5):\n    y = 2 * y          # doubled five times: 32x\n"
        "big = y * y + 1        # 1024x² + 1, always positive\n"
        "for i in range(5):\n    y = y / 2          # halved five times: x again\n"
        "root = sqrt(big)       # sqrt(1024x² + 1)\n"
        "area = (root * root - 1) / 1024   # the square root undone: x²\n"
        "return area + y - x    # x² + x - x\n",
        "Fifteen steps of doubling, halving, squaring and a square root that all cancel: "
        "AD follows every one and still gets the derivative of x² to rounding.",
        "f′(x) = 2x",
        lambda x: 2 * np.asarray(x),
        (-2.0, 2.0),
    ),
    GalleryProgram(
        "A series summed in a loop",
        "term = 1\ntotal = 1\nfor k in range(1, 12):\n    term = term * x / k\n"
        "    total = total + term\nreturn total\n",
        "The first twelve terms of the series of exp(x), built term by term. Its derivative "
        "is the same sum with one term fewer, close to exp(x) near 0.",
        "f′(x) = 1 + x + x²/2! + … + x¹⁰/10! ≈ exp(x)",
        lambda x: _exp_partial_sum(x, 11),
        (-2.0, 2.0),
    ),
    GalleryProgram(
        "An early return",
        "if x > 1:\n    return 1 + 2 * tanh(x - 1)\nreturn x * x\n",
        "Two formulas that meet smoothly at x = 1. The rewrite moves the last line into an "
        "else branch and merges both returns with jnp.where.",
        "f′(x) = 2 / cosh²(x − 1) for x > 1, and 2x otherwise",
        lambda x: np.where(np.asarray(x) > 1, 2 / np.cosh(np.asarray(x) - 1) ** 2, 2 * x),
        (-1.0, 3.0),
    ),
)
