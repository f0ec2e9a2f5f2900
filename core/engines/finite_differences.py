"""Finite-difference derivatives: Fornberg's stencils of any order and accuracy.

Fornberg, "Generation of finite difference formulas on arbitrarily spaced grids",
Math. Comp. 51 (1988): the weights of every derivative order up to m on any set of
offsets in O(n^2 m) exact rational operations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from core.engines.domain import mask_by_value

SCHEMES = ("central", "forward", "backward", "complex")
MAX_FD_ORDER = 10
EPSILON = float(np.finfo(np.float64).eps)


def fornberg_weights(order: int, offsets: Sequence) -> list:
    """Weights w with f^(order)(x) ~ sum_i w_i f(x + offsets_i) for any distinct offsets.

    Works in whatever number type the offsets are: exact with `Fraction`s (stencils in
    units of h), floating point with floats (rows of a derivative matrix on a
    non-uniform grid).

    Raises:
        ValueError: for a negative order, repeated offsets, or too few of them.
    """
    offsets = list(offsets)
    if order < 0:
        raise ValueError(f"The derivative order must be 0 or more, got {order}.")
    if len(set(offsets)) != len(offsets):
        raise ValueError("Stencil offsets must be distinct.")
    if len(offsets) <= order:
        raise ValueError(
            f"A derivative of order {order} needs at least {order + 1} stencil points, "
            f"got {len(offsets)}."
        )
    n = len(offsets)
    zero, one = offsets[0] * 0, offsets[0] * 0 + 1
    # weights[m][j]: weight of point j for derivative m, using the first i+1 points.
    weights = [[zero] * n for _ in range(order + 1)]
    weights[0][0] = one
    c1 = one
    for i in range(1, n):
        c2 = one
        for j in range(i):
            c3 = offsets[i] - offsets[j]
            c2 *= c3
            for m in range(min(i, order), -1, -1):
                previous = weights[m - 1][i - 1] if m else zero
                weights[m][i] = c1 * (m * previous - offsets[i - 1] * weights[m][i - 1]) / c2
            for m in range(min(i, order), -1, -1):
                previous = weights[m - 1][j] if m else zero
                weights[m][j] = (offsets[i] * weights[m][j] - m * previous) / c3
        c1 = c2
    return weights[order]


def fd_coefficients_exact(order: int, offsets: Sequence[int | Fraction]) -> list[Fraction]:
    """Exact weights w with f^(order)(x) ~ sum_i w_i f(x + offsets_i h) / h^order."""
    return list(_exact_weights(order, tuple(Fraction(offset) for offset in offsets)))


@functools.lru_cache(maxsize=256)
def _exact_weights(order: int, offsets: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
    # Exact arithmetic costs about 1 ms a stencil, and a page asks for the same few often.
    return tuple(fornberg_weights(order, offsets))


def fd_coefficients(order: int, offsets: Sequence[int]) -> np.ndarray:
    """Float weights of the stencil `offsets` for a derivative of `order` (see exact form)."""
    return np.array([float(w) for w in fd_coefficients_exact(order, offsets)])


def stencil_offsets(order: int, scheme: str, accuracy: int) -> list[int]:
    """The offsets of the standard stencil with truncation error O(h^accuracy).

    Central stencils need an even accuracy and use 2*floor((order+1)/2) - 1 + accuracy
    points; one-sided ones use order + accuracy points.
    """
    if scheme == "central":
        if accuracy % 2:
            raise ValueError(f"Central differences have even accuracy (2, 4, ...); got {accuracy}.")
        half = (2 * ((order + 1) // 2) - 1 + accuracy) // 2
        return list(range(-half, half + 1))
    if scheme == "forward":
        return list(range(order + accuracy))
    if scheme == "backward":
        return list(range(-(order + accuracy) + 1, 1))
    raise ValueError(f"Unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}.")


def default_step(order: int, accuracy: int, scheme: str = "central") -> float:
    """A near-optimal relative step in float64.

    Truncation error grows like h^p and round-off like eps * sum|w| / h^order (the
    stencil's weights multiply the rounding of each value: sum|w| is 2^order for the
    basic central stencil), so their sum is smallest near h ~ (eps sum|w|)^(1/(order+p)).
    The complex step has no subtraction and so no round-off floor: any tiny h works.
    """
    if scheme == "complex":
        return 1e-20
    weights = fd_coefficients(order, stencil_offsets(order, scheme, accuracy))
    return float((EPSILON * np.sum(np.abs(weights))) ** (1.0 / (order + accuracy)))


def fd_derivative(
    f: Callable[[np.ndarray], np.ndarray],
    xs,
    order: int = 1,
    *,
    h: float | None = None,
    scheme: str = "central",
    accuracy: int = 2,
) -> np.ndarray:
    """The `order`-th derivative of `f` at `xs` by finite differences.

    Args:
        f: vectorised function of one variable (complex-capable for scheme="complex").
        xs: points.
        order: derivative order, 1 to MAX_FD_ORDER (0 returns f(xs)).
        h: step; by default `default_step(...) * max(1, |x|)` at each point.
        scheme: "central", "forward", "backward" or "complex" (first derivative:
            Im f(x + ih) / h, free of cancellation).
        accuracy: order p of the truncation error O(h^p).

    Returns:
        float64 values shaped like `xs`: nan wherever f(x) itself is nan (outside f's
        real domain, `core.engines.domain`), even where the stencil's points are not.

    Raises:
        ValueError: for a bad order, scheme, accuracy or step.
    """
    xs = np.asarray(xs, dtype=np.float64)
    if not 0 <= order <= MAX_FD_ORDER:
        raise ValueError(f"order must be between 0 and {MAX_FD_ORDER}, got {order}.")
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}.")
    if accuracy < 1:
        raise ValueError(f"accuracy must be at least 1, got {accuracy}.")
    if h is not None and not (np.isfinite(h) and h > 0):
        raise ValueError(f"The step h must be a positive number, got {h}.")
    if order == 0:
        return np.asarray(f(xs), dtype=np.float64)
    if scheme == "complex":
        if order != 1:
            raise ValueError("The complex step gives first derivatives only.")
        step = h if h is not None else default_step(1, 2, "complex")
        with np.errstate(all="ignore"):
            # f(x) in real arithmetic says where f is defined: log(-1 + ih) is complex
            # and finite, and its imaginary part / h would be a huge "derivative".
            return mask_by_value(_real_values(f, xs), np.imag(f(xs + 1j * step)) / step)
    offsets = stencil_offsets(order, scheme, accuracy)
    weights = fd_coefficients(order, offsets)
    if h is None:
        relative = default_step(order, accuracy, scheme) * np.maximum(1.0, np.abs(xs))
    else:
        relative = h
    # Round the step so x + h is exactly representable: the error is then h's alone.
    step = (xs + relative) - xs
    with np.errstate(all="ignore"):
        used = [(w, k) for w, k in zip(weights, offsets, strict=True) if w]
        values = {k: _real_values(f, xs + k * step) for _, k in used}
        total = sum(w * values[k] for w, k in used)
        at_x = values[0] if 0 in values else _real_values(f, xs)
        return mask_by_value(at_x, total / step**order)


def _real_values(f: Callable, points: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.asarray(f(points), dtype=np.float64), points.shape)
