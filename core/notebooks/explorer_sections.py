"""The Explorer's two sections under its charts, as notebook cells when the link opens them.

"Tangent and secant" (`tan=true`): the secant slope (f(x0 + h) − f(x0))/h beside f′(x0)
by Taylor-mode AD, its error against h f″(x0)/2, and the table of the steps from 1 down to
h. "Taylor polynomial" (`taylor=true`): T_n's coefficients c_k = f^(k)(x0)/k! from one
Taylor-mode pass, and the radius r within which |f − T_n| stays below the tolerance,
found on the page's grid and narrowed by bisection (the page narrows it on sub-grids: the
two agree to far below the grid's step). See core.explorer.tangents for the page's side.
"""

from __future__ import annotations

from core.explorer.tangents import CURVE_STEPS, MAX_DEGREE
from core.notebooks.cells import Notebook, figure_lines
from core.notebooks.query import Query

# The secant's steps (ui.explorer_tangent.STEPS): 1e-12 .. 1e-5, then 1-2-5 up to 2.
STEPS = (
    *(float(f"1e{e}") for e in range(-12, -4)),
    *(float(f"{m}e{e}") for e in range(-4, 0) for m in (1, 2, 5)),
    1.0,
    2.0,
)
TOLERANCES = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)
TABLE_ROWS = 8


def short(value: float) -> str:
    """A step or tolerance as the page shows it (and its link writes it): 0.5, 5e-3, 1e-4."""
    if value >= 0.01:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def add(book: Notebook, query: Query, parsed, view, params) -> None:  # noqa: ARG001
    """The cells of each section the link opens (none when both are closed)."""
    tangent, taylor = query.switch("tan", False, old=True), query.switch("taylor", False, old=True)
    if not (tangent or taylor):
        return
    book.markdown(
        "## Every derivative at x₀ in one pass\n\nThe sections below use f′(x₀), f″(x₀), … "
        f"up to order {MAX_DEGREE}: one Taylor-mode pass of JAX gives them all."
    )
    book.code(
        f"series_x0 = [jnp.ones(1)] + [jnp.zeros(1)] * {MAX_DEGREE - 1}\n"
        "value_x0, terms_x0 = jet.jet(f_jax, (jnp.array([x0]),), (series_x0,))\n"
        "derivatives_at_x0 = np.array([np.ravel(row)[0] for row in [value_x0, *terms_x0]],"
        " dtype=float)\n"
        "print(derivatives_at_x0)\n"
    )
    if tangent:
        _tangent(book, query)
    if taylor:
        _taylor(book, query)


def _tangent(book: Notebook, query: Query) -> None:
    step = query.number_option("sec_h", STEPS, short, 1.0)
    taken = [s for s in STEPS if step <= s <= 1.0][::-1][-TABLE_ROWS:] or [step]
    book.markdown(
        "## Tangent and secant at x₀: the derivative as a limit\n\n"
        "s(h) = (f(x₀ + h) − f(x₀))/h = f′(x₀) + h f″(x₀)/2 + …: the secant's slope errs by "
        "about h f″(x₀)/2, until h is so small that rounding in f(x₀ + h) − f(x₀) takes over."
    )
    book.code(
        f"secant_step = {step!r}  # h\n"
        "with np.errstate(all='ignore'):\n"
        "    value = float(f_numpy(np.array([x0]))[0])\n"
        "    value_at_step = float(f_numpy(np.array([x0 + secant_step]))[0])\n"
        "    secant_slope = (value_at_step - value) / secant_step\n"
        "derivative, second_derivative = derivatives_at_x0[1], derivatives_at_x0[2]\n"
        'shown["secant slope"] = secant_slope\n'
        'shown["f′(x₀) (AD)"] = float(derivative)\n'
        'shown["secant slope − f′(x₀)"] = float(secant_slope - derivative)\n'
        'shown["h·f″(x₀)/2"] = float(secant_step * second_derivative / 2)\n\n'
        "# the steps from h = 1 down to this h, as the page's table (one Shrink h a row)\n"
        f"steps_taken = {taken!r}\n"
        "with np.errstate(all='ignore'):\n"
        "    slopes = (f_numpy(x0 + np.array(steps_taken)) - f_numpy(np.array([x0]))) / "
        "np.array(steps_taken)\n"
        "for taken, slope in zip(steps_taken, slopes):\n"
        '    print(f"h = {taken:<8g} slope {slope:.10g}  error {slope - derivative:.3g}  '
        'error/h {(slope - derivative) / taken:.6g}")\n'
        '    shown[f"secant slope at h = {taken:g}"] = float(slope)\n'
    )
    book.code(
        "# left: f, its tangent and the secant; right: |s(h) − f′(x₀)| against h\n"
        f"curve_steps = np.logspace(-12, np.log10(2.0), {len(CURVE_STEPS)})\n"
        "with np.errstate(all='ignore'):\n"
        "    curve_slopes = (f_numpy(x0 + curve_steps) - f_numpy(np.array([x0]))) / curve_steps\n"
        "    on_grid = f_numpy(grid)\n"
        "tangent_figure = make_subplots(rows=1, cols=2, subplot_titles=['tangent and secant', "
        "'|secant slope − f′(x₀)|'])\n"
        "tangent_figure.add_scatter(x=grid, y=on_grid, name='f', row=1, col=1)\n"
        "tangent_figure.add_scatter(x=grid, y=value + derivative * (grid - x0), name='tangent', "
        "row=1, col=1)\n"
        "tangent_figure.add_scatter(x=grid, y=value + secant_slope * (grid - x0), name='secant', "
        "line={'dash': 'dot'}, row=1, col=1)\n"
        "tangent_figure.add_scatter(x=curve_steps, y=np.abs(curve_slopes - derivative), "
        "name='|s(h) − f′(x₀)|', row=1, col=2)\n"
        "tangent_figure.update_xaxes(type='log', row=1, col=2)\n"
        "tangent_figure.update_yaxes(type='log', row=1, col=2)\n" + figure_lines("tangent_figure")
    )


def _taylor(book: Notebook, query: Query) -> None:
    degree = query.integer("deg", 4, 1, MAX_DEGREE)
    tolerance = query.number_option("tol", TOLERANCES, short, 1e-3)
    book.markdown(
        "## Taylor polynomial at x₀, and where it is accurate\n\n"
        "Tₙ(x) = Σ c_k (x − x₀)^k with c_k = f⁽ᵏ⁾(x₀)/k!; r is the largest radius with "
        "|f − Tₙ| < tolerance on all of |x − x₀| < r (on the plotted range)."
    )
    book.code(
        f"degree, tolerance = {degree!r}, {tolerance!r}\n"
        "import math\n\n"
        "coefficients = derivatives_at_x0[: degree + 1] / np.array([math.factorial(k) for k in "
        "range(degree + 1)])\n"
        "print(coefficients)\n"
        "for k, c in enumerate(coefficients):\n"
        '    shown[f"c_{k}"] = float(c)\n\n\n'
        "def taylor(points):  # Horner's rule\n"
        "    total = np.zeros_like(points, dtype=float)\n"
        "    for c in coefficients[::-1]:\n"
        "        total = total * (points - x0) + c\n"
        "    return total\n\n\n"
        "def good(points):  # |f − Tₙ| < tolerance, and both defined\n"
        "    with np.errstate(all='ignore'):\n"
        "        error = np.abs(f_numpy(points) - taylor(points))\n"
        "    return np.isfinite(error) & (error < tolerance)\n\n\n"
        "def reach(side):  # how far from x0 the tolerance holds on one side (None: all of it)\n"
        "    distances = side * (grid - x0)\n"
        "    broken = (distances > 0) & ~good(grid)\n"
        "    if not broken.any():\n"
        "        return None\n"
        "    high = float(distances[broken].min())  # the first grid point that breaks it\n"
        "    ahead = distances[(distances > 0) & (distances < high)]\n"
        "    low = float(ahead.max()) if ahead.size else 0.0\n"
        "    for _ in range(60):  # bisection to the crossing between two grid points\n"
        "        middle = (low + high) / 2\n"
        "        low, high = (middle, high) if good(np.array([x0 + side * middle]))[0] else "
        "(low, middle)\n"
        "    return low\n\n\n"
        "if not np.isfinite(coefficients).all():\n"
        '    print("f has no Taylor polynomial of this degree at x0: a coefficient is undefined")\n'
        "elif not good(np.array([x0]))[0]:\n"
        '    shown["r"] = 0.0\n'
        "else:\n"
        "    reaches = [reach(-1.0), reach(1.0)]\n"
        "    found = [r for r in reaches if r is not None]\n"
        "    whole = max(x0 - grid[0], grid[-1] - x0)\n"
        '    shown["r"] = float(min(found)) if found else float(whole)\n'
        '    print("r =", shown["r"], "" if found else "(the whole plotted range)")\n'
    )
    book.code(
        "taylor_figure = go.Figure()\n"
        "with np.errstate(all='ignore'):\n"
        "    taylor_figure.add_scatter(x=grid, y=f_numpy(grid), name='f')\n"
        "    if np.isfinite(coefficients).all():\n"
        "        taylor_figure.add_scatter(x=grid, y=taylor(grid), name=f'T{degree}',"
        " line={'dash': 'dash'})\n"
        "        if 'r' in shown:\n"
        "            taylor_figure.add_vrect(x0=x0 - shown['r'], x1=x0 + shown['r'], opacity=0.15,"
        " line_width=0)\n" + figure_lines("taylor_figure")
    )
