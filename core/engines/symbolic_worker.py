"""What runs inside a symbolic worker process: one derivative, its LaTeX and values.

Imported by the worker pool's server process ahead of time, so it stays light:
SymPy and NumPy only, never JAX or Streamlit.
"""

from __future__ import annotations

import resource

import numpy as np
import sympy

LATEX_LIMIT = 1_500  # characters of LaTeX a page can show readably
TERMS_SHOWN = 3


def limit_memory(max_bytes: int) -> None:
    """Pool initializer: cap the worker's address space, so swelling ends in MemoryError."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, hard))


def ping() -> bool:
    return True


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


def evaluate(expr: sympy.Expr, symbols: list[sympy.Symbol], values: list) -> np.ndarray:
    """Evaluate `expr` numerically (NumPy) on values for `symbols`; nan where not real."""
    function = sympy.lambdify(symbols, expr, modules=[_GENERALISED, "numpy"], cse=True)
    with np.errstate(all="ignore"):
        result = np.asarray(function(*values), dtype=np.complex128)
    shape = np.broadcast(*[np.asarray(v) for v in values]).shape
    result = np.broadcast_to(result, shape)
    real = np.where(
        np.abs(result.imag) <= 1e-12 * np.maximum(1.0, np.abs(result.real)), result.real, np.nan
    )
    return np.asarray(real, dtype=np.float64)


def derivative_step(expr, variable, differentiate: bool, symbols, values):
    """One step of the symbolic engine.

    Args:
        expr: the previous derivative (or f itself).
        variable: the symbol to differentiate by.
        differentiate: False for order 0 (f itself).
        symbols, values: where to evaluate it (or values None to skip).

    Returns:
        (derivative, its LaTeX, its values or None).
    """
    result = sympy.diff(expr, variable) if differentiate else expr
    # d floor(x)/dx is 0 away from the integers (where it is undefined); SymPy leaves
    # it unevaluated, which nothing can print as numbers.
    result = result.replace(
        lambda e: isinstance(e, sympy.Derivative) and e.expr.func in (sympy.floor, sympy.ceiling),
        lambda _e: sympy.Integer(0),
    )
    numbers = evaluate(result, symbols, values) if values is not None else None
    return result, short_latex(result), numbers
