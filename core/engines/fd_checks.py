"""Is a finite difference at a point meaningful? Not where it grows without bound as h shrinks.

Where f is smooth, a finite difference D(h) tends to f^(n)(x0) as h shrinks: halving h
changes it by its truncation error (which shrinks like h^p) or by rounding noise
(about ε Σ|w_k f(x0 + k h)| / h^n). Where f has a kink or a jump at x0, or within the
stencil's reach of it, D(h) has no limit: |x| at 0 gives f″ ≈ 2/h (11585 at the
default h, 23170 at h/2), floor at 0 gives f′ ≈ 1/(2h). Such a value means nothing,
however many digits it has.

The test (`growing_difference`): D at h, h/2 and h/4 has one sign, grows in size by
at least GROWTH at each halving and by about the same factor at both (a power law
c/h^q), and its size at h/4 is far above the rounding noise there. A smooth f fails
it: its D(h) settles (growth ≈ 1, or less and less from a large h) or, near the
rounding floor, is noise (fails the last condition); a value that doubles at each
halving is a kink's 1/h, not either. A stencil that reaches a pole (tan near π/2 with
a large h) grows the same way and is flagged too: its value means nothing either.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from core.engines.finite_differences import (
    EPSILON,
    default_step,
    fd_coefficients,
    fd_derivative,
    stencil_offsets,
)

GROWTH = 1.4  # |D(h/2)| / |D(h)| at least this (h^-0.49 or faster) at both halvings
ABOVE_NOISE = 100.0  # |D(h/4)| at least this many times the rounding noise there
STEADY = 0.3  # the two halvings' growth exponents (log2 of the ratios) differ by at most this


class GrowingDifference(NamedTuple):
    """A finite difference at x0 that grows like h^-rate as h shrinks: it has no limit."""

    order: int
    steps: tuple[float, float, float]  # h, h/2, h/4
    values: tuple[float, float, float]  # D at each step
    rate: float  # the growth's exponent: |D| ∝ h^-rate


def _noise(f: Callable, x0: float, order: int, step: float, scheme: str, accuracy: int) -> float:
    """What rounding alone can contribute to D(h): ε Σ|w_k| (|f_k| + |x_k| s) / h^n.

    |f_k| for the rounding of each value of f, |x_k| s for the rounding of its argument
    x_k = x0 + k h (and of what f computes from it, as 20x in cos(20x)), where s is
    f's steepest slope across the stencil.
    """
    offsets = np.asarray(stencil_offsets(order, scheme, accuracy), dtype=np.float64)
    weights = fd_coefficients(order, offsets.astype(int).tolist())
    points = x0 + offsets * step
    with np.errstate(all="ignore"):
        values = np.asarray(f(points), dtype=np.float64) * np.ones_like(points)
        centre = float(np.asarray(f(np.array([x0])), dtype=np.float64).reshape(-1)[0])
        moved = offsets != 0
        slope = float(np.max(np.abs(values[moved] - centre) / np.abs(offsets[moved] * step)))
        size = np.abs(values) + np.abs(points) * slope
    return float(EPSILON * np.sum(np.abs(weights) * size) / step**order)


def growing_difference(
    f: Callable,
    x0: float,
    order: int,
    *,
    h: float | None = None,
    scheme: str = "central",
    accuracy: int = 2,
) -> GrowingDifference | None:
    """The finite difference of `order` at x0 if it grows without bound as h shrinks, else None.

    Args:
        f: a vectorised real function (as `fd_derivative` takes it).
        x0: the point.
        order: the derivative's order, 1 or more.
        h: the step the page uses (None: `fd_derivative`'s default at x0).
        scheme: "central", "forward" or "backward"; the complex step (which gives no
            value that grows: Im |x0 + ih| is 0) is never flagged.
        accuracy: the stencil's accuracy order p.

    Example:
        >>> growing_difference(np.abs, 0.0, 2).rate
        1.0
        >>> growing_difference(np.sin, 0.3, 2) is None
        True
    """
    if scheme == "complex" or order < 1:
        return None
    x0 = float(x0)
    step = default_step(order, accuracy, scheme) * max(1.0, abs(x0)) if h is None else float(h)
    steps = (step, step / 2, step / 4)
    values = tuple(
        float(fd_derivative(f, [x0], order, h=s, scheme=scheme, accuracy=accuracy)[0])
        for s in steps
    )
    if not all(math.isfinite(v) and v != 0 for v in values):
        return None
    if len({math.copysign(1.0, v) for v in values}) != 1:
        return None
    sizes = [abs(v) for v in values]
    if not (sizes[1] >= GROWTH * sizes[0] and sizes[2] >= GROWTH * sizes[1]):
        return None
    # A power law c/h^q grows by the same factor 2^q at each halving; a difference still
    # converging from a large h (truncation) grows by less and less.
    if abs(math.log2(sizes[1] / sizes[0]) - math.log2(sizes[2] / sizes[1])) > STEADY:
        return None
    if sizes[2] < ABOVE_NOISE * _noise(f, x0, order, steps[2], scheme, accuracy):
        return None
    rate = math.log2(sizes[2] / sizes[0]) / 2
    return GrowingDifference(order, steps, values, rate)  # type: ignore[arg-type]
