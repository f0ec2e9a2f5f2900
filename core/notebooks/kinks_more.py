"""The Kinks and programs page's Interpolation, Programs and Gotchas tabs, in its notebook
(the Kinks and Under the hood parts are in core.notebooks.kinks).

Interpolation: f sampled at the knots, `jnp.interp` through them differentiated by
`jax.vmap(jax.grad(...))` (the secant slope of each segment), SciPy's not-a-knot cubic
spline and its derivative, and each one's largest error against f′ by Taylor mode. The page
pads the knots along the last segment to a fixed count so that one compiled program serves
every knot slider; the notebook adds one such knot, which gives `jnp.interp` the same slope
at the right end.

Programs: the page's rewrite of the typed program (core.programs.source_writer: every `if`
a `jnp.where`, every loop a `lax.fori_loop`), generated from the validated tree, run by
`jit(vmap(grad))` on the page's grid and point by point by `jax.grad`. The program as
typed is shown as text only: the notebook runs the rewrite, never the typed text (it
computes the same values; the page checks that the two agree).

Gotchas: the page's examples, as text with its explanations.
"""

from __future__ import annotations

from core.errors import ExpressionError
from core.kinks.gotchas import GOTCHAS
from core.language.numeric_source import (
    expression_source,
    helper_source,
    parameter_lines,
    python_names,
)
from core.notebooks.cells import Notebook, figure_lines, quoted
from core.notebooks.parsers import Parsers
from core.notebooks.query import Query
from core.programs.gallery import GALLERY
from core.programs.parser import parse_program
from core.programs.source_writer import rewritten_source
from core.programs.worker import POINTWISE_POINTS

PROGRAM_POINTS = 200  # the page's grid for a program (ui.kinks_cached)
INTERPOLATION_POINTS = 400
# names the notebook's cells use: a parameter of the interpolated f is renamed around them
TAKEN = frozenset({
    "f", "g", "f_numpy", "np", "jnp", "jax", "sp", "go", "jet", "make_subplots", "knots",
    "knots_x", "knots_y", "padded_x", "padded_y", "grid", "linear", "linear_derivative",
    "spline", "spline_derivative", "true_derivative", "g_grid", "largest_error", "record",
    "shown", "x0", "x_range", "interpolation", "CubicSpline", "interpolated_text",
})  # fmt: skip


def add(book: Notebook, query: Query, parsers: Parsers) -> None:
    """The Interpolation, Programs and Gotchas parts of the link, in the page's order."""
    _interpolation(book, query, parsers)
    _program(book, query)
    _gotchas(book)


def _interpolation(book: Notebook, query: Query, parsers: Parsers) -> None:
    text = query.text("k_interp", "cos(2x)")
    knots = query.integer("k_knots", 20, 2, 60)
    x_range = query.pair("k_irange", (0.0, 3.0), -10.0, 10.0, old=True)
    try:
        parsed = parsers.expression(text, ("x",))
    except ExpressionError as error:
        book.markdown(
            f"## Interpolation\n\nThe link's f(x) = {quoted(text)} cannot be read "
            f"({quoted(error.message)}): the page shows that sentence here, and so does this "
            "notebook."
        )
        return
    names = python_names(parsed, reserved=TAKEN)
    body = expression_source(parsed, "jnp", names, taylor_mode=True)
    book.markdown(
        f"## Interpolation\n\nOnly the values of f(x) = {quoted(parsed.text)} at {knots} "
        f"equally spaced knots on {list(x_range)} are known. `jnp.interp` joins them with "
        "straight lines: its derivative by `jax.grad` is the slope of each segment, piecewise "
        "constant, O(h) from f′. A cubic spline's derivative is O(h³) from it."
    )
    book.code(
        "from scipy.interpolate import CubicSpline\n\n"
        + assignments({"interpolated_text": parsed.text, "knots": knots, "x_range": x_range})
        + parameter_lines(parsed, {}, names)
        + helper_source(parsed, "jnp", True)
        + f"\n\ndef g(x):  # the interpolated function\n    return jnp.zeros_like(x) + {body}\n\n\n"
        "knots_x = np.linspace(x_range[0], x_range[1], knots)\n"
        "knots_y = np.asarray(g(jnp.asarray(knots_x)))\n"
        "assert np.isfinite(knots_y).all(), 'an interpolant needs a value at every knot'\n"
        "# one more knot along the last segment: jnp.interp takes the segment to the right of\n"
        "# a knot, so at the right end it then gives the last segment's slope\n"
        "padded_x = np.append(knots_x, 2 * knots_x[-1] - knots_x[-2])\n"
        "padded_y = np.append(knots_y, 2 * knots_y[-1] - knots_y[-2])\n"
        f"grid = np.linspace(x_range[0], x_range[1], {INTERPOLATION_POINTS})\n"
        "linear = np.asarray(jnp.interp(grid, padded_x, padded_y))\n"
        "slopes = jax.jit(jax.vmap(jax.grad(jnp.interp), in_axes=(0, None, None)))\n"
        "linear_derivative = np.asarray(slopes(grid, padded_x, padded_y))\n"
        "spline = CubicSpline(knots_x, knots_y)  # not-a-knot ends\n"
        "spline_derivative = spline(grid, 1)\n"
        "g_grid, (true_derivative,) = jet.jet(g, (jnp.asarray(grid),), "
        "([jnp.ones_like(grid)],))\n"
        "true_derivative = np.where(np.isnan(np.asarray(g_grid)), np.nan, true_derivative)\n\n\n"
        "def largest_error(approximation):  # over the points where both are finite\n"
        "    finite = np.isfinite(approximation) & np.isfinite(true_derivative)\n"
        "    return np.max(np.abs(approximation - true_derivative)[finite]) if finite.any() "
        "else np.nan\n\n\n"
        'record("max |linear′ − f′|", largest_error(linear_derivative))\n'
        'record("max |spline′ − f′|", largest_error(spline_derivative))\n'
        "interpolation = make_subplots(rows=1, cols=2, subplot_titles=['f and its "
        "interpolants', 'their derivatives'])\n"
        "interpolation.add_scatter(x=knots_x, y=knots_y, mode='markers', name='knots', "
        "row=1, col=1)\n"
        "interpolation.add_scatter(x=grid, y=linear, name='jnp.interp', row=1, col=1)\n"
        "interpolation.add_scatter(x=grid, y=spline(grid), name='cubic spline', row=1, col=1)\n"
        "interpolation.add_scatter(x=grid, y=true_derivative, name='f′', row=1, col=2)\n"
        "interpolation.add_scatter(x=grid, y=linear_derivative, name='grad of jnp.interp', "
        "row=1, col=2)\n"
        "interpolation.add_scatter(x=grid, y=spline_derivative, name='spline′', row=1, col=2)\n"
        + figure_lines("interpolation")
    )


def _program(book: Notebook, query: Query) -> None:
    start = GALLERY[0]
    source = query.text("k_prog", start.source)
    x_range = query.pair("k_prange", start.x_range, -10.0, 10.0, old=True)
    try:
        program = parse_program(source)
    except ExpressionError as error:  # ProgramError: one sentence with its line and column
        book.markdown(
            "## Programs\n\nThe page refuses the link's program, as this notebook does: "
            f"{quoted(error.message)}"
        )
        return
    gallery = next((g for g in GALLERY if g.source == source), None)
    known = f" {gallery.explanation} Exact: {gallery.exact_derivative_text}." if gallery else ""
    fence = "`" * max(3, _longest_run(source, "`") + 1)
    book.markdown(
        f"## Programs\n\nThe program, as typed (the body of `def f(x):`):\n\n{fence}python\n"
        f"{source.rstrip()}\n{fence}\n\n`jax.grad` of it as written works point by point, "
        "where Python's `if` sees a number; under `jit` or `vmap` it sees a tracer and fails. "
        "The page's rewrite turns every `if` into `jnp.where` and every loop into "
        f"`lax.fori_loop`: it runs below.{known}"
    )
    book.code(rewritten_source(program))
    book.code(
        "import time\n\n"
        + assignments({"program_range": x_range})
        + f"program_xs = np.linspace(program_range[0], program_range[1], {PROGRAM_POINTS})\n"
        f"every = max(1, -(-len(program_xs) // {POINTWISE_POINTS}))  # the points done one by "
        "one\n"
        "gradient = jax.jit(jax.grad(f))  # compiled once: one call a point after that\n"
        "gradient(0.5)\n"
        "start = time.perf_counter()\n"
        "pointwise = [float(gradient(float(x))) for x in program_xs[::every]]\n"
        "pointwise_seconds = time.perf_counter() - start\n"
        "vectorised = jax.jit(jax.vmap(jax.grad(f)))\n"
        "start = time.perf_counter()\n"
        "program_gradient = np.asarray(jax.block_until_ready(vectorised(program_xs)))\n"
        "first_seconds = time.perf_counter() - start\n"
        "program_values = np.asarray(jax.jit(f)(program_xs))\n"
        "print(f'grad point by point: {pointwise_seconds:.3f} s for {len(pointwise)} points; '\n"
        "      f'jit(vmap(grad)): {first_seconds:.3f} s for {len(program_xs)}, compiling')\n"
        "for k in np.linspace(0, len(program_xs) - 1, 5).astype(int):\n"
        '    record(f"f at x = {program_xs[k]:.6g}", program_values[k])\n'
        '    record(f"f′ at x = {program_xs[k]:.6g}", program_gradient[k])\n'
        'record("max |point by point − vectorised|", np.max(np.abs(np.array(pointwise) - '
        "program_gradient[::every])))\n"
        "program = go.Figure([go.Scatter(x=program_xs, y=program_values, name='f(x)'),\n"
        "                     go.Scatter(x=program_xs, y=program_gradient, name='jit(vmap(grad))'"
        "),\n"
        "                     go.Scatter(x=program_xs[::every], y=pointwise, mode='markers',\n"
        "                                name='grad, point by point')])\n" + figure_lines("program")
    )


def _gotchas(book: Notebook) -> None:
    parts = ["## Gotchas\n\nThe page runs each of these and shows the error JAX raised."]
    for item in GOTCHAS:
        parts.append(
            f"### {item.title}\n\nBroken:\n\n```python\n{item.broken_code}\n```\n\n"
            f"Fixed:\n\n```python\n{item.fixed_code}\n```\n\n{item.explanation}"
        )
    book.markdown("\n\n".join(parts))


def assignments(values: dict) -> str:
    """`name = value` lines (values as repr): settings of a later cell (`settings` would
    empty `shown`)."""
    return "".join(f"{name} = {value!r}\n" for name, value in values.items())


def _longest_run(text: str, character: str) -> int:
    longest = run = 0
    for each in text:
        run = run + 1 if each == character else 0
        longest = max(longest, run)
    return longest
