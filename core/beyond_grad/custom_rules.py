"""Custom differentiation rules (`jax.custom_jvp`): the lecture's rule, and why one writes one.

`jax.custom_jvp` replaces the derivative JAX would derive from a function's code with one
written by hand. The lecture's f(x, y) = sin(x)·y gets the forward rule

    ∂f(ẋ, ẏ) = ∂f/∂x · ẋ + ∂f/∂y · ẏ = cos(x)·ẋ·y + sin(x)·ẏ,

which JAX uses for `jax.jvp` and, transposed, for `jax.grad`.

Why one writes a rule: softplus s(x) = log(1 + eˣ) has the derivative σ(x) = 1/(1 + e⁻ˣ),
a number in (0, 1). Differentiating the formula as written gives eˣ · 1/(1 + eˣ): beyond
x = log(largest float) (709.78 in float64, 88.72 in float32) eˣ overflows to ∞ and the
product is ∞ · 0 = nan. Shortly before (from x ≈ 708.4, or 87.3), 1/(1 + eˣ) falls below
the smallest normal float and XLA flushes it to 0, so the naive gradient is 0 there: wrong
before it is nan. A custom rule states s′(x) = σ(x), computed from e^(−|x|) ≤ 1, which
cannot overflow.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from core.beyond_grad.arguments import finite_number
from core.engines import autodiff  # noqa: F401  (importing it switches JAX to float64)

DTYPES = {"float32": jnp.float32, "float64": jnp.float64}
DEFAULT_POINTS = 601  # the default grid: from −0.1 to 1.1 times the break
# and finer around the break: 1/(1 + eˣ) leaves the normal floats 1.39 before eˣ overflows
BREAK_WINDOW, BREAK_POINTS = (2.0, 0.5), 126
MAX_POINTS = 10_001


class CustomJvp(NamedTuple):
    """f(x, y) = sin(x)·y and its JVP along a direction, by the hand-written rule.

    `value` and `tangent` are computed in float64; `value_float32` and `tangent_float32`
    from float32 inputs, as the lecture prints them (2.7278922 and −1.2484405).
    """

    value: float
    tangent: float
    value_float32: float
    tangent_float32: float
    primal: tuple[float, float]
    direction: tuple[float, float]


class SoftplusComparison(NamedTuple):
    """The gradient of softplus log(1 + eˣ) on a grid: naive, by a custom rule, exact.

    `naive`, `custom` and `exact` are float64 arrays of the shape of `xs` (`naive` and
    `custom` computed in `dtype`, `exact` = σ(x) in float64 by SciPy's `expit`);
    `breaks_at` is the first grid point where the naive gradient is not finite (nan when
    it is finite on the whole grid).
    """

    xs: np.ndarray
    naive: np.ndarray
    custom: np.ndarray
    exact: np.ndarray
    breaks_at: float
    dtype: str


@jax.custom_jvp
def lecture_function(x, y):
    """The lecture's f(x, y) = sin(x)·y, whose derivative is the rule below."""
    return jnp.sin(x) * y


@lecture_function.defjvp
def _lecture_rule(primals, tangents):
    x, y = primals
    x_dot, y_dot = tangents
    return lecture_function(x, y), jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot


def naive_softplus(x):
    """log(1 + eˣ) as written: its derivative, as JAX derives it, is eˣ · 1/(1 + eˣ)."""
    return jnp.log(1 + jnp.exp(x))


@jax.custom_jvp
def stable_softplus(x):
    """log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)), with the derivative σ(x) as its rule."""
    return jnp.maximum(x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x)))


@stable_softplus.defjvp
def _stable_softplus_rule(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return stable_softplus(x), stable_sigmoid(x) * x_dot


def stable_sigmoid(x):
    """σ(x) = 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) for x < 0, both from e^(−|x|) ≤ 1."""
    small = jnp.exp(-jnp.abs(x))
    return jnp.where(x >= 0, 1 / (1 + small), small / (1 + small))


# These functions are fixed (no typed expression), so each is compiled once per shape and
# dtype: under 0.1 s, where running them primitive by primitive the first time costs
# 0.2-0.7 s (each primitive compiled on its own); after that, a call costs under 1 ms.
@jax.jit
def _lecture_jvp(primals, tangents):
    return jax.jvp(lecture_function, primals, tangents)


@jax.jit
def _softplus_gradients(points):
    return jax.vmap(jax.grad(naive_softplus))(points), jax.vmap(jax.grad(stable_softplus))(points)


def lecture_custom_jvp(
    x: float = 2.0, y: float = 3.0, direction: tuple[float, float] = (1.0, 0.0)
) -> CustomJvp:
    """f(x, y) = sin(x)·y and its JVP cos(x)·ẋ·y + sin(x)·ẏ, by `jax.jvp` through the rule.

    Args:
        x, y: the point.
        direction: the tangent (ẋ, ẏ).

    Returns:
        A `CustomJvp`: value and tangent in float64 and, from float32 inputs, in float32.

    Raises:
        ValueError: when a number is not finite or the direction is not two numbers.

    Example:
        >>> result = lecture_custom_jvp()
        >>> f"{result.value_float32:.8g}", f"{result.tangent_float32:.8g}"
        ('2.7278922', '-1.2484405')
    """
    x, y = finite_number(x, "x"), finite_number(y, "y")
    direction = _pair(direction, "The direction (ẋ, ẏ)")
    results = {}
    for dtype in (jnp.float64, jnp.float32):
        # Explicit arrays: Python floats would be float64 in the app's x64 mode.
        primals = (jnp.asarray(x, dtype), jnp.asarray(y, dtype))
        tangents = (jnp.asarray(direction[0], dtype), jnp.asarray(direction[1], dtype))
        value, tangent = _lecture_jvp(primals, tangents)
        results[dtype] = float(value), float(tangent)
    return CustomJvp(*results[jnp.float64], *results[jnp.float32], (x, y), direction)


def softplus_gradients(dtype: str = "float64", xs: ArrayLike | None = None) -> SoftplusComparison:
    """The gradient of log(1 + eˣ) naive and by a custom rule, beside the exact σ(x).

    Args:
        dtype: "float64" (the naive gradient breaks near x = 709.78) or "float32" (near 88.72).
        xs: an increasing grid of finite numbers (2 to 10,001 of them); by default 601 points
            from −0.1 to 1.1 times log(largest float of `dtype`), so the break is in view,
            with a step of 0.02 near the break (`default_grid`).

    Returns:
        A `SoftplusComparison`.

    Raises:
        ValueError: for another dtype, or a grid that is not increasing finite numbers.

    Example:
        >>> comparison = softplus_gradients("float32", [0.0, 50.0, 88.0, 89.0, 1000.0])
        >>> comparison.breaks_at, comparison.custom.tolist()
        (89.0, [0.5, 1.0, 1.0, 1.0, 1.0])
    """
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ValueError(f"The precision must be 'float32' or 'float64', got {dtype!r}.")
    grid = default_grid(dtype) if xs is None else _grid(xs)
    naive, custom = _softplus_gradients(jnp.asarray(grid, DTYPES[dtype]))
    naive, custom = np.asarray(naive, dtype=np.float64), np.asarray(custom, dtype=np.float64)
    broken = np.flatnonzero(~np.isfinite(naive))
    breaks_at = float(grid[broken[0]]) if broken.size else math.nan
    return SoftplusComparison(grid, naive, custom, special.expit(grid), breaks_at, dtype)


def overflow_threshold(dtype: str) -> float:
    """log(largest finite float of `dtype`): beyond it eˣ overflows to ∞."""
    return float(np.log(np.finfo(np.dtype(dtype)).max.astype(np.float64)))


def default_grid(dtype: str) -> np.ndarray:
    """601 points from −0.1 to 1.1 times the overflow threshold T of `dtype`, and a step
    of 0.02 from T − 2 to T + 0.5, where the naive gradient first turns 0, then nan."""
    threshold = overflow_threshold(dtype)
    coarse = np.linspace(-0.1 * threshold, 1.1 * threshold, DEFAULT_POINTS)
    fine = threshold + np.linspace(-BREAK_WINDOW[0], BREAK_WINDOW[1], BREAK_POINTS)
    return np.union1d(coarse, fine)


def _grid(xs: ArrayLike) -> np.ndarray:
    try:
        grid = np.asarray(xs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The grid xs must be numbers, got {xs!r}.") from None
    if grid.ndim != 1 or not 2 <= grid.size <= MAX_POINTS:
        raise ValueError(
            f"The grid xs must be a flat list of 2 to {MAX_POINTS:,} numbers, "
            f"got shape {grid.shape}."
        )
    if not np.isfinite(grid).all():
        raise ValueError("The grid xs must hold finite numbers only (no nan or inf).")
    if not (np.diff(grid) > 0).all():
        raise ValueError("The grid xs must be strictly increasing.")
    return grid


def _pair(pair, label: str) -> tuple[float, float]:
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be two numbers, got {pair!r}.") from None
    return finite_number(first, f"{label}'s first entry"), finite_number(
        second, f"{label}'s second entry"
    )
