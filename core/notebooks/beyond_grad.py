"""The Beyond grad page as a notebook: each section's snippet with the page's numbers.

Every section's computation is the page's own "code behind it" (core.beyond_grad.code_view
and code_typed: `jax.custom_jvp`, `stop_gradient`, the straight-through estimator,
`brentq` and the implicit function theorem, `has_aux`, per-example gradients by `vmap`,
expression swell), with the link's values as its constants; a cell after it records the
numbers the page shows. The implicit section adds what its table shows beside the snippet:
a central difference of roots and `jax.grad` through an unrolled bisection. The Fixed
points section is in core.notebooks.beyond_grad_fixed_point.
"""

from __future__ import annotations

import math

from core.beyond_grad.code_typed import implicit_code, swell_code
from core.beyond_grad.code_view import (
    custom_jvp_code,
    has_aux_code,
    inverse_code,
    per_example_code,
    softplus_code,
    stop_gradient_code,
    straight_through_code,
)
from core.beyond_grad.implicit import RTOL, XTOL
from core.beyond_grad.root_comparison import FD_STEP, MAX_BISECTION_ITERATIONS
from core.notebooks.beyond_grad_fixed_point import fixed_points
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, chosen_section, section_function
from core.notebooks.query import Query

PAGE, NAME = "beyond_grad", "Beyond grad"
SECTIONS = {
    "custom": "Custom JVP rules",
    "stop": "stop_gradient",
    "ste": "Straight-through estimator",
    "implicit": "Implicit differentiation",
    "aux": "has_aux",
    "per_example": "Per-example gradients",
    "swell": "Why AD is not symbolic",
    "fixed": "Fixed points",
}


def notebook(query: Query, parsers: Parsers) -> str:
    """The section the link shows, as nbformat-4 JSON (see `core.view_notebook`)."""
    section = chosen_section(query, "b_s", SECTIONS, {}, NAME)
    code = next(code for code, name in SECTIONS.items() if name == section)
    book = Notebook()

    def heading(about: str) -> None:
        title(book, NAME, section, query.link(PAGE), about)

    WRITERS[code](book, query, parsers, heading)
    return finish(book)


def _start(book: Notebook, values: dict) -> None:
    book.code("import numpy as np\nimport plotly.graph_objects as go\n\n" + settings(values)
              + "\n\n" + RECORD)  # fmt: skip


def _custom(book: Notebook, query: Query, _parsers: Parsers, heading) -> None:
    x, y = query.number("b_cx", 2.0), query.number("b_cy", 3.0)
    direction = (query.number("b_cdx", 1.0), query.number("b_cdy", 0.0))
    dtype = query.option("b_ct", ["float64", "float32"], "float64")
    heading(
        f"f(x, y) = sin(x)·y with a hand-written JVP rule at ({x!r}, {y!r}) along {direction}, "
        f"and why write one: softplus log(1 + eˣ) in {dtype}, naive and by a stable rule."
    )
    _start(book, {"point": (x, y), "direction": direction, "dtype": dtype})
    book.code(custom_jvp_code(x, y, direction))
    book.code(
        'record("f(x, y) in float32", value32)\nrecord("JVP in float32", tangent32)\n'
        'record("f(x, y) in float64", value)\nrecord("JVP in float64", tangent)\n'
        'record("f(x, y) closed form", np.sin(point[0]) * point[1])\n'
        'record("JVP closed form", np.cos(point[0]) * point[1] * direction[0] + '
        "np.sin(point[0]) * direction[1])\n"
    )
    book.markdown("## Why write a rule: log(1 + eˣ)")
    book.code(softplus_code(dtype))
    book.code(
        'record("naive gradient at a large x", naive_gradient)\n'
        'record("custom rule gradient at a large x", custom_gradient)\n\n'
        "xs = jnp.linspace(-20.0, 2.0 * float(x), 400).astype(dtype)\n"
        "naive = jax.vmap(jax.grad(naive_softplus))(xs)\n"
        "custom = jax.vmap(jax.grad(softplus))(xs)\n"
        "fig = go.Figure([go.Scatter(x=np.asarray(xs), y=np.asarray(naive), name='naive'),\n"
        "                 go.Scatter(x=np.asarray(xs), y=np.asarray(custom), name='custom rule',"
        " line={'dash': 'dash'})])\n" + figure_lines("fig")
    )


def _stop(book: Notebook, query: Query, _parsers: Parsers, heading) -> None:
    theta = tuple(query.number(f"b_st{i}", v, -2.0, 2.0) for i, v in enumerate((0.1, -0.1, 0.0)))
    reward = query.number("b_sr", 1.0, -2.0, 2.0)
    s_prev, s = (1.0, 2.0, -1.0), (2.0, 1.0, 0.0)
    heading(
        f"TD(0) with θ = {theta}, reward {reward!r}: the pseudo-loss "
        "½ (stop_gradient(r + θ·s) − θ·s_prev)² and its gradient, against the full gradient."
    )
    _start(book, {"theta_values": theta, "reward": reward})
    book.code(stop_gradient_code(theta, s_prev, reward, s))
    book.code(
        'record("v(s_prev)", theta @ s_prev)\nrecord("target r + θ·s", r + theta @ s)\n'
        'record("TD error", r + theta @ s - theta @ s_prev)\n'
        'record("∂L/∂θ with stop_gradient", semi_gradient)\n'
        'record("∂L/∂θ without", full_gradient)\n\n'
        "fig = go.Figure([go.Bar(name='with stop_gradient', y=np.asarray(semi_gradient)),\n"
        "                 go.Bar(name='without', y=np.asarray(full_gradient))])\n"
        + figure_lines("fig")
    )


def _ste(book: Notebook, query: Query, _parsers: Parsers, heading) -> None:
    y = tuple(query.number(f"b_ty{i}", v, 0.0, 1.0) for i, v in enumerate((0.1, 0.2, 0.7)))
    weights = (1.0, 2.0, 3.0)
    if y.count(max(y)) > 1:
        raise ValueError(
            f"The page shows no gradients for y = {list(y)}: it has a tie for its largest "
            "entry, where q(y) is undefined."
        )
    heading(f"f(y) = w·q(y) with q the one-hot of argmax y, at y = {y}: its gradient 0, and "
            "the straight-through estimator's, w.")  # fmt: skip
    _start(book, {"y_values": y})
    book.code(straight_through_code(weights, y))
    book.code(
        'record("f(y) = w·q(y)", value)\nrecord("gradient of w·q(y)", gradient)\n'
        'record("straight-through value", ste_value)\n'
        'record("straight-through gradient", ste_gradient)\n\n'
        "xs = np.linspace(-2, 2, 401)\n"
        "fig = go.Figure([go.Scatter(x=xs, y=np.round(xs), name='round(x)'),\n"
        "                 go.Scatter(x=xs, y=xs, name='what straight-through differentiates',"
        " line={'dash': 'dash'})])\n" + figure_lines("fig")
    )


def _implicit(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    default = "a x^3 - x - 2"
    parsed, note = section_function(parsers, query.text("b_if", default), ("x", "a"), default)
    a = query.number("b_ia", 2.0)
    bracket = (query.number("b_ilow", 1.0), query.number("b_ihigh", 2.0))
    matrix = tuple(query.number(f"b_iA{k}", v) for k, v in enumerate((2.0, 1.0, 1.0, 3.0)))
    direction = tuple(query.number(f"b_idA{k}", v) for k, v in enumerate((1.0, 0.0, 0.0, 0.0)))
    try:
        code = implicit_code(parsed, "x", "a", a, bracket)
    except ValueError as error:
        raise ValueError(f"The page shows no root for this link: {error}") from None
    low, high = bracket
    iterations = min(max(math.ceil(math.log2((high - low) / (XTOL + RTOL * max(abs(low),
                     abs(high))))), 1), MAX_BISECTION_ITERATIONS)  # fmt: skip
    heading(
        f"The root x*(a) of F(x, a) = {quoted(parsed.text)} = 0 at a = {a!r} in {list(bracket)}, "
        "and dx*/da by the implicit function theorem, by a difference of roots and by "
        f"`jax.grad` through the solver; then the derivative of a matrix inverse.{note}"
    )
    _start(book, {"F_text": parsed.text, "a_value": a, "bracket": bracket})
    book.code(code)
    book.code(
        "# a central difference of roots: h = ∛ε · max(1, |a|)\n"
        f"h_a = {FD_STEP!r} * max(1.0, abs(a))\n"
        "plus = brentq(lambda x: float(F(x, a + h_a)), low, high, xtol=1e-14)\n"
        "minus = brentq(lambda x: float(F(x, a - h_a)), low, high, xtol=1e-14)\n\n\n"
        "def bisection(a):  # halvings to brentq's tolerance, unrolled: AD sees only midpoints\n"
        "    left, right = jnp.full_like(a, low), jnp.full_like(a, high)\n"
        "    sign_at_left = jnp.sign(F(left, a))\n"
        f"    for _ in range({iterations}):\n"
        "        middle = (left + right) * 0.5\n"
        "        same = jnp.sign(F(middle, a)) == sign_at_left\n"
        "        left, right = jnp.where(same, middle, left), jnp.where(same, right, middle)\n"
        "    return (left + right) * 0.5\n\n\n"
        'record("root x*(a)", root)\nrecord("dx*/da by the theorem", slope)\n'
        'record("dx*/da by a difference of roots", (plus - minus) / (2 * h_a))\n'
        'record("dx*/da through the bisection", jax.grad(bisection)(jnp.float64(a)))\n'
        'record("∂F/∂x at the root", dF_dx)\nrecord("∂F/∂a at the root", dF_da)\n\n'
        "xs = np.linspace(low, high, 400)\n"
        "fig = go.Figure(go.Scatter(x=xs, y=np.asarray(F(jnp.asarray(xs), a)), name='F(x, a)'))\n"
        "fig.add_scatter(x=[root], y=[0.0], mode='markers', name='x*(a)')\n" + figure_lines("fig")
    )
    book.markdown("## The same idea for a matrix inverse\n\n∂(A⁻¹) = −A⁻¹ (∂A) A⁻¹.")
    try:
        inverse = inverse_code([matrix[:2], matrix[2:]], [direction[:2], direction[2:]])
    except ValueError as error:
        book.markdown(f"The page shows no inverse for this A: {error}")
        return
    book.code(inverse)
    book.code(
        'record("A⁻¹", A_inv)\nrecord("−A⁻¹ (∂A) A⁻¹", formula)\n'
        'record("jacfwd(inv)(A) · ∂A", by_jacobian)\n'
    )


def _aux(book: Notebook, query: Query, _parsers: Parsers, heading) -> None:
    x, y = query.number("b_ax", 2.0), query.number("b_ay", 3.0)
    heading(f"`jax.value_and_grad(f, has_aux=True)` at ({x!r}, {y!r}): f = x² + y is "
            "differentiated, its extra output 42 rides along.")  # fmt: skip
    _start(book, {"point": (x, y)})
    book.code(has_aux_code(x, y))
    book.code(
        'record("value", value)\nrecord("aux", aux)\nrecord("gradient ∂f/∂x", grad)\n\n'
        "fig = go.Figure(go.Bar(x=['value', 'aux', '∂f/∂x'], y=[float(value), float(aux), "
        "float(grad)]))\n" + figure_lines("fig")
    )


def _per_example(book: Notebook, query: Query, _parsers: Parsers, heading) -> None:
    w = tuple(query.number(f"b_pw{i}", 1.0) for i in range(3))
    x0 = tuple(query.number(f"b_px{i}", v) for i, v in enumerate((1.0, 2.0, 3.0)))
    heading(
        f"Per-example gradients of loss(w, x) = w·x at w = {w} over the rows x₀ = {x0} and "
        "2x₀, by `jax.vmap(jax.grad(loss), in_axes=(None, 0))`; and per-example Hessians of a "
        "logistic loss summed, against XᵀSX."
    )
    _start(book, {"w_values": w, "x0_values": x0})
    book.code(per_example_code(w, x0))
    book.code(
        'record("example 0 gradient", per_example_gradients[0])\n'
        'record("example 1 gradient", per_example_gradients[1])\n'
        'print("max |Σ Hessians − XᵀSX| =", float(np.max(np.abs(summed_hessian - '
        "gauss_newton))))\n\n"
        "fig = go.Figure(go.Heatmap(z=np.asarray(per_example_gradients), x=['w1', 'w2', 'w3'],"
        " y=['example 0', 'example 1']))\n" + figure_lines("fig")
    )


def _swell(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    default = "sin(x) exp(-x^2/2)"
    parsed, note = section_function(parsers, query.text("b_wf", default), ("x",), default)
    order = query.integer("b_wn", 8, 1, 8)
    heading(
        f"Expression swell of f(x) = {quoted(parsed.text)} up to order {order}: SymPy's "
        "formula sizes with and without cse, against the size of JAX's program (jaxpr) for "
        "nested grad. The page builds f from `lax` primitives, the notebook from `jnp`: "
        "their programs differ by a few equations, and grow alike (SymPy's sizes are the "
        f"same).{note}"
    )
    _start(book, {"f_text": parsed.text, "max_order": order})
    book.code(swell_code(parsed, order))
    book.code(
        "# the page counts the equations inside sub-programs (pjit, custom rules) too\n"
        "import jax.extend.core as jax_core\n\n\n"
        "def count_equations(jaxpr):\n"
        "    jaxpr = getattr(jaxpr, 'jaxpr', jaxpr)\n"
        "    return len(jaxpr.eqns) + sum(count_equations(sub) for sub in "
        "jax_core.subjaxprs(jaxpr))\n\n\n"
        "jaxpr_sizes, gradient = [], f\n"
        "for order in range(1, max_order + 1):\n"
        "    gradient = jax.grad(gradient)\n"
        "    jaxpr_sizes.append(count_equations(jax.make_jaxpr(gradient)(0.5)))\n"
        "print(jaxpr_sizes)\n"
        "for k, (symbolic, shared, jaxpr) in enumerate(zip(symbolic_sizes, shared_sizes, "
        "jaxpr_sizes), start=1):\n"
        '    record(f"order {k}: SymPy count_ops", symbolic)\n'
        '    record(f"order {k}: SymPy with cse", shared)\n'
        '    record(f"order {k}: nested grad jaxpr equations", jaxpr)\n\n'
        "orders = list(range(1, max_order + 1))\n"
        "fig = go.Figure([go.Scatter(x=orders, y=symbolic_sizes, name='SymPy'),\n"
        "                 go.Scatter(x=orders, y=shared_sizes, name='SymPy with cse'),\n"
        "                 go.Scatter(x=orders, y=jaxpr_sizes, name='nested jax.grad')])\n"
        "fig.update_yaxes(type='log')\n" + figure_lines("fig")
    )


WRITERS = {
    "custom": _custom, "stop": _stop, "ste": _ste, "implicit": _implicit, "aux": _aux,
    "per_example": _per_example, "swell": _swell, "fixed": fixed_points,
}  # fmt: skip
