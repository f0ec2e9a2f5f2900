"""Section: the derivative of a typed f worked out by hand, one named rule at a time."""

from __future__ import annotations

import re

import streamlit as st

from core import ExpressionError
from core.language.text_input import MAX_LENGTH
from core.teaching.check_code import steps_code
from ui import old_links, symbolic_jobs
from ui import teaching_cached as cached
from ui.cached import parse
from ui.teaching import BOUND
from ui.widgets import code_behind, example_picker, expression_error

P = "t_r"  # keys: t_rf (f), t_rs (one step at a time); t_r_... not in the link
DEFAULT_FUNCTION = "x^2*sin(x)"
EXAMPLES = {
    "x^2*sin(x)": "product rule, power rule, trigonometric rule",
    "e^(x^2)/x": "quotient rule, and the chain rule inside",
    "ln(cos(x))": "logarithm and chain rule",
    "atan(sqrt(x))": "inverse trigonometric function of a square root",
    "|x|*x": "absolute value: |x|′ = sign(x)",
    "tanh(x)^3": "power of a hyperbolic function",
    "3x^4 - 2x + 7": "sum, difference, constant multiple",
    "x^x": "general power: logarithmic differentiation",
}
OLD_LINKS = {"t_rs": old_links.SWITCH}  # the switch was written 1/0
REVEALED = f"{P}_revealed"  # (f's canonical text, how many steps are shown), stepwise only
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$:])")  # what Markdown would read as markup


def render() -> None:
    st.markdown(
        "SymPy gives a derivative, not how to find it. Here it is found as by hand: each "
        "step names the rule it applies, the part of f it acts on, and what that part's "
        "derivative becomes; derivatives still to be worked out stay written d/dx(…), "
        "and the next steps take them one by one. The last step compares the rules' "
        "result with SymPy's f′. Other letters than x are constants."
    )
    c = st.columns([3, 2])
    text = c[0].text_input(
        "f(x) =", DEFAULT_FUNCTION, MAX_LENGTH, key="t_rf",
        help="e.g. x^2 sin(x), e^(x^2)/x, ln(cos(x)), |x|·x", **BOUND,
    )  # fmt: skip
    example_picker(c[1], EXAMPLES, P)  # types into P + "f", and is keyed P + "example"
    try:
        parsed = parse(text, cached.X)
    except ExpressionError as error:
        expression_error(text, error)
        return
    st.latex(rf"f(x) = {parsed.latex}")
    stepwise = st.toggle(
        "One step at a time", key="t_rs",
        help="For a class: reveal the steps one by one, with Next step.", **BOUND,
    )  # fmt: skip
    job = cached.steps_job(parsed)
    if job.done:
        _steps(job.value(), parsed.text, stepwise)
    else:
        symbolic_jobs.when_pending([job], meanwhile="the steps appear when they are ready.")
    code_behind(("SymPy: the derivative the steps arrive at", steps_code(parsed)))


def _steps(shown, text: str, stepwise: bool) -> None:
    if shown.message:
        st.warning(shown.message, icon=":material/hourglass_disabled:")
        return
    total = len(shown.steps)
    count = total
    if stepwise:
        count = _revealed(text, total)
        b = st.columns([1, 1, 1, 3])
        b[0].button("Next step", key=f"{P}_next", on_click=_reveal, args=(text, total, count + 1),
                    disabled=count >= total, type="primary")  # fmt: skip
        b[1].button("All steps", key=f"{P}_all", on_click=_reveal, args=(text, total, total),
                    disabled=count >= total)  # fmt: skip
        b[2].button("Start over", key=f"{P}_restart", on_click=_reveal, args=(text, total, 0),
                    disabled=count == 0)  # fmt: skip
        b[3].caption(f"{count} of {total} steps shown.")
    with st.expander(f"Steps ({total})", expanded=True, icon=":material/format_list_numbered:"):
        for number, step in enumerate(shown.steps[:count], start=1):
            st.markdown(f"**{number}. {_plain(step.rule)}** — {_plain(step.explanation)}")
            st.latex(step.latex)
        if count < total:
            st.caption("The next steps are hidden: press Next step.")
    if count == total:
        st.markdown("**Result**")
        st.latex(rf"f'(x) = {shown.derivative}")


def _revealed(text: str, total: int) -> int:
    """How many steps are shown for f (a new f starts from none)."""
    shown_for, count = st.session_state.get(REVEALED, (None, 0))
    return min(count, total) if shown_for == text else 0


def _reveal(text: str, total: int, count: int) -> None:
    st.session_state[REVEALED] = (text, max(0, min(count, total)))


def _plain(text: str) -> str:
    """Text shown as it is: Markdown's markup characters escaped (u*v, |u|, x_1)."""
    return _MARKDOWN.sub(r"\\\1", text)
