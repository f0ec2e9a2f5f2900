"""The finite-differences lab as a notebook: every formula's error against the step h.

The notebook computes what the lab computes, in plain NumPy, SymPy and JAX: each
formula's exact weights (a Vandermonde system solved in rationals), its leading error
term C h^p f^(m+p) (the first nonzero moment), its estimates at x0 for h from 1e-16 to
1 in the chosen precision, the best step, the model's optimal step and the slope
measured where truncation dominates; then the stencil drawn on f, and the stencil table.
The page's side is core.fd_lab.error_curves and core.fd_lab.stencil_view.
"""

from __future__ import annotations

from core.engines.finite_differences import stencil_offsets
from core.errors import ExpressionError
from core.fd_lab.error_curves import (
    BEST_STEP_WINDOW,
    FORMULAS,
    PRECISIONS,
    STEPS_PER_DECADE,
    make_stencil,
)
from core.fd_lab.stencil_view import parse_offsets
from core.language.numeric_source import expression_source, helper_source, python_names
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.query import Query

PAGE = "fd_lab"
LABELS = {formula.label: formula.key for formula in FORMULAS}
STEP_OPTIONS = [f"1e-{k}" for k in range(0, 9)]
VIEW_SCHEMES = ["forward", "backward", "central"]
START_F, START_OFFSETS = "sin(x)", "-2, -1, 0, 1, 2"

WEIGHTS = '''
def exact_weights(order, offsets):
    """The weights w with sum w_i f(x + o_i h) / h^order = f^(order)(x) + O(h^p): Taylor's
    moments sum w_i o_i^k / k! are 1 for k = order and 0 for the others (exact rationals)."""
    n = len(offsets)
    moments = sp.Matrix([[sp.Rational(o) ** k / sp.factorial(k) for o in offsets]
                         for k in range(n)])
    weights = moments.LUsolve(sp.Matrix([int(k == order) for k in range(n)]))
    return [Fraction(int(w.p), int(w.q)) for w in weights]


def leading_error(order, offsets, weights, after=0):
    """(p, C): the formula minus f^(order) is C h^p f^(order+p) + ... (with `after`: the
    next term after h^after)."""
    for power in range(order + 1 + after, order + 40):
        moment = sum(w * Fraction(o) ** power for w, o in zip(weights, offsets))
        moment /= math.factorial(power)
        if moment != 0:
            return power - order, moment
    return 0, Fraction(0)


def richardson(order, offsets, accuracy):
    """(2^p D(h/2) - D(h)) / (2^p - 1) of the central stencil D, written as one stencil."""
    weights, factor, combined = exact_weights(order, offsets), Fraction(2**accuracy), {}
    for o, w in zip(offsets, weights):
        half = Fraction(o) / 2
        combined[half] = combined.get(half, 0) + factor * 2**order * w / (factor - 1)
        combined[Fraction(o)] = combined.get(Fraction(o), 0) - w / (factor - 1)
    kept = sorted(o for o, w in combined.items() if w != 0)
    return kept, [combined[o] for o in kept]
'''

SWEEP = '''
dtype = {"float64": np.float64, "float32": np.float32, "float16": np.float16}[precision]
epsilon = float(np.finfo(dtype).eps)
# h from where it still means something in this precision (eps/100, at least 1e-16) up to 1
lowest = max(-16, math.floor(math.log10(epsilon)) - 2)
steps = np.logspace(lowest, 0, STEPS_PER_DECADE * -lowest + 1)


def estimates(offsets, weights):
    """The stencil at x0 for every step, computed in `dtype` throughout."""
    x = dtype(x0)
    h = (x + steps.astype(dtype)) - x  # the step actually taken in this precision
    total = np.zeros_like(h)
    with np.errstate(all="ignore"):
        for o, w in zip(offsets, weights):
            if w:
                values = np.asarray(f(x + dtype(float(o)) * h), dtype=dtype)
                total = total + dtype(float(w)) * values
        estimate = total / h**order
    return np.where(h > 0, estimate.astype(np.float64), np.nan)


def complex_step():
    real, complex_type = dtype, {np.float64: np.complex128, np.float32: np.complex64}[dtype]
    h = steps.astype(real)
    with np.errstate(all="ignore"):
        values = np.asarray(f(real(x0) + 1j * h.astype(complex_type)))
        return (np.imag(values).astype(real) / h).astype(np.float64)


def best_step(error):
    """The step whose neighbourhood (BEST_STEP_WINDOW steps either side) errs least."""
    worst = np.full(error.shape, np.inf)
    for i in np.flatnonzero(np.isfinite(error)):
        window = error[max(i - BEST_STEP_WINDOW, 0) : i + BEST_STEP_WINDOW + 1]
        worst[i] = window[np.isfinite(window)].max()
    return int(np.argmin(worst)) if np.isfinite(error).any() else None


def slope(error, truncation, roundoff, next_term):
    """The log-log slope where the leading term beats round-off 30-fold and the next term
    10-fold (the region comes from the models, never from the measured curve)."""
    usable = np.isfinite(error) & (error > 0) & (truncation > 0)
    usable &= (truncation > 30 * roundoff) & (truncation > 10 * next_term)
    if usable.sum() < 4:
        return None
    return float(np.polyfit(np.log10(steps[usable]), np.log10(error[usable]), 1)[0])


def higher(k):
    return derivatives[k] if k < len(derivatives) else 0.0


curves = {}
for label, (kind, offsets) in formulas.items():
    if kind == "complex":
        estimate = complex_step()
        accuracy = 2
        truncation = abs(derivatives[3]) / 6 * steps**2
        next_term = abs(derivatives[5]) / 120 * steps**4
        roundoff = np.full_like(steps, epsilon * max(abs(exact), epsilon))
    else:
        if kind == "richardson":
            offsets, weights = richardson(order, offsets, 2)
        else:
            weights = exact_weights(order, offsets)
        estimate = estimates(offsets, weights)
        accuracy, coefficient = leading_error(order, offsets, weights)
        truncation = abs(float(coefficient) * higher(order + accuracy)) * steps**accuracy
        next_p, next_c = leading_error(order, offsets, weights, accuracy)
        next_term = abs(float(next_c) * higher(order + next_p)) * steps**next_p
        weight_sum = sum(abs(float(w)) for w in weights)
        roundoff = epsilon * max(abs(derivatives[0]), epsilon) * weight_sum / steps**order
    error = np.abs(estimate - exact)
    best = best_step(error)
    total = truncation + roundoff
    curves[label] = {
        "error": error, "truncation": truncation, "roundoff": roundoff, "p": accuracy,
        "slope": slope(error, truncation, roundoff, next_term),
        "best h": None if best is None else float(steps[best]),
        "best error": None if best is None else float(error[best]),
        "optimal h (model)": float(steps[np.argmin(total)]) if np.isfinite(total).all() else None,
    }
    print(label, {name: value for name, value in curves[label].items() if np.ndim(value) == 0})
    for name in ("slope", "best h", "best error", "optimal h (model)"):
        if curves[label][name] is not None:
            shown[f"{label}: {name}"] = curves[label][name]
'''


def notebook(query: Query, parsers: Parsers) -> str:
    """The lab's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    text = query.text("lab_f", START_F)
    try:
        parsed = parsers.expression(text, ("x",))
    except ExpressionError as error:
        raise ValueError(
            f"The lab shows nothing for f(x) = {text[:80]!r}, so neither does its notebook: "
            f"{error.message}"
        ) from None
    if parsed.parameters:
        raise ValueError(
            "The lab takes a function of x alone, and shows nothing for one with parameters "
            f"({', '.join(parsed.parameters)}): replace them by numbers."
        )
    x0 = query.number("lab_x0", 0.7)
    order = query.option("lab_n", {str(k): k for k in range(1, 5)}, 1)
    precision = query.option("lab_prec", list(PRECISIONS), "float64")
    chosen = query.options("lab_fm", LABELS, list(LABELS.values()))
    formulas = {}
    for formula in FORMULAS:
        if formula.key not in chosen:
            continue
        if formula.scheme == "complex":
            if order == 1 and precision != "float16":
                formulas[formula.label] = ("complex", [])
            continue
        offsets = stencil_offsets(order, formula.base_scheme, formula.accuracy)
        formulas[formula.label] = (formula.scheme, offsets)
    book = Notebook()
    title(
        book, "Finite-differences lab", None, query.link(PAGE),
        f"The error of each finite-difference formula for the derivative of order {order} of "
        f"f(x) = {quoted(parsed.text)} at x₀ = {x0!r}, against the step h, computed in "
        f"{precision}; the stencil drawn on f; and the stencil table.",
    )  # fmt: skip
    names = python_names(parsed, reserved={"f", "f_jax", "h"})
    helpers = helper_source(parsed, "np") + helper_source(parsed, "jnp", taylor_mode=True)
    book.code(
        "import math\nfrom fractions import Fraction\n\nimport jax\nimport jax.numpy as jnp\n"
        "import numpy as np\nimport plotly.graph_objects as go\nimport sympy as sp\n"
        "from jax.experimental import jet\n\n"
        'jax.config.update("jax_enable_x64", True)  # the exact value is float64 AD\n\n'
        + settings(
            {
                "f_text": parsed.text,
                "x0": x0,
                "order": order,
                "precision": precision,
                "formulas": formulas,
            },
            {"formulas": "label -> (kind, the stencil's offsets in units of h)"},
        )
        + f"STEPS_PER_DECADE, BEST_STEP_WINDOW = {STEPS_PER_DECADE}, {BEST_STEP_WINDOW}\n"
    )
    if helpers:
        book.code("# functions NumPy and JAX lack, written with those they have" + helpers)
    book.code(
        "def f(x):  # NumPy: computes in the precision of x\n"
        f"    return {expression_source(parsed, 'np', names)}\n\n\n"
        "def f_jax(x):\n"
        f"    return {expression_source(parsed, 'jnp', names, taylor_mode=True)}\n\n\n"
        "# the exact derivatives at x0 (float64, Taylor-mode AD), up to order + 12 for the models\n"
        "series = [jnp.ones(1)] + [jnp.zeros(1)] * (order + 11)\n"
        "value, terms = jet.jet(f_jax, (jnp.array([x0]),), (series,))\n"
        "derivatives = [float(np.ravel(term)[0]) for term in [value, *terms]]\n"
        "exact = derivatives[order]\n"
        'shown["exact value"] = exact\n'
        "print(exact)\n"
    )
    book.markdown(
        "## The stencils\n\nA formula Σ wᵢ f(x₀ + oᵢ h)/hᵐ is exact for polynomials up to some "
        "degree; its weights follow from Taylor's moments, and its first nonzero moment beyond "
        "them is the truncation error C hᵖ f⁽ᵐ⁺ᵖ⁾."
    )
    book.code(WEIGHTS.strip() + "\n")
    book.markdown(
        "## Error against h\n\nEach formula at every step h; its best step, where its "
        "truncation and round-off models cross, and its slope on log-log axes where "
        "truncation dominates (it should be p)."
    )
    book.code(SWEEP.strip() + "\n")
    codes = {f.key: f.label for f in FORMULAS if f.label in formulas}  # older links' codes
    shade = query.option("lab_shade", {label: label for label in formulas}, None, codes)
    book.code(
        "fig = go.Figure()\n"
        "for label, curve in curves.items():\n"
        "    fig.add_scatter(x=steps, y=curve['error'], name=label)\n"
        "    fig.add_scatter(x=steps, y=curve['truncation'] + curve['roundoff'], name=f'{label} "
        "model', line={'dash': 'dot'}, opacity=0.5)\n"
        f"shade = {shade!r}  # the formula whose optimal h splits round-off (left) from "
        "truncation (right)\n"
        "if curves and (shade or 'central (p=2)') in curves:\n"
        "    boundary = curves[shade or 'central (p=2)']['optimal h (model)']\n"
        "    if boundary:\n"
        "        fig.add_vline(x=boundary, line={'dash': 'dash', 'color': 'grey'})\n"
        "fig.update_xaxes(type='log', title='h')\n"
        "fig.update_yaxes(type='log', title='|estimate − exact|')\n" + figure_lines("fig")
    )
    _stencil_cells(book, query, order)
    _table_cells(book, query)
    return finish(book)


def _stencil_cells(book: Notebook, query: Query, order: int) -> None:
    step = float(query.option("lab_h", STEP_OPTIONS, "1e-1"))
    scheme = query.option("lab_scheme", VIEW_SCHEMES, "central")
    accuracy = 1 if scheme != "central" else 2
    offsets = stencil_offsets(order, scheme, accuracy)
    book.markdown(
        f"## The stencil on the curve\n\nThe {scheme} stencil at h = {step:g}: its points on f, "
        "and the polynomial through them, whose derivative is the estimate."
    )
    book.code(
        f"view_step, view_offsets = {step!r}, {offsets!r}  # the {scheme} stencil\n"
        "view_weights = exact_weights(order, view_offsets)\n"
        "points_x = x0 + np.array(view_offsets, dtype=float) * view_step\n"
        "with np.errstate(all='ignore'):\n"
        "    points_y = f(points_x) * np.ones_like(points_x)\n"
        "    estimate = float(np.sum(np.array([float(w) for w in view_weights]) * points_y) / "
        "view_step**order)\n"
        'shown["stencil estimate"] = estimate\n'
        'shown["stencil error"] = abs(estimate - exact)\n'
        "print(estimate, exact, abs(estimate - exact))\n\n"
        "reach = max(3 * view_step * max(1.0, max(abs(o) for o in view_offsets)), 1e-3)\n"
        "near = np.linspace(x0 - reach, x0 + reach, 400)\n"
        "scaled = (near - x0) / view_step  # Lagrange's form in s = (x − x0)/h\n"
        "through = sum(value * np.prod([(scaled - o) / (node - o) for o in view_offsets if o != "
        "node], axis=0) for node, value in zip(view_offsets, points_y))\n"
        "with np.errstate(all='ignore'):\n"
        "    stencil_figure = go.Figure([go.Scatter(x=near, y=f(near) * np.ones_like(near), "
        "name='f'),\n"
        "                               go.Scatter(x=near, y=through, name='polynomial through "
        "the points', line={'dash': 'dash'}),\n"
        "                               go.Scatter(x=points_x, y=points_y, mode='markers', "
        "name='stencil points')])\n" + figure_lines("stencil_figure")
    )


def _table_cells(book: Notebook, query: Query) -> None:
    table_order = query.option("lab_sn", {str(k): k for k in range(1, 7)}, 1)
    text = query.text("lab_off", START_OFFSETS)
    book.markdown("## Stencil table\n\nThe exact weights of any stencil, and its accuracy.")
    try:
        offsets = parse_offsets(text)
        make_stencil(table_order, offsets)  # the page's check: enough points for the order
    except ValueError as error:
        book.markdown(f"The link's offsets {quoted(text)} cannot be used: {error}")
        return
    book.code(
        f"table_order, table_offsets = {table_order!r}, {offsets!r}\n"
        "table_weights = exact_weights(table_order, table_offsets)\n"
        "for o, w in zip(table_offsets, table_weights):\n"
        '    print(f"offset {o:>3}: weight {str(w):>10} = {float(w):.12g}")\n'
        '    shown[f"weight at offset {o}"] = float(w)\n'
        "p, c = leading_error(table_order, table_offsets, table_weights)\n"
        'print(f"accuracy order p = {p}, error ≈ {c} h^{p} f^({table_order + p})" if p else '
        '"exact for every function it can represent")\n'
        'shown["table accuracy p"] = p\n'
    )
