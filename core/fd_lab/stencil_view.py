"""A stencil made visible: its formula in LaTeX, and its points drawn on f near x0."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import derivatives_at
from core.fd_lab.error_curves import Stencil, make_stencil
from core.figures.plotting import order_latex
from core.language.expression import ParsedExpression

MAX_STENCIL_POINTS = 15
MAX_OFFSET = 20


def parse_offsets(text: str) -> list[int]:
    """Read stencil offsets typed as integers separated by commas or spaces.

    Raises:
        ValueError: with a sentence for anything but 2-15 distinct small integers.
    """
    pieces = [piece for piece in text.replace(",", " ").split() if piece]
    offsets = []
    for piece in pieces:
        cleaned = piece.replace("−", "-")
        if not cleaned.lstrip("+-").isdigit():
            raise ValueError(
                f"'{piece}' is not a whole number: offsets are integers like -1, 0, 2."
            )
        offsets.append(int(cleaned))
    if not 2 <= len(offsets) <= MAX_STENCIL_POINTS:
        raise ValueError(f"Give between 2 and {MAX_STENCIL_POINTS} offsets, e.g. -1, 0, 1.")
    if len(set(offsets)) != len(offsets):
        raise ValueError("Each offset may appear only once.")
    if max(abs(o) for o in offsets) > MAX_OFFSET:
        raise ValueError(f"Offsets must lie between -{MAX_OFFSET} and {MAX_OFFSET}.")
    return sorted(offsets)


def _fraction_latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(abs(value.numerator))
    return rf"\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def _point_latex(offset: Fraction) -> str:
    if offset == 0:
        return "f(x)"
    sign = "+" if offset > 0 else "-"
    size = "" if abs(offset) == 1 else _fraction_latex(abs(offset))
    return f"f(x {sign} {size}h)"


def stencil_latex(stencil: Stencil) -> str:
    """f^(m)(x) ≈ (1/h^m)(Σ w_i f(x + o_i h)), with the leading error term."""
    terms = []
    for offset, weight in zip(stencil.offsets, stencil.weights, strict=True):
        if weight == 0:
            continue
        sign = "-" if weight < 0 else "+"
        coefficient = "" if abs(weight) == 1 else _fraction_latex(weight)
        terms.append(f"{sign} {coefficient}{_point_latex(offset)}")
    body = " ".join(terms).lstrip("+ ")
    power = "h" if stencil.order == 1 else f"h^{{{stencil.order}}}"
    formula = rf"{order_latex(stencil.order)}(x) \approx \frac{{1}}{{{power}}}\left({body}\right)"
    if stencil.accuracy == 0:
        return formula
    c = stencil.error_coefficient
    sign = "-" if c > 0 else "+"
    h_power = "h" if stencil.accuracy == 1 else f"h^{{{stencil.accuracy}}}"
    higher = order_latex(stencil.order + stencil.accuracy)
    size = "" if abs(c) == 1 else rf"{_fraction_latex(c)}\,"
    return rf"{formula} {sign} {size}{h_power}\,{higher}(x) + \dots"


class StencilView(NamedTuple):
    xs: np.ndarray  # fine grid near x0
    f: np.ndarray
    points_x: np.ndarray  # the stencil points
    points_y: np.ndarray
    polynomial: np.ndarray  # the interpolating polynomial through them, on xs
    estimate: float
    exact: float
    value_at_x0: float


def stencil_view(
    parsed: ParsedExpression,
    x0: float,
    offsets: Sequence[int],
    order: int,
    h: float,
    params: Mapping[str, float] | None = None,
) -> tuple[Stencil, StencilView]:
    """The stencil's points on f for step h, and the estimate they give.

    The m-th derivative of the polynomial interpolating the stencil points is exactly
    the finite-difference estimate: that is what the dashed curve shows.
    """
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"The step h must be positive, got {h}.")
    stencil = make_stencil(order, offsets)
    values = {name: float(v) for name, v in (params or {}).items()}
    variable = parsed.variables[0]

    def function(x):
        env = {variable: x, **{n: values.get(n, 1.0) for n in parsed.parameters}}
        return np.asarray(parsed.numpy(env), dtype=np.float64) * np.ones_like(x)

    offsets_float = np.array([float(o) for o in stencil.offsets])
    points_x = x0 + offsets_float * h
    with np.errstate(all="ignore"):
        points_y = function(points_x)
        weights = np.array([float(w) for w in stencil.weights])
        estimate = float(np.sum(weights * points_y) / h**order)
        reach = max(3 * h * max(1.0, np.max(np.abs(offsets_float))), 1e-3)
        xs = np.linspace(x0 - reach, x0 + reach, 400)
        # Lagrange form in the scaled variable s = (x - x0)/h keeps this well conditioned.
        s = (xs - x0) / h
        polynomial = np.zeros_like(xs)
        for i, (node, value) in enumerate(zip(offsets_float, points_y, strict=True)):
            others = np.delete(offsets_float, i)
            polynomial += value * np.prod([(s - o) / (node - o) for o in others], axis=0)
        f = function(xs)
    exact = float(derivatives_at(parsed, x0, order, values)[order])
    view = StencilView(
        xs, f, points_x, points_y, polynomial, estimate, exact, float(function(np.array([x0]))[0])
    )
    return stencil, view
