"""The allow-list of the program language: every statement and expression node is checked.

Python's own parser builds the tree (`ast.parse` only parses); the checker walks it
and accepts only assignments, `+ - * / **`, calls of the allowed maths functions,
`if/elif/else` on comparisons, `for i in range(N)` with a constant N, and `return`.
It also follows which names are defined on every path, so a name read before it is
assigned is rejected here rather than failing later.
"""

from __future__ import annotations

import ast
import difflib
import re

from core.language import functions
from core.programs.analysis import always_returns, literal_integer
from core.programs.rules import (
    COMPARISONS,
    CONSTANT_NAMES,
    MAX_BLOCK_DEPTH,
    MAX_CONSTANT,
    MAX_EXPRESSION_DEPTH,
    MAX_LOOP_COUNT,
    MAX_STATEMENTS,
    OPERATORS,
    RESERVED_NAMES,
    ProgramError,
    text_index,
)

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


class Checker:
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
        return ProgramError(reason, line, column, text_index(self.text, line, column))

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
                if type(node.op) not in OPERATORS or not isinstance(node.target, ast.Name):
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
                    if not always_returns(branch)
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
            if not all(type(op) in COMPARISONS for op in node.ops):
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
            if type(node.op) not in OPERATORS:
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
            if index + 1 < len(statements) and always_returns([node]):
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
