"""QuantEcon's "Adventures with Autodiff" regression data, and the lecture's own descent loop.

The lecture draws n = 100 points in float32 (JAX's default) from `jax.random.PRNGKey(1234)`:
x ~ U(0, 1) from the key itself, ε ~ N(0, 1) from `split(key)[1]`, y = 0.5 x + 1 + 0.1 ε.
Its printout, α̂ = 0.45994443, β̂ = 1.0219053, came from JAX's older layout of random bits:
JAX 0.5 made `jax_threefry_partitionable` True by default, and the same key now gives
other points (α̂ 0.4934, β̂ 1.0055). So the draws here are made with the flag off, inside
`jax.threefry_partitionable(False)`. That context manager sets the flag for the calling
thread only (measured with jax 0.10.2: a second thread still read True while the first was
inside it, and the default layout came back after it), so one session's lecture data never
changes another session's random numbers. Drawn that way here, the lecture's float32 formulas
give α̂ = 0.45994443 and β̂ = 1.0219055: the printed α̂ exactly, β̂ within 2 float32 ulps.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core.regression.samples import RegressionData

LECTURE_N = 100
LECTURE_SEED = 1234
LECTURE_TRUTH = (0.5, 1.0)  # α, β
LECTURE_SIGMA = 0.1
# The lecture's `grad_descent`: first step λ = 0.1, then Barzilai–Borwein; it stops when no
# coordinate moved by more than tol, or after max_iter steps.
LECTURE_FIRST_STEP, LECTURE_TOL, LECTURE_MAX_ITER = 0.1, 1e-5, 1000


class LectureDraws(NamedTuple):
    """The lecture's x and y, in float32 as it computes them."""

    x: np.ndarray
    y: np.ndarray


def quantecon_draws() -> LectureDraws:
    """x, y as the lecture draws them, with the random-bit layout its printout used."""
    alpha, beta = LECTURE_TRUTH
    with jax.threefry_partitionable(False):  # this thread only (see the module docstring)
        key = jax.random.PRNGKey(LECTURE_SEED)
        x = jax.random.uniform(key, (LECTURE_N,), dtype=jnp.float32)
        _, subkey = jax.random.split(key)
        noise = jax.random.normal(subkey, (LECTURE_N,), dtype=jnp.float32)
    # float32 throughout, as the lecture computes it (the app runs with float64 on).
    y = jnp.float32(alpha) * x + jnp.float32(beta) + jnp.float32(LECTURE_SIGMA) * noise
    return LectureDraws(np.asarray(x), np.asarray(y))


def quantecon_data() -> RegressionData:
    """The lecture's samples as the page fits them: float64 copies of the float32 draws."""
    draws = quantecon_draws()
    return RegressionData(
        draws.x.astype(np.float64),
        draws.y.astype(np.float64),
        np.asarray(LECTURE_TRUTH, dtype=np.float64),
        LECTURE_SIGMA,
    )


def lecture_closed_form(draws: LectureDraws) -> tuple[float, float]:
    """α̂ = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², β̂ = ȳ − α̂ x̄, in float32 as the lecture writes it."""
    x, y = jnp.asarray(draws.x, jnp.float32), jnp.asarray(draws.y, jnp.float32)
    mean_x, mean_y = x.mean(), y.mean()
    alpha = jnp.sum((x - mean_x) * (y - mean_y)) / jnp.sum((x - mean_x) ** 2)
    return float(alpha), float(mean_y - alpha * mean_x)


class LectureDescent(NamedTuple):
    """Where the lecture's loop stopped: coefficients highest power first, and its steps."""

    coefficients: np.ndarray
    iterations: int


def _sum_of_squares(coefficients, x, y):
    return jnp.sum((y - jnp.polyval(coefficients, x)) ** 2)


@jax.jit
def _lecture_step(p, gradient, step, x, y):
    new_p = p - step * gradient
    new_gradient = jax.grad(_sum_of_squares)(new_p, x, y)
    dp, dg = new_p - p, new_gradient - gradient
    return new_p, new_gradient, jnp.abs(dp @ dg) / (dg @ dg), jnp.max(jnp.abs(dp))


def lecture_descent(draws: LectureDraws, degree: int) -> LectureDescent:
    """The lecture's `grad_descent` on Σ (y − polyval(p, x))², p = 0 at the start, float32.

    Degree 1 is its line (a x + b), degree 3 its exercise's cubic (k = 4 coefficients). Its
    stopping rule looks at the step, not the gradient: a loop that moves slowly stops early.
    """
    if int(degree) != degree or not 0 <= degree < len(draws.x):
        raise ValueError(f"The degree must be a whole number from 0 to {len(draws.x) - 1}.")
    x, y = jnp.asarray(draws.x, jnp.float32), jnp.asarray(draws.y, jnp.float32)
    p = jnp.zeros(int(degree) + 1, jnp.float32)
    gradient = jax.grad(_sum_of_squares)(p, x, y)
    step, moved, steps = jnp.float32(LECTURE_FIRST_STEP), LECTURE_TOL + 1, 0
    while moved > LECTURE_TOL and steps < LECTURE_MAX_ITER:
        p, gradient, step, moved = _lecture_step(p, gradient, step, x, y)
        moved, steps = float(moved), steps + 1
    return LectureDescent(np.asarray(p), steps)
