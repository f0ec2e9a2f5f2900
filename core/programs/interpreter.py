"""A validated program as a JAX function: as written, and rewritten as data flow.

Our own interpreter walks the tree (never `exec`). As written, a Python `if` asks for
the truth of a comparison on the traced value: `jax.grad` at one concrete point can
answer it, `jax.jit` and `jax.vmap` cannot (TracerBoolConversionError). The rewrite
evaluates both branches and merges what they assign with `jnp.where`, and runs each
loop as `lax.fori_loop` (one traced body instead of N unrolled copies), so the whole
function vectorises and compiles. `core.programs.source_writer` writes the same
rewrite out as code.

Caveat of the rewrite (the classic `where` gotcha): both branches are evaluated, so a
branch that is undefined where it is not selected (`sqrt(x)` for x < 0) gives NaN
gradients there even though its value is discarded.
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable

import jax.numpy as jnp
from jax import lax

import core.engines.autodiff  # noqa: F401  (float64 on)
from core.language import functions
from core.programs.analysis import (
    assigned_names,
    assignment,
    carried_names,
    integer_exponent,
    loop_bounds,
)
from core.programs.parser import Program

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
# The names of the allowed functions in jax.numpy, where they differ from ours; jnp has
# no cot, sec or csc, which are 1 / tan, 1 / cos and 1 / sin.
NUMPY_NAMES = {
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "asinh": "arcsinh",
    "acosh": "arccosh",
    "atanh": "arctanh",
}
RECIPROCALS = {"cot": "tan", "sec": "cos", "csc": "sin", "sech": "cosh", "csch": "sinh",
               "coth": "tanh"}  # fmt: skip
# f(1/x) for each of these
OF_RECIPROCALS = {"asech": "arccosh", "acsch": "arcsinh", "acoth": "arctanh",
                  "asec": "arccos", "acsc": "arcsin", "acot": "arctan"}  # fmt: skip
CONSTANTS = {name: value for name, (_, value) in functions.CONSTANTS.items()}  # pi, e


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


def _jnp_function(name: str) -> Callable:
    """The jax.numpy function for an allowed function's name (or alias)."""
    name = functions.canonical_function_name(name)
    if name in RECIPROCALS:
        base = getattr(jnp, RECIPROCALS[name])
        return lambda value: 1.0 / base(value)
    if name in OF_RECIPROCALS:
        inverse = getattr(jnp, OF_RECIPROCALS[name])
        return lambda value: inverse(1.0 / value)
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
            function, argument = _jnp_function(node.func.id), self.expression(node.args[0])
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
            return lambda env: functools.reduce(join, [part(env) for part in parts])
        if isinstance(node, ast.UnaryOp):
            inner = self.condition(node.operand)
            return lambda env: jnp.logical_not(inner(env))
        operands = [self.expression(part) for part in (node.left, *node.comparators)]
        tests = [_COMPARE[type(op)] for op in node.ops]

        def compare(env):
            values = [operand(env) for operand in operands]
            return functools.reduce(
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
            name, expression = assignment(node)
            value = self.expression(expression)

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

        def fori(env):
            names = carried_names(node, env)
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
