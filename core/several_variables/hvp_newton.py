"""Newton-CG with Hessian-vector products only, beside BFGS, on the extended Rosenbrock.

Newton's step solves H s = -∇f. Newton-CG solves it by conjugate gradients, which touch H
only through products H v: SciPy's `minimize(method="Newton-CG", hessp=...)` takes them
from a function, here forward-over-reverse (core.several_variables.hessian_vector), so
no d x d matrix ever exists. BFGS instead keeps a dense d x d estimate of the inverse
Hessian and updates it every iteration; SciPy's update multiplies d x d matrices, d^3
operations each, so BFGS runs here only up to BFGS_LIMIT variables (at d = 200 it took
30-70 s on this project's 2-core machine, against about 1 s for Newton-CG).

Both start from x0 = (-1, ..., -1) and stop at SciPy's tolerances or after the iteration
caps below; the minimum is x* = (1, ..., 1), so the error of the end point is
max |x_i - 1|. On the chained Rosenbrock Newton-CG needs about two iterations per
variable (the valley is followed one coordinate after the next), so the caps grow with d.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy.optimize import minimize

import core.engines.autodiff  # noqa: F401  (importing it switches JAX to float64)
from core.several_variables.arguments import whole_number
from core.several_variables.hessian_vector import extended_rosenbrock
from core.several_variables.hvp_cost import rosenbrock_product

DIMENSIONS = (2, 10, 50, 100, 200, 500)  # what a page offers
MAX_DIMENSION = 500
BFGS_LIMIT = 100
START = -1.0
NEWTON_TOLERANCE = 1e-10  # SciPy's xtol: its default 1e-5 stopped 1e-2 away from x* at d = 50


_value_and_gradient = jax.jit(jax.value_and_grad(extended_rosenbrock))


class Run(NamedTuple):
    """One optimizer's run, counted as SciPy counted it (HVP calls by this module as well)."""

    method: str
    iterations: int
    gradient_calls: int  # evaluations of f and ∇f together (one reverse sweep each)
    hvp_calls: int  # forward-over-reverse products (0 for BFGS)
    error: float  # max |x_i - 1| at the end point
    converged: bool
    seconds: float  # wall time on this server, compiled functions warm
    message: str


class NewtonComparison(NamedTuple):
    d: int
    newton_cg: Run
    bfgs: Run | None  # None above BFGS_LIMIT


def newton_cg_against_bfgs(d: int) -> NewtonComparison:
    """Minimize the extended Rosenbrock of d variables by Newton-CG (HVPs only) and by BFGS.

    Args:
        d: the number of variables, 2 to MAX_DIMENSION.

    Returns:
        A `NewtonComparison`; `bfgs` is None when d > BFGS_LIMIT.

    Raises:
        ValueError: for a d out of range.

    Example:
        >>> result = newton_cg_against_bfgs(10)
        >>> result.newton_cg.converged, result.newton_cg.error < 1e-8, result.bfgs.error < 1e-6
        (True, True, True)
    """
    d = whole_number(d, "The number of variables d", 2, MAX_DIMENSION)
    value_and_gradient, product = _value_and_gradient, rosenbrock_product
    x0 = np.full(d, START)
    counts = {"gradient": 0, "hvp": 0}

    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        counts["gradient"] += 1
        value, gradient = value_and_gradient(jnp.asarray(x))
        return float(value), np.asarray(gradient, dtype=np.float64)

    def hessp(x: np.ndarray, v: np.ndarray) -> np.ndarray:
        counts["hvp"] += 1
        return np.asarray(product(jnp.asarray(x), jnp.asarray(v)), dtype=np.float64)

    fun(x0), hessp(x0, x0)  # compile both before the clock starts
    newton = _run(
        "Newton-CG", fun, x0, counts, hessp=hessp,
        options={"maxiter": 10 * d + 200, "xtol": NEWTON_TOLERANCE},
    )  # fmt: skip
    bfgs = None
    if d <= BFGS_LIMIT:
        bfgs = _run("BFGS", fun, x0, counts, options={"maxiter": 20 * d + 200})
    return NewtonComparison(d, newton, bfgs)


def warm_up() -> None:
    """Compile f, ∇f and the HVP at every offered d, one call each (about 1 s of one core)."""
    for d in DIMENSIONS:
        x = jnp.full(d, START)
        _value_and_gradient(x)[1].block_until_ready()
        rosenbrock_product(x, x).block_until_ready()


def _run(method: str, fun, x0: np.ndarray, counts: dict, **settings) -> Run:
    counts.update(gradient=0, hvp=0)
    start = time.perf_counter()
    result = minimize(fun, x0, jac=True, method=method, **settings)
    seconds = time.perf_counter() - start
    return Run(
        method=method,
        iterations=int(result.nit),
        gradient_calls=counts["gradient"],
        hvp_calls=counts["hvp"],
        error=float(np.max(np.abs(result.x - 1.0))),
        converged=bool(result.success),
        seconds=seconds,
        message=str(result.message),
    )
