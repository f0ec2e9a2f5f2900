"""Kinks, programs and interpolation: differentiating what is not a smooth formula."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import ExpressionError
from core.errors import BudgetExceeded
from core.kinks.figures import kink_figure, where_trap_figure
from core.kinks.gotchas import GOTCHAS
from core.kinks.interpolation_figures import derivative_figure, values_figure
from core.kinks.jaxpr_view import explanation
from core.kinks.kink_report import DOUBLE_WHERE, KINK_EXAMPLES, NAIVE_WHERE
from core.programs.figures import program_figure
from core.programs.gallery import GALLERY
from core.programs.parser import parse_program
from core.programs.rules import MAX_SOURCE_CHARS, ProgramError
from ui import charts, instructor, kinks_cached, old_links
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.widgets import expression_error

# Every tab's inputs are bound to the link under their URL names (the key is the name;
# the open tab itself is not: a tab switch costs the server nothing, and all tabs are
# drawn, so every input is in the link whichever tab is open). A value equal to its
# default is left out of the link.
# persist_state="session": a typed function or program is a person's work, so it is
# still there after a visit to another page and back (and the link names it again).
BOUND = {"bind": "query-params", "persist_state": "session"}
MAX_TEXT = 500  # a bound text input accepts any text from a link: keep the bound
X_RANGE = {"min_value": -10.0, "max_value": 10.0, "step": 0.5}  # both range sliders
P = "kinks_"  # the keys of what is not in the link: example pickers, charts

# Links written before the binding: a range as "a,b" (today the name repeats).
old_links.upgrade({"k_irange": old_links.PAIR, "k_prange": old_links.PAIR})


def _load_example() -> None:
    example = next(e for e in KINK_EXAMPLES if e.label == st.session_state[f"{P}example"])
    st.session_state["k_f"] = example.text
    st.session_state["k_x0"] = example.x0


def _load_program() -> None:
    example = next(g for g in GALLERY if g.title == st.session_state[f"{P}program_example"])
    st.session_state["k_prog"] = example.source
    st.session_state["k_prange"] = example.x_range


def _number(value: float) -> str:
    return f"{value:.6g}"


st.title("Kinks and programs")
st.caption(
    "Automatic differentiation meets real code: functions with corners and jumps, programs "
    "with loops and branches, interpolated data — and the traps people fall into."
)
kinks_tab, programs_tab, interpolation_tab, hood_tab, gotchas_tab = st.tabs(
    [
        ":material/show_chart: Kinks",
        ":material/code: Programs",
        ":material/timeline: Interpolation",
        ":material/memory: Under the hood",
        ":material/warning: Gotchas",
    ]
)
parsed = None

with kinks_tab:
    c1, c2, c3 = st.columns([2, 3, 1])
    c1.selectbox(
        "Examples", [e.label for e in KINK_EXAMPLES], index=None, placeholder="Pick a kink…",
        key=f"{P}example", on_change=_load_example,
    )  # fmt: skip
    text = c2.text_input(
        "f(x) =", KINK_EXAMPLES[0].text, key="k_f", max_chars=MAX_TEXT, **BOUND,
        help="Non-smooth pieces: |x|, max(a, b), min(a, b), floor, ceil, sign, "
        "where(condition, a, b)",
    )  # fmt: skip
    x0 = c3.number_input(
        "Point x₀", value=KINK_EXAMPLES[0].x0, key="k_x0", step=0.1, format="%.3f", **BOUND
    )  # fmt: skip
    try:
        parsed = parse_typed(text)
        show_reading(parsed, c2)
        if parsed.parameters:
            raise ExpressionError(
                f"Replace the parameters ({', '.join(parsed.parameters)}) by numbers here.", None
            )
    except ExpressionError as error:
        parsed = None
        expression_error(text, error)
    else:
        report = kinks_cached.kink(parsed.text, float(x0))
        left, right = st.columns([3, 2])
        with left:
            charts.show(kink_figure(parsed, report), key=f"{P}chart_kink")
        if report.symbolic_latex is not None:
            right.latex(f"f'(x) = {report.symbolic_latex}")
        right.dataframe(
            [{"method": a.method, "f′(x₀)": _number(a.value)} for a in report.answers],
            hide_index=True,
        )
        for answer in report.answers:
            st.markdown(f"**{answer.method}** — {_number(answer.value)}. {answer.explanation}")

    st.subheader("The NaN-gradient trap of where")
    trap = kinks_cached.trap()
    st.code(
        f"jax.grad(lambda x: {NAIVE_WHERE})(0.0)  # → {trap.naive_at_zero}\n"
        f"jax.grad(lambda x: {DOUBLE_WHERE})(0.0)  # → {trap.fixed_at_zero}",
        language="python",
    )
    charts.show(where_trap_figure(trap), key=f"{P}chart_where")
    st.markdown(
        "`where` picks a value, but reverse mode still differentiates **both** branches and "
        "multiplies the one not taken by a zero cotangent. At x = 0 that branch is sqrt, whose "
        "derivative is infinite, and 0 × ∞ = nan. The fix is a second `where` *inside* the "
        "dangerous branch, so it never sees x ≤ 0 and its derivative stays finite. Forward "
        f"mode (Taylor mode here) carries no such product: it gives "
        f"{trap.naive_forward_at_zero:g} at 0 even for the naive form."
    )

with interpolation_tab:
    st.markdown(
        "Only samples of f are known, at the knots. `jnp.interp` joins them with straight "
        "lines; `jax.grad` of that (vectorised with `vmap`) is the slope of each segment: "
        "piecewise constant, jumping at every knot. A cubic spline's derivative is smooth."
    )
    i1, i2, i3 = st.columns([2, 2, 2])
    interp_text = i1.text_input("f(x) =", "cos(2x)", key="k_interp", max_chars=MAX_TEXT, **BOUND)
    knots = i2.slider("Knots", 2, 60, 20, key="k_knots", **BOUND)
    # sorted: a link may name the ends in either order
    interp_range = sorted(
        i3.slider("x-range", value=(0.0, 3.0), key="k_irange", **X_RANGE, **BOUND)
    )
    try:
        interp_parsed = parse_typed(interp_text)
        view = kinks_cached.interpolation(
            interp_parsed.text, knots, (float(interp_range[0]), float(interp_range[1]))
        )
    except ExpressionError as error:
        expression_error(interp_text, error)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
    else:
        a, b = st.columns(2)
        with a:
            charts.show(values_figure(view), key=f"{P}chart_values")
        with b:
            charts.show(derivative_figure(view), key=f"{P}chart_derivative")
        m1, m2 = st.columns(2)
        m1.metric("max |linear′ − f′|", f"{view.linear_derivative_error:.2e}")
        m2.metric("max |spline′ − f′|", f"{view.spline_derivative_error:.2e}")
        st.caption(
            "Double the knots: the linear interpolant's derivative error halves (order 1), "
            "the spline's drops about eightfold (order 3)."
        )

with hood_tab:
    if parsed is None:
        st.info("Type a valid function on the Kinks tab to see its jaxprs.")
    else:
        report = kinks_cached.jaxprs(parsed.text)
        st.markdown(f"The function of the Kinks tab, `{parsed.text}`, as JAX traces it.")
        st.markdown(explanation(report))
        columns = st.columns(3)
        for column, entry in zip(columns, (report.function, report.jvp, report.grad), strict=True):
            count = entry.primitive_count
            column.markdown(
                f"**{entry.name}** — {count} primitive operation{'' if count == 1 else 's'}"
            )
            # Wrapped, not scrolled: three columns are too narrow for a jaxpr's long lines.
            column.code(entry.code, language="python", wrap_lines=True)
            column.code(entry.text, language=None, wrap_lines=True)

with gotchas_tab:
    st.markdown("Each example ran just now: the error is the one JAX really raised.")
    for item in GOTCHAS:
        result = kinks_cached.gotcha(item.key)
        with st.expander(item.title, icon=":material/bug_report:"):
            broken, fixed = st.columns(2)
            broken.markdown("**Broken**")
            broken.code(item.broken_code, language="python", wrap_lines=True)
            if result.error_type:
                broken.error(f"{result.error_type}: {result.error_message}")
            else:
                broken.warning(f"No error, but the result is wrong: {result.broken_result}")
            fixed.markdown("**Fixed**")
            fixed.code(item.fixed_code, language="python", wrap_lines=True)
            fixed.success(f"Result: {result.fixed_result}")
            st.markdown(item.explanation)

with programs_tab:
    st.markdown(
        "Write the body of `def f(x):` in a small Python subset — assignments, `+ - * / **`, "
        "the maths functions, `if/elif/else` on comparisons, `for i in range(N)` with a "
        "constant N, and `return`. It is checked and compiled by our own code, never run as "
        "Python text."
    )
    p1, p2 = st.columns([2, 2])
    p1.selectbox(
        "Gallery", [g.title for g in GALLERY], index=None, placeholder="Pick a program…",
        key=f"{P}program_example", on_change=_load_program,
    )  # fmt: skip
    program_range = sorted(
        p2.slider("x-range", value=GALLERY[0].x_range, key="k_prange", **X_RANGE, **BOUND)
    )
    source = st.text_area(
        "def f(x):", GALLERY[0].source, key="k_prog", height=200, max_chars=MAX_SOURCE_CHARS,
        **BOUND,
    )  # fmt: skip
    gallery = next((g for g in GALLERY if g.source == source), None)
    try:
        program = parse_program(source)
        report = kinks_cached.program(
            program.source, (float(program_range[0]), float(program_range[1]))
        )
    except ProgramError as error:
        st.error(error.message, icon=":material/error:")
    except BudgetExceeded as error:
        st.warning(error.message, icon=":material/hourglass_bottom:")
    else:
        if gallery is not None:
            st.caption(f"{gallery.explanation} Exact: {gallery.exact_derivative_text}.")
        xs = np.linspace(program_range[0], program_range[1], kinks_cached.PROGRAM_POINTS)
        figure = program_figure(xs, report, gallery.exact_derivative if gallery else None)
        charts.show(figure, key=f"{P}chart_program")
        if report.failures.jit or report.failures.vmap:
            st.markdown(
                "`jax.grad` of the program as written works point by point: each call sees a "
                "concrete x, so Python's `if` can ask whether x < 0. Under `jit` or `vmap`, x "
                "is an abstract tracer with no value, and the `if` fails:"
            )
            st.code(
                f"jax.jit(f)(0.5)   # {report.failures.jit}\n"
                f"jax.vmap(f)(xs)   # {report.failures.vmap}",
                language="python",
            )
            st.markdown(
                "Rewritten automatically, every `if` becomes `jnp.where` (both branches are "
                "computed, one is kept) and every loop `lax.fori_loop`, and it vectorises:"
            )
        else:
            st.markdown("No branches here: the rewrite only turns loops into `lax.fori_loop`.")
        st.code(kinks_cached.rewritten(program.source), language="python")
        t = report.timings
        instructor.table(
            [
                {"way": "grad, point by point (as written)", "points": t.pointwise_points,
                 "seconds": f"{t.pointwise:.3f}",
                 "per point (ms)": f"{1000 * t.pointwise / t.pointwise_points:.2f}"},
                {"way": "jit(vmap(grad)) of the rewrite, first call (compiles)",
                 "points": t.vectorised_points, "seconds": f"{t.vectorised_first:.3f}",
                 "per point (ms)": f"{1000 * t.vectorised_first / t.vectorised_points:.3f}"},
                {"way": "jit(vmap(grad)) of the rewrite, warm", "points": t.vectorised_points,
                 "seconds": f"{t.vectorised_warm:.5f}",
                 "per point (ms)": f"{1000 * t.vectorised_warm / t.vectorised_points:.5f}"},
            ],
            hide_index=True,
        )  # fmt: skip
