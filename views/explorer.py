"""Explorer: f and its derivatives computed three ways, side by side."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError
from core.engines.finite_differences import SCHEMES
from core.explorer.code_view import jax_code, numpy_code, sympy_code
from core.explorer.derivatives import (
    growing_sentence,
    undefined_sentence,
    value_table,
    within_domain,
)
from core.explorer.examples import EXAMPLES
from core.explorer.figures import derivative_figure, error_figure
from core.explorer.not_finite import not_finite_sentences
from core.figures.plotting import order_name
from ui import cached, charts, explorer_symbolic, explorer_tangent, instructor, old_links
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.symbolic_jobs import symbolic_curves, symbolic_point, when_pending
from ui.widgets import expression_error, readable_number

P = "explorer_"  # prefix of this page's session keys that are not in the URL
# Points per curve sent to the browser (the grid has 1,001): a curve a few hundred pixels
# wide needs about 500; the error curves (round-off noise on a log axis) fewer. Order 10
# with every method: about 85 kB sent instead of 1.1 MB.
DERIVATIVE_POINTS, ERROR_POINTS = 500, 200
# Each method's code (the pills' value) and its label, as the pills show it and the link
# names it (show=AD+(JAX)); old links named them by code (show=ad,fd).
METHODS = {"ad": "AD (JAX)", "sym": "Symbolic (SymPy)", "fd": "Finite differences"}
STEPS = ["auto"] + [f"1e-{k}" for k in range(1, 17)]
START_F, START_RANGE = EXAMPLES[1].text, (-4.0, 4.0)
# Every control is bound to the URL: its key is its URL name (f, n, x0, ...), so a link is
# the view. A parameter's slider (p_a) is drawn only while f has that parameter: it keeps
# its value on this page meanwhile ("page"), not after a page switch, where the link does.
BOUND = {"bind": "query-params"}


def _old_methods(text: str) -> list[str] | None:
    # "show=" (no method) is today's empty selection already
    return old_links.listed(METHODS)(text) if text else None


# Values old links wrote in another format than the bound widgets write them.
OLD_LINKS = {
    "show": _old_methods,
    "range": old_links.PAIR,
    "panels": old_links.SWITCH,
    **explorer_tangent.OLD_LINKS,
}


def _increasing(x_range) -> bool:
    return x_range[0] < x_range[1]


def _load_example() -> None:
    example = next(e for e in EXAMPLES if e.label == st.session_state[f"{P}example"])
    st.session_state["f"] = example.text
    st.session_state["n"] = example.max_order
    st.session_state["range"] = example.x_range
    st.session_state["x0"] = round(sum(example.x_range) / 2 + 0.25, 2)
    for name, value in example.params:
        st.session_state[f"p_{name}"] = value


old_links.upgrade(OLD_LINKS)

st.title("Derivative Explorer")
st.caption(
    "Type a function of x. Its derivatives are computed three ways — automatic "
    "differentiation (JAX), symbolic algebra (SymPy) and finite differences (NumPy) — "
    "and drawn one panel per order (or all on one axis), with where they disagree below."
)

left, right = st.columns([3, 1])
text = left.text_input(
    "f(x) =", START_F, key="f", **BOUND,
    help="e.g. x^3 + cos(x), 2x·e^(−x²), |x|, (a·x + b)^m, sin²(x)",
)  # fmt: skip
right.selectbox(
    "Examples",
    [e.label for e in EXAMPLES],
    index=None,
    placeholder="Pick an example…",
    key=f"{P}example",  # not bound: a pick sets f, n, range, x0 and the parameters
    on_change=_load_example,
)

note = next((e.note for e in EXAMPLES if e.text == text), None)
if note:
    st.caption(f":material/lightbulb: {note}")

try:
    parsed = parse_typed(text)
    st.session_state[f"{P}last_good"] = parsed.text
    show_reading(parsed, left)
except ExpressionError as error:
    expression_error(text, error)
    parsed = parse_typed(st.session_state.get(f"{P}last_good", START_F))
    st.caption(f"Still showing the last expression that worked: ${parsed.latex}$")

c1, c2, c3 = st.columns([1, 2, 1])
max_order = c1.slider("Highest order", 1, 10, 4, key="n", **BOUND)
if not _increasing(st.session_state.get("range", START_RANGE)):
    st.session_state["range"] = START_RANGE  # as the last run found it: see below
x_range = c2.slider("x-range", -10.0, 10.0, START_RANGE, step=0.1, key="range", **BOUND)
if not _increasing(x_range):
    # Streamlit takes a link's range=5&range=1 (or both ends at one point) as it is: run
    # again, with the page's range, which the next run sets before the slider is drawn.
    st.rerun()
x0 = c3.number_input("Point x₀", value=0.5, step=0.1, format="%.3f", key="x0", **BOUND)

with st.expander("Finite-difference settings", icon=":material/tune:"):
    f1, f2, f3 = st.columns(3)
    scheme = f1.selectbox(
        "Scheme", SCHEMES, SCHEMES.index("central"), key="scheme", **BOUND,
        help="complex: first derivative only; higher orders then use central differences",
    )  # fmt: skip
    accuracy = f2.selectbox("Accuracy order p (error ∝ hᵖ)", [2, 4, 6, 8], key="acc", **BOUND)
    step_text = f3.select_slider(
        "Step h", STEPS, "auto", key="h", **BOUND, help="auto: near-optimal h"
    )
step = None if step_text == "auto" else float(step_text)

params = {}
if parsed.parameters:
    st.markdown("**Parameters**")
    columns = st.columns(min(len(parsed.parameters), 4))
    for index, name in enumerate(parsed.parameters):
        params[name] = columns[index % 4].slider(
            name, -10.0, 10.0, 1.0, step=0.1, key=f"p_{name}", **BOUND, persist_state="page"
        )

plots, details = st.columns([3, 2])
with plots:
    methods = st.pills(
        "Methods", list(METHODS), selection_mode="multi", default=list(METHODS),
        format_func=METHODS.get, key="show", **BOUND,
    )  # fmt: skip
    panels = st.toggle(
        "One panel per order", True, key="panels", **BOUND,
        help="Each derivative on its own y-scale, sharing x; off: all on one axis",
    )  # fmt: skip

show_ad, show_sym, show_fd = (code in methods for code in METHODS)
param_items = tuple(sorted(params.items()))
x_range = (float(x_range[0]), float(x_range[1]))
numeric = cached.numeric(
    parsed.text, max_order, x_range, float(x0), param_items, scheme, accuracy, step
)
orders = list(range(max_order + 1))
fd = numeric.finite_differences if show_fd else None
ad = numeric.ad if show_ad else None

curves = symbolic_curves(parsed, max_order, x_range, param_items) if show_sym else None
symbolic = curves.value() if curves is not None and curves.done else None
# Where f is not a real number, no method has a derivative, even if SymPy simplified f.
symbolic_values = within_domain(symbolic.values, numeric.ad[0]) if symbolic is not None else None
with plots:
    charts.draw(
        derivative_figure, numeric.xs, orders, ad, symbolic_values, fd, x0=x0, panels=panels,
        key=f"{P}chart", points=DERIVATIVE_POINTS,
    )  # fmt: skip
    if symbolic is not None and symbolic.message:
        st.info(symbolic.message, icon=":material/hourglass_bottom:")
    st.markdown("**Where the methods disagree** (log scale)")
    charts.draw(
        error_figure, numeric.xs, orders, numeric.ad, symbolic_values, fd,
        key=f"{P}chart_errors", points=ERROR_POINTS,
    )  # fmt: skip
    gaps = not_finite_sentences(numeric.ad)
    if gaps:
        st.warning(
            "  \n".join([*gaps, "Those points are left out of the plots."]),
            icon=":material/warning:",
        )

with details:
    st.markdown("**Symbolic derivatives**")
    if curves is None:
        st.caption("Turn on “Symbolic (SymPy)” to see them.")
    elif symbolic is not None:
        explorer_symbolic.render(parsed, max_order, symbolic.latex)

point = symbolic_point(parsed, max_order, float(x0), param_items) if show_sym else None
at_x0 = point.value() if point is not None and point.done else None
with details:
    # Polls what was not drawn (still computing, or done since the charts were drawn).
    when_pending([job for job, drawn in ((curves, symbolic), (point, at_x0)) if not drawn])
st.markdown(f"**Values at x₀ = {x0:g}**")
shown = [
    {
        "order": order_name(row.order),
        "AD": readable_number(row.ad, ".12g"),
        "symbolic": readable_number(row.symbolic, ".12g"),
        "finite diff.": readable_number(row.finite_difference, ".10g"),
        "|AD − sym|": readable_number(row.ad_minus_symbolic, ".1e"),
        "|FD − sym|": readable_number(row.fd_minus_symbolic, ".1e"),
    }
    for row in value_table(numeric, at_x0)
]
instructor.table(shown, hide_index=True)  # st.table in the projector style: larger text
if {cell for row in shown for cell in row.values()} & {"∞", "−∞", "undefined"}:
    st.caption(
        "∞, −∞: the value is infinite at x₀ (as sqrt′(0) = ∞: a vertical tangent). "
        "undefined: no real number there (0/0, outside the domain, or on a jump)."
    )
for sentence in (
    undefined_sentence(numeric, x0),
    growing_sentence(
        cached.growing_finite_differences(
            parsed.text, max_order, float(x0), param_items, scheme, accuracy, step
        ),
        x0,
    ) if show_fd else None,
):  # fmt: skip
    if sentence:
        st.warning(sentence, icon=":material/warning:")

explorer_tangent.render(parsed, x_range, x0, params)

with st.expander("The code behind it", icon=":material/code:"):
    st.caption(
        "The same computations as standalone code, generated from your expression: paste "
        "them into a notebook."
    )
    jax_tab, sympy_tab, numpy_tab = st.tabs(["JAX (Taylor mode)", "SymPy", "NumPy"])
    jax_tab.code(jax_code(parsed, max_order, x_range, params), language="python")
    sympy_tab.code(sympy_code(parsed, max_order), language="python")
    numpy_tab.code(
        numpy_code(parsed, 1 if scheme == "complex" else max_order, scheme, accuracy,
                   x_range, params),
        language="python",
    )  # fmt: skip

st.caption(f"Automatic differentiation computed by JAX on **{cached.warm_up()}**, in float64.")
