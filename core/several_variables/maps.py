"""A change of variables as a map (x, y) = F(u, v): its Jacobian determinant and its picture.

Near (u, v) the map is its linearisation, J = ∂(x, y)/∂(u, v), so a small rectangle
du × dv at (u, v) goes to a small parallelogram of area |det J(u, v)| du dv, with

    det J = ∂x/∂u ∂y/∂v − ∂x/∂v ∂y/∂u

positive where F keeps the orientation and negative where it flips it. The polar map
(x, y) = (ρ cos θ, ρ sin θ), typed as [u cos(v), u sin(v)] with u = ρ and v = θ, has
det J = ρ: the cells of a (ρ, θ) grid are squashed near the centre. This module checks
the map, computes det J by forward-mode AD (at a point, and on a grid under `jax.vmap`)
and maps a grid of lines for the figure; the areas it gives are in
core.several_variables.change_of_variables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import jax
import numpy as np
from jax import lax
from numpy.typing import ArrayLike

from core.engines.autodiff import resolve_parameters
from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector, parse_vector
from core.several_variables.arguments import value_range, whole_number
from core.several_variables.derivatives import jacobian
from core.several_variables.point_function import as_jax_function, require_function

POLAR = "[u cos(v), u sin(v)]"
VARIABLES = ("u", "v")
EXAMPLE_MAPS = {  # name -> (map, u-range, v-range)
    "polar (ρ, θ)": (POLAR, (0.0, 1.0), (0.0, 2 * math.pi)),
    "elliptical": ("[2u cos(v), u sin(v)]", (0.0, 1.0), (0.0, 2 * math.pi)),
    "shear": ("[u + v/2, v]", (0.0, 1.0), (0.0, 1.0)),
    "square of z = u + iv": ("[u^2 - v^2, 2 u v]", (0.0, 1.0), (0.0, 1.0)),
}
MAX_GRID = 401  # points per side of a determinant grid, samples per side of a boundary


class GridImage(NamedTuple):
    """The image under F of a grid of lines over the rectangle [u0, u1] × [v0, v1].

    Attributes:
        u_lines: u_lines[i], shape (k, 2): F along the line u = us[i], v from v0 to v1.
        v_lines: v_lines[j], shape (k, 2): F along the line v = vs[j], u from u0 to u1.
        us, vs: the lines' values, from u0 to u1 and from v0 to v1.
        step: samples from one crossing line to the next: the corner (us[i], vs[j]) is
            sample j·step of u_lines[i] and sample i·step of v_lines[j], so a cell's image
            is bounded by pieces of four lines.
    """

    u_lines: list[np.ndarray]
    v_lines: list[np.ndarray]
    us: np.ndarray
    vs: np.ndarray
    step: int


class DeterminantGrid(NamedTuple):
    """det J on a grid: determinant[i, j] = det J(us[j], vs[i]) (rows follow v)."""

    us: np.ndarray
    vs: np.ndarray
    determinant: np.ndarray


def polar_map() -> ParsedVector:
    """The polar map (ρ cos θ, ρ sin θ) as a vector function of (u, v) = (ρ, θ)."""
    return parse_vector(POLAR, VARIABLES)


def jacobian_determinant(
    mapping: ParsedVector, point: ArrayLike, params: Mapping[str, float] | None = None
) -> float:
    """det J(u, v) = ∂x/∂u ∂y/∂v − ∂x/∂v ∂y/∂u at a point, J by forward-mode AD.

    Args:
        mapping: a vector function [x(u, v), y(u, v)] of the variables (u, v).
        point: (u, v).
        params: values of the parameters; missing ones are 1.0.

    Returns:
        det J: positive where F keeps the orientation, negative where it flips it.

    Raises:
        ValueError: for a map that is not [x(u, v), y(u, v)], a bad point or parameter.

    Example:
        >>> round(jacobian_determinant(polar_map(), [2.0, 0.7]), 12)
        2.0
    """
    require_map(mapping)
    (a, b), (c, d) = jacobian(mapping, point, params=params)
    return float(a * d - b * c)


def determinant_grid(
    mapping: ParsedVector,
    u_range: Sequence[float],
    v_range: Sequence[float],
    params: Mapping[str, float] | None = None,
    n: int = 41,
) -> DeterminantGrid:
    """det J on an n × n grid over the rectangle, all points at once (`jax.vmap`), for colour.

    Returns:
        (us, vs, determinant) with determinant[i, j] = det J(us[j], vs[i]); nan or inf
        where the map or its derivatives are undefined.

    Raises:
        ValueError: for a map that is not [x(u, v), y(u, v)], a bad range, n or parameter.
    """
    require_map(mapping)
    (u0, u1), (v0, v1) = value_range(u_range, "u_range"), value_range(v_range, "v_range")
    n = whole_number(n, "n", 2, MAX_GRID)
    us, vs = np.linspace(u0, u1, n), np.linspace(v0, v1, n)
    grid_u, grid_v = np.meshgrid(us, vs)
    points = np.stack([grid_u.ravel(), grid_v.ravel()], axis=1)
    values = jax.vmap(determinant_function(mapping, params))(points)
    return DeterminantGrid(us, vs, np.asarray(values, dtype=np.float64).reshape(n, n))


def grid_image(
    mapping: ParsedVector,
    u_range: Sequence[float],
    v_range: Sequence[float],
    params: Mapping[str, float] | None = None,
    lines: int = 11,
    points: int = 121,
) -> GridImage:
    """The image of `lines` lines u = const and `lines` lines v = const, at least `points`
    samples each (NumPy, no AD: nan where F is undefined, which a plot leaves as a gap).

    Raises:
        ValueError: for a map that is not [x(u, v), y(u, v)], a bad range, lines, points
            or parameter.
    """
    require_map(mapping)
    (u0, u1), (v0, v1) = value_range(u_range, "u_range"), value_range(v_range, "v_range")
    lines = whole_number(lines, "lines", 2, 41)
    points = whole_number(points, "points", 2, 2001)
    step = -(-(points - 1) // (lines - 1))  # ceil: crossings fall on samples
    t = np.linspace(0.0, 1.0, (lines - 1) * step + 1)
    us, vs = np.linspace(u0, u1, lines), np.linspace(v0, v1, lines)
    along_u, along_v = u0 + (u1 - u0) * t, v0 + (v1 - v0) * t
    # every line at once: rows of the u-lines, then rows of the v-lines
    u = np.concatenate([np.repeat(us[:, None], len(t), axis=1), np.tile(along_u, (lines, 1))])
    v = np.concatenate([np.tile(along_v, (lines, 1)), np.repeat(vs[:, None], len(t), axis=1)])
    x, y = map_points(mapping, u, v, params)
    curves = list(np.stack([x, y], axis=-1))
    return GridImage(curves[:lines], curves[lines:], us, vs, step)


def warm_up() -> None:
    """Compute det J of EXAMPLE_MAPS on the default grid and at a point, once.

    JAX compiles each primitive for each shape the first time it runs eagerly (30-170
    ms for a new map's first grid); a server that calls this at start-up spares the
    page's examples. The areas compile their own |det J| each call and are not warmed.
    """
    for text, u_range, v_range in EXAMPLE_MAPS.values():
        mapping = parse_vector(text, VARIABLES)
        determinant_grid(mapping, u_range, v_range)
        jacobian_determinant(mapping, [0.5, 0.5])


def map_points(
    mapping: ParsedVector, u: np.ndarray, v: np.ndarray, params: Mapping[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) = F(u, v) at many points by the NumPy form (nan where F is undefined)."""
    values = dict(zip(VARIABLES, (u, v), strict=True))
    values.update(resolve_parameters(mapping, params))
    with np.errstate(all="ignore"):
        x, y = (
            np.broadcast_to(np.asarray(c.numpy(values), dtype=np.float64), u.shape)
            for c in mapping.components
        )
    defined = np.isfinite(x) & np.isfinite(y)  # a point is defined or not, as a whole
    return np.where(defined, x, np.nan), np.where(defined, y, np.nan)


def require_map(mapping) -> None:
    """Check that `mapping` is [x(u, v), y(u, v)]: two components, of the variables u and v.

    Raises:
        ValueError: one sentence saying what is wrong and what to type instead.
        TypeError: for anything that is not a parsed function.
    """
    require_function(mapping, "The change of variables", ParsedExpression | ParsedVector)
    if isinstance(mapping, ParsedExpression) or len(mapping.components) != 2:
        got = 1 if isinstance(mapping, ParsedExpression) else len(mapping.components)
        raise ValueError(
            f"The map needs two components, [x(u, v), y(u, v)] such as {POLAR}; "
            f"{mapping.text} has {got}."
        )
    if tuple(mapping.variables) != VARIABLES:
        raise ValueError(
            f"The map must be a function of u and v (parse it with variables=('u', 'v')); "
            f"it is a function of {', '.join(mapping.variables)}."
        )


def determinant_function(mapping: ParsedVector, params: Mapping[str, float] | None) -> Callable:
    """det J as a JAX function of p = (u, v), from `lax` primitives (no jnp wrappers),
    for `jax.vmap` or `jax.jit`; `mapping` must have passed `require_map`."""
    jacobian_of = jax.jacfwd(as_jax_function(mapping, params))

    def determinant(p):
        J = jacobian_of(p)
        row0, row1 = (lax.index_in_dim(J, i, 0, keepdims=False) for i in (0, 1))
        a, b = (lax.index_in_dim(row0, j, 0, keepdims=False) for j in (0, 1))
        c, d = (lax.index_in_dim(row1, j, 0, keepdims=False) for j in (0, 1))
        return lax.sub(lax.mul(a, d), lax.mul(b, c))

    return determinant
