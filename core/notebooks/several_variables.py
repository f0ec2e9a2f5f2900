"""The Several variables page as a notebook: its first three sections, and the dispatch.

Each section's notebook starts from the page's own "code behind it"
(core.several_variables.code_view: `jax.value_and_grad`, `jax.jvp`, `jacfwd`, `jacrev`,
`jax.vjp`), adds what the page shows beside it — SymPy's exact partials, central
differences with the page's step h = ∛ε·max(1, |pᵢ|) — and draws the section's figure.
The Hessian, change of variables and three-variable sections are in
core.notebooks.several_variables_more, the Sparse Jacobians section in
core.notebooks.several_variables_sparse and the Hessian-vector products section in
core.notebooks.several_variables_hvp.
"""

from __future__ import annotations

import math

from core.notebooks import several_variables_more as more
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import (
    chosen_section,
    numpy_definition,
    section_function,
    sympy_partials,
)
from core.notebooks.query import Query
from core.notebooks.several_variables_hvp import hessian_vector_products
from core.notebooks.several_variables_sparse import sparse_jacobians
from core.several_variables.code_view import gradient_code, jacobian_code, jvp_vjp_code

PAGE, NAME = "several_variables", "Several variables"
XY = ("x", "y")
SECTIONS = {
    "gradient": "Gradient",
    "jacobian": "Jacobians: forward and reverse",
    "jvp": "JVP and VJP",
    "hessian": "Hessian and stationary points",
    "change": "Change of variables",
    "three": "Three variables",
    "sparse": "Sparse Jacobians",
    "hvp": "Hessian-vector products",
}
IMPORTS = (
    "import numpy as np\nimport plotly.graph_objects as go\n"
    "from plotly.subplots import make_subplots\n\n"
)
# The page's step for central differences: ∛ε · max(1, |p_i|), rounded to a representable one.
FD_STEPS = (
    "p = np.array(point)\n"
    "steps = (p + np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(p))) - p\n"
)


def notebook(query: Query, parsers: Parsers) -> str:
    """The section the link shows, as nbformat-4 JSON (see `core.view_notebook`)."""
    section = chosen_section(query, "v_s", SECTIONS, {}, NAME)
    write = {
        SECTIONS["gradient"]: _gradient,
        SECTIONS["jacobian"]: _jacobian,
        SECTIONS["jvp"]: _jvp,
        SECTIONS["hessian"]: more.hessian,
        SECTIONS["change"]: more.change,
        SECTIONS["three"]: more.three,
        SECTIONS["sparse"]: sparse_jacobians,
        SECTIONS["hvp"]: hessian_vector_products,
    }[section]
    book = Notebook()
    write(book, query, parsers, lambda about: title(book, NAME, section, query.link(PAGE), about))
    return finish(book)


def _gradient(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    parsed, note = section_function(parsers, query.text("v_gf", "x^2 + y"), XY, "x^2 + y")
    point = (query.number("v_gx", 2.0), query.number("v_gy", 3.0))
    half = query.option("v_gr", {str(r): r for r in (1, 2, 3, 4, 5, 6, 8, 10)}, 4)
    angle = query.integer("v_ga", 45, 0, 355)
    views = {"tangent plane": "plane", "directional derivative": "slice"}
    view = query.option("v_gv", views, "plane", {code: code for code in views.values()})
    unit = (math.cos(math.radians(angle)), math.sin(math.radians(angle)))
    heading(
        f"f(x, y) = {quoted(parsed.text)} at p = {point}: its value and gradient by JAX, "
        "SymPy and central differences, the derivative along u at "
        f"{angle}° from the x-axis, and the contours with ∇f.{note}"
    )
    book.code(
        IMPORTS
        + settings(
            {
                "f_text": parsed.text,
                "point": point,
                "plot_range": half,
                "angle": angle,
                "view": view,
            },
            {"angle": "degrees: u = (cos, sin) of it", "view": "plane or slice"},
        )
        + "unit = (np.cos(np.radians(angle)), np.sin(np.radians(angle)))\n"
    )
    book.markdown("## By JAX (the page's code behind it)")
    book.code(gradient_code(parsed, point, direction=unit))
    book.markdown(
        "## What the page shows\n\nThe partials by AD, by SymPy, and by central differences "
        "with the page's step h = ∛ε·max(1, |pᵢ|); the directional derivative three ways."
    )
    book.code(
        numpy_definition(parsed) + "\n\n" + FD_STEPS + "with np.errstate(all='ignore'):\n"
        "    fd = [(f_numpy(*(p + step * e)) - f_numpy(*(p - step * e))) / (2 * step)\n"
        "          for step, e in zip(steps, np.eye(2))]\n"
        "    along = float(np.cbrt(np.finfo(float).eps) * max(1.0, np.linalg.norm(p)))\n"
        "    u = np.array(direction)\n"
        "    fd_slope = (f_numpy(*(p + along * u)) - f_numpy(*(p - along * u))) / (2 * along)\n"
        'shown["f(p)"] = float(value)\n'
        "for name, ad, by_fd in zip(('∂f/∂x', '∂f/∂y'), (df_dx, df_dy), fd):\n"
        '    shown[f"{name} by AD"] = float(ad)\n'
        '    shown[f"{name} by finite differences"] = float(by_fd)\n'
        'shown["D_u f by ∇f·u"] = float(np.dot([df_dx, df_dy], u))\n'
        'shown["D_u f by jax.jvp"] = float(slope)\n'
        'shown["D_u f by a central difference"] = float(fd_slope)\n'
    )
    book.code(
        sympy_partials(parsed, point)
        + "for name, exact in zip(('∂f/∂x', '∂f/∂y'), exact_gradient):\n"
        '    shown[f"{name} by SymPy"] = exact\n'
    )
    book.code(
        "# the contours of f over [-R, R]², and ∇f at p (it points uphill, across them)\n"
        "xs = np.linspace(-plot_range, plot_range, 201)\n"
        "grid_x, grid_y = np.meshgrid(xs, xs)\n"
        "with np.errstate(all='ignore'):\n"
        "    surface = np.asarray(f(jnp.asarray(grid_x), jnp.asarray(grid_y)), dtype=float)\n"
        "fig = make_subplots(rows=1, cols=2, specs=[[{}, {'type': 'surface' if view == 'plane' "
        "else 'xy'}]])\n"
        "fig.add_contour(x=xs, y=xs, z=surface, ncontours=25, showscale=False, row=1, col=1)\n"
        "scale = 0.5 * plot_range / max(1e-12, float(np.hypot(df_dx, df_dy)))\n"
        "fig.add_scatter(x=[p[0], p[0] + scale * df_dx], y=[p[1], p[1] + scale * df_dy], "
        "name='∇f(p)', row=1, col=1)\n"
        "if view == 'plane':  # f and its tangent plane f(p) + ∇f·(q − p)\n"
        "    plane = float(value) + float(df_dx) * (grid_x - p[0]) + float(df_dy) * (grid_y - "
        "p[1])\n"
        "    fig.add_surface(x=xs, y=xs, z=surface, showscale=False, opacity=0.8, row=1, col=2)\n"
        "    fig.add_surface(x=xs, y=xs, z=plane, showscale=False, opacity=0.5, row=1, col=2)\n"
        "else:  # f along the line p + t u, with the slope D_u f at t = 0\n"
        "    t = np.linspace(-plot_range, plot_range, 401)\n"
        "    with np.errstate(all='ignore'):\n"
        "        along_line = np.asarray(f(jnp.asarray(p[0] + t * u[0]), jnp.asarray(p[1] + t * "
        "u[1])), dtype=float)\n"
        "    fig.add_scatter(x=t, y=along_line, name='f(p + t u)', row=1, col=2)\n"
        "    fig.add_scatter(x=t, y=float(value) + float(slope) * t, name='slope D_u f', "
        "line={'dash': 'dash'}, row=1, col=2)\n" + figure_lines("fig")
    )


def _jacobian(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    default = "[x^2*y, 5x + sin(y)]"
    vector, note = section_function(parsers, query.text("v_jf", default), XY, default, vector=True)
    point = (query.number("v_jx", 0.5), query.number("v_jy", 0.5))
    heading(
        f"The Jacobian of f(x, y) = {quoted(vector.text)} at p = {point} by forward mode "
        "(`jax.jacfwd`, one JVP per column) and reverse mode (`jax.jacrev`, one VJP per row), "
        f"against SymPy; and why both exist, timed on a tall and a wide map.{note}"
    )
    book.code(IMPORTS + settings({"f_text": vector.text, "point": point}))
    book.markdown("## By JAX (the page's code behind it)")
    book.code(jacobian_code(vector, point))
    book.code(
        sympy_partials(vector, point)
        + "for i, (forward, backward, exact) in enumerate(zip(np.asarray(jacobian_forward),"
        " np.asarray(jacobian_reverse), exact_jacobian)):\n"
        "    for j, name in enumerate(('x', 'y')):\n"
        '        shown[f"∂f{i + 1}/∂{name} by jacfwd"] = float(forward[j])\n'
        '        shown[f"∂f{i + 1}/∂{name} by jacrev"] = float(backward[j])\n'
        '        shown[f"∂f{i + 1}/∂{name} by SymPy"] = float(exact[j])\n'
        'print("max |jacfwd − jacrev| =", float(np.max(np.abs(jacobian_forward - '
        "jacobian_reverse))))\n"
    )
    book.code(
        "fig = go.Figure(go.Heatmap(z=np.asarray(jacobian_forward), x=['∂/∂x', '∂/∂y'],\n"
        "                           y=[f'f{i + 1}' for i in range(len(exact_jacobian))], "
        "text=np.asarray(jacobian_forward).round(6), texttemplate='%{text}'))\n"
        "fig.update_yaxes(autorange='reversed')\n" + figure_lines("fig")
    )


def _jvp(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    default = "[x^2 + y^2, x*y]"
    vector, note = section_function(
        parsers, query.text("v_pf", default), XY, default, components=2, vector=True
    )
    point = (query.number("v_px", 1.0), query.number("v_py", 0.5))
    radii = [0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]
    radius = query.number_option("v_pr", radii, str, 0.3)
    tangent = (query.number("v_pvx", 1.0), query.number("v_pvy", 0.0))
    cotangent = (query.number("v_pux", 1.0), query.number("v_puy", 0.0))
    heading(
        f"f(x, y) = {quoted(vector.text)} at p = {point}: the tangent v = {tangent} pushed "
        f"forward (J v, by `jax.jvp`) and the covector u = {cotangent} pulled back (uᵀJ, by "
        f"`jax.vjp`), and a circle of radius {radius:g} around p mapped by f and by its "
        f"linearisation.{note}"
    )
    book.code(
        IMPORTS
        + settings(
            {
                "f_text": vector.text,
                "point": point,
                "radius": radius,
                "tangent_v": tangent,
                "covector_u": cotangent,
            }
        )
    )
    book.markdown("## By JAX (the page's code behind it)")
    book.code(jvp_vjp_code(vector, point, tangent, cotangent))
    book.code(
        "for name, values in (('f(p)', value), ('J v', pushed_forward), ('uᵀJ', pulled_back)):\n"
        "    for i, number in enumerate(np.ravel(values)):\n"
        '        shown[f"{name}[{i}]"] = float(number)\n'
        "for (i, j), number in np.ndenumerate(np.asarray(jacobian)):\n"
        '    shown[f"J[{i}, {j}]"] = float(number)\n\n'
        "# the circle |q − p| = r (181 points), its image under f and under f(p) + J (q − p)\n"
        "angles = np.linspace(0.0, 2.0 * np.pi, 181)\n"
        "offsets = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)\n"
        "circle = np.array(point) + offsets\n"
        "image = np.array(jax.vmap(f)(jnp.asarray(circle)), dtype=float)\n"
        "image[~np.isfinite(image).all(axis=1)] = np.nan\n"
        "linear = np.asarray(value) + offsets @ np.asarray(jacobian).T\n"
        "gaps = np.hypot(*(image - linear).T)\n"
        'shown["max gap between the images"] = float(np.nanmax(gaps))\n'
        'print("the images differ by at most", shown["max gap between the images"])\n'
    )
    book.code(
        "fig = make_subplots(rows=1, cols=2, subplot_titles=['input plane', 'output plane'])\n"
        "fig.add_scatter(x=circle[:, 0], y=circle[:, 1], name='circle', row=1, col=1)\n"
        "fig.add_scatter(x=[point[0], point[0] + tangent_v[0]], y=[point[1], point[1] + "
        "tangent_v[1]], name='v', row=1, col=1)\n"
        "fig.add_scatter(x=[point[0], point[0] + float(pulled_back[0])], y=[point[1], point[1] "
        "+ float(pulled_back[1])], name='uᵀJ', row=1, col=1)\n"
        "fig.add_scatter(x=image[:, 0], y=image[:, 1], name='f(circle)', row=1, col=2)\n"
        "fig.add_scatter(x=linear[:, 0], y=linear[:, 1], name='linearisation', line={'dash': "
        "'dash'}, row=1, col=2)\n"
        "start = np.asarray(value)\n"
        "fig.add_scatter(x=[start[0], start[0] + float(pushed_forward[0])], y=[start[1], "
        "start[1] + float(pushed_forward[1])], name='J v', row=1, col=2)\n"
        "fig.update_yaxes(scaleanchor='x')\n" + figure_lines("fig")
    )
