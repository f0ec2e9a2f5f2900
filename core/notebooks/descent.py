"""The Descent trajectories page as a notebook: every chosen optimizer from one start.

The surface (or the typed f(x, y)) is printed from its tree twice: in `jnp` for the
optimizers and JAX's exact derivatives, and in NumPy for SciPy, which calls f as a
student's notebook does (as the page does: core.descent.objective). The optimizers and
their loops are in core.notebooks.descent_methods. For a typed f the page fits its window
and its step sizes to f (core.descent.fitting: BFGS from the surface's start, the Hessian's
curvature there): those are the page's choices, not a lesson, so the notebook takes them
from core as settings, with a comment, and recomputes nothing of them.

The numbers recorded are the page's table (nit, nfev, njev, nhev, final f, distance to the
nearest known minimum) and, where SciPy's BFGS, CG or L-BFGS-B is chosen, the table of the
same method with and without the exact gradient.
"""

from __future__ import annotations

from core.descent.fitting import fit_view
from core.descent.optimizers import ALGORITHMS
from core.descent.scipy_methods import SCIPY_METHODS
from core.descent.surfaces import SURFACE_NAMES, surface
from core.errors import ExpressionError
from core.language.numeric_source import expression_source, helper_source, python_names
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.descent_methods import HAND_WRITTEN, SCIPY
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, numpy_definition
from core.notebooks.query import Query

PAGE, NAME = "descent", "Descent trajectories"
CUSTOM = "your own f(x, y)"
CUSTOM_DEFAULT = "(x - 1)^2 + 3(y + x^2/2)^2"
CONDITIONS = [1, 3, 10, 30, 100, 1000, 10000]
RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5]
NEEDS_HESSIAN = ("Newton-CG", "trust-ncg", "dogleg")
METHOD_NAMES = [*ALGORITHMS, *SCIPY_METHODS]
DEFAULT_METHODS = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]
XY = ("x", "y")
IMPORTS = (
    "import warnings\n\nimport jax\nimport jax.numpy as jnp\nimport numpy as np\nimport optax\n"
    "import plotly.graph_objects as go\nfrom plotly.subplots import make_subplots\n"
    "from scipy.optimize import minimize\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)


def notebook(query: Query, parsers: Parsers) -> str:
    """The page's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    name = query.option("g_s", [*SURFACE_NAMES, CUSTOM], SURFACE_NAMES[0], {"custom": CUSTOM})
    condition = query.number_option("g_k", CONDITIONS, str, 10) if name == "bowl" else 10
    base = surface("rosenbrock" if name == CUSTOM else name, float(condition))
    parsed, note = parsers.expression(base.text, XY), ""
    if name == CUSTOM:
        parsed, note = _typed(parsers, query.text("g_f", CUSTOM_DEFAULT))
    start = (query.number("g_x", float(base.start[0])), query.number("g_y", float(base.start[1])))
    chosen = query.options("g_m", METHOD_NAMES, DEFAULT_METHODS)
    fit = fit_view(parsed, base.start, tuple(RATES)) if name == CUSTOM else None
    fitted = fit is not None and query.switch("g_fit", True, old=True)
    rates = [query.number_option(key, RATES, str, default)
             for key, default in (("g_gd", 1e-3), ("g_mr", 1e-3), ("g_ar", 3e-2))]  # fmt: skip
    if fitted:
        rates = [fit.learning_rate, fit.learning_rate, fit.adaptive_rate]
    beta = query.number("g_mb", 0.9, 0.0, 0.99)
    max_iter = query.integer("g_n", 1000, 10, 5000)
    exact = query.switch("g_exact", True, old=True)
    if fit is None:
        window, minima = (base.x_range, base.y_range), [list(m) for m in base.minima]
    else:
        window = (_including(fit.x_range, start[0]), _including(fit.y_range, start[1]))
        minima = [] if fit.minimum is None else [list(fit.minimum)]
    book = Notebook()
    title(
        book, NAME, None, query.link(PAGE),
        f"The optimizers {', '.join(chosen) or '(none chosen)'} on f(x, y) = "
        f"{quoted(parsed.text)} from {start}: their paths over the contours, f against the "
        f"iteration, and what each cost. Adam and RMSProp are optax's, as on the page (optax "
        f"is one of the app's dependencies).{note}",
    )  # fmt: skip
    book.code(
        IMPORTS
        + settings(
            {
                "f_text": parsed.text,
                "start": start,
                "methods": chosen,
                "step_gd_bb": rates[0],
                "step_momentum": rates[1],
                "step_adam_rmsprop": rates[2],
                "beta": beta,
                "max_iter": max_iter,
                "exact_derivatives": exact,
                "window": window,
                "known_minima": minima,
            },
            {
                "step_gd_bb": "fitted to f by the page" if fitted else "the page's step sliders",
                "window": "the contour plot's x and y ranges",
                "known_minima": "for the distance column",
            },
        )
        + "\n\n"
        + RECORD
    )
    book.markdown("## f, in JAX for the optimizers and in NumPy for SciPy")
    book.code(_definitions(parsed))
    book.markdown(
        "## The hand-written optimizers\n\nEach step is a few lines of JAX; the loop stops as "
        "the page's does and counts every evaluation of f, ∇f and ∇²f."
    )
    book.code(HAND_WRITTEN)
    book.markdown("## SciPy's methods\n\n`scipy.optimize.minimize`, every iterate kept.")
    book.code(SCIPY)
    book.code(RUNS)
    book.code(FIGURES + figure_lines("fig"))
    return finish(book)


def _typed(parsers: Parsers, text: str):
    """The typed f(x, y), or the page's default one with a note (a link opened afresh has
    no last good f but the default)."""
    try:
        parsed = parsers.expression(text, XY)
        if parsed.parameters:
            raise ExpressionError(f"use only x and y here; replace {', '.join(parsed.parameters)}"
                                  " by numbers", None)  # fmt: skip
    except ExpressionError as error:
        note = (
            f"\n\nThe link's f(x, y) = {quoted(text)} cannot be used ({quoted(error.message)}); "
            "like the page, this notebook shows its default f instead."
        )
        return parsers.expression(CUSTOM_DEFAULT, XY), note
    return parsed, ""


def _definitions(parsed) -> str:
    names = python_names(parsed, reserved={"f", "f_numpy", "f_scipy", "p"})
    jax_names = {**names, "x": "p[0]", "y": "p[1]"}
    helpers = helper_source(parsed, "jnp")
    return (
        (helpers.strip("\n") + "\n\n\n" if helpers else "")
        + f"def f(p):  # p = (x, y)\n    return {expression_source(parsed, 'jnp', jax_names)}\n"
        "\n\n" + numpy_definition(parsed) + "\n\n"
        "def f_scipy(p):  # as SciPy calls it: a float64 vector in, a float out\n"
        "    return float(f_numpy(*p))\n"
    )


def _including(bounds: tuple[float, float], value: float) -> tuple[float, float]:
    """`bounds` widened, where needed, to show `value` with a tenth of the width to spare
    (as the page widens a fitted window to show a start far from it)."""
    low, high = bounds
    spare = 0.1 * (high - low)
    return min(low, value - spare), max(high, value + spare)


RUNS = f"""\
STEP_SETTINGS = {{
    "gd": {{"learning_rate": step_gd_bb}}, "bb": {{"learning_rate": step_gd_bb}},
    "momentum": {{"learning_rate": step_momentum, "momentum": beta}},
    "nesterov": {{"learning_rate": step_momentum, "momentum": beta}},
    "adam": {{"learning_rate": step_adam_rmsprop}},
    "rmsprop": {{"learning_rate": step_adam_rmsprop}},
    "newton": {{}},
}}
NEEDS_HESSIAN = {NEEDS_HESSIAN!r}


def distance(point):  # to the nearest known minimum
    if not known_minima:
        return float("nan")
    return float(np.min(np.linalg.norm(np.array(known_minima) - point, axis=1)))


def table_row(label, run):
    points, values, nit, (nfev, njev, nhev), converged, ending = run
    record(f"{{label}}: nit", nit)
    record(f"{{label}}: nfev", nfev)
    record(f"{{label}}: njev", njev)
    record(f"{{label}}: nhev", nhev)
    record(f"{{label}}: final f", values[-1])
    record(f"{{label}}: distance to minimum", distance(points[-1]))
    record(f"{{label}}: converged", converged)
    print(f"{{label:28}} nit {{nit:5}}  nfev {{nfev:5}}  njev {{njev:5}}  nhev {{nhev:4}}  "
          f"f {{values[-1]:.6g}}  ({{ending}})")


runs = {{}}
for method in methods:
    if method in STEP_SETTINGS:
        runs[method] = descend(method, start, STEP_SETTINGS[method], max_iter)
    else:  # SciPy: the Hessian methods cannot do without the exact gradient
        use_grad = exact_derivatives or method in NEEDS_HESSIAN
        use_hess = method in NEEDS_HESSIAN and (exact_derivatives or method == "dogleg")
        runs[method] = scipy_run(method, start, use_grad, use_hess, max_iter)
    table_row(method, runs[method])

# SciPy's gradient methods with JAX's gradient and with SciPy's 2-point differences
for method in [m for m in methods if m in ("BFGS", "CG", "L-BFGS-B")]:
    for use_grad in (True, False):
        label = f"{{method}} ({{'JAX gradient' if use_grad else 'finite differences'}})"
        table_row(label, scipy_run(method, start, use_grad, False, max_iter))
"""

FIGURES = """\
xs = np.linspace(*window[0], 120)
ys = np.linspace(*window[1], 120)
grid_x, grid_y = np.meshgrid(xs, ys)
with np.errstate(all="ignore"):
    surface = np.broadcast_to(np.asarray(f_numpy(grid_x, grid_y), dtype=float), grid_x.shape)
fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4],
                    subplot_titles=["paths over the contours of f", "f against the iteration"])
fig.add_contour(x=xs, y=ys, z=surface, ncontours=30, showscale=False, row=1, col=1)
for method, (points, values, *_) in runs.items():
    fig.add_scatter(x=points[:, 0], y=points[:, 1], mode="lines+markers", name=method,
                    row=1, col=1)
    fig.add_scatter(x=np.arange(len(values)), y=values, name=method, showlegend=False,
                    row=1, col=2)
for minimum in known_minima:
    fig.add_scatter(x=[minimum[0]], y=[minimum[1]], mode="markers", marker_symbol="star",
                    marker_size=12, name="minimum", row=1, col=1)
fig.update_xaxes(range=list(window[0]), row=1, col=1)
fig.update_yaxes(range=list(window[1]), row=1, col=1)
fig.update_yaxes(type="log", row=1, col=2)
"""
