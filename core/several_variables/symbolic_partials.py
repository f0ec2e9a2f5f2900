"""Partial derivatives, gradient and Hessian by SymPy, in a killable worker under the budget.

For f(x_1, ..., x_d) the worker differentiates the tree's SymPy form once per variable,
∂f/∂x_i, and for the Hessian once more, ∂²f/∂x_i∂x_j (only j >= i: SymPy's mixed partials
of the same expression are equal, Schwarz's theorem for the smooth functions typed here,
so the lower triangle is a copy), and evaluates them at the point with NumPy. SymPy's
cost cannot be bounded up front, so all of it runs in a worker process of
`core.engines.symbolic` under the same CPU-time and memory budget as the Explorer's
derivatives; this module imports neither JAX nor Streamlit, so the worker can import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import sympy

from core.engines import symbolic_worker
from core.engines.symbolic import run_in_worker
from core.errors import BudgetExceeded
from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector


class SymbolicPartials(NamedTuple):
    """SymPy's partial derivatives of f at a point, or why there are none.

    Attributes:
        gradient_latex: LaTeX of ∂f/∂x_i, one per variable (empty when it failed).
        gradient: (d,) their values at the point (nan where not real), or None.
        hessian_latex: d × d LaTeX of ∂²f/∂x_i∂x_j (empty unless asked for).
        hessian: (d, d) values, or None.
        message: why they are missing (too large for the budget, SymPy failed), or None.
        transient: True when the server's state (busy, a stopped worker) cut it short.
    """

    gradient_latex: tuple[str, ...]
    gradient: np.ndarray | None
    hessian_latex: tuple[tuple[str, ...], ...]
    hessian: np.ndarray | None
    message: str | None
    transient: bool = False


def symbolic_partials(
    parsed: ParsedExpression,
    point: Sequence[float],
    params: Mapping[str, float] | None = None,
    second: bool = False,
    budget: float | None = None,
) -> SymbolicPartials:
    """∇f (and with `second`, the Hessian) by SymPy, with LaTeX and values at `point`.

    Never raises for the budget: the result's `message` says what stopped it.

    Args:
        parsed: an expression of the variables (x_1, ..., x_d).
        point: d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        second: also the second partial derivatives.
        budget: CPU seconds of SymPy (default: the symbolic engine's BUDGET_SECONDS).

    Raises:
        ValueError: for a point of the wrong length.

    Example:
        >>> from core import parse_expression
        >>> result = symbolic_partials(parse_expression("x^2 + y", ("x", "y")), [2, 3])
        >>> result.gradient_latex, result.gradient.tolist()
        (('2 x', '1'), [4.0, 1.0])
    """
    symbols, numbers = _arguments(parsed, point, params)
    what = "The second partial derivatives" if second else "The partial derivatives"
    try:
        return run_in_worker(
            partials_in_worker,
            (parsed.sympy, symbols, len(parsed.variables), numbers, second),
            budget,
            what=f"SymPy's part: {what.lower()}",
        )
    except BudgetExceeded as error:
        message = f"{error.message} AD and finite differences are still shown."
        return SymbolicPartials((), None, (), None, message, error.transient)
    except Exception:  # anything SymPy raises ends politely
        message = (
            f"{what} are beyond what SymPy can compute here; AD and finite differences are shown."
        )
        return SymbolicPartials((), None, (), None, message)


class SymbolicJacobian(NamedTuple):
    """SymPy's Jacobian J_ij = ∂f_i/∂x_j of a vector function at a point, or why not.

    Attributes:
        latex: m rows of d LaTeX entries (empty when it failed).
        values: (m, d) at the point (nan where not real), or None.
        message, transient: as in `SymbolicPartials`.
    """

    latex: tuple[tuple[str, ...], ...]
    values: np.ndarray | None
    message: str | None
    transient: bool = False


def symbolic_jacobian(
    vector: ParsedVector,
    point: Sequence[float],
    params: Mapping[str, float] | None = None,
    budget: float | None = None,
) -> SymbolicJacobian:
    """The exact Jacobian of a vector function by SymPy, with LaTeX and values at `point`.

    Example:
        >>> from core.language.vector import parse_vector
        >>> result = symbolic_jacobian(parse_vector("[x^2*y, 5x + sin(y)]"), [0.5, 0.5])
        >>> result.latex[1][0], result.values.round(8).tolist()
        ('5', [[0.5, 0.25], [5.0, 0.87758256]])
    """
    if len(point) != len(vector.variables):
        raise ValueError(
            f"The point needs {len(vector.variables)} numbers, one per variable "
            f"({', '.join(vector.variables)}); got {len(point)}."
        )
    values = dict(params or {})
    names = vector.variables + vector.parameters
    symbols = tuple(sympy.Symbol(name, real=True) for name in names)  # as every component's
    numbers = tuple(float(v) for v in point) + tuple(
        float(values.get(name, 1.0)) for name in vector.parameters
    )
    exprs = tuple(component.sympy for component in vector.components)
    try:
        return run_in_worker(
            jacobian_in_worker,
            (exprs, symbols, len(vector.variables), numbers),
            budget,
            what="SymPy's part: the exact Jacobian",
        )
    except BudgetExceeded as error:
        message = f"{error.message} AD's Jacobians are still shown."
        return SymbolicJacobian((), None, message, error.transient)
    except Exception:  # anything SymPy raises ends politely
        message = "The exact Jacobian is beyond what SymPy can compute here; AD's is shown."
        return SymbolicJacobian((), None, message)


def jacobian_in_worker(exprs, symbols, count: int, numbers) -> SymbolicJacobian:
    """In the worker: every component's partial derivatives, evaluated at `numbers`."""
    rows = [partials_in_worker(expr, symbols, count, numbers, False) for expr in exprs]
    values = np.stack([row.gradient for row in rows])
    return SymbolicJacobian(tuple(row.gradient_latex for row in rows), values, None)


def _arguments(parsed: ParsedExpression, point, params):
    """(symbols, numbers) of `parsed`'s variables then parameters, checking the point."""
    if len(point) != len(parsed.variables):
        raise ValueError(
            f"The point needs {len(parsed.variables)} numbers, one per variable "
            f"({', '.join(parsed.variables)}); got {len(point)}."
        )
    values = dict(params or {})
    symbols = tuple(parsed.symbols[name] for name in parsed.variables + parsed.parameters)
    numbers = tuple(float(v) for v in point) + tuple(
        float(values.get(name, 1.0)) for name in parsed.parameters
    )
    return symbols, numbers


def partials_in_worker(
    expr: sympy.Expr,
    symbols: tuple[sympy.Symbol, ...],
    count: int,
    numbers: tuple[float, ...],
    second: bool,
) -> SymbolicPartials:
    """In the worker: differentiate by the first `count` symbols, then evaluate at `numbers`."""
    variables = symbols[:count]
    first = [symbolic_worker.differentiate(expr, s) for s in variables]
    gradient = np.array([_value(d, symbols, numbers) for d in first])
    latex = tuple(symbolic_worker.short_latex(d) for d in first)
    if not second:
        return SymbolicPartials(latex, gradient, (), None, None)
    rows = [[None] * count for _ in range(count)]
    for i in range(count):
        for j in range(i, count):
            rows[i][j] = rows[j][i] = symbolic_worker.differentiate(first[i], variables[j])
    hessian = np.array([[_value(d, symbols, numbers) for d in row] for row in rows])
    hessian_latex = tuple(tuple(symbolic_worker.short_latex(d) for d in row) for row in rows)
    return SymbolicPartials(latex, gradient, hessian_latex, hessian, None)


def _value(expr: sympy.Expr, symbols, numbers) -> float:
    return float(symbolic_worker.evaluate(expr, list(symbols), list(numbers)))
