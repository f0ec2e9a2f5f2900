"""The symbolic engine's expressions in SymEngine and back, function by function.

SymEngine (the C++ core the SymPy project wrote for speed) differentiates the page's
expressions about a hundred times faster than SymPy (`benchmarks/symbolic_stages.py`);
SymPy stays for what a person reads (LaTeX, simplify, the steps). This module turns a
SymPy expression of the language into SymEngine and a SymEngine result back into the
SymPy expression SymPy itself would have built (its constructors evaluate as usual).

Every function of the language (`core.language.functions`), and what the symbolic
worker makes of it, goes through as follows:

In SymPy -> in SymEngine: its derivative.

- sin cos tan cot sec csc, asin acos atan acot asec acsc, sinh cosh tanh coth sech
  csch, asinh atanh acoth asech acsch, exp, log (log10 and log2 are log(u)/log(b)),
  sqrt, cbrt and every power -> the same function: SymEngine's own.
- acosh(u) -> `Acosh(u)`: u' / (sqrt(u - 1) sqrt(u + 1)), SymPy's rule (SymEngine's
  u' / sqrt(u^2 - 1) loses digits near u = 1 and is real for u < -1).
- where (Piecewise, relational conditions) -> Piecewise: SymEngine's own, piece by piece.
- floor(u), ceil(u) -> `Floor(u)`, `Ceiling(u)`: 0 (constant away from the jumps).
- sign(u), u provably real -> `Sign(u)`: 2 DiracDelta(u) u' (SymPy's rule).
- sign(u), u not provably real -> `StepSign(u)`: 0.
- abs(u), u provably real -> `Abs(u)`: sign(u) u' (SymPy's rule), that sign a `Sign`.
- abs(u), u not provably real -> `RealAbs(u)`: sign(u) u', that sign a `StepSign`.
- DiracDelta(u, k) (from a `Sign`) -> `DiracDelta(u, k)`: DiracDelta(u, k + 1) u'.
- 0^u, u not a number -> `ZeroPower(u)`: 0 (0^u is 0 wherever it is defined).
- max, min (Max, Min), Heaviside -> none: SymPy's path (SymEngine leaves Max and Min
  underived; SymPy writes their derivatives with Heaviside).
- anything else (complex numbers, unevaluated derivatives, floats of other than 53
  bits, symbols that are not plain real symbols) -> none: SymPy's path.

The names in `code font` are SymEngine's undefined functions: SymEngine differentiates
them by the chain rule into `Subs(Derivative(F(ξ), ξ), ξ, u) u'`, and
`core.engines.symengine_path` replaces each such node by the rule above. They are the
SymEngine side of the stand-ins of `core.engines.symbolic_worker` (floor, ceil and
sign constant away from their jumps, |u|' = sign(u) u', 0^u constant), which they
follow exactly. "None" means `to_symengine` raises `NotInSymEngine` and the symbolic
worker runs today's SymPy code for that expression.
"""

from __future__ import annotations

from collections.abc import Callable

import symengine
import sympy

# SymPy's function class -> SymEngine's, for the functions SymEngine has as they are.
_NATIVE: dict[type, Callable] = {
    getattr(sympy, name): getattr(symengine, name)
    for name in (
        *("sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "asec"),
        *("acsc", "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "atanh", "acoth"),
        *("asech", "acsch", "exp", "log"),
    )
}
# SymEngine's class name -> SymPy's function, for the way back.
_NATIVE_BACK: dict[str, Callable] = {
    type(function(symengine.Symbol("x"))).__name__: sympy_function
    for sympy_function, function in _NATIVE.items()
    if function is not symengine.exp  # exp(u) is Pow(E, u) in SymEngine
}

# The undefined functions of the table above, by name, with their SymPy meaning.
FLOOR, CEILING, SIGN, STEP_SIGN, ACOSH = "Floor", "Ceiling", "Sign", "StepSign", "Acosh"
ABS, REAL_ABS, DIRAC_DELTA, ZERO_POWER = "Abs", "RealAbs", "DiracDelta", "ZeroPower"
_UNDEFINED_BACK: dict[str, Callable] = {
    FLOOR: sympy.floor,
    CEILING: sympy.ceiling,
    SIGN: sympy.sign,
    STEP_SIGN: sympy.sign,
    ABS: sympy.Abs,
    REAL_ABS: sympy.Abs,
    DIRAC_DELTA: sympy.DiracDelta,
    ZERO_POWER: lambda u: sympy.Pow(sympy.Integer(0), u),
    ACOSH: sympy.acosh,
}
_UNDEFINED = {name: symengine.Function(name) for name in _UNDEFINED_BACK}

_RELATIONS = {
    sympy.StrictLessThan: symengine.Lt,
    sympy.LessThan: symengine.Le,
    sympy.StrictGreaterThan: symengine.Gt,
    sympy.GreaterThan: symengine.Ge,
    sympy.Equality: symengine.Eq,
    sympy.Unequality: symengine.Ne,
}
# SymEngine writes a > b as b < a: the way back gives SymPy's canonical form (x > 1).
_RELATIONS_BACK = {
    "StrictLessThan": sympy.StrictLessThan,
    "LessThan": sympy.LessThan,
    "Equality": sympy.Equality,
    "Unequality": sympy.Unequality,
}
_CONSTANTS_BACK = {
    "Pi": sympy.pi,
    "Exp1": sympy.E,
    "BooleanTrue": sympy.true,
    "NaN": sympy.nan,
    "ComplexInfinity": sympy.zoo,
    "Infinity": sympy.oo,
    "NegativeInfinity": -sympy.oo,
}


class NotInSymEngine(ValueError):
    """An expression with a part the SymEngine path does not take: use SymPy's path."""


def undefined(name: str, *args) -> symengine.Basic:
    """The undefined function `name` of the table above applied to `args`."""
    return _UNDEFINED[name](*args)


def to_symengine(expr: sympy.Basic) -> symengine.Basic:
    """`expr` in SymEngine, with the language's functions as the module's table says.

    Raises:
        NotInSymEngine: `expr` has a part the table sends to SymPy's path.
    """
    return _Forward().convert(expr)


def to_sympy(expr: symengine.Basic) -> sympy.Expr:
    """SymEngine's `expr` back in SymPy, built by SymPy's own constructors.

    Every symbol comes back as the plain real symbol of its name, as the parser makes
    them (`to_symengine` takes no other). What was converted before is reused: the
    derivatives of one function share most of their parts, and each part then keeps
    what SymPy has worked out about it (its assumptions, its sort key).
    """
    if len(_converted) > CONVERTED:
        _converted.clear()
    return _back(expr)


# SymEngine node -> its SymPy form: the conversion is a function of the node alone.
CONVERTED = 50_000
_converted: dict[symengine.Basic, sympy.Basic] = {}


def forget() -> None:
    """Empty the conversions kept (for a benchmark that measures them from cold)."""
    _converted.clear()


def _is_plain_real_symbol(symbol: sympy.Symbol) -> bool:
    return type(symbol) is sympy.Symbol and symbol == sympy.Symbol(symbol.name, real=True)


class _Forward:
    """One conversion to SymEngine; a sub-expression met twice is converted once."""

    def __init__(self) -> None:
        self.done: dict[sympy.Basic, symengine.Basic] = {}

    def convert(self, expr: sympy.Basic) -> symengine.Basic:
        known = self.done.get(expr)
        if known is None:
            known = self.done[expr] = self._node(expr)
        return known

    def _node(self, expr: sympy.Basic) -> symengine.Basic:
        if isinstance(expr, sympy.Symbol):
            if not _is_plain_real_symbol(expr):
                raise NotInSymEngine(f"the symbol {expr!r} is not a plain real symbol")
            return symengine.Symbol(expr.name)
        if isinstance(expr, sympy.Integer):
            return symengine.Integer(int(expr))
        if isinstance(expr, sympy.Rational):
            return symengine.Rational(int(expr.p), int(expr.q))
        if isinstance(expr, sympy.Float):
            if expr._prec != 53:  # a double holds exactly 53 bits
                raise NotInSymEngine(f"{expr} has {expr._prec} bits")
            return symengine.RealDouble(float(expr))
        if expr is sympy.pi:
            return symengine.pi
        if expr is sympy.E:
            return symengine.E
        if expr is sympy.true:
            return symengine.true
        args = [self.convert(arg) for arg in expr.args] if _convertible(expr) else None
        if args is None:
            raise NotInSymEngine(f"{type(expr).__name__} is not in SymEngine's table")
        return _build(expr, args)


def _convertible(expr: sympy.Basic) -> bool:
    kind = type(expr)
    return (
        kind in _NATIVE
        or kind in _RELATIONS
        or kind
        in (
            sympy.Add,
            sympy.Mul,
            sympy.Pow,
            sympy.floor,
            sympy.ceiling,
            sympy.sign,
            sympy.Abs,
            sympy.DiracDelta,
            sympy.acosh,
            sympy.Piecewise,
            sympy.functions.elementary.piecewise.ExprCondPair,
        )
    )


def _build(expr: sympy.Basic, args: list) -> symengine.Basic:
    kind = type(expr)
    if kind in _NATIVE:
        return _NATIVE[kind](*args)
    if kind in _RELATIONS:
        return _RELATIONS[kind](*args)
    if kind is sympy.Add:
        return symengine.Add(*args)
    if kind is sympy.Mul:
        return symengine.Mul(*args)
    if kind is sympy.Pow:
        if expr.base == 0 and not expr.exp.is_number:
            return undefined(ZERO_POWER, args[1])
        return symengine.Pow(*args)
    if kind is sympy.Piecewise:
        return symengine.Piecewise(*args)
    if kind is sympy.functions.elementary.piecewise.ExprCondPair:
        return tuple(args)
    if kind is sympy.acosh:
        return undefined(ACOSH, *args)
    if kind in (sympy.floor, sympy.ceiling):
        return undefined(FLOOR if kind is sympy.floor else CEILING, *args)
    real = expr.args[0].is_extended_real is True
    if kind is sympy.sign:
        return undefined(SIGN if real else STEP_SIGN, *args)
    if kind is sympy.Abs:
        return undefined(ABS if real else REAL_ABS, *args)
    return undefined(DIRAC_DELTA, *args)  # sympy.DiracDelta: its argument came from Sign


def _back(expr: symengine.Basic) -> sympy.Basic:
    known = _converted.get(expr)
    if known is None:
        known = _converted[expr] = _back_node(expr)
    return known


def _back_node(expr: symengine.Basic) -> sympy.Basic:
    if isinstance(expr, symengine.Symbol):
        return sympy.Symbol(str(expr), real=True)
    if isinstance(expr, symengine.Integer):
        return sympy.Integer(int(expr))
    if isinstance(expr, symengine.Rational):
        return sympy.Rational(int(expr.p), int(expr.q))
    if isinstance(expr, symengine.RealDouble):
        return sympy.Float(float(expr))
    kind = type(expr).__name__
    if kind in _CONSTANTS_BACK:
        return _CONSTANTS_BACK[kind]
    args = [_back(arg) for arg in expr.args]
    if kind == "Add":
        return sympy.Add(*args)
    if kind == "Mul":
        return sympy.Mul(*args)
    if kind == "Pow":
        return sympy.Pow(*args)
    if kind == "FunctionSymbol":
        return _UNDEFINED_BACK[expr.get_name()](*args)
    if kind in _NATIVE_BACK:
        return _NATIVE_BACK[kind](*args)
    if kind in _RELATIONS_BACK:
        return _RELATIONS_BACK[kind](*args).canonical
    if kind == "Piecewise":
        return sympy.Piecewise(*zip(args[::2], args[1::2], strict=True))
    raise NotInSymEngine(f"SymEngine's {kind} has no SymPy form here")
