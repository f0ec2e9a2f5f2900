"""The code behind the Several variables page's Hessians and change of variables.

As in core.several_variables.code_view, each snippet is generated from the validated
tree, runs on its own and computes what the page shows, in float64: the Hessian by
`jax.hessian` = jacfwd(jacrev(f)), its eigenvalues, and Newton's method on ∇f = 0 from a
grid of starts; det J of a map by AD, and the area ∫∫ |det J| du dv of its image by
`scipy.integrate.dblquad` (for the polar map, also over x, y with curved limits).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import sympy
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector
from core.several_variables.code_pieces import (
    HEADER,
    bounds,
    list_text,
    names_and_parameters,
    per_variable,
    point_definition,
    scalar_definition,
    snippet,
)
from core.several_variables.point_function import require_function


def hessian_code(
    parsed: ParsedExpression,
    point: ArrayLike,
    params: Mapping[str, float] | None = None,
    x_range: tuple[float, float] = (-2.0, 2.0),
    y_range: tuple[float, float] = (-2.0, 2.0),
) -> str:
    """H by `jax.hessian`, its eigenvalues, and Newton's method on ∇f = 0 from a grid of starts.

    Args:
        parsed: f(x_1, ..., x_d), a scalar expression.
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        x_range, y_range: the box of the 7 × 7 starts (and of the points kept) for
            f(x, y); a function of other than two variables gets no search.
    """
    require_function(parsed, "hessian_code", ParsedExpression)
    names, values = names_and_parameters(parsed, params)
    d = len(parsed.variables)
    body = (
        f"point = jnp.array({list_text(per_variable(parsed, point, 'point'))})\n"
        "H = jax.hessian(f)(point)  # = jax.jacfwd(jax.jacrev(f)): forward over reverse\n"
        "eigenvalues = np.linalg.eigvalsh(H)"
        "  # all > 0: minimum, all < 0: maximum, both signs: saddle\n"
        "print(H)\nprint(eigenvalues)\n"
    )
    if d == 2:
        low, high = zip(bounds(x_range, "x_range"), bounds(y_range, "y_range"), strict=True)
        body += (
            "\n\n# Stationary points (∇f = 0): Newton's method on the gradient from 7 × 7 starts\n"
            "@jax.jit\n@jax.vmap\n"
            "def newton_step(point):  # point - H⁻¹ ∇f, for every start at once\n"
            "    return point - jnp.linalg.solve(jax.hessian(f)(point), jax.grad(f)(point))\n\n\n"
            f"low, high = np.array({list_text(low)}), np.array({list_text(high)})\n"
            f"xs, ys = np.meshgrid(np.linspace({low[0]!r}, {high[0]!r}, 7), "
            f"np.linspace({low[1]!r}, {high[1]!r}, 7))\n"
            "points = jnp.stack([xs.ravel(), ys.ravel()], axis=1)\n"
            "for _ in range(40):  # as on the page\n    points = newton_step(points)\n"
            "gradients = jax.vmap(jax.grad(f))(points)\n"
            "inside = jnp.all((points >= low) & (points <= high), axis=1)\n"
            "found = inside & (jnp.linalg.norm(gradients, axis=1) < 1e-8)  # nan, inf: not found\n"
            "for stationary in np.unique(np.round(np.asarray(points[found]), 6), axis=0) + 0.0:\n"
            "    print(stationary, np.linalg.eigvalsh(jax.hessian(f)(jnp.array(stationary))))\n"
        )
    imports = HEADER.format(more="import numpy as np\n")
    definition = scalar_definition(parsed, names, arguments=False)
    return snippet(imports, parsed, values, names, definition, body)


def change_of_variables_code(
    mapping: ParsedVector,
    u_range: tuple[float, float],
    v_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> str:
    """det J of a map T(u, v) by AD, and the area of its image by `dblquad` of |det J|.

    For the polar map (ρ cos θ, ρ sin θ) over a full turn, 0 ≤ ρ_0 < ρ_1, the snippet also
    integrates over x, y with curved limits (the disc, or the annulus as a difference);
    on [0, 1] × [0, 2π] both print ≈ 3.141592653589793.

    Args:
        mapping: T, a vector function of two variables with two components.
        u_range, v_range: the box of the first and of the second variable.
        params: values of the parameters; missing ones are 1.0.

    Raises:
        ValueError: for a map that is not R² -> R², an empty or infinite range, or a
            bad parameter.
    """
    require_function(mapping, "change_of_variables_code", ParsedVector)
    if len(mapping.variables) != 2 or len(mapping) != 2:
        raise ValueError(
            f"A change of variables needs a map of two variables with two components; "
            f"{mapping.text} has {len(mapping)} component(s) of {len(mapping.variables)} "
            "variable(s)."
        )
    names, values = names_and_parameters(mapping, params)
    (u0, u1), (v0, v1) = bounds(u_range, "u_range"), bounds(v_range, "v_range")
    u, v = (names[name] for name in mapping.variables)
    centre = list_text(((u0 + u1) / 2, (v0 + v1) / 2))
    body = (
        "# det J of T by AD; jit, because dblquad calls it a few thousand times\n"
        "det_J = jax.jit(lambda uv: jnp.linalg.det(jax.jacfwd(T)(uv)))\n"
        f"print(det_J(jnp.array({centre})))  # at the centre of the box\n\n"
        "# the area of the image: ∫∫ |det J| du dv over the box. Mind the order:\n"
        "# dblquad(func, a, b, gfun, hfun) integrates func(inner, outer), here func(v, u)\n"
        f"area_uv, error = dblquad(lambda {v}, {u}: abs(float(det_J(jnp.array([{u}, {v}])))),\n"
        f"                         {u0!r}, {u1!r}, {v0!r}, {v1!r})\n"
    )
    if _is_polar(mapping) and u0 >= 0 and math.isclose(v1 - v0, 2 * math.pi, abs_tol=1e-12):
        outer = f"disc_area({u1!r})" + (f" - disc_area({u0!r})" if u0 > 0 else "")
        body += (
            "\n\n# the same region over x, y with curved limits: -r ≤ x ≤ r, |y| ≤ √(r² - x²)\n"
            "def disc_area(radius):\n"
            "    return dblquad(lambda y, x: 1.0, -radius, radius,\n"
            "                   lambda x: -np.sqrt(radius**2 - x**2),\n"
            "                   lambda x: np.sqrt(radius**2 - x**2))[0]\n\n\n"
            f"area_xy = {outer}\nprint(area_uv, area_xy)\n"
        )
    else:
        body += "print(area_uv)\n"
    imports = HEADER.format(more="import numpy as np\nfrom scipy.integrate import dblquad\n")
    definition = point_definition(mapping, names, function_name="T", point_name="uv")
    return snippet(imports, mapping, values, names, definition, body)


def _is_polar(mapping: ParsedVector) -> bool:
    """Whether T(ρ, θ) = (ρ cos θ, ρ sin θ), however it was typed."""
    rho, theta = (mapping.components[0].symbols[name] for name in mapping.variables)
    polar = (rho * sympy.cos(theta), rho * sympy.sin(theta))
    return all(
        sympy.expand(c.sympy - target) == 0
        for c, target in zip(mapping.components, polar, strict=True)
    )
