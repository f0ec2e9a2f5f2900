"""The rewrite of a program written out as runnable JAX code, for people to read and copy.

It mirrors what `program_function(..., vectorised=True)` in `core.programs.interpreter`
runs: each `if` evaluates both branches into renamed variables and merges them with
`jnp.where`; each `for` becomes a `lax.fori_loop` whose carry holds the variables the
loop assigns. The text is generated from the validated tree, never from the typed text.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter

from core.language import functions
from core.programs.analysis import (
    assigned_names,
    assignment,
    carried_names,
    integer_exponent,
    loop_bounds,
)
from core.programs.interpreter import CONSTANTS, NUMPY_NAMES, OF_RECIPROCALS, RECIPROCALS
from core.programs.parser import Program
from core.programs.rules import COMPARISONS, OPERATORS

_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_ATOM = 5


def rewritten_source(program: Program) -> str:
    """The rewrite of `program` as the text of a module that defines `f(x)` with JAX."""
    return _Writer(program).write()


class _Writer:
    """Writes the rewrite as text; `env` maps each user name to its current text name."""

    def __init__(self, program: Program) -> None:
        self.program = program
        names = [node for node in ast.walk(program.tree) if isinstance(node, ast.Name)]
        self.taken = {node.id for node in names} | {"jax", "jnp", "f"}
        self.loads = Counter(node.id for node in names if isinstance(node.ctx, ast.Load))
        self.lines: list[str] = []
        self.depth = 1
        self.count = 0
        self.has_loop = any(isinstance(node, ast.For) for node in ast.walk(program.tree))
        self.shape = self.fresh("shape")
        self.as_carry = self.fresh("as_carry")

    def fresh(self, base: str) -> str:
        name, k = base, 1
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def write(self) -> str:
        self.emit("x = jnp.asarray(x, dtype=jnp.float64)")
        self.emit(f"{self.shape} = jnp.shape(x)")
        result = self.terminal(list(self.program.body), {"x": "x"}, {}, None)
        self.emit(f"return jnp.broadcast_to({result}, {self.shape})")
        header = [
            "# Generated from the program: each if became jnp.where (both branches are",
            "# evaluated), each for loop a jax.lax.fori_loop.",
            "import jax",
            "import jax.numpy as jnp",
            "",
            'jax.config.update("jax_enable_x64", True)',
            "",
        ]
        if self.has_loop:
            header += [
                "",
                f"def {self.as_carry}(value, shape):",
                '    """A fori_loop carry keeps one shape and dtype in every pass."""',
                "    return jnp.broadcast_to(jnp.asarray(value, dtype=jnp.float64), shape)",
                "",
            ]
        return "\n".join([*header, "", "def f(x):", *self.lines]) + "\n"

    def target(self, name: str, env: dict, scope: dict, suffix: str | None) -> str:
        """The text name for assigning `name`: itself, or its version in this branch."""
        if suffix is None:
            text = name
        else:
            text = scope.get(name) or self.fresh(f"{name}_{suffix}")
            scope[name] = text
        env[name] = text
        return text

    def terminal(self, statements: list, env: dict, scope: dict, suffix: str | None) -> str:
        self.block(statements[:-1], env, scope, suffix)
        last = statements[-1]
        if isinstance(last, ast.Return):
            return self.expression(last.value, env)[0]
        condition = self.condition_name(last.test, env)
        number = self.count
        results = []
        for branch, label in ((last.body, "then"), (last.orelse, "else")):
            if len(branch) > 1:
                self.emit(f"# {condition} {'true' if label == 'then' else 'false'}:")
            results.append(self.terminal(branch, dict(env), {}, f"{label}{number}"))
        return f"jnp.where({condition}, {results[0]}, {results[1]})"

    def condition_name(self, test: ast.expr, env: dict) -> str:
        self.count += 1
        name = self.fresh(f"cond{self.count}")
        self.emit(f"{name} = {self.condition(test, env)}")
        return name

    def block(self, statements: list, env: dict, scope: dict, suffix: str | None) -> None:
        for node in statements:
            if isinstance(node, ast.Assign | ast.AugAssign):
                name, value = assignment(node)
                text = self.expression(value, env)[0]
                self.emit(f"{self.target(name, env, scope, suffix)} = {text}")
            elif isinstance(node, ast.If):
                self.branch(node, env, scope, suffix)
            elif isinstance(node, ast.For):
                self.loop(node, env, scope, suffix)

    def branch(self, node: ast.If, env: dict, scope: dict, suffix: str | None) -> None:
        condition = self.condition_name(node.test, env)
        number = self.count
        outcomes = []
        for branch, label in ((node.body, "then"), (node.orelse, "else")):
            inner = dict(env)
            if branch:
                self.emit(f"# {condition} {'true' if label == 'then' else 'false'}:")
            self.block(branch, inner, {}, f"{label}{number}")
            outcomes.append(inner)
        first, second = outcomes
        for name in sorted(assigned_names(node.body) | assigned_names(node.orelse)):
            if name in first and name in second:
                if first[name] != second[name]:
                    merged = f"jnp.where({condition}, {first[name]}, {second[name]})"
                    self.emit(f"{self.target(name, env, scope, suffix)} = {merged}")
            else:
                env.pop(name, None)

    def loop(self, node: ast.For, env: dict, scope: dict, suffix: str | None) -> None:
        start, stop = loop_bounds(node)
        index = node.target.id
        names = carried_names(node, env)
        self.count += 1
        function = self.fresh(f"loop{self.count}")
        self.emit(f"def {function}({index}, carry):")
        self.depth += 1
        if any(
            isinstance(child, ast.Name) and child.id == index
            for child in ast.walk(node)
            if child is not node.target
        ):
            self.emit(f"{index} = jnp.asarray({index}, dtype=jnp.float64)")
        if names:
            self.emit(f"{_tuple(names)} = carry")
        inner = {**env, **{name: name for name in names}, index: index}
        self.block(node.body, inner, {}, None)
        carried = [f"{self.as_carry}({inner[name]}, {self.shape})" for name in names]
        self.emit(f"return {_tuple(carried)}")
        self.depth -= 1
        initial = [
            f"{self.as_carry}({env[name]}, {self.shape})"
            if name in env
            else f"jnp.zeros({self.shape})"
            for name in names
        ]
        call = f"jax.lax.fori_loop({start}, {stop}, {function}, {_tuple(initial)})"
        if names:
            targets = [self.target(name, env, scope, suffix) for name in names]
            self.emit(f"{_tuple(targets)} = {call}")
        if self.loads[index] > sum(
            1
            for child in ast.walk(node)
            if isinstance(child, ast.Name) and child.id == index and isinstance(child.ctx, ast.Load)
        ):
            self.emit(f"{self.target(index, env, scope, suffix)} = {float(stop - 1)!r}")

    def condition(self, node: ast.expr, env: dict) -> str:
        if isinstance(node, ast.BoolOp):
            join = "jnp.logical_and" if isinstance(node.op, ast.And) else "jnp.logical_or"
            parts = [self.condition(value, env) for value in node.values]
            return _nest(join, parts)
        if isinstance(node, ast.UnaryOp):
            return f"jnp.logical_not({self.condition(node.operand, env)})"
        operands = [self.expression(part, env)[0] for part in (node.left, *node.comparators)]
        parts = [
            f"{a} {COMPARISONS[type(op)]} {b}"
            for op, a, b in zip(node.ops, operands, operands[1:], strict=False)
        ]
        return _nest("jnp.logical_and", parts)

    def expression(self, node: ast.expr, env: dict) -> tuple[str, int]:
        """(text, precedence) of an expression, parenthesised only where needed."""
        if isinstance(node, ast.Constant):
            return repr(float(node.value)), _ATOM
        if isinstance(node, ast.Name):
            return (f"jnp.{node.id}" if node.id in CONSTANTS else env[node.id]), _ATOM
        if isinstance(node, ast.Call):
            name = functions.canonical_function_name(node.func.id)
            argument = self.expression(node.args[0], env)[0]
            if name in RECIPROCALS:
                return f"1 / jnp.{RECIPROCALS[name]}({argument})", 2
            if name in OF_RECIPROCALS:
                return f"jnp.{OF_RECIPROCALS[name]}(1 / ({argument}))", _ATOM
            return f"jnp.{NUMPY_NAMES.get(name, name)}({argument})", _ATOM
        if isinstance(node, ast.UnaryOp):
            operand = self.wrap(node.operand, env, 3)
            return (f"-{operand}", 3) if isinstance(node.op, ast.USub) else (operand, 3)
        precedence = _PRECEDENCE[type(node.op)]
        if isinstance(node.op, ast.Pow):
            left = self.wrap(node.left, env, _ATOM)
            exponent = integer_exponent(node.right)
            right = str(exponent) if exponent is not None else self.wrap(node.right, env, 3)
        else:
            left = self.wrap(node.left, env, precedence)
            right = self.wrap(node.right, env, precedence + 1)
        if _constant_only(node.left) and _constant_only(node.right):
            left = f"jnp.float64({left})"  # a JAX number: no Python big-number arithmetic
        return f"{left} {OPERATORS[type(node.op)]} {right}", precedence

    def wrap(self, node: ast.expr, env: dict, needed: int) -> str:
        text, precedence = self.expression(node, env)
        return text if precedence >= needed else f"({text})"


def _constant_only(node: ast.expr) -> bool:
    return not any(
        isinstance(child, ast.Name) and child.id not in CONSTANTS for child in ast.walk(node)
    )


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _nest(function: str, parts: list[str]) -> str:
    """`function(function(a, b), c)` for parts [a, b, c]: a chain of two-argument calls."""
    return functools.reduce(lambda text, part: f"{function}({text}, {part})", parts)
