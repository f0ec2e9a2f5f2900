"""The Explorer page's computation: every method on one grid, and values at a point.

The grid has a fixed length, so compiled and warmed JAX work is reused across
reruns; the point x0 rides along as one extra grid point.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import ad_derivatives
from core.engines.finite_differences import fd_derivative
from core.engines.symbolic import SymbolicResult, symbolic_report
from core.language.expression import ParsedExpression

GRID_SIZE = 1001  # 1,000 intervals: every second point is what a screen shows


class NumericView(NamedTuple):
    xs: np.ndarray  # the plotting grid
    ad: np.ndarray  # (n + 1, GRID_SIZE)
    ad_at_x0: np.ndarray  # (n + 1,)
    finite_differences: dict[int, np.ndarray]  # order -> values on the grid
    fd_at_x0: dict[int, float]


class SymbolicView(NamedTuple):
    latex: tuple[str, ...]
    values: np.ndarray | None  # (k, GRID_SIZE), k <= n + 1
    at_x0: np.ndarray | None  # (k,)
    message: str | None
    transient: bool = False  # cut short by a busy server, not by the expression's size


class TableRow(NamedTuple):
    order: int
    ad: float
    symbolic: float | None
    finite_difference: float | None
    ad_minus_symbolic: float | None
    fd_minus_symbolic: float | None


def grid(x_range: tuple[float, float]) -> np.ndarray:
    """The page's GRID_SIZE points from low to high."""
    low, high = x_range
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"The x-range must be two numbers, low < high; got {x_range}.")
    return np.linspace(low, high, GRID_SIZE)


def grid_points(x_range: tuple[float, float], x0: float) -> np.ndarray:
    """The grid with x0 appended (one evaluation gives the curves and the value at x0)."""
    return np.append(grid(x_range), float(x0))


def numeric_view(
    parsed: ParsedExpression,
    max_order: int,
    x_range: tuple[float, float],
    x0: float,
    params: Mapping[str, float] | None = None,
    *,
    scheme: str = "central",
    accuracy: int = 2,
    h: float | None = None,
) -> NumericView:
    """AD (every order) and finite differences (orders 1..n) on the grid and at x0.

    With scheme="complex", order 1 uses the complex step and higher orders central
    differences (the complex step gives first derivatives only).
    """
    settings = {"scheme": scheme, "accuracy": accuracy, "h": h}
    curves = numeric_curves(parsed, max_order, x_range, params, **settings)
    ad_at_x0, fd_at_x0 = numeric_at(parsed, max_order, x0, params, **settings)
    return curves._replace(ad_at_x0=ad_at_x0, fd_at_x0=fd_at_x0)


def numeric_curves(
    parsed: ParsedExpression,
    max_order: int,
    x_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
    **settings,
) -> NumericView:
    """The grid's part of `numeric_view` (what moving x0 leaves alone); nothing at x0."""
    points = grid(x_range)
    ad, fd = _numeric(parsed, max_order, points, params, **settings)
    return NumericView(xs=points, ad=ad, ad_at_x0=None, finite_differences=fd, fd_at_x0={})


def numeric_at(
    parsed: ParsedExpression,
    max_order: int,
    x0: float,
    params: Mapping[str, float] | None = None,
    **settings,
) -> tuple[np.ndarray, dict[int, float]]:
    """AD's derivatives at x0 and the finite differences', `numeric_view`'s other part."""
    ad, fd = _numeric(parsed, max_order, np.array([float(x0)]), params, **settings)
    return ad[:, 0], {order: float(values[0]) for order, values in fd.items()}


def _numeric(
    parsed: ParsedExpression,
    max_order: int,
    points: np.ndarray,
    params: Mapping[str, float] | None,
    *,
    scheme: str = "central",
    accuracy: int = 2,
    h: float | None = None,
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    ad = ad_derivatives(parsed, points, max_order, params)
    variable = parsed.variables[0]
    values = {name: float(v) for name, v in (params or {}).items()}

    def function(x):
        return parsed.numpy({variable: x, **{n: values.get(n, 1.0) for n in parsed.parameters}})

    fd = {}
    with np.errstate(all="ignore"):
        for order in range(1, max_order + 1):
            this_scheme = scheme if scheme != "complex" or order == 1 else "central"
            fd[order] = fd_derivative(
                function, points, order, h=h, scheme=this_scheme, accuracy=accuracy
            )
    return ad, fd


def symbolic_view(
    parsed: ParsedExpression,
    max_order: int,
    x_range: tuple[float, float],
    x0: float,
    params: Mapping[str, float] | None = None,
) -> SymbolicView:
    """SymPy's derivatives as LaTeX and values, as far as the budget allows."""
    result: SymbolicResult = symbolic_report(parsed, max_order, grid_points(x_range, x0), params)
    values = result.values
    return SymbolicView(
        latex=result.latex,
        values=None if values is None else values[:, :-1],
        at_x0=None if values is None else values[:, -1],
        message=result.message,
        transient=result.transient,
    )


def symbolic_curves(
    parsed: ParsedExpression,
    max_order: int,
    x_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> SymbolicView:
    """SymPy's derivatives as LaTeX and values on the grid (what does not depend on x0)."""
    points = grid(x_range)
    result: SymbolicResult = symbolic_report(parsed, max_order, points, params)
    return SymbolicView(result.latex, result.values, None, result.message, result.transient)


def symbolic_at(
    parsed: ParsedExpression, max_order: int, x0: float, params: Mapping[str, float] | None = None
) -> SymbolicView:
    """SymPy's derivatives at x0 alone (`at_x0`): what moving x0 asks for.

    The worker keeps the derivatives it computed for the curves, so this costs an
    evaluation, not a differentiation.
    """
    result: SymbolicResult = symbolic_report(parsed, max_order, np.array([float(x0)]), params)
    at_x0 = None if result.values is None else result.values[:, 0]
    return SymbolicView(result.latex, None, at_x0, result.message, result.transient)


def _difference(value: float, exact: float) -> float:
    """|value − exact|: 0 where both are the same infinity (inf − inf would be nan)."""
    return 0.0 if value == exact else abs(value - exact)


def value_table(numeric: NumericView, symbolic: SymbolicView | None) -> list[TableRow]:
    """Each method's value at x0 per order, and the differences from the symbolic one."""
    rows = []
    for order, ad in enumerate(numeric.ad_at_x0):
        exact = None
        if symbolic is not None and symbolic.at_x0 is not None and order < len(symbolic.at_x0):
            exact = float(symbolic.at_x0[order])
        fd = numeric.fd_at_x0.get(order)
        rows.append(
            TableRow(
                order=order,
                ad=float(ad),
                symbolic=exact,
                finite_difference=fd,
                ad_minus_symbolic=None if exact is None else _difference(float(ad), exact),
                fd_minus_symbolic=None if exact is None or fd is None else _difference(fd, exact),
            )
        )
    return rows
