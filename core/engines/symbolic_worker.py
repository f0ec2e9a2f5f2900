"""What runs inside a symbolic worker process: one derivative, its LaTeX and values.

Imported by the worker pool's server process ahead of time, so it stays light:
SymPy, SymEngine and NumPy only, never JAX or Streamlit.
"""

from __future__ import annotations

import functools
import math
import resource

import numpy as np
import sympy

from core.engines import symengine_path
from core.engines.symengine_forms import NotInSymEngine

LATEX_LIMIT = 1_500  # characters of LaTeX a page can show readably
TERMS_SHOWN = 3
# A worker keeps its recent work: moving x0 or the x-range asks again for the same
# derivatives at other points, and those then cost an evaluation, not a differentiation.
CACHED = 128


def limit_memory(max_bytes: int) -> None:
    """Pool initializer: cap the worker's address space, so swelling ends in MemoryError."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))


def start_worker(max_bytes: int) -> None:
    """Pool initializer: cap the memory, then warm SymPy and SymEngine up before the first request.

    A new worker's first derivative imports SymPy's printers and lambdify (about 0.5 s
    here, more on a busy server), which would come out of a user's 2 s budget.
    """
    limit_memory(max_bytes)
    x = sympy.Symbol("x", real=True)
    derivative_step(sympy.sin(x) * sympy.exp(-(x**2)), x, True, [x], [np.linspace(0, 1, 5)])
    # and SymPy's own path, for what SymEngine does not take (max, min)
    derivative_step(sympy.Max(x, x**2), x, True, [x], [np.linspace(0, 1, 5)])


def ping() -> bool:
    return True


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def within_cpu_budget(seconds: float, function, args: tuple):
    """`function(*args)`, killed by the kernel once it has used `seconds` of CPU time.

    The budget is computing time, not waiting time: a worker that shares the cores with
    a busy server gets the same amount of SymPy done before it is stopped as on an idle
    one. The kernel counts whole seconds (RLIMIT_CPU), so the limit is the budget
    rounded up; at it the kernel sends SIGXCPU, whose default action ends the process
    (the pool starts a new one).

    Returns:
        (what `function` returned, the CPU seconds it used).
    """
    start = _cpu_seconds()
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    limit = math.ceil(start + max(seconds, 0.0) + 1e-3)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        value = function(*args)
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
    return value, _cpu_seconds() - start


@functools.lru_cache(maxsize=CACHED)
def short_latex(expr: sympy.Expr, limit: int = LATEX_LIMIT) -> str:
    """LaTeX of `expr`, shortened to a readable summary when it is huge.

    A long sum shows its first terms and how many more there are; anything else that
    is still too long shows its size instead of a wall of symbols.
    """
    text = sympy.latex(expr)
    if len(text) <= limit:
        return text
    if isinstance(expr, sympy.Add):
        head = sympy.latex(sympy.Add(*expr.args[:TERMS_SHOWN], evaluate=False))
        rest = len(expr.args) - TERMS_SHOWN
        if len(head) <= limit:
            return rf"{head} + \cdots \text{{ ({rest} more terms)}}"
    size = f"{sympy.count_ops(expr):,} operations, {len(text):,} characters of LaTeX"
    return rf"\text{{(an expression too long to show: {size})}}"


def _dirac_delta(x, _order=0):
    """DiracDelta as a function: 0 away from the origin, undefined (nan) at it."""
    return np.where(np.asarray(x) == 0, np.nan, 0.0)


# Generalised functions SymPy produces (d|x|/dx = sign(x), then DiracDelta) that
# NumPy's printer has no name for.
_GENERALISED = {
    "DiracDelta": _dirac_delta,
    "Heaviside": lambda x, at_zero=0.5: np.heaviside(x, at_zero),
    "sign": np.sign,
}


@functools.lru_cache(maxsize=CACHED)
def _compiled(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):
    return sympy.lambdify(symbols, expr, modules=[_GENERALISED, "numpy"], cse=True)


def evaluate(expr: sympy.Expr, symbols: list[sympy.Symbol], values: list) -> np.ndarray:
    """Evaluate `expr` numerically (NumPy) on values for `symbols`; nan where not real."""
    function = _compiled(expr, tuple(symbols))
    with np.errstate(all="ignore"):
        result = np.asarray(function(*values), dtype=np.complex128)
    shape = np.broadcast(*[np.asarray(v) for v in values]).shape
    result = np.broadcast_to(result, shape)
    real = np.where(
        np.abs(result.imag) <= 1e-12 * np.maximum(1.0, np.abs(result.real)), result.real, np.nan
    )
    return np.asarray(real, dtype=np.float64)


class _Step(sympy.Function):
    """A piecewise-constant function while it is differentiated: 0 away from its jumps.

    SymPy leaves d floor(g)/dx as `Subs(Derivative(floor(xi), xi), xi, g)` and, unless
    it can prove g real, d sign(g)/dx as `Derivative(sign(g), x)`: nothing can print
    those as numbers, and every later order keeps them.
    """

    def fdiff(self, argindex=1):  # noqa: ARG002 (SymPy's signature; one argument)
        return sympy.Integer(0)

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real


class _Floor(_Step):
    pass


class _Ceiling(_Step):
    pass


class _Sign(_Step):
    pass


class _RealAbs(sympy.Function):
    """|g| of a g taken as real while it is differentiated: d|g|/dx = sign(g) g'.

    For a g it cannot prove real (asin(x), x^1.5) SymPy differentiates |g| through
    re(g) and im(g) into a page of atan2s; the page's functions are real wherever
    they are defined (nan elsewhere), so the real rule is the one that applies.
    """

    def fdiff(self, argindex=1):  # noqa: ARG002 (SymPy's signature; one argument)
        return sympy.sign(self.args[0])

    def _eval_is_extended_real(self):
        return self.args[0].is_extended_real


_STAND_INS = {sympy.floor: _Floor, sympy.ceiling: _Ceiling, sympy.sign: _Sign, sympy.Abs: _RealAbs}


class _ZeroPower(sympy.Function):
    """0^u for a u that varies: 0 where u > 0 (undefined elsewhere), so its derivative is 0.

    SymPy's rule d(0^u) = 0^u log(0) u' gives 0 * zoo = nan, where 0^u is identically 0.
    """

    def fdiff(self, argindex=1):  # noqa: ARG002 (SymPy's signature; one argument)
        return sympy.Integer(0)


def _is_zero_power(expr) -> bool:
    return isinstance(expr, sympy.Pow) and expr.base == 0 and not expr.exp.is_number


def _zero_power_back(expr: sympy.Expr) -> sympy.Expr:
    return expr.replace(_ZeroPower, lambda u: sympy.Pow(sympy.Integer(0), u))


def _needs_stand_in(expr) -> bool:
    if expr.func in (sympy.floor, sympy.ceiling):
        return True
    # sign and |.| of a provably real argument: SymPy's own rules (2 DiracDelta(g) g',
    # sign(g) g') are right and kept.
    return expr.func in (sympy.sign, sympy.Abs) and expr.args[0].is_extended_real is not True


@functools.lru_cache(maxsize=CACHED)
def differentiate(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """d expr / d variable, with floor, ceil, sign and 0^u constant away from their jumps.

    floor(g), ceil(g) and sign(g) (g not provably real) are piecewise constant: their
    derivative is 0 wherever it exists, at every order. |g| follows the real rule
    sign(g) g'. The functions come back as themselves in the result.
    """
    standing_in = expr.replace(_needs_stand_in, lambda e: _STAND_INS[e.func](*e.args))
    standing_in = standing_in.replace(_is_zero_power, lambda e: _ZeroPower(e.exp))
    result = sympy.diff(standing_in, variable)
    for function, stand_in in _STAND_INS.items():
        result = result.replace(stand_in, function)
    return _zero_power_back(result)


def derivative_step(expr, variable, differentiate_it: bool, symbols, values):
    """One step of the symbolic engine.

    The derivative and its values come from SymEngine (`core.engines.symengine_path`),
    and from SymPy (`differentiate`, `evaluate`) for an expression whose parts SymEngine
    does not take (`core.engines.symengine_forms` lists them); the LaTeX from SymPy.

    Args:
        expr: the previous derivative (or f itself).
        variable: the symbol to differentiate by.
        differentiate_it: False for order 0 (f itself).
        symbols, values: where to evaluate it (or values None to skip).

    Returns:
        (derivative, its LaTeX, its values or None).
    """
    try:
        result, form = symengine_path.step(expr, variable, differentiate_it)
    except NotInSymEngine:
        result, form = (differentiate(expr, variable) if differentiate_it else expr), None
    numbers = None
    if values is not None and form is not None:
        try:
            numbers = symengine_path.evaluate(form, symbols, values)
        except NotInSymEngine:
            form = None
    if values is not None and form is None:
        numbers = evaluate(result, symbols, values)
    return result, short_latex(result), numbers
