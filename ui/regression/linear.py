"""Tab: a line fitted by fixed steps and Barzilai–Borwein, against the closed form; and ten
features fitted by descent against the pseudo-inverse.

Every control is bound to the URL under its key (`r_...`, the names links used before).
"""

from __future__ import annotations

import streamlit as st

from core.regression.figures import line_fit_figure, loss_history_figure, loss_path_figure
from ui import charts, instructor, old_links
from ui import regression_cached as cached
from ui.regression.rows import result_row

STEPS = ["auto (1/L)"] + [f"{v:g}" for v in (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)]
TOLERANCES = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]
SOURCES = {  # option -> as shown (and as the link writes it)
    "simulated": "simulated y = αx + β + σε",
    "quantecon": "QuantEcon's lecture data",
    "a CSV file": "a CSV file",
}
STOPPING = {"gradient": "‖∇L‖ < tol", "relative_loss": "ΔL/L < tol"}
BOUND = {"bind": "query-params"}
# Links written before the controls were bound named options by their codes, the automatic
# step as "auto", the switch as 1/0. A tolerance is written as Python prints it, as before;
# the old reader also took any number equal to one ("1e-6"), so the converter does too.
OLD_LINKS = {
    "r_data": old_links.codes(SOURCES),
    "r_step": old_links.codes({"auto": STEPS[0]}),
    "r_stop": old_links.codes(STOPPING),
    "r_tol": old_links.number_option(TOLERANCES, str),
    "r_many": old_links.SWITCH,
}


def render() -> None:
    """The linear tab's controls, fits, charts and table (an uploaded file cannot travel
    in a link: a link to the CSV view opens it asking for the file)."""
    source = st.radio(
        "Data", list(SOURCES), key="r_data", horizontal=True, format_func=SOURCES.get, **BOUND
    )
    upload = None
    if source == "a CSV file":
        upload = st.file_uploader(
            "Two numeric columns x, y (an optional header line)", type=["csv", "txt"],
            key="regression_file",
        )  # fmt: skip
    c = st.columns(5)
    fixed = source != "simulated"  # the sliders draw the simulated data only
    n = c[0].slider("Samples n", 5, 500, 50, key="r_n", disabled=fixed, **BOUND)
    alpha = c[1].slider("Slope α", -5.0, 5.0, 2.0, 0.1, key="r_alpha", disabled=fixed, **BOUND)
    beta = c[2].slider("Intercept β", -5.0, 5.0, -1.0, 0.1, key="r_beta", disabled=fixed, **BOUND)
    sigma = c[3].slider("Noise σ", 0.0, 5.0, 1.0, 0.1, key="r_sigma", disabled=fixed, **BOUND)
    seed = c[4].number_input("Seed", 0, 10_000, 0, 1, key="r_seed", disabled=fixed, **BOUND)
    d = st.columns(4)
    step_text = d[0].select_slider("Fixed step", STEPS, STEPS[0], key="r_step", **BOUND)
    stopping = d[1].radio(
        "Stop when", list(STOPPING), key="r_stop", horizontal=True, format_func=STOPPING.get,
        **BOUND,
    )  # fmt: skip
    tol = d[2].select_slider("Tolerance", TOLERANCES, 1e-8, key="r_tol", **BOUND)
    cap = d[3].slider("Iteration cap", 10, 10_000, 2000, key="r_cap", **BOUND)
    step = None if step_text.startswith("auto") else float(step_text)
    fits = lecture = None
    if source == "simulated":
        fits, grid = cached.line(n, alpha, beta, sigma, int(seed), step, tol, cap, stopping)
    elif source == "quantecon":
        fits, grid, lecture = cached.lecture_line(step, tol, cap, stopping)
    elif upload is None:
        st.info("Upload a CSV file with two numeric columns to fit a line to it.")
    else:
        try:
            fits, grid = cached.line_from_file(upload.getvalue(), step, tol, cap, stopping)
        except ValueError as error:  # DataError is a ValueError with one clear sentence
            st.error(str(error), icon=":material/error:")
    if fits is not None:
        _show_fits(fits, grid, lecture)
    if st.toggle("Ten features: descent against the pseudo-inverse", key="r_many", **BOUND):
        _show_many_features()


def _show_fits(fits, grid, lecture: tuple[float, float] | None) -> None:
    left, right = st.columns(2)
    with left:
        charts.show(line_fit_figure(fits), key="regression_chart_line")
    with right:
        charts.show(loss_path_figure(fits, grid), key="regression_chart_line_path")
    charts.show(loss_history_figure(fits), key="regression_chart_line_loss")
    instructor.table(
        [result_row("fixed step", fits.fixed), result_row("Barzilai–Borwein", fits.bb)],
        hide_index=True,
    )
    for name, result in (("Fixed step", fits.fixed), ("Barzilai–Borwein", fits.bb)):
        (st.success if result.converged else st.warning)(f"{name}: {result.message}")
    st.caption(
        f"Closed form (`lstsq`): α̂ = {fits.closed_form[0]:.6g}, β̂ = {fits.closed_form[1]:.6g}. "
        f"The loss's curvature bound L = {fits.lipschitz:.3g}: a fixed step above 2/L diverges."
    )
    if lecture is not None:
        st.caption(
            "QuantEcon's data: n = 100 from `jax.random.PRNGKey(1234)` in float32 with "
            "α = 0.5, β = 1, σ = 0.1, drawn with JAX's older random bits "
            "(`jax_threefry_partitionable=False`), as the lecture's printout was. Its "
            f"float32 formula gives α̂ = {lecture[0]:.8g}, β̂ = {lecture[1]:.8g} (printed: "
            "0.45994443, 1.0219053); Barzilai–Borwein here, in float64: "
            f"α̂ = {fits.bb.path[-1][0]:.8g}, β̂ = {fits.bb.path[-1][1]:.8g}."
        )


def _show_many_features() -> None:
    many = cached.many_features()
    weights = zip(many.truth, many.pinv, many.descent.path[-1], strict=True)
    instructor.table(
        [{"weight": f"w{k + 1}", "true": f"{t:.6f}", "np.linalg.pinv": f"{p:.6f}",
          "gradient descent": f"{g:.6f}"} for k, (t, p, g) in enumerate(weights)],
        hide_index=True,
    )  # fmt: skip
    st.caption(
        f"y = Xw + 0.1ε with X 100 × 10, fitted from w = 0 by fixed steps 1/L: "
        f"{many.descent.message} Relative difference to pinv: "
        f"{many.relative_difference:.1e} (Colin Carroll's autograd post: within 0.1 %)."
    )
