"""What the Sparse Jacobians section shows: a coloured Jacobian beside the dense one, both timed.

`sparse_view` recovers J of a stencil residual from one JVP per colour
(core.several_variables.sparse_jacobian) and keeps what a page can draw of it: the top-left
block of the pattern, of the compressed Jacobian B = J S and of the decompressed J (a
2,500 x 2,500 matrix is 50 MB, and a heatmap of it 6 million cells), every column's
colour, a check that the colouring is valid, and max |J - jax.jacfwd(F)|.

`jacobian_timing` measures, at one n, the three ways of getting J:

- dense `jax.jacfwd`: n JVPs (batched by `vmap` into one sweep over an n x n tangent);
- dense `jax.jacrev`: n VJPs, one per output;
- coloured: one `jax.jvp` per colour (3 or 5, whatever n), then the nonzeros of J read
  off the compressed columns (decompression, O(nonzeros)).

Nothing is compiled with `jit`: a typed g would compile three new programs per n and
keep them (JAX does not give their memory back), while eager JAX compiles each primitive
once per shape, and the sizes are a fixed set (`SIZES`). Every measurement is the median
of the second and later calls: the first call compiles what it meets and is not timed.
Detecting the pattern and colouring its columns is timed apart (`setup_seconds`): it is
done once per problem, not once per Jacobian, as a Newton solver reuses it at every step.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy import sparse

from core.language.expression import ParsedExpression
from core.several_variables.column_colouring import column_colouring, fewest_possible_colours
from core.several_variables.sparse_jacobian import residual_function, sparse_jacobian
from core.several_variables.sparsity_pattern import jacobian_pattern

# The sizes a page offers: 1-D n, and 2-D n = m^2 for m = 3, 5, 10, 20, 30, 50. A fixed
# set, so every result can be cached and warmed, and eager JAX meets a bounded set of shapes.
SIZES = {"1d": (10, 30, 100, 300, 1000, 2500), "2d": (9, 25, 100, 400, 900, 2500)}
BLOCK = 100  # the top-left block of J a page draws: 10,000 cells
MEASURE_BUDGET = 0.05  # seconds: no more timed runs of one measurement once this is spent
MAX_RUNS = 5


class SparseView(NamedTuple):
    """A coloured Jacobian as a page shows it: small blocks, every colour, the checks.

    Attributes:
        residual: "1d" or "2d".
        n: the number of unknowns.
        block: the rows and columns shown, min(n, BLOCK).
        pattern: (block, block) bool, the top-left block of the detected pattern.
        colors: (n,) int, the colour of every column.
        compressed: (block, n_passes) float64, the first rows of B = J S.
        matrix: (block, block) float64, the top-left block of J decompressed from B.
        n_passes: the JVPs used, one per colour.
        nonzeros: entries of the whole pattern.
        fewest_possible: the most nonzeros in one row: no valid colouring has fewer colours.
        valid: whether no two columns of one colour share a row (checked on the whole J).
        max_difference: max |J - jax.jacfwd(F)| over the whole n x n matrix.
    """

    residual: str
    n: int
    block: int
    pattern: np.ndarray
    colors: np.ndarray
    compressed: np.ndarray
    matrix: np.ndarray
    n_passes: int
    nonzeros: int
    fewest_possible: int
    valid: bool
    max_difference: float


class JacobianTiming(NamedTuple):
    """One size n: the seconds each way of building J took here, and the passes it needs."""

    residual: str
    n: int
    colours: int  # the JVPs of the coloured way
    dense_forward_seconds: float  # jax.jacfwd: n JVPs
    dense_reverse_seconds: float  # jax.jacrev: n VJPs
    coloured_seconds: float  # one JVP per colour, then decompression
    setup_seconds: float  # pattern detection and colouring, once per problem

    @property
    def passes(self) -> dict[str, int]:
        """The sweeps each way needs: n, n, and the colours."""
        return {"jacfwd": self.n, "jacrev": self.n, "coloured": self.colours}


def sparse_view(
    residual: str,
    g: ParsedExpression,
    n: int,
    params: Mapping[str, float] | None = None,
    block: int = BLOCK,
) -> SparseView:
    """J of the residual at u = 0 by coloured JVPs, checked against `jax.jacfwd`.

    Args:
        residual, g, n, params: as `core.sparse_jacobian` takes them.
        block: the rows and columns kept of the pattern and of J (at most n).

    Raises:
        ValueError: as `core.sparse_jacobian` does.

    Example:
        >>> from core import parse_expression
        >>> view = sparse_view("1d", parse_expression("-e^u", ("u",)), 30, block=4)
        >>> view.n_passes, view.valid, view.matrix.shape, view.max_difference
        (3, True, (4, 4), 0.0)
    """
    result = sparse_jacobian(residual, g, n, params=params)
    dense = np.asarray(jax.jacfwd(residual_function(residual, g, n, params))(jnp.zeros(n)))
    with np.errstate(invalid="ignore"):
        gaps = np.where(result.matrix == dense, 0.0, np.abs(result.matrix - dense))
    shown = min(n, block)
    return SparseView(
        residual=residual,
        n=n,
        block=shown,
        pattern=result.pattern[:shown, :shown].copy(),
        colors=result.colors,
        compressed=result.compressed[:shown].copy(),
        matrix=result.matrix[:shown, :shown].copy(),
        n_passes=result.n_passes,
        nonzeros=int(result.pattern.sum()),
        fewest_possible=fewest_possible_colours(result.pattern),
        valid=colouring_is_valid(result.pattern, result.colors),
        max_difference=float(np.max(gaps)),
    )


def colouring_is_valid(pattern: sparse.sparray | np.ndarray, colors: np.ndarray) -> bool:
    """Whether no row has nonzeros in two columns of the same colour (so one JVP per colour
    gives every column of that colour back).

    Example:
        >>> bidiagonal = np.eye(3, dtype=bool) | np.eye(3, k=1, dtype=bool)
        >>> colouring_is_valid(bidiagonal, np.array([0, 1, 0]))
        True
        >>> colouring_is_valid(bidiagonal, np.zeros(3, dtype=int))  # row 0 has columns 0 and 1
        False
    """
    matrix = sparse.csr_array(pattern, dtype=np.int64)
    one_hot = sparse.csr_array(
        (np.ones(colors.size, dtype=np.int64), (np.arange(colors.size), colors)),
        shape=(colors.size, int(colors.max(initial=-1)) + 1),
    )
    per_colour = matrix @ one_hot  # row i, colour c: how many columns of colour c row i hits
    return per_colour.nnz == 0 or bool(per_colour.max() <= 1)


def jacobian_timing(
    residual: str, g: ParsedExpression, n: int, params: Mapping[str, float] | None = None
) -> JacobianTiming:
    """Time dense `jacfwd`, dense `jacrev` and coloured JVPs for J at u = 0 (see the module).

    Costs two runs of each way at least (the first untimed): about 4 s of one core at
    n = 2,500, where the dense Jacobians handle 6 million numbers per primitive.

    Raises:
        ValueError: as `core.sparse_jacobian` does.
    """
    function = residual_function(residual, g, n, params)
    u = jnp.zeros(n)

    def setup():
        pattern = jacobian_pattern(function, n)
        return pattern, column_colouring(pattern)

    setup_seconds, (pattern, colors) = _second_call(setup)
    n_passes = int(colors.max()) + 1
    seeds = [jnp.asarray((colors == colour).astype(np.float64)) for colour in range(n_passes)]
    rows, columns = pattern.nonzero()
    colour_of_entry = colors[columns]

    def coloured() -> np.ndarray:
        compressed = np.stack(
            [np.asarray(jax.jvp(function, (u,), (seed,))[1]) for seed in seeds], axis=1
        )
        return compressed[rows, colour_of_entry]  # J's nonzeros, in the pattern's order

    forward, _ = _second_call(lambda: np.asarray(jax.jacfwd(function)(u)))
    reverse, _ = _second_call(lambda: np.asarray(jax.jacrev(function)(u)))
    colour_seconds, _ = _second_call(coloured)
    return JacobianTiming(residual, n, n_passes, forward, reverse, colour_seconds, setup_seconds)


def _second_call(run: Callable[[], object]):
    """(median seconds of the timed runs, the last result): one untimed call first, then
    1 to MAX_RUNS timed ones, no more once MEASURE_BUDGET is spent."""
    result = run()
    times: list[float] = []
    while not times or (len(times) < MAX_RUNS and sum(times) < MEASURE_BUDGET):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


WARM_LARGEST = 1000  # above it a Jacobian's run, not its compilation, is most of the time


def warm_up(
    g: ParsedExpression, largest: int = WARM_LARGEST, residuals: tuple[str, ...] = ("1d", "2d")
) -> None:
    """Run each way once for `g` (the page's default) at every offered size up to `largest`,
    untimed: eager JAX compiles each primitive per shape the first time it meets it.

    Measured on the project's 2-core machine while other work ran: both residuals took
    about 40 s of wall time (about half for "1d" alone); afterwards the default view's
    timings (1d, n = 10 ... 1000) took 1.2 s instead of several seconds.
    """
    for residual in residuals:
        for n in (size for size in SIZES[residual] if size <= largest):
            sparse_view(residual, g, n)  # the pattern, the coloured JVPs and jax.jacfwd
            jax.jacrev(residual_function(residual, g, n))(jnp.zeros(n)).block_until_ready()
