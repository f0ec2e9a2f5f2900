"""Parse once, use three ways: typed text -> validated tree -> SymPy, NumPy and JAX.

Nothing here evaluates user text. The tree comes from our own parser (`core.language.syntax`),
and the SymPy expression and the numeric functions are built from it node by node
from an allow-list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import sympy

from core.errors import ExpressionError
from core.language import functions
from core.language.syntax import (
    Binary,
    Call,
    Compare,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Parser,
    Symbol,
    to_text,
    tokenize,
)
from core.language.text_input import normalise

MAX_INTEGER_POWER = 64  # larger integer exponents use the general power


@dataclass(frozen=True)
class ParsedExpression:
    """A validated expression and its three compiled forms.

    Attributes:
        text: canonical text (`2x^2` -> `2*x**2`); parsing it gives the same tree.
        variables: the variables it is a function of, as declared by the page.
        parameters: the other single-letter names in it, sorted (sliders on a page).
        sympy: the SymPy expression, built node by node from the tree.
        latex: LaTeX of `sympy`.
    """

    text: str
    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    sympy: sympy.Expr
    latex: str
    tree: Node = field(repr=False, compare=False)

    @functools.cached_property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {name: sympy.Symbol(name, real=True) for name in self.variables + self.parameters}

    def numpy(self, values: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """Evaluate with NumPy; `values` maps every variable and parameter to a value.

        Works on complex input too (for the complex-step derivative).
        """
        return _numpy_function(self.tree)(values)

    @functools.cached_property
    def jax(self) -> Callable[[Mapping[str, object]], object]:
        """The expression as a JAX-traceable function of a name -> array mapping."""
        return build_function(self.tree, "jax")


def parse_expression(text: str, variables: Sequence[str] = ("x",)) -> ParsedExpression:
    """Parse typed maths into a validated expression.

    Args:
        text: what the person typed, e.g. ``"3sin(x) - e^(-x²)"``.
        variables: the names the expression is a function of; other single letters
            (except ``e``) become parameters.

    Returns:
        The parsed expression.

    Raises:
        ExpressionError: with one sentence and the position in `text` of the problem.

    Example:
        >>> parse_expression("2x^2").text
        '2*x**2'
    """
    if not isinstance(text, str):
        raise ExpressionError("The expression must be text.", None)
    variables = tuple(variables)
    ascii_text, origin = normalise(text)
    try:
        tree = Parser(tokenize(ascii_text), variables).parse()
    except ExpressionError as error:
        position = error.position
        raise ExpressionError(
            error.message, origin[min(position, len(origin) - 1)] if position is not None else None
        ) from None
    names = _names(tree)
    parameters = tuple(sorted(names - set(variables)))
    symbols = {name: sympy.Symbol(name, real=True) for name in variables + parameters}
    expr = to_sympy(tree, symbols)
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ExpressionError(
            "The expression is undefined: it divides by zero or takes an undefined value.",
            None,
        )
    return ParsedExpression(
        text=to_text(tree),
        variables=variables,
        parameters=parameters,
        sympy=expr,
        latex=sympy.latex(expr),
        tree=tree,
    )


def _names(node: Node) -> set[str]:
    if isinstance(node, Symbol):
        return {node.name}
    if isinstance(node, Call):
        return _names(node.argument)
    if isinstance(node, Negate):
        return _names(node.operand)
    if isinstance(node, Binary | Compare):
        return _names(node.left) | _names(node.right)
    if isinstance(node, MultiCall):
        return set().union(*(_names(argument) for argument in node.arguments))
    return set()


def to_sympy(node: Node, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """Build the SymPy expression of a tree from its nodes (no text is parsed)."""
    if isinstance(node, Number):
        return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(node.value)
    if isinstance(node, Symbol):
        return symbols[node.name]
    if isinstance(node, Constant):
        return functions.CONSTANTS[node.name][0]
    if isinstance(node, Call):
        return functions.sympy_function(node.function)(to_sympy(node.argument, symbols))
    if isinstance(node, Negate):
        return -to_sympy(node.operand, symbols)
    if isinstance(node, MultiCall):
        arguments = [to_sympy(argument, symbols) for argument in node.arguments]
        if node.function == "where":
            return sympy.Piecewise((arguments[1], arguments[0]), (arguments[2], True))
        return (sympy.Max if node.function == "max" else sympy.Min)(*arguments)
    left, right = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
    if isinstance(node, Compare):
        return _SYMPY_COMPARISONS[node.operator](left, right)
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if node.operator == "/":
        return left / right
    return sympy.Pow(left, right)


_SYMPY_COMPARISONS = {
    "<": sympy.Lt,
    "<=": sympy.Le,
    ">": sympy.Gt,
    ">=": sympy.Ge,
    "==": sympy.Eq,
    "!=": sympy.Ne,
}


def _integer_exponent(node: Node) -> int | None:
    sign = 1
    if isinstance(node, Negate):
        sign, node = -1, node.operand
    if isinstance(node, Number) and isinstance(node.value, int) and node.value <= MAX_INTEGER_POWER:
        return sign * node.value
    return None


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


REFERENCE = ""  # env key of an array whose shape and dtype constants take (JAX only)


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
    operation = {"+": ops.add, "-": ops.sub, "*": ops.mul, "/": ops.div, "^": ops.power}[
        node.operator
    ]
    return lambda env: operation(left(env), right(env))


@functools.lru_cache(maxsize=256)
def _numpy_function(tree: Node) -> Callable:
    return build_function(tree, "numpy")
