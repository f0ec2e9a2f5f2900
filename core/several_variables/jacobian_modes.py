"""Why JAX has both `jacfwd` and `jacrev`: the Jacobian of a tall and a wide map, timed both ways.

For f: R^d -> R^m the Jacobian J (m × d) can be built two ways, and they cost differently:

- forward mode pushes the basis vectors e_1, ..., e_d through v ↦ J v: d sweeps, one
  column each (what `jax.jacfwd` does);
- reverse mode pulls the basis covectors e_1, ..., e_m back through u ↦ uᵀ J: m sweeps,
  one row each (what `jax.jacrev` does).

So forward mode wins for a tall map (d < m) and reverse mode for a wide one (m < d),
the reason a gradient (m = 1) is always taken in reverse. From the typed f two examples
make the rule visible, with K copies of f at the scaled points s_k p,
s_k = 1 + 0.1 (2k/(K − 1) − 1) ∈ [0.9, 1.1]:

- tall T: R^d -> R^(mK), T(p) = (f(s_0 p), ..., f(s_{K-1} p)); J_T stacks s_k J_f(s_k p);
- wide W: R^(dK) -> R^m, W(q_0, ..., q_{K-1}) = (1/K) Σ_k f(q_k), at q_k = s_k p;
  J_W = (1/K) [J_f(q_0) ... J_f(q_{K-1})].

What is timed, and why (measured on this project's 2-core CPU machine, pycse f, N = 100):

- Un-jitted `jax.jacfwd` / `jax.jacrev` vectorise their sweeps with `vmap` into one
  batched sweep, so eager dispatch per primitive decides their time, not d or m: tall
  4.5 ms against 14.5 ms, but wide 5.4 ms against 13.5 ms, the wrong way round.
- `jax.jit`-compiled they show the rule (tall 8 µs against 117 µs, wide 96 µs against
  7 µs), but compiling costs 50-90 ms per function even for the pycse f, 0.3-0.5 s for
  the table's six, and more for longer expressions: too slow for a new typed expression.
- Sweep by sweep, as here: both modes first linearise the map at the point
  (`jax.linearize` / `jax.vjp`: one evaluation that records what the sweeps need, about
  5 ms each), then forward mode calls v ↦ J v d times and reverse mode u ↦ uᵀ J m times.
  Each eager sweep costs 0.4 ms forward and 1 ms reverse, so the time follows the number
  of sweeps, as it does compiled: tall 7 ms against 105 ms, wide 45 ms against 9 ms, the
  right way round by 4-15 times, on any CPU.

Before the clock starts each map is rehearsed with one sweep each way, since eager JAX
compiles each primitive for each shape the first time it meets it. Each time is then
the median of MIN_REPEATS to `repeats` runs, stopping once a measurement has taken
MEASURE_BUDGET seconds (a run of 100 sweeps averages its own noise). Every run is kept:
one mode is called faster only when all its runs beat all the other's (`distinct`), so
14 ms against 11 ms with runs that overlap is reported as noise, not as "1.3× faster".
The whole table for a new expression costs about 0.3-0.6 s of one core once `warm_up`
has run. Nothing here is compiled.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector, parse_vector
from core.several_variables.arguments import is_whole_number, point_vector, variables_phrase
from core.several_variables.fields import function_expressions
from core.several_variables.point_function import (
    Function,
    as_vector_function,
    require_function,
)
from core.several_variables.tall_and_wide import Example, components, example_functions, space

MAX_REPEATS = 25
MIN_REPEATS = 3  # runs of each measurement at least: one run has no spread to judge noise by
MEASURE_BUDGET = 0.01  # seconds: no more runs of one measurement once this is spent
MODES = ("forward", "reverse")


class ModeTiming(NamedTuple):
    """One row of the table: J of one map built by forward and by reverse sweeps."""

    label: str  # e.g. "tall: ℝ² → ℝ¹⁰⁰"
    inputs: int  # d
    outputs: int  # m
    jvps: int  # sweeps forward mode needs (= d)
    vjps: int  # sweeps reverse mode needs (= m)
    forward_seconds: float  # median time to build J by forward mode
    reverse_seconds: float  # median time by reverse mode
    max_difference: float  # max |J_fwd − J_rev|, nan where either J has nan
    construction: str  # how the map is built from f
    forward_runs: tuple[float, ...] = ()  # every timed run (seconds); () if not kept
    reverse_runs: tuple[float, ...] = ()

    @property
    def distinct(self) -> bool:
        """Whether the two modes' times differ beyond their noise: every run of the
        faster mode beat every run of the slower one (no runs kept: compared as medians)."""
        if not (self.forward_runs and self.reverse_runs):
            return self.forward_seconds != self.reverse_seconds
        fast, slow = (
            (self.forward_runs, self.reverse_runs)
            if self.faster == "forward"
            else (self.reverse_runs, self.forward_runs)
        )
        return max(fast) < min(slow)

    @property
    def verdict(self) -> str:
        """What the timing says, for a table: "reverse, 4.2× faster", or that the
        difference is within the runs' spread."""
        if not self.distinct:
            return "neither: within the noise"
        return f"{self.faster}, {self.speedup:.1f}× faster"

    @property
    def expected(self) -> str:
        """The mode the sweep counts favour: "forward", "reverse" or "either"."""
        if self.jvps == self.vjps:
            return "either"
        return "forward" if self.jvps < self.vjps else "reverse"

    @property
    def faster(self) -> str:
        """The mode that was measured faster: "forward" or "reverse"."""
        return "forward" if self.forward_seconds <= self.reverse_seconds else "reverse"

    @property
    def speedup(self) -> float:
        """How many times faster the faster mode was (>= 1)."""
        slow = max(self.forward_seconds, self.reverse_seconds)
        return slow / max(min(self.forward_seconds, self.reverse_seconds), 1e-12)


def mode_timings(
    f: Function,
    point: ArrayLike,
    size: int = 100,
    params: Mapping[str, float] | None = None,
    repeats: int = 5,
) -> list[ModeTiming]:
    """J of f, of the tall and of the wide example, built by forward and by reverse sweeps.

    Args:
        f: a vector function of d variables with m components, or an expression (m = 1).
        point: p, d numbers ordered as `f.variables`.
        size: about how many outputs the tall and inputs the wide example have, 8 to 500.
        params: values of the parameters; missing ones are 1.0.
        repeats: at most this many runs of each measurement (1 to 25), fewer once a
            measurement has taken MEASURE_BUDGET seconds.

    Returns:
        Three rows: f itself, tall, wide.

    Raises:
        ValueError: for a bad point, size, repeats or parameter.
    """
    if not is_whole_number(repeats, 1, MAX_REPEATS):
        raise ValueError(
            f"repeats must be a whole number from 1 to {MAX_REPEATS}, got {repeats!r}."
        )
    require_function(f, "mode_timings", ParsedExpression | ParsedVector)
    d, m = len(f.variables), components(f)
    p = point_vector(point, d, "point", variables_phrase(f))
    typed = Example(
        as_vector_function(f, params), p, f"f: {space(d)} → {space(m)}",
        "f as typed.", d, m,
    )  # fmt: skip
    examples = (typed, *example_functions(f, size, params, point=p))
    return [_timing(example, repeats) for example in examples]


def sweep_jacobian(
    function: Callable[[jax.Array], jax.Array], point: ArrayLike, mode: str
) -> np.ndarray:
    """J of a map R^n -> R^k at a point, sweep by sweep.

    "forward": `jax.linearize` once, then v ↦ J v on each of the n basis vectors (a
    column each); "reverse": `jax.vjp` once, then u ↦ uᵀ J on each of the k basis
    covectors (a row each).

    Args:
        function: a JAX function of a (n,) float64 array returning a (k,) array.
        point: n numbers.
        mode: "forward" or "reverse".

    Returns:
        float64 array of shape (k, n).

    Raises:
        ValueError: for an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}.")
    x = jnp.asarray(np.asarray(point, dtype=np.float64))
    if mode == "forward":
        return _forward(function, x, _basis(x.shape[0]))
    outputs = jax.eval_shape(function, x).shape[0]
    return _reverse(function, x, _basis(outputs))


def warm_up(size: int = 100, components: tuple[int, ...] = (1, 2)) -> None:
    """Rehearse this module's sweeps on every primitive of the language, untimed.

    Eager JAX compiles each primitive for each shape the first time it runs; the first
    table that meets a new one pays several ms for it (a few hundred ms for a new
    expression). The shapes depend on `size` and on the number of components m (K =
    size // m copies), so call it at start-up with the page's size and the m to expect.

    Args:
        size: the page's size of the examples.
        components: numbers of components m (1 to 4) to rehearse for, with d = 2.
    """
    operations = "x^2*y + x/y - 3^x + x^y + max(x, y) + min(x, 1) + where(x < y, x, y)"
    for text in (*function_expressions(), operations):
        for m in components:
            vector = parse_vector(", ".join([text, "x*y", "x + y", "x - y"][:m]))
            point = np.array([0.2, 0.4])
            typed = Example(as_vector_function(vector), point, "", "", 2, m)
            for example in (typed, *example_functions(vector, size, point=point)):
                _rehearse(example)


# -- measuring ------------------------------------------------------------------------------


def _timing(example: Example, repeats: int) -> ModeTiming:
    _rehearse(example)
    x = jnp.asarray(example.point)
    columns, rows = _basis(example.inputs), _basis(example.outputs)
    forward_runs, forward = _timed_runs(lambda: _forward(example.function, x, columns), repeats)
    reverse_runs, reverse = _timed_runs(lambda: _reverse(example.function, x, rows), repeats)
    return ModeTiming(
        example.label, example.inputs, example.outputs, example.inputs, example.outputs,
        statistics.median(forward_runs), statistics.median(reverse_runs),
        _max_difference(forward, reverse), example.construction, forward_runs, reverse_runs,
    )  # fmt: skip


def _forward(function, x, basis) -> np.ndarray:
    _, push_forward = jax.linearize(function, x)
    columns = [push_forward(e) for e in basis]
    return np.stack([np.asarray(c) for c in columns], axis=1)


def _reverse(function, x, basis) -> np.ndarray:
    _, pull_back = jax.vjp(function, x)
    rows = [pull_back(u)[0] for u in basis]
    return np.stack([np.asarray(r) for r in rows], axis=0)


def _rehearse(example: Example) -> None:
    """One sweep each way, untimed: eager JAX compiles each primitive for each shape the
    first time it meets it (several ms each), which would swamp a single timed run."""
    x = jnp.asarray(example.point)
    _forward(example.function, x, _basis(example.inputs, 1))
    _reverse(example.function, x, _basis(example.outputs, 1))


def _timed_runs(
    run: Callable[[], np.ndarray], repeats: int
) -> tuple[tuple[float, ...], np.ndarray]:
    """The seconds of each run, at least min(MIN_REPEATS, repeats) of them, at most
    `repeats`, no more once MEASURE_BUDGET is spent; and the last run's result."""
    times, spent = [], 0.0
    least = min(MIN_REPEATS, repeats)
    while len(times) < repeats and (len(times) < least or spent < MEASURE_BUDGET):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return tuple(times), result


def _basis(n: int, count: int | None = None) -> list[jax.Array]:
    """The first `count` (default all n) unit vectors of R^n, built before the clock
    starts: slicing a JAX identity matrix would add a dispatch per sweep."""
    return [jnp.asarray(row) for row in np.eye(n)[:count]]


def _max_difference(a: np.ndarray, b: np.ndarray) -> float:
    with np.errstate(invalid="ignore"):
        gaps = np.where(a == b, 0.0, np.abs(a - b))  # equal infinities agree
    return float(np.max(gaps))


# -- validation at the boundary -------------------------------------------------------------
