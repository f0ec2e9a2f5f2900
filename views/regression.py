"""Regression: linear, polynomial and logistic fits driven by JAX gradients."""

from __future__ import annotations

import streamlit as st

from core.regression.figures import (
    line_fit_figure,
    logistic_figure,
    logistic_loss_figure,
    loss_history_figure,
    loss_path_figure,
    per_example_table_figure,
    polynomial_figure,
    polynomial_loss_figure,
)
from ui import charts, instructor, url_state
from ui import regression_cached as cached
from ui.animation import animate

P = "regression_"
STEPS = ["auto (1/L)"] + [f"{v:g}" for v in (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)]
TOLERANCES = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]
PENALTIES = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
SOURCES = {
    "simulated": "simulated y = αx + β + σε",
    "quantecon": "QuantEcon's lecture data",
    "a CSV file": "a CSV file",
}
POLY_DATA = {"curve": "simulated cubic", "quantecon": "QuantEcon's lecture data"}
TABS = {  # URL code -> tab label
    "linear": ":material/trending_up: Linear",
    "polynomial": ":material/ssid_chart: Polynomial",
    "logistic": ":material/scatter_plot: Logistic",
}
STEP_CODES = {"auto": STEPS[0], **{text: text for text in STEPS[1:]}}
ANIMATED = {"newton": "newton", "gd": "gradient descent"}
DEFAULTS = {
    f"{P}tab": TABS["linear"],
    f"{P}source": "simulated",
    f"{P}n": 50,
    f"{P}alpha": 2.0,
    f"{P}beta": -1.0,
    f"{P}sigma": 1.0,
    f"{P}seed": 0,
    f"{P}step": STEPS[0],
    f"{P}stopping": "gradient",
    f"{P}tol": 1e-8,
    f"{P}cap": 2000,
    f"{P}degree": 3,
    f"{P}poly_sigma": 0.5,
    f"{P}rule": "fixed",
    f"{P}poly_cap": 2000,
    f"{P}per_class": 40,
    f"{P}separation": 3.0,
    f"{P}lam": 1e-3,
    f"{P}method": "newton",
    f"{P}poly_data": "curve",
    f"{P}many": False,
}


def _field(query: str, key: str, read, write=str) -> url_state.Field:
    return url_state.Field(query, f"{P}{key}", read, write)


def _number(query: str, key: str, low: float, high: float, step: float) -> url_state.Field:
    return _field(query, key, url_state.number_between(low, high, step), url_state.write_number)


# The view in the link: the open tab and every tab's inputs, each only where it differs from
# its default (an uploaded file cannot travel in a link: a CSV view opens on simulated data).
FIELDS = [
    _field("r_tab", "tab", url_state.label_of(TABS), url_state.write_label(TABS)),
    _field("r_data", "source", url_state.one_of(["simulated", "quantecon"])),
    _field("r_n", "n", url_state.integer_between(5, 500)),
    _number("r_alpha", "alpha", -5.0, 5.0, 0.1),
    _number("r_beta", "beta", -5.0, 5.0, 0.1),
    _number("r_sigma", "sigma", 0.0, 5.0, 0.1),
    _field("r_seed", "seed", url_state.integer_between(0, 10_000)),
    _field("r_step", "step", url_state.label_of(STEP_CODES), url_state.write_label(STEP_CODES)),
    _field("r_stop", "stopping", url_state.one_of(["gradient", "relative_loss"])),
    _field("r_tol", "tol", url_state.number_in(TOLERANCES), url_state.write_number),
    _field("r_cap", "cap", url_state.integer_between(10, 10_000)),
    _field("r_deg", "degree", url_state.integer_between(1, 12)),
    _number("r_psigma", "poly_sigma", 0.0, 3.0, 0.1),
    _field("r_rule", "rule", url_state.one_of(["fixed", "bb"])),
    _field("r_pcap", "poly_cap", url_state.integer_between(100, 10_000)),
    _field("r_per", "per_class", url_state.integer_between(5, 200)),
    _number("r_sep", "separation", 0.0, 6.0, 0.25),
    _field("r_lam", "lam", url_state.number_in(PENALTIES), url_state.write_number),
    _field("r_anim", "method", url_state.label_of(ANIMATED), url_state.write_label(ANIMATED)),
    _field("r_pdata", "poly_data", url_state.one_of(list(POLY_DATA))),
    _field("r_many", "many", url_state.switch, url_state.write_switch),
]
url_state.restore("regression", FIELDS, DEFAULTS)


def _result_row(name: str, result) -> dict:
    return {
        "method": name,
        "iterations": result.iterations,
        "final loss": f"{result.final_loss:.6g}",
        "distance to the exact answer": f"{result.distance:.2e}",
        "converged": "yes" if result.converged else "no",
    }


st.title("Regression")
st.caption(
    "Fitting a model is minimising a loss. Here the gradient of each loss comes from "
    "`jax.grad`, and simple descent methods race the closed-form or library answer."
)
# The open tab is state (on_change="rerun") so that a link can reopen it; every tab still runs.
linear_tab, polynomial_tab, logistic_tab = st.tabs(
    list(TABS.values()), key=f"{P}tab", on_change="rerun"
)

with linear_tab:
    source = st.radio(
        "Data", list(SOURCES), key=f"{P}source", horizontal=True, format_func=SOURCES.get
    )
    upload = None
    if source == "a CSV file":
        upload = st.file_uploader(
            "Two numeric columns x, y (an optional header line)", type=["csv", "txt"],
            key=f"{P}file",
        )  # fmt: skip
    c = st.columns(5)
    fixed = source != "simulated"  # the sliders draw the simulated data only
    n = c[0].slider("Samples n", 5, 500, key=f"{P}n", disabled=fixed)
    alpha = c[1].slider("Slope α", -5.0, 5.0, step=0.1, key=f"{P}alpha", disabled=fixed)
    beta = c[2].slider("Intercept β", -5.0, 5.0, step=0.1, key=f"{P}beta", disabled=fixed)
    sigma = c[3].slider("Noise σ", 0.0, 5.0, step=0.1, key=f"{P}sigma", disabled=fixed)
    seed = c[4].number_input("Seed", 0, 10_000, step=1, key=f"{P}seed", disabled=fixed)
    d = st.columns(4)
    step_text = d[0].select_slider("Fixed step", STEPS, key=f"{P}step")
    stopping = d[1].radio(
        "Stop when", ["gradient", "relative_loss"], key=f"{P}stopping", horizontal=True,
        format_func={"gradient": "‖∇L‖ < tol", "relative_loss": "ΔL/L < tol"}.get,
    )  # fmt: skip
    tol = d[2].select_slider("Tolerance", TOLERANCES, key=f"{P}tol")
    cap = d[3].slider("Iteration cap", 10, 10_000, key=f"{P}cap")
    step = None if step_text.startswith("auto") else float(step_text)
    fits = None
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
with linear_tab:
    if fits is not None:
        left, right = st.columns(2)
        with left:
            charts.show(line_fit_figure(fits), key=f"{P}chart_line")
        with right:
            charts.show(loss_path_figure(fits, grid), key=f"{P}chart_line_path")
        charts.show(loss_history_figure(fits), key=f"{P}chart_line_loss")
        instructor.table(
            [_result_row("fixed step", fits.fixed), _result_row("Barzilai–Borwein", fits.bb)],
            hide_index=True,
        )
        for name, result in (("Fixed step", fits.fixed), ("Barzilai–Borwein", fits.bb)):
            (st.success if result.converged else st.warning)(f"{name}: {result.message}")
        st.caption(
            f"Closed form (`lstsq`): α̂ = {fits.closed_form[0]:.6g}, β̂ = {fits.closed_form[1]:.6g}. "
            f"The loss's curvature bound L = {fits.lipschitz:.3g}: a fixed step above 2/L diverges."
        )
        if source == "quantecon":
            st.caption(
                "QuantEcon's data: n = 100 from `jax.random.PRNGKey(1234)` in float32 with "
                "α = 0.5, β = 1, σ = 0.1, drawn with JAX's older random bits "
                "(`jax_threefry_partitionable=False`), as the lecture's printout was. Its "
                f"float32 formula gives α̂ = {lecture[0]:.8g}, β̂ = {lecture[1]:.8g} (printed: "
                "0.45994443, 1.0219053); Barzilai–Borwein here, in float64: "
                f"α̂ = {fits.bb.path[-1][0]:.8g}, β̂ = {fits.bb.path[-1][1]:.8g}."
            )
    if st.toggle("Ten features: descent against the pseudo-inverse", key=f"{P}many"):
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

with polynomial_tab:
    poly_data = st.radio(
        "Data", list(POLY_DATA), key=f"{P}poly_data", horizontal=True, format_func=POLY_DATA.get
    )
    c = st.columns(4)
    degree = c[0].slider("Degree k", 1, 12, key=f"{P}degree")
    poly_sigma = c[1].slider(
        "Noise σ", 0.0, 3.0, step=0.1, key=f"{P}poly_sigma", disabled=poly_data != "curve"
    )
    rule = c[2].radio(
        "Step rule", ["fixed", "bb"], key=f"{P}rule", horizontal=True,
        format_func={"fixed": "fixed 1/L", "bb": "Barzilai–Borwein"}.get,
    )  # fmt: skip
    poly_cap = c[3].slider("Iteration cap", 100, 10_000, key=f"{P}poly_cap")
    if poly_data == "quantecon":
        comparison = cached.lecture_polynomial(degree, rule, poly_cap)
    else:
        comparison = cached.polynomial(degree, poly_sigma, 0, rule, poly_cap)
    left, right = st.columns(2)
    with left:
        charts.show(polynomial_figure(comparison), key=f"{P}chart_polynomial")
    with right:
        charts.show(polynomial_loss_figure(comparison), key=f"{P}chart_polynomial_loss")
    k = comparison.conditioning
    st.markdown(
        f"Condition number of the Vandermonde matrix: **{k.raw_vandermonde:.2e}** on raw x, "
        f"**{k.scaled_vandermonde:.2e}** on x scaled to [−1, 1] (normal equations: "
        f"{k.raw_normal:.2e} against {k.scaled_normal:.2e}). Gradient descent needs about "
        "κ steps: on raw features it stalls; scaling the features is the fix."
    )
    instructor.table(
        [_result_row(f"descent on {fit.features} x", fit.descent)
         for fit in (comparison.raw, comparison.scaled)],
        hide_index=True,
    )  # fmt: skip
    for fit in (comparison.raw, comparison.scaled):
        if fit.reference_warning:
            st.caption(f"np.polyfit on {fit.features} x warned: {fit.reference_warning}")
    if poly_data == "quantecon":
        loop = cached.lecture_loop(degree)
        shown = ", ".join(f"{c:.4g}" for c in loop.coefficients).replace("-", "−")
        st.caption(
            "The lecture's own loop (float32; first step 0.1, then Barzilai–Borwein; it stops "
            f"when no coefficient moves by more than 1e-5) stops after {loop.iterations} steps "
            f"at ({shown}), highest power first; np.polyfit on raw x: ("
            + ", ".join(f"{c:.4g}" for c in comparison.raw.reference).replace("-", "−")
            + "). A small step is not a small gradient."
        )

with logistic_tab:
    c = st.columns(4)
    per_class = c[0].slider("Points per class", 5, 200, key=f"{P}per_class")
    separation = c[1].slider("Separation", 0.0, 6.0, step=0.25, key=f"{P}separation")
    lam = c[2].select_slider("L2 penalty λ", PENALTIES, key=f"{P}lam")
    method = c[3].radio("Animate", list(ANIMATED.values()), key=f"{P}method", horizontal=True)
    url_state.save(FIELDS, defaults=DEFAULTS)  # after the last control of the last tab
    logistic, table = cached.logistic(per_class, separation, 0, lam)
    fit = logistic.newton if method == "newton" else logistic.gradient_descent

    def render(step: int) -> None:
        left, right = st.columns(2)
        with left:
            charts.show(logistic_figure(logistic, step, method), key=f"{P}chart_logistic")
        with right:
            charts.show(logistic_loss_figure(logistic), key=f"{P}chart_logistic_loss")

    animate(f"{P}logistic", fit.iterations, render, stride=max(1, fit.iterations // 40))
    instructor.table(
        [
            {"method": f.method, "iterations": f.iterations, "final loss": f"{f.final_loss:.8g}",
             "distance to BFGS": f"{f.distance:.2e}", "converged": "yes" if f.converged else "no"}
            for f in (logistic.newton, logistic.gradient_descent)
        ]
        + [{"method": "scipy BFGS (exact gradient)", "iterations": logistic.bfgs.iterations,
            "final loss": f"{logistic.bfgs.loss:.8g}", "distance to BFGS": "—",
            "converged": "yes" if logistic.bfgs.success else "no"}],
        hide_index=True,
    )  # fmt: skip
    st.markdown(
        "**Per-example gradients** — `jax.vmap(jax.grad(loss_of_one_example))` gives one "
        "gradient per point in one call; their mean is the full gradient."
    )
    charts.show(per_example_table_figure(table), key=f"{P}chart_per_example")
    st.page_link(
        "views/beyond_grad.py", label="More on per-example gradients and Hessians: Beyond grad",
        icon=":material/alt_route:", query_params={"b_s": "per_example"},
    )  # fmt: skip
