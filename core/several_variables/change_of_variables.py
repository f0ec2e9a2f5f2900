"""Areas by a change of variables: ∬ |det J| du dv over a rectangle, checked two other ways.

A small rectangle du × dv at (u, v) goes to a small parallelogram of area
|det J(u, v)| du dv, J = ∂(x, y)/∂(u, v) (see core.several_variables.maps), so for a
one-to-one map F

    area of F(R) = ∬_R |det J(u, v)| du dv.

Under the polar map (ρ cos θ, ρ sin θ) the unit disc is ∫₀^{2π} ∫₀^1 ρ dρ dθ = π, and
the same π comes from ∫_{-1}^{1} ∫_{-√(1-x²)}^{√(1-x²)} 1 dy dx in x, y with curved
limits. Both are computed with `scipy.integrate.dblquad`, as the lecture does. Green's
theorem gives a third, independent check from the boundary alone: the shoelace formula
on the image of the rectangle's edges (`boundary_area`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import jax
import numpy as np
from jax import lax
from scipy import integrate

from core.language.vector import ParsedVector
from core.several_variables.arguments import short_number, value_range, whole_number
from core.several_variables.maps import (
    MAX_GRID,
    determinant_function,
    determinant_grid,
    map_points,
    require_map,
)

MAX_EVALUATIONS = 30_000  # of |det J| by dblquad (about 0.35 s); a smooth one needs 441
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
        >>> from core.several_variables.maps import polar_map
        >>> area = area_by_change_of_variables(polar_map(), (0, 1), (0, 2 * math.pi))
        >>> round(area.value, 12), area.how
        (3.14159265359, 'dblquad of |det J| over u ∈ [0, 1], v ∈ [0, 6.283]')
    """
    require_map(mapping)
    (u0, u1), (v0, v1) = value_range(u_range, "u_range"), value_range(v_range, "v_range")
    determinant = determinant_function(mapping, params)
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
    square = "1" if r == 1 else f"{short_number(r)}²"
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
    (u0, u1), (v0, v1) = value_range(u_range, "u_range"), value_range(v_range, "v_range")
    n = whole_number(n, "n", 5, 50 * MAX_GRID)
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
            f"The map is undefined at (u, v) = ({short_number(u[k])}, {short_number(v[k])}) on the "
            "rectangle's boundary: choose a range where it is defined."
        )
    fine, coarse = _shoelace(x, y), _shoelace(x[::2], y[::2])
    return float((4.0 * fine - coarse) / 3.0)


# -- helpers ------------------------------------------------------------------------------


class _DoesNotConverge(Exception):
    """Raised from dblquad's integrand to stop it: |det J| is not finite, or too costly."""


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
        place = f"near u = {short_number(us[0])}"
    elif np.ptp(vs) == 0:
        place = f"near v = {short_number(vs[0])}"
    else:
        place = f"near (u, v) = ({short_number(us[0])}, {short_number(vs[0])})"
    return f"The integral does not converge: |det J| {what} {place}; choose a range that avoids it."


def _shoelace(x: np.ndarray, y: np.ndarray) -> float:
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _interval(low: float, high: float) -> str:
    return f"[{short_number(low)}, {short_number(high)}]"
