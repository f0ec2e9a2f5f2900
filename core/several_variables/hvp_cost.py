"""What a Hessian-vector product costs against forming H: measured on the extended Rosenbrock.

For f of n variables, H(p) v by forward-over-reverse (`jax.jvp` of `jax.grad`) costs a
small multiple of one evaluation of f: O(n) for the extended Rosenbrock, whose terms each
touch two variables. Forming H first (`jax.hessian`, n such products batched) and then
multiplying costs O(n^2) work and n^2 numbers of memory (8 TB at n = 10^6). So on a
log-log plot of time against n the two lines have slopes near 1 and 2.

Both are compiled with `jit` (the function is fixed, and the sizes a fixed set, so the
compiled programs are bounded) and each time is the median of the second and later
calls: the first compiles. At small n a call's fixed cost (a few microseconds to start
the program) hides the arithmetic and the lines are flat, so each slope is fitted to the
largest FIT_POINTS sizes of its line, where the arithmetic decides. H is formed up to
n = 2,000 (32 MB); the product alone goes on to n = 10^6, where H could not be stored.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

import core.engines.autodiff  # noqa: F401  (importing it switches JAX to float64)
from core.several_variables.arguments import is_whole_number
from core.several_variables.hessian_vector import extended_rosenbrock, forward_over_reverse

BOTH_SIZES = (10, 30, 100, 300, 1000, 2000)  # n where H is formed as well
PRODUCT_ONLY_SIZES = (10_000, 100_000, 1_000_000)  # n where only H v is (H: 0.8 GB to 8 TB)
MAX_FORMED = 4_000  # n beyond which H (128 MB at 4,000) is not formed here
MAX_PRODUCT = 2_000_000
FIT_POINTS = 3
MEASURE_BUDGET = 0.02  # seconds of timed runs per measurement, at most ...
MAX_RUNS = 50  # ... and at most this many runs


# Compiled once per shape, for every caller (the sizes are a fixed set): H v, and H then H v.
rosenbrock_product = jax.jit(lambda x, v: forward_over_reverse(extended_rosenbrock, x, v)[1])
rosenbrock_formed = jax.jit(lambda x, v: jax.hessian(extended_rosenbrock)(x) @ v)


class CostPoint(NamedTuple):
    """One n: the seconds of H v both ways, and how far apart the two results are."""

    n: int
    product_seconds: float  # forward-over-reverse
    formed_seconds: float  # jax.hessian, then H @ v; nan where H was not formed
    max_difference: float  # max |H v (HVP) - H v (formed)|; nan where H was not formed


class HvpCost(NamedTuple):
    """The measured cost of both ways against n, with the log-log slopes fitted to it."""

    points: tuple[CostPoint, ...]
    product_slope: float  # d log t / d log n over the largest FIT_POINTS sizes of H v
    formed_slope: float  # the same for forming H and multiplying
    product_fit: tuple[int, ...]  # the sizes each slope was fitted to
    formed_fit: tuple[int, ...]


def log_log_slope(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """The least-squares slope of log(seconds) against log(size): p in t ≈ c n^p.

    Example:
        >>> round(log_log_slope([10, 100, 1000], [2e-6, 2e-4, 2e-2]), 12)
        2.0
    """
    n, t = np.asarray(sizes, float), np.asarray(seconds, float)
    usable = n.size >= 2 and n.shape == t.shape
    if not (usable and np.all(np.isfinite(n) & (n > 0)) and np.all(np.isfinite(t) & (t > 0))):
        raise ValueError(
            "A slope needs at least two sizes with positive, finite times; got sizes "
            f"{n.tolist()} and times {t.tolist()}."
        )
    return float(np.polyfit(np.log(n), np.log(t), 1)[0])


def hvp_cost(
    formed_sizes: Sequence[int] = BOTH_SIZES,
    product_only_sizes: Sequence[int] = PRODUCT_ONLY_SIZES,
) -> HvpCost:
    """Time H v by forward-over-reverse and by forming H, at v = (1, ..., 1) and p spread
    over [-1, 1] (so no term of the Hessian vanishes).

    Args:
        formed_sizes: n where both ways run (each 2 to MAX_FORMED), at least two.
        product_only_sizes: larger n where only the product runs (each up to MAX_PRODUCT).

    Returns:
        An `HvpCost`, its points in the order of the sizes given.

    Raises:
        ValueError: for a size out of range, or fewer than two formed sizes.
    """
    _check_sizes(formed_sizes, MAX_FORMED, "formed_sizes", least=2)
    _check_sizes(product_only_sizes, MAX_PRODUCT, "product_only_sizes", least=0)
    product, formed = rosenbrock_product, rosenbrock_formed
    points = []
    for n in (*formed_sizes, *product_only_sizes):
        x, v = jnp.linspace(-1.0, 1.0, n), jnp.ones(n)
        product_seconds, by_product = _second_call(product, x, v)
        if n in formed_sizes:
            formed_seconds, by_matrix = _second_call(formed, x, v)
            gap = float(jnp.max(jnp.abs(by_product - by_matrix)))
        else:
            formed_seconds = gap = float("nan")
        points.append(CostPoint(int(n), product_seconds, formed_seconds, gap))
    by_size = sorted(points)
    product_fit = by_size[-FIT_POINTS:]
    formed_fit = [p for p in by_size if np.isfinite(p.formed_seconds)][-FIT_POINTS:]
    return HvpCost(
        points=tuple(points),
        product_slope=log_log_slope(
            [p.n for p in product_fit], [p.product_seconds for p in product_fit]
        ),
        formed_slope=log_log_slope(
            [p.n for p in formed_fit], [p.formed_seconds for p in formed_fit]
        ),
        product_fit=tuple(p.n for p in product_fit),
        formed_fit=tuple(p.n for p in formed_fit),
    )


def _check_sizes(sizes: Sequence[int], most: int, name: str, least: int) -> None:
    if len(sizes) < least or not all(is_whole_number(n, 2, most) for n in sizes):
        raise ValueError(
            f"{name} must be at least {least} whole numbers from 2 to {most:,}; "
            f"got {list(sizes)!r}."
        )


def _second_call(
    function: Callable[[jax.Array, jax.Array], jax.Array], x: jax.Array, v: jax.Array
) -> tuple[float, jax.Array]:
    """(median seconds of the timed calls function(x, v), the result): one untimed call
    (it compiles), then 3 to MAX_RUNS timed ones, no more once MEASURE_BUDGET is spent."""
    result = function(x, v).block_until_ready()
    times: list[float] = []
    while len(times) < 3 or (len(times) < MAX_RUNS and sum(times) < MEASURE_BUDGET):
        start = time.perf_counter()
        result = function(x, v).block_until_ready()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def warm_up() -> None:
    """Compile both ways at every offered size, one call each (a few seconds of one core):
    the first measurement then times the arithmetic, not JAX's compiler."""
    for n in (*BOTH_SIZES, *PRODUCT_ONLY_SIZES):
        x, v = jnp.linspace(-1.0, 1.0, n), jnp.ones(n)
        rosenbrock_product(x, v).block_until_ready()
        if n in BOTH_SIZES:
            rosenbrock_formed(x, v).block_until_ready()
