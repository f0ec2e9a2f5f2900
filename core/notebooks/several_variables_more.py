"""The Several variables page's Hessian, change-of-variables and three-variable sections
as notebooks (the first three and the dispatch are in core.notebooks.several_variables).

Hessian: the page's snippet (`jax.hessian`, its eigenvalues, Newton's method on ∇f = 0
from a 7 × 7 grid of starts, 40 steps), then SymPy's Hessian and the kind of point.
The page's own search also stops each start once it has converged and merges points by
distance (core.several_variables.stationary); the snippet's plain Newton finds the same
points (it prints where they are, f and the eigenvalues; the page's |∇f| and start counts
are its bookkeeping and are not reproduced). Change of variables: det J by AD, the area
of the image by `dblquad` of |det J| and by the shoelace formula on its boundary.
Three variables: `jax.grad` with three argnums, SymPy, central differences, and the
PyTorch version as text (PyTorch is not a dependency).
"""

from __future__ import annotations

import math

from core.notebooks.cells import Notebook, figure_lines, quoted, settings
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import numpy_definition, section_function, sympy_partials
from core.notebooks.query import Query
from core.several_variables.code_hessians_and_areas import (
    change_of_variables_code,
    hessian_code,
)
from core.several_variables.code_view import three_variables_code
from core.several_variables.second_derivative_test import ZERO_TOLERANCE

XY, UV, XYZ = ("x", "y"), ("u", "v"), ("x", "y", "z")
IMPORTS = "import numpy as np\nimport plotly.graph_objects as go\n\n"
POLAR = "[u cos(v), u sin(v)]"


def hessian(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The Hessian section: H at p and its kind, and the stationary points in the box."""
    default = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
    parsed, note = section_function(parsers, query.text("v_hf", default), XY, default)
    point = (query.number("v_hx", 3.0), query.number("v_hy", 2.0))
    half = query.option("v_hr", {str(r): r for r in (1, 2, 3, 4, 5, 6, 8, 10)}, 5)
    box = (-float(half), float(half))
    heading(
        f"f(x, y) = {quoted(parsed.text)}: its Hessian at p = {point} by AD and by SymPy, what "
        f"its eigenvalues say, and the stationary points in [−{half}, {half}]² by Newton's "
        f"method on ∇f = 0.{note}"
    )
    book.code(IMPORTS + settings({"f_text": parsed.text, "point": point, "search_box": box}))
    book.markdown("## By JAX (the page's code behind it)")
    book.code(hessian_code(parsed, point, x_range=box, y_range=box))
    book.code(
        sympy_partials(parsed, point, second=True)
        + f"\nzero = {ZERO_TOLERANCE!r} * max(1.0, float(np.abs(eigenvalues).max()))  # |λ| "
        "below this counts as 0\n"
        "signs = {int(np.sign(e)) if abs(e) > zero else 0 for e in np.asarray(eigenvalues)}\n"
        "kind = ('saddle' if {-1, 1} <= signs else 'minimum' if signs == {1} else\n"
        "        'maximum' if signs == {-1} else 'degenerate')\n"
        "print('eigenvalues', eigenvalues, '->', kind)\n"
        "for (i, j), entry in np.ndenumerate(np.asarray(H)):\n"
        '    shown[f"H[{i}, {j}] by AD"] = float(entry)\n'
        '    shown[f"H[{i}, {j}] by SymPy"] = float(exact_hessian[i][j])\n'
        "for i, eigenvalue in enumerate(np.asarray(eigenvalues)):\n"
        '    shown[f"eigenvalue {i}"] = float(eigenvalue)\n'
        "# one point per place found (the snippet rounds to 6 decimals to tell them apart)\n"
        "converged = np.asarray(points[found])\n"
        "places = np.round(converged, 6) + 0.0\n"
        "stationary_points = np.array([converged[(places == place).all(axis=1)][0]\n"
        "                              for place in np.unique(places, axis=0)]).reshape(-1, 2)\n"
        "for k, stationary in enumerate(stationary_points):\n"
        "    at = jnp.array(stationary)\n"
        "    low_eigenvalue, high_eigenvalue = np.linalg.eigvalsh(jax.hessian(f)(at))\n"
        '    shown[f"stationary point {k}: x"] = float(stationary[0])\n'
        '    shown[f"stationary point {k}: y"] = float(stationary[1])\n'
        '    shown[f"stationary point {k}: f"] = float(f(at))\n'
        '    shown[f"stationary point {k}: eigenvalue 0"] = float(low_eigenvalue)\n'
        '    shown[f"stationary point {k}: eigenvalue 1"] = float(high_eigenvalue)\n'
    )
    book.code(
        "grid = np.linspace(search_box[0], search_box[1], 201)\n"
        "grid_x, grid_y = np.meshgrid(grid, grid)\n"
        "with np.errstate(all='ignore'):\n"
        "    surface = np.asarray(jax.vmap(f)(jnp.stack([grid_x.ravel(), grid_y.ravel()], "
        "axis=1)), dtype=float).reshape(grid_x.shape)\n"
        "fig = go.Figure(go.Contour(x=grid, y=grid, z=surface, ncontours=30, showscale=False))\n"
        "fig.add_scatter(x=stationary_points[:, 0], y=stationary_points[:, 1], mode='markers', "
        "name='stationary points')\n"
        "fig.add_scatter(x=[point[0]], y=[point[1]], mode='markers', name='p')\n"
        + figure_lines("fig")
    )


def change(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The change-of-variables section: det J, and the area of the image two ways."""
    mapping, note = section_function(
        parsers, query.text("v_cf", POLAR), UV, POLAR, components=2, vector=True
    )
    u_range = (query.number("v_cu0", 0.0), query.number("v_cu1", 1.0))
    v_range = (query.number("v_cv0", 0.0), query.number("v_cv1", 2 * math.pi))
    point = (query.number("v_cpu", 0.5), query.number("v_cpv", 1.0))
    if not (u_range[0] < u_range[1] and v_range[0] < v_range[1]):
        raise ValueError(
            "The page shows no areas for this link: each range needs from < to, so that the "
            "(u, v) box has an inside."
        )
    heading(
        f"T(u, v) = {quoted(mapping.text)} over u ∈ {list(u_range)}, v ∈ {list(v_range)}: det J "
        "by AD, and the area of the image as ∫∫ |det J| du dv (SciPy's dblquad) and from its "
        f"boundary (the shoelace formula, Green's theorem).{note}"
    )
    book.code(
        IMPORTS
        + settings(
            {"T_text": mapping.text, "u_range": u_range, "v_range": v_range, "point_uv": point}
        )
    )
    book.markdown("## By JAX and SciPy (the page's code behind it)")
    book.code(change_of_variables_code(mapping, u_range, v_range))
    book.code(
        "shown['det J at the point'] = float(det_J(jnp.array(point_uv)))\n"
        "shown['area by dblquad of |det J|'] = float(area_uv)\n\n"
        "# the boundary walked counter-clockwise in (u, v), mapped, closed into a polygon:\n"
        "# ½ Σ (x_k y_{k+1} − x_{k+1} y_k) on 2,001 samples a side and on every other sample,\n"
        "# combined by Richardson extrapolation (error O(h⁴) for smooth edges)\n"
        "(u0, u1), (v0, v1) = u_range, v_range\n"
        "t = np.linspace(0.0, 1.0, 2001)[:-1]\n"
        "edge_u = np.concatenate([u0 + (u1 - u0) * t, np.full_like(t, u1), u1 - (u1 - u0) * t, "
        "np.full_like(t, u0)])\n"
        "edge_v = np.concatenate([np.full_like(t, v0), v0 + (v1 - v0) * t, np.full_like(t, v1), "
        "v1 - (v1 - v0) * t])\n"
        "edge = np.asarray(jax.vmap(T)(jnp.stack([edge_u, edge_v], axis=1)), dtype=float)\n\n\n"
        "def shoelace(x, y):\n"
        "    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))\n\n\n"
        "fine, coarse = shoelace(edge[:, 0], edge[:, 1]), shoelace(edge[::2, 0], edge[::2, 1])\n"
        "shown['area from the boundary (shoelace)'] = (4.0 * fine - coarse) / 3.0\n"
        "if 'area_xy' in globals():\n"
        "    shown['area over the disc in x, y'] = float(area_xy)\n"
    )
    book.code(
        "fig = go.Figure(go.Scatter(x=edge[:, 0], y=edge[:, 1], fill='toself', name='T(box)'))\n"
        "fig.update_yaxes(scaleanchor='x')\n" + figure_lines("fig")
    )


def three(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The three-variable section: ∇f of f(x, y, z) by JAX, SymPy and differences."""
    default = "x^3 + 2y^2 - 3z + 1"
    parsed, note = section_function(parsers, query.text("v_tf", default), XYZ, default)
    point = tuple(query.number(f"v_t{v}", c) for v, c in zip(XYZ, (1.0, 2.0, 3.0), strict=True))
    heading(
        f"f(x, y, z) = {quoted(parsed.text)} at {point}: its three partial derivatives by "
        f"`jax.grad`, by SymPy and by central differences; and PyTorch's way, as text.{note}"
    )
    jax_source, torch_source = three_variables_code(parsed, point)
    book.code(IMPORTS + settings({"f_text": parsed.text, "point": point}))
    book.markdown("## By JAX (the page's code behind it)")
    book.code(jax_source)
    book.markdown(
        "PyTorch does the same with `.backward()` (not run here: PyTorch is not one of the "
        f"app's dependencies):\n\n```python\n{torch_source}```"
    )
    book.code(
        numpy_definition(parsed) + "\n\np = np.array(point)\n"
        "steps = (p + np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(p))) - p\n"
        "with np.errstate(all='ignore'):\n"
        "    fd = [(f_numpy(*(p + step * e)) - f_numpy(*(p - step * e))) / (2 * step)\n"
        "          for step, e in zip(steps, np.eye(3))]\n"
        + sympy_partials(parsed, point)
        + "shown['f(p)'] = float(f(*point))\n"
        "for name, ad, by_fd, exact in zip(('x', 'y', 'z'), (df_dx, df_dy, df_dz), fd, "
        "exact_gradient):\n"
        '    shown[f"∂f/∂{name} by AD"] = float(ad)\n'
        '    shown[f"∂f/∂{name} by SymPy"] = exact\n'
        '    shown[f"∂f/∂{name} by finite differences"] = float(by_fd)\n'
    )
    book.code(
        "fig = go.Figure(go.Bar(x=['∂f/∂x', '∂f/∂y', '∂f/∂z'], y=[float(df_dx), float(df_dy), "
        "float(df_dz)]))\n"
        "fig.update_layout(title='∇f at the point')\n" + figure_lines("fig")
    )
