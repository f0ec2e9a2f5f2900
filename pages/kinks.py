"""Kinks, programs and interpolation: differentiating what is not a smooth formula."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError, parse_expression
from core.kink_figures import kink_figure, where_trap_figure
from core.kinks import DOUBLE_WHERE, KINK_EXAMPLES, NAIVE_WHERE
from ui import kinks_cached
from ui.widgets import expression_error

P = "kinks_"
st.session_state.setdefault(f"{P}expr", KINK_EXAMPLES[0].text)
st.session_state.setdefault(f"{P}x0", KINK_EXAMPLES[0].x0)


def _load_example() -> None:
    example = next(e for e in KINK_EXAMPLES if e.label == st.session_state[f"{P}example"])
    st.session_state[f"{P}expr"] = example.text
    st.session_state[f"{P}x0"] = example.x0


def _number(value: float) -> str:
    return f"{value:.6g}"


st.title("Kinks, programs and interpolation")
st.caption(
    "Automatic differentiation meets real code: functions with corners and jumps, programs "
    "with loops and branches, interpolated data — and the traps people fall into."
)
(kinks_tab,) = st.tabs([":material/show_chart: Kinks"])

with kinks_tab:
    c1, c2, c3 = st.columns([2, 3, 1])
    c1.selectbox(
        "Examples", [e.label for e in KINK_EXAMPLES], index=None, placeholder="Pick a kink…",
        key=f"{P}example", on_change=_load_example,
    )  # fmt: skip
    text = c2.text_input(
        "f(x) =", key=f"{P}expr",
        help="Non-smooth pieces: |x|, max(a, b), min(a, b), floor, ceil, sign, "
        "where(condition, a, b)",
    )  # fmt: skip
    x0 = c3.number_input("Point x₀", key=f"{P}x0", step=0.1, format="%.3f")
    try:
        parsed = parse_expression(text)
        if parsed.parameters:
            raise ExpressionError(
                f"Replace the parameters ({', '.join(parsed.parameters)}) by numbers here.", None
            )
    except ExpressionError as error:
        expression_error(text, error)
    else:
        report = kinks_cached.kink(parsed.text, float(x0))
        left, right = st.columns([3, 2])
        left.plotly_chart(kink_figure(parsed, report))
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
    t1, t2 = st.columns(2)
    t1.code(f"jax.grad({NAIVE_WHERE})(0.0)  # → {trap.naive_at_zero}", language="python")
    t2.code(f"jax.grad({DOUBLE_WHERE})(0.0)  # → {trap.fixed_at_zero}", language="python")
    st.plotly_chart(where_trap_figure(trap))
    st.markdown(
        "`where` picks a value, but reverse mode still differentiates **both** branches and "
        "multiplies the one not taken by a zero cotangent. At x = 0 that branch is sqrt, whose "
        "derivative is infinite, and 0 × ∞ = nan. The fix is a second `where` *inside* the "
        "dangerous branch, so it never sees x ≤ 0 and its derivative stays finite. Forward "
        f"mode (Taylor mode here) carries no such product: it gives "
        f"{trap.naive_forward_at_zero:g} at 0 even for the naive form."
    )
