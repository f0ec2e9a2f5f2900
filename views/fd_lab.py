"""Finite-differences lab: why a smaller step stops helping, and how much each formula helps."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError
from core.fd_lab.error_curves import FORMULAS, PRECISIONS, at_rounding
from core.fd_lab.figures import error_figure, shaded_formula, stencil_figure
from core.fd_lab.stencil_view import parse_offsets, stencil_latex
from core.figures.plotting import SUPERSCRIPT_DIGITS, order_name
from ui import charts, instructor, old_links
from ui import fd_lab_cached as cached
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.widgets import expression_error, number_or_dash

LABELS = {formula.key: formula.label for formula in FORMULAS}
STEP_OPTIONS = [f"1e-{k}" for k in range(0, 9)]
VIEW_SCHEMES = ["forward", "backward", "central"]
# Every control is bound to the URL under its key (`bind="query-params"`): the keys are
# the names the lab's links have always used (lab_f, lab_x0, ...); the formulas, the
# stencil table's order and its offsets, in no link before, got new ones (lab_fm, lab_sn,
# lab_off). Each value survives a switch to another page and back ("session"): a student
# who checks something on the Explorer comes back to the function they were studying.
BOUND = {"bind": "query-params", "persist_state": "session"}

# Old links named the shaded formula by its code ("central"); the box shows, and now
# writes, its label ("central (p=2)"). Every other value was written as it is read now.
old_links.upgrade({"lab_shade": old_links.codes(LABELS)})

st.title("Finite-differences lab")
st.caption(
    "A finite difference replaces a limit by a small step h. Making h smaller shrinks the "
    "truncation error (∝ hᵖ) but magnifies rounding (∝ ε/hᵐ): past an optimal h, smaller is "
    "worse. Each curve below is one formula's error at x₀."
)

c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
text = c1.text_input("f(x) =", "sin(x)", max_chars=500, key="lab_f", **BOUND)
x0 = c2.number_input("Point x₀", value=0.7, step=0.1, format="%.3f", key="lab_x0", **BOUND)
order = c3.selectbox("Derivative order", [1, 2, 3, 4], key="lab_n", **BOUND)
precision = c4.radio(
    "Precision", list(PRECISIONS), key="lab_prec", horizontal=True, **BOUND,
    help="The formulas compute in this precision; the exact value is float64 AD.",
)  # fmt: skip
chosen = st.multiselect(
    "Formulas", list(LABELS), default=list(LABELS), key="lab_fm", format_func=LABELS.get,
    **BOUND,
)  # fmt: skip

try:
    parsed = parse_typed(text)
    show_reading(parsed, c1)
    if parsed.parameters:
        raise ExpressionError(
            "The lab takes a function of x alone: replace the parameters "
            f"({', '.join(parsed.parameters)}) by numbers.",
            None,
        )
except ExpressionError as error:
    expression_error(text, error)
    st.stop()

sweep = cached.sweep(parsed.text, float(x0), order, precision, tuple(chosen))
# Fixed slots for the notes that come and go: a bound widget below them that changes
# position is remounted by Streamlit, and the old copy unbinds its link name (h fell out
# of the link after the order or the precision changed).
notes = st.container()
if order != 1 and "complex" in chosen:
    notes.caption("The complex step gives first derivatives only: it is left out for this order.")
if precision == "float16" and "complex" in chosen:
    notes.caption("NumPy has no half-precision complex type: the complex step is left out.")
drawn = [curve.key for curve in sweep.curves if curve.model_h]
shade = None
if drawn:
    # Its default is the central difference, or the first formula drawn without it; a
    # shaded formula taken off the chart is not an option any more, and Streamlit puts the
    # box back to that default (a link naming it is read the same way).
    shade = st.selectbox(
        "Shade the regions of", drawn, index=drawn.index(shaded_formula(sweep, "central")),
        key="lab_shade", format_func=LABELS.get, **BOUND,
        help="Left of this formula's model optimum round-off dominates its error, right of it "
        "truncation: each formula has its own boundary.",
    )  # fmt: skip
charts.show(error_figure(sweep, shade or "central"), key="lab_chart_errors")

st.markdown(
    f"Exact value (float64 AD): **{sweep.exact:.15g}**. Machine epsilon in {precision}: "
    f"**{sweep.epsilon:.1e}**. Stars mark each formula's best step; dotted lines are the "
    "model truncation + round-off."
)
shade_note = st.container()
if shade is not None:
    shade_note.caption(
        f"Shaded for **{LABELS[shade]}**: left of its optimal h round-off dominates, right of "
        "it truncation. Another formula's best h sits at its own boundary (the table's "
        "“optimal h (model)”): choose it above to shade its regions."
    )
derivative = order_name(order)
floor = sweep.rounding
floor_note = st.container()
if floor is not None and precision != "float64":
    floor_note.info(
        f"In {precision} no formula can err by less than **{floor:.1e}**: that is "
        f"{derivative}(x₀) = {sweep.exact:.6g} itself rounded to {precision} (the grey line), "
        "whatever the step. Best errors at that level are the rounding of the answer, not "
        "the formula's fault.",
        icon=":material/info:",
    )
instructor.table(
    [
        {
            "formula": curve.label,
            "order p (theory)": curve.accuracy,
            "measured slope": number_or_dash(curve.slope, ".2f"),
            "best h (measured)": number_or_dash(curve.best_h, ".1e"),
            "best error": number_or_dash(curve.best_error, ".1e")
            + (f" (= {derivative} rounded)" if at_rounding(sweep, curve.best_error) else ""),
            "optimal h (model)": number_or_dash(curve.model_h, ".1e"),
        }
        for curve in sweep.curves
    ],
    hide_index=True,
)
st.caption(
    "The slope is fitted where the truncation model exceeds round-off 30-fold; “—” means "
    "that region is too narrow to measure (very accurate formulas, low precision)."
)

st.subheader("The stencil on the curve")
v1, v2 = st.columns([2, 1])
h_text = v1.select_slider("Step h", STEP_OPTIONS, value="1e-1", key="lab_h", **BOUND)
scheme = v2.radio(
    "Scheme", VIEW_SCHEMES, index=VIEW_SCHEMES.index("central"), key="lab_scheme",
    horizontal=True, **BOUND,
)  # fmt: skip
accuracy = 1 if scheme != "central" else 2
stencil, view = cached.view(parsed.text, float(x0), order, scheme, accuracy, float(h_text))
m1, m2, m3 = st.columns(3)
m1.metric("Estimate", f"{view.estimate:.10g}")
m2.metric("Exact", f"{view.exact:.10g}")
m3.metric("Error", f"{abs(view.estimate - view.exact):.2e}")
charts.show(stencil_figure(view, order), key="lab_chart_stencil")
st.latex(stencil_latex(stencil))

st.subheader("Stencil table")
s1, s2 = st.columns([1, 3])
stencil_order = s1.selectbox("Derivative order", list(range(1, 7)), key="lab_sn", **BOUND)
offsets_text = s2.text_input(
    "Offsets (multiples of h)", "-2, -1, 0, 1, 2", max_chars=200, key="lab_off", **BOUND
)
try:
    offsets = parse_offsets(offsets_text)
    table = cached.stencil(stencil_order, tuple(offsets))
except ValueError as error:
    st.error(str(error), icon=":material/error:")
else:
    st.latex(stencil_latex(table))
    instructor.table(
        [
            {
                "offset": str(offset),
                "weight (exact)": str(weight),
                "weight": f"{float(weight):.12g}",
            }
            for offset, weight in zip(table.offsets, table.weights, strict=True)
        ],
        hide_index=True,
    )  # fmt: skip
    if table.accuracy:
        higher = stencil_order + table.accuracy
        st.caption(
            f"Accuracy order p = {table.accuracy}: the error is about "
            f"{abs(table.error_coefficient)}·h{str(table.accuracy).translate(SUPERSCRIPT_DIGITS)}"
            f"·{order_name(higher)}(x)."  # as printed (h⁴·f⁽⁵⁾), not the typed h^4·f^(5)
        )
    else:
        st.caption("This stencil is exact for every function it can represent.")
