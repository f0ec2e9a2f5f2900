"""Section: check your own derivative of f, symbolically and at random points."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError
from core.figures.plotting import SCREEN_POINTS
from core.language.text_input import MAX_LENGTH
from core.teaching.answer_hints import label
from core.teaching.check_code import check_code
from core.teaching.check_figures import answer_figure
from ui import charts, symbolic_jobs
from ui import teaching_cached as cached
from ui.cached import parse
from ui.reading import show_reading
from ui.teaching import BOUND
from ui.widgets import code_behind, expression_error

# keys: t_cf (f), t_cn (the order), t_ca (the answer); t_c_... not in the link
F, N, A = "t_cf", "t_cn", "t_ca"
MAX_ORDER = 6
# shown in the picker -> (f, order, answer)
EXAMPLES = {
    "sin(x)^2, answer sin(2x): right, written another way": ("sin(x)^2", 1, "sin(2x)"),
    "sin(x)^2, answer 2x·cos(x): a near miss": ("sin(x)^2", 1, "2x·cos(x)"),
    "x^2*sin(x), answer 2x·cos(x): the product rule forgotten": (
        "x^2*sin(x)", 1, "2x·cos(x)"),
    "sin(3x), answer cos(3x): the chain rule's factor missing": ("sin(3x)", 1, "cos(3x)"),
    "e^(-x^2), 2nd derivative (4x² − 2)e^(−x²)": ("e^(-x^2)", 2, "(4x^2 - 2) e^(-x^2)"),
    "tan(x), answer 1 + tan(x)^2": ("tan(x)", 1, "1 + tan(x)^2"),
    "ln(x), answer 1/x: f defined for x > 0": ("ln(x)", 1, "1/x"),
}  # fmt: skip
FIRST = next(iter(EXAMPLES.values()))  # the first view: sin(x)^2, order 1, sin(2x)
OLD_LINKS = {}  # f and the answer as typed, the order a number: as the widgets write them


def render() -> None:
    st.markdown(
        "Type f and your derivative of it, in the same language (any order, any way of "
        "writing it). SymPy simplifies f⁽ⁿ⁾ − your answer, and the two are compared at "
        "random points where f is defined, using f⁽ⁿ⁾ from automatic differentiation. A "
        "wrong answer gets where it differs most and a hint, and the plot shows both."
    )
    c = st.columns([3, 1, 3])
    text = c[0].text_input(
        "f(x) =", FIRST[0], MAX_LENGTH, key=F, help="e.g. sin(x)^2, x^2 e^x, ln(x)", **BOUND
    )
    order = int(c[1].number_input("Order n", 1, MAX_ORDER, FIRST[1], step=1, key=N, **BOUND))
    c[2].selectbox(
        "Examples", list(EXAMPLES), index=None, placeholder="Choose an example…",
        key="t_c_example", on_change=_use_example,
    )  # fmt: skip
    a = st.columns([6, 1], vertical_alignment="bottom")
    answer = a[0].text_input(
        f"Your {label(order)}(x) =", FIRST[2], MAX_LENGTH, key=A,
        help="Your derivative of order n of f, e.g. 2 sin(x) cos(x); press Enter to check.",
        **BOUND,
    )  # fmt: skip
    a[1].button("Check", key="t_c_check", type="primary", width="stretch")
    parsed = _parsed(text)
    if parsed is None:
        return
    if not answer.strip():
        st.info(f"Type your {label(order)} above to check it.", icon=":material/edit:")
        return
    typed = _answer(answer, parsed)
    if typed is None:
        return
    st.latex(rf"f(x) = {parsed.latex}, \qquad \text{{your answer: }} {typed.latex}")
    job = cached.check_job(parsed, typed, order)
    drawn = job.done  # read once: the job may end while the page draws
    worst = _verdict(job.value() if drawn else None, parsed, typed, order)
    curves = cached.answer_curves(parsed.text, typed.text, order, worst)
    charts.show(answer_figure(curves), key="t_c_figure", points=SCREEN_POINTS)
    if parsed.parameters:
        names = ", ".join(parsed.parameters)
        st.caption(f"The plot takes {names} = 1; the check also tries other values of {names}.")
    # ended meanwhile: redrawn at once
    symbolic_jobs.when_pending([] if drawn else [job], meanwhile="the numbers' verdict is above.")
    code_behind(
        ("SymPy: simplify the difference, then compare at random points",
         check_code(parsed, typed, order)),
    )  # fmt: skip


def _use_example() -> None:
    choice = st.session_state.get("t_c_example")
    if choice in EXAMPLES:
        st.session_state[F], st.session_state[N], st.session_state[A] = EXAMPLES[choice]


def _parsed(text: str):
    try:
        parsed = parse(text, cached.X)
    except ExpressionError as error:
        expression_error(text, error)
        return None
    show_reading(parsed)
    return parsed


def _answer(text: str, parsed):
    """The typed answer, or None after saying what is wrong with it."""
    try:
        typed = parse(text, cached.X)
    except ExpressionError as error:
        st.caption("Your answer:")
        expression_error(text, error)
        return None
    st.caption(f"Your answer, read as ${typed.latex}$")
    new = [name for name in typed.parameters if name not in parsed.parameters]
    if new:
        known = ", ".join(parsed.parameters) or "none"
        st.error(
            f"Your answer uses {', '.join(new)}, which f does not have: the derivative can "
            f"use only x and f's parameters ({known}).",
            icon=":material/error:",
        )
        return None
    return typed


def _verdict(shown, parsed, typed, order: int) -> float | None:
    """Show SymPy's verdict (`shown`, a CheckShown) when it is there, the numbers'
    meanwhile; return the point where the two differ most (to mark on the plot), or None."""
    if shown is not None and shown.check is not None:
        check = shown.check
        (st.success if check.correct else st.error)(
            check.message,
            icon=":material/check_circle:" if check.correct else ":material/cancel:",
        )
        if check.slip is not None:
            st.markdown(f"**Known slip:** {check.slip}")
        return check.worst_point
    numbers = cached.numeric_verdict(parsed.text, typed.text, order)
    if shown is not None:  # SymPy could not answer: the numbers are all there is
        st.warning(shown.message, icon=":material/hourglass_disabled:")
        st.info(numbers.message, icon=":material/calculate:")
    else:
        st.info(
            f"{numbers.message} SymPy is checking it symbolically…",
            icon=":material/hourglass_top:",
        )
    if numbers.agree is not False:
        return None
    comparison = numbers.comparison
    if comparison.undefined_at is not None:
        return comparison.undefined_at
    # the plotted grid's worst point: the gap the message reports is the gap drawn
    return numbers.plotted.worst_point if numbers.plotted is not None else comparison.worst_point
