"""A validated program as a JAX function: as written, and rewritten as data flow.

Our own interpreter walks the tree (never `exec`). As written, a Python `if` asks for
the truth of a comparison on the traced value: `jax.grad` at one concrete point can
answer it, `jax.jit` and `jax.vmap` cannot (TracerBoolConversionError). The rewrite
evaluates both branches and merges what they assign with `jnp.where`, and runs each
loop as `lax.fori_loop` (one traced body instead of N unrolled copies), so the whole
function vectorises and compiles.

Caveat of the rewrite (the classic `where` gotcha): both branches are evaluated, so a
branch that is undefined where it is not selected (`sqrt(x)` for x < 0) gives NaN
gradients there even though its value is discarded.
"""

from __future__ import annotations

import ast
import operator
from collections import Counter
from collections.abc import Callable

import jax.numpy as jnp
import numpy as np
from jax import lax

import core.engines.autodiff  # noqa: F401  (float64 on)
from core.language import functions
from core.programs.parser import Program, literal_integer, loop_bounds

Environment = dict[str, object]
_SHAPE = "_shape"  # environment key of the input's shape; user names never start with "_"
_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: jnp.power,
}
_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_RECIPROCAL = {"cot": jnp.tan, "sec": jnp.cos, "csc": jnp.sin}
NUMPY_NAMES = {
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "asinh": "arcsinh",
    "acosh": "arccosh",
    "atanh": "arctanh",
}
CONSTANTS = {"pi": np.pi, "e": np.e}
MAX_INTEGER_POWER = 64  # `x**n` with a literal whole n uses exact repeated multiplication


def program_function(program: Program, vectorised: bool = False) -> Callable:
    """The program as a JAX function of x.

    Args:
        program: a validated program.
        vectorised: False for the program as written (Python `if`: works under
            `jax.grad` at one point at a time); True for the rewrite, which works on
            arrays and under `jit`, `vmap` and `grad`.

    Returns:
        f(x) -> array of x's shape, float64.
    """
    run = _Compiler(vectorised).terminal(list(program.body))

    def function(x):
        x = jnp.asarray(x, dtype=jnp.float64)
        shape = jnp.shape(x)
        result = run({"x": x, _SHAPE: shape})
        return jnp.broadcast_to(jnp.asarray(result, dtype=jnp.float64), shape)

    return function


def rewritten_source(program: Program) -> str:
    """The rewrite as runnable JAX code, for people to read and copy.

    Generated from the validated tree, mirroring what `program_function(...,
    vectorised=True)` does: each `if` evaluates both branches into renamed variables
    and merges them with `jnp.where`; each `for` becomes a `lax.fori_loop` whose carry
    holds the variables the loop assigns.
    """
    return _Writer(program).write()


def assigned_names(statements: list[ast.stmt]) -> set[str]:
    """Every name a block may assign, loop variables included."""
    names = set()
    for node in statements:
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
    return names


def definitely_assigned(statements: list[ast.stmt]) -> set[str]:
    """The names a block assigns on every path through it."""
    names = set()
    for node in statements:
        if isinstance(node, ast.Assign | ast.AugAssign):
            names.add(node.targets[0].id if isinstance(node, ast.Assign) else node.target.id)
        elif isinstance(node, ast.For):
            names |= definitely_assigned(node.body) | {node.target.id}
        elif isinstance(node, ast.If):
            names |= definitely_assigned(node.body) & definitely_assigned(node.orelse)
    return names


def integer_exponent(node: ast.expr) -> int | None:
    """n when `node` is a literal whole number (perhaps negated) small enough to expand."""
    return literal_integer(node, MAX_INTEGER_POWER)


def jax_function(name: str) -> Callable:
    name = functions.canonical_function_name(name)
    if name in _RECIPROCAL:
        return lambda value, base=_RECIPROCAL[name]: 1.0 / base(value)
    return getattr(jnp, NUMPY_NAMES.get(name, name))


class _Compiler:
    """Turns statements into closures over an environment (name -> array)."""

    def __init__(self, vectorised: bool) -> None:
        self.vectorised = vectorised

    def expression(self, node: ast.expr) -> Callable[[Environment], object]:
        if isinstance(node, ast.Constant):
            value = jnp.asarray(float(node.value), dtype=jnp.float64)
            return lambda _env: value
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:  # never assigned: the checker reserves these names
                constant = jnp.asarray(CONSTANTS[node.id], dtype=jnp.float64)
                return lambda _env: constant
            name = node.id
            return lambda env: env[name]
        if isinstance(node, ast.UnaryOp):
            operand = self.expression(node.operand)
            if isinstance(node.op, ast.USub):
                return lambda env: -operand(env)
            return operand
        if isinstance(node, ast.Call):
            function, argument = jax_function(node.func.id), self.expression(node.args[0])
            return lambda env: function(argument(env))
        left = self.expression(node.left)
        exponent = integer_exponent(node.right) if isinstance(node.op, ast.Pow) else None
        if exponent is not None:
            return lambda env: lax.integer_pow(left(env), exponent)
        right, combine = self.expression(node.right), _BINARY[type(node.op)]
        return lambda env: combine(left(env), right(env))

    def condition(self, node: ast.expr) -> Callable[[Environment], object]:
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(value) for value in node.values]
            join = jnp.logical_and if isinstance(node.op, ast.And) else jnp.logical_or
            return lambda env: _reduce(join, [part(env) for part in parts])
        if isinstance(node, ast.UnaryOp):
            inner = self.condition(node.operand)
            return lambda env: jnp.logical_not(inner(env))
        operands = [self.expression(part) for part in (node.left, *node.comparators)]
        tests = [_COMPARE[type(op)] for op in node.ops]

        def compare(env):
            values = [operand(env) for operand in operands]
            return _reduce(
                jnp.logical_and,
                [test(a, b) for test, a, b in zip(tests, values, values[1:], strict=False)],
            )

        return compare

    def block(self, statements: list[ast.stmt]) -> Callable[[Environment], None]:
        steps = [self.statement(node) for node in statements]

        def run(env):
            for step in steps:
                step(env)

        return run

    def terminal(self, statements: list[ast.stmt]) -> Callable[[Environment], object]:
        """A block whose last statement returns (a `return`, or an if whose branches do)."""
        before, last = self.block(statements[:-1]), statements[-1]
        if isinstance(last, ast.Return):
            value = self.expression(last.value)
        else:
            test = self.condition(last.test)
            then, other = self.terminal(last.body), self.terminal(last.orelse)
            if self.vectorised:

                def value(env):
                    return jnp.where(test(env), then(dict(env)), other(dict(env)))
            else:

                def value(env):
                    return then(env) if test(env) else other(env)

        def run(env):
            before(env)
            return value(env)

        return run

    def statement(self, node: ast.stmt) -> Callable[[Environment], None]:
        if isinstance(node, ast.Assign | ast.AugAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            expression = node.value
            if isinstance(node, ast.AugAssign):
                load = ast.Name(id=target.id, ctx=ast.Load())
                expression = ast.BinOp(left=load, op=node.op, right=node.value)
            value, name = self.expression(expression), target.id

            def assign(env):
                env[name] = value(env)

            return assign
        if isinstance(node, ast.If):
            return self.branch(node)
        if isinstance(node, ast.For):
            return self.loop(node)
        return lambda _env: None  # pass

    def branch(self, node: ast.If) -> Callable[[Environment], None]:
        test, then, other = (
            self.condition(node.test),
            self.block(node.body),
            self.block(node.orelse),
        )
        if not self.vectorised:

            def choose(env):
                if test(env):  # Python asks for a concrete truth value here
                    then(env)
                else:
                    other(env)

            return choose
        names = sorted(assigned_names(node.body) | assigned_names(node.orelse))

        def merge(env):
            condition = test(env)
            first, second = dict(env), dict(env)
            then(first)
            other(second)
            for name in names:
                if name in first and name in second:
                    a, b = first[name], second[name]
                    env[name] = a if a is b else jnp.where(condition, a, b)
                else:  # assigned on one path only: not usable after the if
                    env.pop(name, None)

        return merge

    def loop(self, node: ast.For) -> Callable[[Environment], None]:
        start, stop = loop_bounds(node)
        index, body = node.target.id, self.block(node.body)
        last = jnp.asarray(float(stop - 1), dtype=jnp.float64)
        if not self.vectorised:

            def unrolled(env):
                for k in range(start, stop):
                    env[index] = jnp.asarray(float(k), dtype=jnp.float64)
                    body(env)

            return unrolled
        assigned = assigned_names(node.body) - {index}
        fresh = definitely_assigned(node.body)

        def fori(env):
            names = sorted(name for name in assigned if name in env or name in fresh)
            shape = env[_SHAPE]

            def carry(value):  # one shape and dtype in every pass, as fori_loop requires
                return jnp.broadcast_to(jnp.asarray(value, dtype=jnp.float64), shape)

            def step(k, values):
                inner = {**env, **dict(zip(names, values, strict=True))}
                inner[index] = jnp.asarray(k, dtype=jnp.float64)
                body(inner)
                return tuple(carry(inner[name]) for name in names)

            # A name first assigned in the body is written before it is read in every
            # pass (the checker makes sure), so its starting value is never used.
            initial = tuple(carry(env[name]) if name in env else jnp.zeros(shape) for name in names)
            env.update(zip(names, lax.fori_loop(start, stop, step, initial), strict=True))
            env[index] = last

        return fori


def _reduce(join: Callable, values: list):
    result = values[0]
    for value in values[1:]:
        result = join(result, value)
    return result


_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_COMPARE_SYMBOL = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_ATOM = 5


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
                name = node.targets[0].id if isinstance(node, ast.Assign) else node.target.id
                value = node.value
                if isinstance(node, ast.AugAssign):
                    value = ast.BinOp(
                        left=ast.Name(id=name, ctx=ast.Load()), op=node.op, right=node.value
                    )
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
        fresh = definitely_assigned(node.body)
        names = sorted(
            name for name in assigned_names(node.body) - {index} if name in env or name in fresh
        )
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
            f"{a} {_COMPARE_SYMBOL[type(op)]} {b}"
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
            if name in _RECIPROCAL:
                return f"1 / jnp.{_RECIPROCAL[name].__name__}({argument})", 2
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
        return f"{left} {_SYMBOL[type(node.op)]} {right}", precedence

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
    text = parts[0]
    for part in parts[1:]:
        text = f"{function}({text}, {part})"
    return text
