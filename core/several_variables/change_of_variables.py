"""Change of variables: a map (x, y) = F(u, v), its Jacobian determinant, and areas.

A small rectangle du × dv at (u, v) goes to a small parallelogram of area
|det J(u, v)| du dv, J = ∂(x, y)/∂(u, v), so for a one-to-one F

    area of F(R) = ∬_R |det J(u, v)| du dv.

The polar map (x, y) = (ρ cos θ, ρ sin θ), typed as [u cos(v), u sin(v)] with u = ρ and
v = θ, has det J = ρ: the unit disc is ∫₀^{2π} ∫₀^1 ρ dρ dθ = π, and the same π comes
from ∫_{-1}^{1} ∫_{-√(1-x²)}^{√(1-x²)} 1 dy dx in x, y with curved limits. Both are
computed with `scipy.integrate.dblquad`, as the lecture does. Green's theorem gives a
third, independent check from the boundary alone: the shoelace formula on the image of
the rectangle's edges (`boundary_area`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import jax
import numpy as np
from jax import lax
from numpy.typing import ArrayLike
from scipy import integrate

from core.engines.autodiff import resolve_parameters
from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector, parse_vector
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
MAX_EVALUATIONS = 30_000  # of |det J| by dblquad (about 0.35 s); a smooth one needs 441
MAX_GRID = 401  # points per side of a determinant grid, samples per side of a boundary
_LOCATE = 41  # points per side of the grid that locates where an integral blows up


class Integral(NamedTuple):
    """A double integral from `scipy.integrate.dblquad`.

    Attributes:
        value: the integral.
        error_estimate: dblquad's estimate of its absolute error.
        evaluations: how many times the integrand was called.
        how: one line saying what was integrated over what.
    """

    value: float
    error_estimate: float
    evaluations: int
    how: str


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
    (u0, u1), (v0, v1) = _range(u_range, "u_range"), _range(v_range, "v_range")
    n = _count(n, "n", 2, MAX_GRID)
    us, vs = np.linspace(u0, u1, n), np.linspace(v0, v1, n)
    grid_u, grid_v = np.meshgrid(us, vs)
    points = np.stack([grid_u.ravel(), grid_v.ravel()], axis=1)
    values = jax.vmap(_determinant_function(mapping, params))(points)
    return DeterminantGrid(us, vs, np.asarray(values, dtype=np.float64).reshape(n, n))


def area_by_change_of_variables(
    mapping: ParsedVector,
    u_range: Sequence[float],
    v_range: Sequence[float],
    params: Mapping[str, float] | None = None,
) -> Integral:
    """∬ |det J(u, v)| du dv over the rectangle, by `scipy.integrate.dblquad`.

    This is the area of the image F(R) when F is one-to-one on R; where F folds R over
    itself, overlapping parts count as often as they are covered.

    dblquad calls its integrand with one (u, v) at a time, hundreds or thousands of
    times: un-jitted JAX costs about 1 ms a call there, so |det J| is compiled once per
    call of this function (about 50 ms) and then costs about 10 µs a call.

    Raises:
        ValueError: for a map that is not [x(u, v), y(u, v)], a bad range or parameter,
            or an integral that does not converge: |det J| infinite or undefined,
            dblquad's IntegrationWarning, or more than MAX_EVALUATIONS calls (as when
            det J changes sign and |det J| has a kink along a curve).

    Example:
        >>> area = area_by_change_of_variables(polar_map(), (0, 1), (0, 2 * math.pi))
        >>> round(area.value, 12), area.how
        (3.14159265359, 'dblquad of |det J| over u ∈ [0, 1], v ∈ [0, 6.283]')
    """
    require_map(mapping)
    (u0, u1), (v0, v1) = _range(u_range, "u_range"), _range(v_range, "v_range")
    determinant = _determinant_function(mapping, params)
    absolute = jax.jit(lambda u, v: lax.abs(determinant(_pack(u, v))))
    calls = 0

    def integrand(v: float, u: float) -> float:  # dblquad's order: inner variable first
        nonlocal calls
        calls += 1
        if calls > MAX_EVALUATIONS:
            raise _DoesNotConverge("budget")
        value = float(absolute(u, v))
        if not math.isfinite(value):
            raise _DoesNotConverge("undefined")
        return value

    reason = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", integrate.IntegrationWarning)
            value, error = integrate.dblquad(integrand, u0, u1, v0, v1)
    except _DoesNotConverge as problem:
        reason = str(problem)
    except integrate.IntegrationWarning:
        reason = "tolerance"
    else:
        if not (math.isfinite(value) and math.isfinite(error)):
            reason = "undefined"
    if reason is not None:
        raise ValueError(_divergence_message(mapping, params, (u0, u1), (v0, v1), reason))
    how = f"dblquad of |det J| over u ∈ {_interval(u0, u1)}, v ∈ {_interval(v0, v1)}"
    return Integral(float(value), float(error), calls, how)


def disc_area_in_xy(radius: float = 1.0) -> Integral:
    """The area of the disc x² + y² <= r² as ∫_{-r}^{r} ∫_{-√(r²-x²)}^{√(r²-x²)} 1 dy dx.

    Example:
        >>> round(disc_area_in_xy().value, 10)
        3.1415926536
    """
    try:
        r = float(radius)
    except (TypeError, ValueError):
        raise ValueError(f"The radius must be a number; got {radius!r}.") from None
    if not (math.isfinite(r) and r > 0):
        raise ValueError(f"The radius must be a positive number; got {radius!r}.")
    calls = 0

    def one(_y: float, _x: float) -> float:
        nonlocal calls
        calls += 1
        return 1.0

    def half_chord(x: float) -> float:
        return math.sqrt(max(r * r - x * x, 0.0))

    with warnings.catch_warnings():
        warnings.simplefilter("error", integrate.IntegrationWarning)
        value, error = integrate.dblquad(one, -r, r, lambda x: -half_chord(x), half_chord)
    square = "1" if r == 1 else f"{_number(r)}²"
    chord = f"√({square} − x²)"
    how = f"dblquad of 1 over x ∈ {_interval(-r, r)}, y ∈ [-{chord}, {chord}]"
    return Integral(float(value), float(error), calls, how)


def boundary_area(
    mapping: ParsedVector,
    u_range: Sequence[float],
    v_range: Sequence[float],
    params: Mapping[str, float] | None = None,
    n: int = 2001,
) -> float:
    """The signed area enclosed by the image of the rectangle's boundary (Green's theorem).

    The boundary is walked counter-clockwise in (u, v), mapped, and closed into a
    polygon; the shoelace formula ½ Σ (x_k y_{k+1} − x_{k+1} y_k) on all samples and on
    every other sample, combined by Richardson extrapolation, gives ∮ x dy (error
    O(h⁴) for smooth edges). By Green's theorem this equals ∬ det J du dv, the *signed*
    integral: it is the area of F(R) for a one-to-one map that keeps the orientation,
    minus that area for one that flips it, and for a map that folds R over itself
    overlapping parts count with their orientation (they can cancel). That makes it an
    independent check of `area_by_change_of_variables` for one-to-one maps: it needs
    only F, not its derivatives.

    Args:
        mapping: a vector function [x(u, v), y(u, v)] of (u, v).
        u_range, v_range: the rectangle.
        params: values of the parameters; missing ones are 1.0.
        n: samples per side, odd (every other sample must keep the corners).

    Raises:
        ValueError: for a map that is not [x(u, v), y(u, v)], a bad range, n or
            parameter, or a map undefined somewhere on the boundary.
    """
    require_map(mapping)
    (u0, u1), (v0, v1) = _range(u_range, "u_range"), _range(v_range, "v_range")
    n = _count(n, "n", 5, 50 * MAX_GRID)
    if n % 2 == 0:
        raise ValueError(f"n must be odd, so that every other sample keeps the corners; got {n}.")
    t = np.linspace(0.0, 1.0, n)[:-1]  # each side without its last point: the next starts there
    u = np.concatenate(
        [u0 + (u1 - u0) * t, np.full_like(t, u1), u1 - (u1 - u0) * t, np.full_like(t, u0)]
    )
    v = np.concatenate(
        [np.full_like(t, v0), v0 + (v1 - v0) * t, np.full_like(t, v1), v1 - (v1 - v0) * t]
    )
    x, y = map_points(mapping, u, v, params)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"The map is undefined at (u, v) = ({_number(u[k])}, {_number(v[k])}) on the "
            "rectangle's boundary: choose a range where it is defined."
        )
    fine, coarse = _shoelace(x, y), _shoelace(x[::2], y[::2])
    return float((4.0 * fine - coarse) / 3.0)


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
    (u0, u1), (v0, v1) = _range(u_range, "u_range"), _range(v_range, "v_range")
    lines = _count(lines, "lines", 2, 41)
    points = _count(points, "points", 2, 2001)
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


# -- helpers ------------------------------------------------------------------------------


class _DoesNotConverge(Exception):
    """Raised from dblquad's integrand to stop it: |det J| is not finite, or too costly."""


def _determinant_function(mapping: ParsedVector, params) -> Callable:
    """det J as a JAX function of p = (u, v), from `lax` primitives (no jnp wrappers)."""
    jacobian_of = jax.jacfwd(as_jax_function(mapping, params))

    def determinant(p):
        J = jacobian_of(p)
        row0, row1 = (lax.index_in_dim(J, i, 0, keepdims=False) for i in (0, 1))
        a, b = (lax.index_in_dim(row0, j, 0, keepdims=False) for j in (0, 1))
        c, d = (lax.index_in_dim(row1, j, 0, keepdims=False) for j in (0, 1))
        return lax.sub(lax.mul(a, d), lax.mul(b, c))

    return determinant


def _pack(u, v):
    return lax.concatenate([lax.expand_dims(u, (0,)), lax.expand_dims(v, (0,))], 0)


def _divergence_message(mapping, params, u_range, v_range, reason: str) -> str:
    """One sentence: why dblquad stopped, and where on the rectangle |det J| misbehaves.

    `reason`: "undefined" (|det J| not finite at a point), "tolerance" (dblquad's
    warning) or "budget" (more than MAX_EVALUATIONS calls).
    """
    grid = determinant_grid(mapping, u_range, v_range, params, n=_LOCATE)
    det = grid.determinant
    undefined = ~np.isfinite(det)
    if reason == "budget" and not undefined.any() and det.min() < 0 < det.max():
        return (
            f"The integral needs more than {MAX_EVALUATIONS:,} evaluations: det J changes "
            "sign inside the rectangle (the map folds it over itself), which puts a kink in "
            "|det J|; choose a range where det J keeps one sign."
        )
    if undefined.any() or reason == "undefined":
        where, what = undefined, "is infinite or undefined"
    else:
        size = np.abs(det)
        where, what = size >= size.max() * (1 - 1e-9), "grows too large"
    rows, columns = np.nonzero(where)
    us, vs = grid.us[columns], grid.vs[rows]
    if len(us) == 0:  # undefined only between the grid's points
        place = "somewhere in the rectangle"
    elif np.ptp(us) == 0:
        place = f"near u = {_number(us[0])}"
    elif np.ptp(vs) == 0:
        place = f"near v = {_number(vs[0])}"
    else:
        place = f"near (u, v) = ({_number(us[0])}, {_number(vs[0])})"
    return f"The integral does not converge: |det J| {what} {place}; choose a range that avoids it."


def _shoelace(x: np.ndarray, y: np.ndarray) -> float:
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _interval(low: float, high: float) -> str:
    return f"[{_number(low)}, {_number(high)}]"


def _number(x: float) -> str:
    return f"{float(x) + 0.0:.4g}"


def _range(values, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (low, high); got {values!r}.") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must be two finite numbers with low < high; got ({low}, {high}).")
    return low, high


def _count(value, name: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}.")
    return int(value)
