"""The Beyond grad page's Fixed points section as a notebook.

The computation is the page's own "code behind it" (core.beyond_grad.fixed_point_code):
z* = f(a, z*) by Anderson acceleration polished by Newton, dz*/da by the implicit function
theorem as a `jax.custom_vjp` rule, `jax.grad` through K unrolled iterations, and a central
difference of fixed points. The cells after it add what the page shows beside the
snippet: ∂f/∂z and ∂f/∂a at z*, the plain iterates and Anderson's (the same update,
recorded), dz_k/da for every k ≤ K by `jax.jacfwd` through the stacked iterates, and the
page's two figures.

The snippet's solver is the page's Anderson acceleration without its safeguards: where the
page found z* that way it finds the same z* from the same start. Where the page found none,
or found it only by its Newton fallback, the notebook would not reproduce the page, and
`notebook` says so with a ValueError (as the implicit section does for a bracket with no
root); which of these holds is read from core's solver while the notebook is written.
"""

from __future__ import annotations

from core.beyond_grad.fixed_point import fixed_point_problem, solve_problem
from core.beyond_grad.fixed_point_code import fixed_point_code
from core.beyond_grad.fixed_point_methods import (
    GROWTH_LIMIT,
    MAX_ANDERSON_ITERATIONS,
    MEMORY,
    TOLERANCE,
)
from core.notebooks.cells import Notebook, figure_lines, quoted, settings
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, section_function
from core.notebooks.query import Query

DEFAULT = "a cos(z)"
NAMES = ("z", "a")  # z = f(a, z): the unknown z, the parameter a
MAX_K = 300  # the page's slider of unrolled iterations


def fixed_points(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The Fixed points section of the link, written into `book`.

    Raises:
        ValueError: where the page shows no fixed point, or found it only by Newton's
            method after Anderson acceleration failed.
    """
    parsed, note = section_function(parsers, query.text("b_ff", DEFAULT), NAMES, DEFAULT)
    a, start = query.number("b_fa", 1.0), query.number("b_fz0", 0.0)
    steps = query.integer("b_fk", 40, 1, MAX_K)
    try:
        solution = solve_problem(fixed_point_problem(parsed, "z", "a", a, start))
    except ValueError as error:
        raise ValueError(f"The page shows no fixed point for this link: {error}") from None
    if solution.method != "anderson":
        raise ValueError(
            "There is no notebook for this fixed point: the page found it by Newton's method "
            "after Anderson acceleration failed, and the notebook's solver is Anderson's alone."
        )
    heading(
        f"The fixed point z* = f(a, z*) of f(a, z) = {quoted(parsed.text)} at a = {a!r} from "
        f"z₀ = {start!r}, by Anderson acceleration; dz*/da by the implicit function theorem, "
        f"through K = {steps} unrolled iterations, and by a central difference; and the "
        f"iterates of the plain iteration and of Anderson's.{note}"
    )
    book.code(
        "import numpy as np\nimport plotly.graph_objects as go\n"
        "from plotly.subplots import make_subplots\n\n"
        + settings({"f_text": parsed.text, "a_value": a, "start_z": start, "K_steps": steps})
        + "\n\n"
        + RECORD
    )
    book.markdown("## By JAX (the page's code behind it)")
    book.code(fixed_point_code(parsed, "z", "a", a, start, iterations=steps))
    book.markdown(
        "## What the page shows beside it\n\nThe partials the theorem uses, the iterates of "
        "the plain iteration z ← f(a, z) and of Anderson acceleration (the snippet's update, "
        "recorded), and dz_k/da after every k ≤ K unrolled iterations."
    )
    book.code(_partials_and_iterates())
    book.code(_figures())


def _partials_and_iterates() -> str:
    return (
        "df_da_star, df_dz_star = jax.grad(f, argnums=(0, 1))(a, z_star)\n"
        'record("z*: f(a, z*) = z*", z_star)\n'
        'record("dz*/da: implicit function theorem", slope)\n'
        'record(f"dz*/da: through K = {K} unrolled iterations", through_iterations)\n'
        'record("dz*/da: central difference of fixed points", central)\n'
        'record("∂f/∂z at z* (JAX)", df_dz_star)\nrecord("∂f/∂a at z* (JAX)", df_da_star)\n\n'
        "# the plain iteration: K steps, or fewer where f is undefined or it runs away\n"
        "plain = [start]\n"
        "for _ in range(K):\n"
        "    image = float(f(a, plain[-1]))\n"
        f"    if not (np.isfinite(image) and abs(image) <= {GROWTH_LIMIT!r}):\n"
        "        break\n"
        "    plain.append(image)\n\n\n"
        f"def anderson_iterates(a, z, memory={MEMORY}):\n"
        '    """The iterates of the solver\'s Anderson loop above, kept."""\n'
        "    points, residuals = [float(z)], [float(f(a, z)) - float(z)]\n"
        f"    for _ in range({MAX_ANDERSON_ITERATIONS + 1}):\n"
        f"        if abs(residuals[-1]) <= {TOLERANCE!r} * max(1.0, abs(points[-1])):\n"
        "            break\n"
        "        dz = np.diff(points[-memory - 1 :])\n"
        "        dg = np.diff(residuals[-memory - 1 :])\n"
        "        gamma = dg * residuals[-1] / (dg @ dg) if dg @ dg > 0 else 0 * dg\n"
        "        points.append(points[-1] + residuals[-1] - float((dz + dg) @ gamma))\n"
        "        residuals.append(float(f(a, points[-1])) - points[-1])\n"
        "    return points\n\n\n"
        "anderson = anderson_iterates(a, start)\n"
        'record("plain z_k", plain)\nrecord("Anderson z_k", anderson)\n'
        'print(f"Anderson acceleration: {len(anderson) - 1} iterations")\n\n\n'
        "def iterates(a):  # z_0 ... z_K as one array, for jax.jacfwd\n"
        "    z, stacked = jnp.asarray(start, dtype=jnp.float64), []\n"
        "    for _ in range(K + 1):\n"
        "        stacked.append(z)\n"
        "        z = f(a, z)\n"
        "    return jnp.stack(stacked)\n\n\n"
        "unrolled_derivatives = np.asarray(jax.jacfwd(iterates)(jnp.float64(a)))\n"
    )


def _figures() -> str:
    return (
        "# left: the iterates against k; right: |dz_k/da − dz*/da| against k (log axis),\n"
        "# beside the central difference's error and the rate |∂f/∂z|^k\n"
        "fig = make_subplots(rows=1, cols=2, subplot_titles=['the iterates', "
        "'the unrolled derivative: its error'])\n"
        "fig.add_scatter(x=np.arange(len(plain)), y=plain, name='plain iteration', "
        "row=1, col=1)\n"
        "fig.add_scatter(x=np.arange(len(anderson)), y=anderson, name='Anderson acceleration',"
        " line={'dash': 'dash'}, row=1, col=1)\n"
        "fig.add_hline(y=float(z_star), line={'color': 'black', 'dash': 'dot'}, row=1, col=1)\n"
        "k = np.arange(K + 1)\n"
        "with np.errstate(all='ignore'):\n"
        "    errors = np.abs(unrolled_derivatives - float(slope))\n"
        "    rate = abs(float(df_dz_star)) ** k * abs(float(slope))\n"
        "fig.add_scatter(x=k, y=np.where(errors > 0, errors, np.nan), name='|dz_k/da − dz*/da|',"
        " row=1, col=2)\n"
        "fig.add_scatter(x=k, y=rate, name='|∂f/∂z|^k |dz*/da|', line={'dash': 'dot'}, "
        "row=1, col=2)\n"
        "fig.add_scatter(x=[0, K], y=[abs(central - float(slope))] * 2, "
        "name='central difference', row=1, col=2)\n"
        "fig.update_yaxes(type='log', row=1, col=2)\n" + figure_lines("fig")
    )
