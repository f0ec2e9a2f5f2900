"""The Explorer's symbolic derivatives: a readable form, and SymPy's form one click away.

SymPy's `diff` returns what its rules build (a m (a x + b)^m / (a x + b)); the readable
form is that result regrouped by a job in the SymPy workers under a hard budget
(core.engines.readable_report). Until the job is done, and for any order its budget did
not cover, the form as computed is shown, with a sentence saying so.
"""

from __future__ import annotations

import streamlit as st

from core.engines.readable_report import ReadableDerivatives
from core.engines.symbolic_queue import REFUSED
from core.explorer.latex_layout import equation
from core.figures.plotting import order_latex
from ui.symbolic_jobs import readable_derivatives, when_pending

READABLE, COMPUTED = "readable", "as computed"
FORMS = [READABLE, COMPUTED]
# The form is part of the view, so it is in the link (form=as+computed). It is drawn only
# while the symbolic derivatives are shown; meanwhile it keeps its value on this page.
FORM = "form"
MEANWHILE = "SymPy's derivatives are shown as computed meanwhile."


def _readable(job) -> ReadableDerivatives | None:
    """The job's result, or None while it runs (or if it failed: the raw form stands)."""
    if not job.done:
        return None
    try:
        return job.value()
    except Exception:  # whatever SymPy raised: the form as computed is shown instead
        return None


def render(parsed, max_order: int, computed: tuple[str, ...]) -> None:
    """The derivatives' LaTeX, readable or as computed (a control above them).

    Args:
        parsed: the page's expression.
        max_order: the highest order asked for.
        computed: SymPy's LaTeX of f, f′, … as computed (the curves' job).
    """
    form = st.segmented_control(
        "Form", FORMS, default=READABLE, required=True, key=FORM, bind="query-params",
        persist_state="page", label_visibility="collapsed",
        help="readable: SymPy's result factored and regrouped (the same function); "
        "as computed: exactly what SymPy's differentiation rules returned",
    )  # fmt: skip
    if form == COMPUTED:
        for order, latex in enumerate(computed):
            st.latex(equation(f"{order_latex(order)}(x)", latex))
        return
    job = readable_derivatives(parsed, max_order)
    result = _readable(job)
    readable = result.latex if result is not None else ()
    for order, latex in enumerate(computed):
        shown = readable[order] if order < len(readable) else latex
        st.latex(equation(f"{order_latex(order)}(x)", shown))
    if result is not None:
        if any(result.rewritten):
            st.caption(
                "Simplified for reading (factored, powers combined): the same functions as "
                "SymPy's results, one click away under “as computed”."
            )
        if result.message:
            st.caption(result.message)
    elif job.done or job.state == REFUSED:
        st.caption("Shown as computed: simplifying them was not possible right now.")
    else:
        when_pending([job], MEANWHILE)
