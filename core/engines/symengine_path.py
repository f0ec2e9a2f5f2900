"""One derivative and its values by SymEngine: the symbolic worker's arithmetic.

The symbolic worker (`core.engines.symbolic_worker.derivative_step`) differentiates
and evaluates here, in SymEngine's C++, and keeps SymPy for what a person reads (the
LaTeX). Measured in `benchmarks/symbolic_stages.py`: SymEngine differentiates the
page's examples in a fraction of a millisecond an order where SymPy takes 15 ms or
more, and evaluates them on the grid (`Lambdify`, cse) about 8 times faster than
`sympy.lambdify`. The result goes back to SymPy (`core.engines.symengine_forms`),
because the symbolic result's derivatives are SymPy expressions.

What SymEngine lacks is written in terms of what it has (the table in
`core.engines.symengine_forms`): the piecewise-constant functions, |u| and the Dirac
delta are undefined functions whose derivative `derivative` writes by the same rules as
the SymPy stand-ins; for the numbers, each becomes what NumPy computes for it today
(`_NUMERIC`). An expression the table sends to SymPy raises `NotInSymEngine`, and the
worker runs SymPy's path for it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import symengine
import sympy

from core.engines.symengine_forms import (
    ABS,
    ACOSH,
    CEILING,
    DIRAC_DELTA,
    FLOOR,
    REAL_ABS,
    SIGN,
    STEP_SIGN,
    ZERO_POWER,
    NotInSymEngine,
    to_symengine,
    to_sympy,
    undefined,
)

CACHED = 128  # as the worker's SymPy caches: recent derivatives, compiled evaluations

_ZERO = symengine.Integer(0)


class Derived(NamedTuple):
    """A derivative in both forms: SymPy's for the result and the LaTeX, SymEngine's for work."""

    sympy: sympy.Expr
    symengine: symengine.Basic


# SymPy expression -> its SymEngine form (None: SymPy's path), for what this process
# made or converted: the next order's request brings the previous derivative back as
# SymPy, and finds it here unconverted.
_known: dict[sympy.Basic, symengine.Basic | None] = {}


def _remember(expr: sympy.Basic, form: symengine.Basic | None) -> None:
    if len(_known) >= CACHED:
        del _known[next(iter(_known))]  # the oldest
    _known[expr] = form


def as_symengine(expr: sympy.Basic) -> symengine.Basic:
    """`expr` in SymEngine, from what this process made or converted.

    Raises:
        NotInSymEngine: `expr` has a part that goes to SymPy's path.
    """
    if expr in _known:
        form = _known[expr]
    else:
        try:
            form = to_symengine(expr)
        except NotInSymEngine:
            form = None
        _remember(expr, form)
    if form is None:
        raise NotInSymEngine("a part of it goes to SymPy's path (symengine_forms' table)")
    return form


def _rule(name: str, args: Sequence[symengine.Basic]) -> symengine.Basic:
    """d F(u, ...)/du of the undefined function `name` at `args` (symengine_forms' table)."""
    u = args[0]
    if name in (FLOOR, CEILING, STEP_SIGN, ZERO_POWER):
        return _ZERO
    if name == SIGN:
        return 2 * undefined(DIRAC_DELTA, u)
    if name == ABS:
        return undefined(SIGN, u)
    if name == REAL_ABS:
        return undefined(STEP_SIGN, u)
    if name == ACOSH:
        return 1 / (symengine.sqrt(u - 1) * symengine.sqrt(u + 1))
    if name == DIRAC_DELTA:
        order = args[1] if len(args) > 1 else _ZERO
        return undefined(DIRAC_DELTA, u, order + 1)
    raise NotInSymEngine(f"no derivative rule for {name}")


def _replacement(node, variable: symengine.Symbol) -> symengine.Basic | None:
    """What an unevaluated derivative SymEngine left stands for; None inside a Subs.

    SymEngine leaves d F(x)/dx as `Derivative(F(x), x)` and d F(u)/dx as
    `Subs(Derivative(F(ξ), ξ), ξ, u) u'`; either F' comes from `_rule`.
    """
    if isinstance(node, symengine.Subs):
        inner, (dummy,), (point,) = node.expr, node.variables, node.point
    else:
        inner, dummy, point = node, variable, variable
        if node.variables != (variable,):
            return None  # the Derivative inside a Subs, replaced with it
    function = inner.expr if isinstance(inner, symengine.Derivative) else None
    if (
        type(function).__name__ != "FunctionSymbol"
        or inner.variables != (dummy,)
        or function.args[0] != dummy
        or any(arg.has(dummy) for arg in function.args[1:])
    ):
        raise NotInSymEngine(f"SymEngine left {node} underived")
    return _rule(function.get_name(), (point, *function.args[1:]))


def derivative(expr: symengine.Basic, variable: symengine.Symbol) -> symengine.Basic:
    """d expr / d variable in SymEngine, the undefined functions by their rules.

    Raises:
        NotInSymEngine: SymEngine left a derivative that no rule here knows.
    """
    result = expr.diff(variable)
    pending = result.atoms(symengine.Subs, symengine.Derivative)
    if not pending:
        return result
    replacements = {}
    for node in pending:
        value = _replacement(node, variable)
        if value is not None:
            replacements[node] = value
    return result.xreplace(replacements)


@functools.lru_cache(maxsize=CACHED)
def derived(expr: sympy.Expr, variable: sympy.Symbol) -> Derived:
    """d expr / d variable by SymEngine, in both forms.

    Raises:
        NotInSymEngine: `expr` or its derivative has a part that goes to SymPy's path.
    """
    form = derivative(as_symengine(expr), symengine.Symbol(variable.name))
    back = to_sympy(form)
    _remember(back, form)
    return Derived(back, form)


def step(expr: sympy.Expr, variable: sympy.Symbol, differentiate_it: bool) -> Derived:
    """The symbolic engine's next expression (d expr/d variable, or expr for order 0).

    Raises:
        NotInSymEngine: it goes to SymPy's path.
    """
    if differentiate_it:
        return derived(expr, variable)
    return Derived(expr, as_symengine(expr))


# -- numbers -----------------------------------------------------------------------------


def _sign(u):
    """np.sign: -1, 0 or 1, and nan for nan (SymEngine's own sign gives 1 for nan)."""
    nan = symengine.nan
    return symengine.Piecewise(
        (1, symengine.Gt(u, 0)), (-1, symengine.Lt(u, 0)), (0, symengine.Eq(u, 0)), (nan, True)
    )


def _dirac_delta(u, _order=0):
    """As `symbolic_worker._dirac_delta`: nan exactly at 0, 0 elsewhere (0 for nan)."""
    return symengine.Piecewise((symengine.nan, symengine.Eq(u, 0)), (0, True))


# The undefined functions and the functions SymEngine's evaluator lacks, as numbers.
_NUMERIC = {
    FLOOR: symengine.floor,
    CEILING: symengine.ceiling,
    SIGN: _sign,
    STEP_SIGN: _sign,
    ABS: symengine.Abs,
    REAL_ABS: symengine.Abs,
    DIRAC_DELTA: _dirac_delta,
    ZERO_POWER: lambda u: symengine.Pow(_ZERO, u),
    ACOSH: symengine.acosh,
    "asech": lambda u: symengine.acosh(1 / u),  # SymEngine evaluates neither
    "acsch": lambda u: symengine.asinh(1 / u),
}


# Relations have no `func` in SymEngine's Python wrapper.
_RELATIONS = {
    "StrictLessThan": symengine.Lt,
    "LessThan": symengine.Le,
    "Equality": symengine.Eq,
    "Unequality": symengine.Ne,
}


def _name(node) -> str:
    kind = type(node).__name__
    return node.get_name() if kind == "FunctionSymbol" else kind


def _numeric(expr: symengine.Basic, done: dict) -> symengine.Basic:
    """`expr` with every function of `_NUMERIC` written as what evaluates it, inside out."""
    if expr in done:
        return done[expr]
    args = expr.args
    if not args:
        return expr
    rewritten = [_numeric(arg, done) for arg in args]
    name = _name(expr)
    if name in _NUMERIC:
        result = _NUMERIC[name](*rewritten)
    elif name == "Piecewise":  # its arguments are (value, condition) pairs, flattened
        result = symengine.Piecewise(*zip(rewritten[::2], rewritten[1::2], strict=True))
    elif all(new is old for new, old in zip(rewritten, args, strict=True)):
        result = expr
    elif name in _RELATIONS:
        result = _RELATIONS[name](*rewritten)
    else:
        result = expr.func(*rewritten)
    done[expr] = result
    return result


_REWRITTEN_TYPES = tuple(
    type(function(symengine.Symbol("x"))) for function in (symengine.asech, symengine.acsch)
)


def _has_rewrites(expr: symengine.Basic) -> bool:
    return bool(expr.atoms(symengine.FunctionSymbol, *_REWRITTEN_TYPES))


@functools.lru_cache(maxsize=CACHED)
def _compiled(expr: symengine.Basic, names: tuple[str, ...]):
    """SymEngine's evaluator of `expr` as a function of the symbols named `names`.

    Real doubles, common subexpressions once (cse), by SymEngine's interpreter of the
    expression ("lambda"): its LLVM backend compiles for longer than one grid takes to
    evaluate, and lacks some of the language's functions.
    """
    numeric = _numeric(expr, {}) if _has_rewrites(expr) else expr
    symbols = [symengine.Symbol(name) for name in names]
    try:
        return symengine.Lambdify(symbols, [numeric], real=True, cse=True, backend="lambda")
    except (RuntimeError, TypeError) as error:
        raise NotInSymEngine(f"SymEngine cannot evaluate it ({error})") from None


def evaluate(
    expr: symengine.Basic, symbols: Sequence[sympy.Symbol], values: Sequence
) -> np.ndarray:
    """`expr` at `values` of `symbols` (arrays broadcast together), float64; nan where not real.

    Raises:
        NotInSymEngine: SymEngine cannot evaluate it.
    """
    function = _compiled(expr, tuple(symbol.name for symbol in symbols))
    arrays = [np.asarray(value, dtype=np.float64) for value in values]
    shape = np.broadcast_shapes(*(array.shape for array in arrays))
    points = np.stack([np.broadcast_to(array, shape) for array in arrays], axis=-1)
    with np.errstate(all="ignore"):
        result = function(points.reshape(-1, len(arrays)))
    return np.asarray(result, dtype=np.float64).reshape(shape)
