"""The Explorer page's computation: every method on one grid, and values at a point.

The grid has a fixed length, so compiled and warmed JAX work is reused across
reruns; the point x0 rides along as one extra grid point.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import ad_derivatives
from core.engines.domain import mask_rows
from core.engines.fd_checks import GrowingDifference, growing_difference
from core.engines.finite_differences import fd_derivative
from core.engines.symbolic import SymbolicResult, symbolic_report
from core.figures.plotting import order_name
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
    function = _numpy_function(parsed, params)
    fd = {}
    with np.errstate(all="ignore"):
        for order in range(1, max_order + 1):
            this_scheme = scheme if scheme != "complex" or order == 1 else "central"
            fd[order] = fd_derivative(
                function, points, order, h=h, scheme=this_scheme, accuracy=accuracy
            )
    return ad, fd


def _numpy_function(parsed: ParsedExpression, params: Mapping[str, float] | None):
    variable = parsed.variables[0]
    values = {name: float(v) for name, v in (params or {}).items()}

    def function(x):
        return parsed.numpy({variable: x, **{n: values.get(n, 1.0) for n in parsed.parameters}})

    return function


def growing_differences(
    parsed: ParsedExpression,
    max_order: int,
    x0: float,
    params: Mapping[str, float] | None = None,
    *,
    scheme: str = "central",
    accuracy: int = 2,
    h: float | None = None,
) -> tuple[GrowingDifference, ...]:
    """The orders whose finite difference at x0 grows without bound as h shrinks.

    |x| at 0 gives f″ ≈ 2/h (11585 at the default h): a number with no meaning, as f
    is not smooth at x0 or within the stencil's reach of it (`core.engines.fd_checks`).
    The settings are `numeric_view`'s (the complex step's order 1 is never flagged).
    """
    function = _numpy_function(parsed, params)
    found = []
    with np.errstate(all="ignore"):
        for order in range(1, max_order + 1):
            this_scheme = scheme if scheme != "complex" or order == 1 else "central"
            growing = growing_difference(
                function, float(x0), order, h=h, scheme=this_scheme, accuracy=accuracy
            )
            if growing is not None:
                found.append(growing)
    return tuple(found)


def growing_sentence(growing: tuple[GrowingDifference, ...], x0: float) -> str | None:
    """The warning for `growing_differences`' orders, or None when there are none."""
    if not growing:
        return None
    names = ", ".join(order_name(g.order) for g in growing)
    first = growing[0]
    d_h, d_half, _ = first.values
    power = "h" if round(first.rate, 1) == 1 else f"h^{first.rate:.2g}"
    return (
        f"Finite differences mean nothing for {names} at x₀ = {x0:g}: f is not smooth at x₀ "
        f"or within the stencil's reach of it (a kink, a jump or a singularity), and the "
        f"value grows like 1/{power} as h shrinks — {order_name(first.order)} is "
        f"{d_h:.6g} at h = {first.steps[0]:.2g} and {d_half:.6g} at h/2. It has no limit: "
        "read AD's and SymPy's values instead (each says what it assumes at a kink)."
    )


def undefined_sentence(numeric: NumericView, x0: float) -> str | None:
    """What to say when f itself is not a real number at x0 (None when it is, or is ±inf)."""
    if not np.isnan(numeric.ad_at_x0[0]):
        return None
    return (
        f"f is not a real number at x₀ = {x0:g}: x₀ is outside f's domain, so f has no "
        "derivative there — by AD, SymPy or finite differences alike."
    )


def within_domain(values: np.ndarray | None, f_values: np.ndarray) -> np.ndarray | None:
    """Rows of derivative values (SymPy's), nan wherever f (AD's row 0) is nan.

    SymPy may simplify f to something with a larger domain (log(x) − log(x) to 0,
    sqrt(x)^2 to x); the function typed is what counts: where it is not a real number,
    no method has a derivative (`core.engines.domain`).
    """
    if values is None:
        return None
    f_values = np.asarray(f_values, dtype=np.float64)
    return mask_rows(np.concatenate([f_values[None], np.asarray(values, np.float64)]))[1:]


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
    undefined = bool(np.isnan(numeric.ad_at_x0[0]))  # f is not a real number at x0
    for order, ad in enumerate(numeric.ad_at_x0):
        exact = None
        if symbolic is not None and symbolic.at_x0 is not None and order < len(symbolic.at_x0):
            exact = np.nan if undefined else float(symbolic.at_x0[order])
        fd = numeric.fd_at_x0.get(order)
        if undefined and fd is not None:
            fd = np.nan
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
