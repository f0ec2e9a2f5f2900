"""The Jacobian of a discretised boundary-value problem from 3 or 5 JVPs instead of n.

The residual of u'' = g(u) on (0, 1) with u = 0 at both ends, by central differences on
n interior points (h = 1/(n+1), u_0 = u_{n+1} = 0), is

    F_i(u) = u_{i-1} - 2 u_i + u_{i+1} - h^2 g(u_i),        i = 1, ..., n   ("1d"),

and on the unit square with an m x m interior grid (n = m^2, h = 1/(m+1), zero boundary,
unknowns u_k, k = i m + j, row by row) the five-point stencil

    F_ij(u) = u_{i-1,j} + u_{i+1,j} + u_{i,j-1} + u_{i,j+1} - 4 u_ij - h^2 g(u_ij)   ("2d").

Bratu's problem is g(u) = -λ e^u. Each F_i touches only its neighbours, so the n x n
Jacobian J has at most 3 (or 5) nonzeros per row, and `jax.jacfwd`'s n JVPs (one per
column e_j) waste almost all their work on zeros. Instead:

1. the sparsity pattern is detected from F itself, by tracing it into a jaxpr and
   carrying "depends on" through its primitives (core.several_variables.sparsity_pattern);
2. the columns are coloured so that columns of one colour share no row
   (core.several_variables.column_colouring): 3 colours in 1-D, 5 in 2-D, whatever n
   (from n = 3 and m = 3 on; smaller problems need fewer);
3. one `jax.jvp` per colour c, with the seed s_c = sum of e_j over the columns j of colour
   c, gives the compressed Jacobian B = J S (n x colours);
4. J_ij = B_{i, colour(j)} wherever the pattern has (i, j), since no other column of that
   colour has a nonzero in row i.

So the cost is 3 (or 5) JVPs for every n, against n for the dense Jacobian.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from numpy.typing import ArrayLike

from core.engines.autodiff import resolve_parameters  # importing it switches JAX to float64
from core.engines.domain import mask_by_value
from core.language.expression import REFERENCE, ParsedExpression
from core.several_variables.arguments import point_vector
from core.several_variables.column_colouring import column_colouring
from core.several_variables.point_function import require_function
from core.several_variables.sparsity_pattern import jacobian_pattern

RESIDUALS = {
    "1d": "u'' = g(u) on n points of (0, 1)",
    "2d": "Δu = g(u) on an m x m grid of the unit square",
}
# `.matrix` is dense (n, n) float64 as the contract asks: 2500^2 numbers are 50 MB, and
# the boolean pattern another 6 MB. A larger n would be sparse-only (no dense matrix).
MAX_UNKNOWNS = 2_500
MAX_GRID_SIDE = 50  # the 2d grid: MAX_GRID_SIDE^2 = MAX_UNKNOWNS


class SparseJacobian(NamedTuple):
    """The Jacobian of a stencil residual, recovered from one JVP per colour of columns.

    Attributes:
        matrix: (n, n) float64, J_ij = ∂F_i/∂u_j at u (decompressed from `compressed`).
        pattern: (n, n) bool, True where J_ij can be nonzero, detected from F's jaxpr.
        colors: (n,) int, the colour of each column; columns of one colour share no row.
        n_passes: the number of JVPs used: the number of colours (3 for "1d" and 5 for
            "2d" once n >= 3 or m >= 3; fewer on smaller grids).
        compressed: (n, n_passes) float64, B = J S: column c is the JVP with seed c.
        seeds: (n, n_passes) float64, S: column c is 1 on the columns of colour c.
        value: (n,) float64, F(u).
    """

    matrix: np.ndarray
    pattern: np.ndarray
    colors: np.ndarray
    n_passes: int
    compressed: np.ndarray
    seeds: np.ndarray
    value: np.ndarray


def sparse_jacobian(
    residual: str,
    g: ParsedExpression,
    n: int,
    point: ArrayLike | None = None,
    params: Mapping[str, float] | None = None,
) -> SparseJacobian:
    """The Jacobian of the "1d" or "2d" residual at u, by coloured JVPs (see the module).

    Args:
        residual: "1d" (three-point stencil) or "2d" (five-point stencil on an m x m grid).
        g: an expression of one variable (whatever its name), applied to each u_i.
        n: the number of unknowns: 1 to MAX_UNKNOWNS for "1d"; a perfect square m^2 with
            1 <= m <= MAX_GRID_SIDE for "2d".
        point: u, n numbers (the 2d grid row by row); default zeros.
        params: values of g's parameters; missing ones are 1.0.

    Returns:
        A `SparseJacobian`; `.matrix` equals `jax.jacfwd(F)(u)`.

    Raises:
        ValueError: for an unknown residual, a bad n, a g of more than one variable, a
            point of the wrong length or a bad parameter.

    Example:
        >>> from core import parse_expression
        >>> result = sparse_jacobian("1d", parse_expression("exp(u)", ("u",)), 4)
        >>> result.n_passes, result.colors.tolist()
        (3, [0, 1, 2, 0])
        >>> result.matrix[1, :3].round(12).tolist()  # 1, -2 - h^2 e^0, 1 with h = 1/5
        [1.0, -2.04, 1.0]
    """
    function = residual_function(residual, g, n, params)
    u = jnp.asarray(
        np.zeros(n) if point is None else point_vector(point, n, "point", _unknowns(residual, n))
    )
    pattern = jacobian_pattern(function, n)
    colors = column_colouring(pattern)
    n_passes = int(colors.max()) + 1
    seeds = (colors[:, None] == np.arange(n_passes)).astype(np.float64)
    columns = []
    for colour in range(n_passes):  # the point of it all: one JVP per colour, not per column
        value, column = jax.jvp(function, (u,), (jnp.asarray(seeds[:, colour]),))
        columns.append(np.asarray(column, dtype=np.float64))
    value = np.asarray(value, dtype=np.float64)
    compressed = np.stack(columns, axis=1)
    rows, cols = pattern.nonzero()
    matrix = np.zeros((n, n))
    matrix[rows, cols] = compressed[rows, colors[cols]]
    return SparseJacobian(
        matrix=mask_by_value(value, matrix),  # a row where F_i is undefined is undefined
        pattern=pattern.toarray(),
        colors=colors,
        n_passes=n_passes,
        compressed=mask_by_value(value, compressed),
        seeds=seeds,
        value=value,
    )


def residual_function(
    residual: str,
    g: ParsedExpression,
    n: int,
    params: Mapping[str, float] | None = None,
) -> Callable[[jax.Array], jax.Array]:
    """F: R^n -> R^n of the "1d" or "2d" residual, built from `lax` primitives (same
    arguments and errors as `sparse_jacobian`).

    Example:
        >>> from core import parse_expression
        >>> F = residual_function("2d", parse_expression("1", ("u",)), 4)
        >>> F(jnp.ones(4)).round(12).tolist()  # -4 + 2 neighbours - h^2, h = 1/3
        [-2.111111111111, -2.111111111111, -2.111111111111, -2.111111111111]
    """
    if not isinstance(residual, str) or residual not in RESIDUALS:
        raise ValueError(
            "residual must be '1d' (the three-point stencil of u'' = g(u)) or '2d' (the "
            f"five-point stencil of Δu = g(u) on an m x m grid); got {residual!r}."
        )
    source = _source_function(g, params)
    if residual == "1d":
        h = 1.0 / (_unknowns_1d(n) + 1)
        return lambda u: lax.sub(_second_difference(u), _scaled(source(u), h * h))
    m = _grid_side(n)
    h = 1.0 / (m + 1)
    return lambda u: lax.sub(_five_point(u, m), _scaled(source(u), h * h))


def _second_difference(u):
    """u_{i-1} - 2 u_i + u_{i+1} with u_0 = u_{n+1} = 0."""
    n = u.shape[0]
    padded = lax.pad(u, jnp.zeros((), u.dtype), [(1, 1, 0)])
    neighbours = lax.add(lax.slice(padded, (0,), (n,)), lax.slice(padded, (2,), (n + 2,)))
    return lax.sub(neighbours, _scaled(u, 2.0))


def _five_point(u, m: int):
    """The four neighbours minus 4 u_ij on the m x m grid, zero outside it, row by row."""
    grid = lax.reshape(u, (m, m))
    padded = lax.pad(grid, jnp.zeros((), u.dtype), [(1, 1, 0), (1, 1, 0)])
    up, down = lax.slice(padded, (0, 1), (m, m + 1)), lax.slice(padded, (2, 1), (m + 2, m + 1))
    left, right = lax.slice(padded, (1, 0), (m + 1, m)), lax.slice(padded, (1, 2), (m + 1, m + 2))
    neighbours = lax.add(lax.add(up, down), lax.add(left, right))
    return lax.reshape(lax.sub(neighbours, _scaled(grid, 4.0)), (m * m,))


def _scaled(array, factor: float):
    return lax.mul(lax.full_like(array, factor), array)


def _source_function(g: ParsedExpression, params) -> Callable[[jax.Array], jax.Array]:
    """g applied to each entry of u, with its parameters filled in."""
    require_function(g, "sparse_jacobian", ParsedExpression)
    if len(g.variables) != 1:
        raise ValueError(
            f"g must be a function of one variable, applied to each unknown u_i; {g.text} "
            f"is a function of {len(g.variables)} ({', '.join(g.variables)}). Declare one "
            "variable and let the other letters be parameters."
        )
    (variable,) = g.variables
    values = resolve_parameters(g, params)

    def source(u):
        env = {REFERENCE: u, variable: u}
        env.update({name: lax.full_like(u, value) for name, value in values.items()})
        return g.jax(env)

    return source


def _unknowns_1d(n) -> int:
    if not _is_count(n) or not 1 <= n <= MAX_UNKNOWNS:
        raise ValueError(
            f"n must be a whole number from 1 to {MAX_UNKNOWNS} for the 1d residual (the "
            f"dense n x n Jacobian of {MAX_UNKNOWNS} unknowns is already 50 MB); got {_shown(n)}."
        )
    return int(n)


def _grid_side(n) -> int:
    """m with n = m^2, or a ValueError naming the nearest perfect squares."""
    side = math.isqrt(n) if _is_count(n) and n >= 0 else -1
    if side * side == n and 1 <= side <= MAX_GRID_SIDE:
        return side
    nearest = ""
    if _is_count(n) and 1 <= n <= MAX_UNKNOWNS:
        nearest = f" (the nearest are {side**2} and {(side + 1) ** 2})"
    raise ValueError(
        "For the 2d residual n is the number of points of an m x m grid, a perfect square "
        f"m^2 with m from 1 to {MAX_GRID_SIDE} (n from 1 to {MAX_UNKNOWNS}); "
        f"got n = {_shown(n)}{nearest}."
    )


def _is_count(n) -> bool:
    return not isinstance(n, bool) and isinstance(n, int | np.integer)


def _shown(n) -> str:
    """n for a message: 10, not np.int64(10); anything else as Python writes it."""
    return str(int(n)) if _is_count(n) else repr(n)


def _unknowns(residual: str, n: int) -> str:
    """Why the point needs n numbers, for a message."""
    if residual == "1d":
        return f"the 1d residual has n = {n} unknowns u_1, ..., u_n"
    m = _grid_side(n)
    return f"the 2d residual has n = {n} unknowns, the {m} x {m} grid row by row"
