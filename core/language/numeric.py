"""The NumPy and JAX forms of a tree: nested closures over one library's operations.

One builder serves both libraries (`build_function`), so the function finite
differences evaluate and the one JAX differentiates are the same function. JAX is
imported only when a JAX form is built: the parser and the SymPy workers never pay
for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

from core.language import functions
from core.language.tree import (
    Call,
    Compare,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
)

MAX_INTEGER_POWER = 64  # larger integer exponents use the general power
REFERENCE = ""  # env key of an array whose shape and dtype constants take (JAX only)


class _Operations(NamedTuple):
    constant: Callable  # (value, env) -> array or scalar
    add: Callable
    sub: Callable
    mul: Callable
    div: Callable
    neg: Callable
    power: Callable
    function: Callable  # name -> callable
    maximum: Callable
    minimum: Callable
    select: Callable  # (condition, if_true, if_false)
    compare: dict  # operator -> callable


def _numpy_operations() -> _Operations:
    return _Operations(
        constant=lambda value, _env: value,
        add=np.add,
        sub=np.subtract,
        mul=np.multiply,
        div=np.divide,
        neg=np.negative,
        power=np.power,
        function=functions.numpy_function,
        maximum=np.maximum,
        minimum=np.minimum,
        select=np.where,
        compare={"<": np.less, "<=": np.less_equal, ">": np.greater,
                 ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal},
    )  # fmt: skip


def _jax_operations() -> _Operations:
    # `lax` primitives on arrays of one shape, never jitted `jnp` wrappers: see
    # core.language.functions for why Taylor mode needs this.
    from jax import lax

    return _Operations(
        constant=lambda value, env: lax.full_like(env[REFERENCE], value),
        add=lax.add,
        sub=lax.sub,
        mul=lax.mul,
        div=lax.div,
        neg=lax.neg,
        power=lax.pow,
        function=functions.jax_function,
        maximum=lax.max,
        minimum=lax.min,
        select=lax.select,
        compare={"<": lax.lt, "<=": lax.le, ">": lax.gt, ">=": lax.ge, "==": lax.eq,
                 "!=": lax.ne},
    )  # fmt: skip


def _integer_exponent(node: Node) -> int | None:
    sign = 1
    if isinstance(node, Negate):
        sign, node = -1, node.operand
    if isinstance(node, Number) and isinstance(node.value, int) and node.value <= MAX_INTEGER_POWER:
        return sign * node.value
    return None


def _integer_power(base: Callable, n: int, ops: _Operations) -> Callable:
    """x**n by repeated squaring with multiplications only: exact for negative x."""

    def power(env):
        x = base(env)
        result, square, m = None, x, abs(n)
        while m:
            if m & 1:
                result = square if result is None else ops.mul(result, square)
            m >>= 1
            if m:
                square = ops.mul(square, square)
        if result is None:
            return ops.constant(1.0, env)
        return ops.div(ops.constant(1.0, env), result) if n < 0 else result

    return power


def build_function(node: Node, library: str) -> Callable[[Mapping[str, object]], object]:
    """Compile a tree into nested closures over NumPy or JAX operations.

    Args:
        node: the validated tree.
        library: "numpy" or "jax". A JAX function's env must also map `REFERENCE`
            to an array of the output's shape (constants are built like it).
    """
    ops = _jax_operations() if library == "jax" else _numpy_operations()
    return _build(node, ops)


def _build(node: Node, ops: _Operations) -> Callable:
    if isinstance(node, Number | Constant):
        value = float(node.value) if isinstance(node, Number) else functions.CONSTANTS[node.name][1]
        return lambda env: ops.constant(value, env)
    if isinstance(node, Symbol):
        name = node.name
        return lambda env: env[name]
    if isinstance(node, Call):
        function, argument = ops.function(node.function), _build(node.argument, ops)
        return lambda env: function(argument(env))
    if isinstance(node, Negate):
        operand = _build(node.operand, ops)
        return lambda env: ops.neg(operand(env))
    if isinstance(node, MultiCall):
        arguments = [_build(argument, ops) for argument in node.arguments]
        operation = {"max": ops.maximum, "min": ops.minimum, "where": ops.select}[node.function]
        return lambda env: operation(*(argument(env) for argument in arguments))
    if isinstance(node, Compare):
        left, right = _build(node.left, ops), _build(node.right, ops)
        comparison = ops.compare[node.operator]
        return lambda env: comparison(left(env), right(env))
    left = _build(node.left, ops)
    if node.operator == "^" and (n := _integer_exponent(node.right)) is not None:
        return _integer_power(left, n, ops)
    right = _build(node.right, ops)
    if node.operator == "^" and isinstance(node.left, Constant) and node.left.name == "e":
        # e^u is exp(u): one primitive, where a power of a varying exponent takes
        # exp(u log e) and, under jit, its zero-base limits (core.engines.taylor_rules).
        exp = ops.function("exp")
        return lambda env: exp(right(env))
    operation = {"+": ops.add, "-": ops.sub, "*": ops.mul, "/": ops.div, "^": ops.power}[
        node.operator
    ]
    return lambda env: operation(left(env), right(env))


@functools.lru_cache(maxsize=256)
def numpy_function(tree: Node) -> Callable:
    """The NumPy form of a tree, cached: finite differences call it many times."""
    return build_function(tree, "numpy")
