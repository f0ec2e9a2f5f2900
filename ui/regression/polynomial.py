"""Tab: a polynomial fitted by descent on raw and on scaled features: the Vandermonde
matrix's conditioning decides how far descent gets.

Every control is bound to the URL under its key (`r_...`, the names links used before).
"""

from __future__ import annotations

import streamlit as st

from core.regression.figures import polynomial_figure, polynomial_loss_figure
from ui import charts, instructor, old_links
from ui import regression_cached as cached
from ui.regression.rows import result_row

DATA = {"curve": "simulated cubic", "quantecon": "QuantEcon's lecture data"}
RULES = {"fixed": "fixed 1/L", "bb": "Barzilai–Borwein"}
BOUND = {"bind": "query-params"}
# Links written before the controls were bound named these options by their codes.
OLD_LINKS = {"r_pdata": old_links.codes(DATA), "r_rule": old_links.codes(RULES)}


def render() -> None:
    """The polynomial tab's controls, fits, charts, table and the lecture's own loop."""
    data = st.radio(
        "Data", list(DATA), key="r_pdata", horizontal=True, format_func=DATA.get, **BOUND
    )
    c = st.columns(4)
    degree = c[0].slider("Degree k", 1, 12, 3, key="r_deg", **BOUND)
    sigma = c[1].slider(
        "Noise σ", 0.0, 3.0, 0.5, 0.1, key="r_psigma", disabled=data != "curve", **BOUND
    )
    rule = c[2].radio(
        "Step rule", list(RULES), key="r_rule", horizontal=True, format_func=RULES.get, **BOUND
    )
    cap = c[3].slider("Iteration cap", 100, 10_000, 2000, key="r_pcap", **BOUND)
    if data == "quantecon":
        comparison = cached.lecture_polynomial(degree, rule, cap)
    else:
        comparison = cached.polynomial(degree, sigma, 0, rule, cap)
    left, right = st.columns(2)
    with left:
        charts.show(polynomial_figure(comparison), key="regression_chart_polynomial")
    with right:
        charts.show(polynomial_loss_figure(comparison), key="regression_chart_polynomial_loss")
    k = comparison.conditioning
    st.markdown(
        f"Condition number of the Vandermonde matrix: **{k.raw_vandermonde:.2e}** on raw x, "
        f"**{k.scaled_vandermonde:.2e}** on x scaled to [−1, 1] (normal equations: "
        f"{k.raw_normal:.2e} against {k.scaled_normal:.2e}). Gradient descent needs about "
        "κ steps: on raw features it stalls; scaling the features is the fix."
    )
    instructor.table(
        [result_row(f"descent on {fit.features} x", fit.descent)
         for fit in (comparison.raw, comparison.scaled)],
        hide_index=True,
    )  # fmt: skip
    for fit in (comparison.raw, comparison.scaled):
        if fit.reference_warning:
            st.caption(f"np.polyfit on {fit.features} x warned: {fit.reference_warning}")
    if data == "quantecon":
        _show_lecture_loop(degree, comparison)


def _show_lecture_loop(degree: int, comparison) -> None:
    loop = cached.lecture_loop(degree)
    shown = ", ".join(f"{c:.4g}" for c in loop.coefficients).replace("-", "−")
    st.caption(
        "The lecture's own loop (float32; first step 0.1, then Barzilai–Borwein; it stops "
        f"when no coefficient moves by more than 1e-5) stops after {loop.iterations} steps "
        f"at ({shown}), highest power first; np.polyfit on raw x: ("
        + ", ".join(f"{c:.4g}" for c in comparison.raw.reference).replace("-", "−")
        + "). A small step is not a small gradient."
    )
