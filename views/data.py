"""Derivatives of data: differentiate noisy samples five ways and watch the noise grow."""

from __future__ import annotations

import streamlit as st

from core import ExpressionError
from core.data.derivatives import MAX_DEGREE, MAX_SMOOTHNESS, METHODS
from core.data.figures import (
    edge_error_figure,
    estimates_figure,
    matrix_figure,
    samples_figure,
    sweep_figure,
)
from core.data.samples import MAX_CSV_BYTES, MAX_CSV_ROWS, MAX_SAMPLES, DataError
from ui import charts, data_cached, old_links
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.widgets import expression_error

SOURCES = ["A function", "A CSV file"]
GRID_LABELS = {"uniform": "Uniform", "random": "Random"}
NOISE_LEVELS = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 0.003, 0.01, 0.03, 0.1, 0.3]
DEFAULT_F = "sin(2x) + x/2"
DEFAULT_RANGE = (-3.0, 3.0)
# Every control is bound to the URL under its key (`bind="query-params"`), the names the
# page's links have always used (d_f, d_range, ...); the data source and the σ of the
# sample-count sweep, in no link before, got new ones (d_src, d_sweep). An uploaded file
# cannot travel in a link: a link to a CSV view opens on the upload box. Each value
# survives a switch to another page and back, and the function's controls survive a look
# at a CSV file ("session"): a person comes back to the data they were studying.
BOUND = {"bind": "query-params", "persist_state": "session"}


def _noise(value: float) -> str:
    return f"{value:g}"


def _order_range() -> None:
    """Before the x-range slider: a range with its ends reversed or equal, which only a
    hand-edited link gives (Streamlit reads `d_range=3&d_range=1` as it is), is ignored as
    an invalid value is: the slider goes back to its default."""
    value = st.session_state.get("d_range")
    if value is not None and not value[0] < value[1]:
        st.session_state["d_range"] = DEFAULT_RANGE


# What old links wrote differently from today's widgets: the range as "a,b" (the slider
# repeats the name), the grid by its code (the radio writes its label), the methods as
# codes "a,b" (the pills repeat their labels), the automatic smoothness as 1/0 (the
# toggle writes true/false), a noise level as any number ("1e-3", "0.0010": the select
# slider reads only its shown "0.001").
old_links.upgrade(
    {
        "d_range": old_links.PAIR,
        "d_grid": old_links.codes(GRID_LABELS),
        "d_methods": old_links.listed(METHODS),
        "d_auto": old_links.SWITCH,
        "d_noise": old_links.number_option(NOISE_LEVELS, _noise),
    }
)

st.title("Derivatives of data")
st.caption(
    "Measured data come as samples, often noisy. Differentiate them five ways and see "
    "which methods amplify the noise, which smooth it, and what happens at the ends."
)

source = st.segmented_control(
    "Data", SOURCES, default=SOURCES[0], required=True, key="d_src", **BOUND
)  # fmt: skip
if source == SOURCES[0]:
    left, right = st.columns([3, 2])
    text = left.text_input(
        "f(x) =", DEFAULT_F, max_chars=500, key="d_f", **BOUND,
        help="e.g. sin(2x) + x/2, exp(-x^2), x^3",
    )  # fmt: skip
    _order_range()
    x_range = right.slider("x-range", -10.0, 10.0, DEFAULT_RANGE, 0.1, key="d_range", **BOUND)
    if not x_range[0] < x_range[1]:
        st.rerun()  # a link's reversed or empty range: _order_range sets the default
    # The seed's column holds its largest value (10 digits) with the +/− buttons, at a
    # projector's 1024 px as well as at 1400 px: at [2, 2, 3, 1] it was clipped.
    c1, c2, c3, c4 = st.columns([2, 2, 3, 2])
    n = c1.slider("Samples n", 10, MAX_SAMPLES, 100, 10, key="d_n", **BOUND)
    grid = c2.radio("Grid", list(GRID_LABELS), format_func=GRID_LABELS.get, key="d_grid",
                    horizontal=True, help="Random: sorted, distinct, unevenly spaced",
                    **BOUND)  # fmt: skip
    noise = c3.select_slider("Noise σ (Gaussian)", NOISE_LEVELS, value=0.01, key="d_noise",
                             format_func=_noise, **BOUND)  # fmt: skip
    seed = int(c4.number_input("Seed", 0, 2**31 - 1, 0, 1, key="d_seed", **BOUND))
    try:
        parsed = parse_typed(text)
        st.session_state["d_last_good"] = parsed.text
        show_reading(parsed, left)
    except ExpressionError as error:
        expression_error(text, error)
        parsed = parse_typed(st.session_state.get("d_last_good", DEFAULT_F))
        st.caption(f"Still showing the last expression that worked: ${parsed.latex}$")
    if parsed.parameters:
        st.caption(f"Parameters {', '.join(parsed.parameters)} are set to 1 on this page.")
    x_range = (float(x_range[0]), float(x_range[1]))
else:
    upload = st.file_uploader(
        f"CSV file: two numeric columns x, y; an optional header line; at most "
        f"{MAX_CSV_BYTES // 1000} kB and {MAX_CSV_ROWS:,} rows",
        type=["csv", "txt"], key="d_file", max_upload_size=1,
    )  # fmt: skip
    if upload is None:
        st.info("Upload a file to differentiate it.", icon=":material/upload_file:")
        st.stop()

with st.container(border=True):
    chosen = st.pills(
        "Methods to compare", list(METHODS.values()), selection_mode="multi",
        default=list(METHODS.values()), key="d_methods", **BOUND,
    )  # fmt: skip
    # Two equal columns: the smoothing spline's toggle and slider share the right one, so
    # every label has the width to be read whole.
    m1, m2 = st.columns(2, gap="large")
    degree = m1.slider("Polynomial fit: degree", 1, MAX_DEGREE, 12, key="d_degree", **BOUND)
    auto = m2.toggle(
        "Smoothing spline: automatic smoothness", True, key="d_auto", **BOUND,
        help="Generalized cross-validation (GCV) chooses the smoothness from the data.",
    )  # fmt: skip
    smoothness = m2.slider(
        "Smoothing spline: smoothness", 0.0, MAX_SMOOTHNESS, 4.0, 0.5, key="d_smooth",
        disabled=auto, **BOUND,
        help="0 passes through every point; higher gives a smoother curve. Turn off the "
        "automatic choice above to set it by hand.",
    )  # fmt: skip
methods = tuple(key for key, label in METHODS.items() if label in chosen)
smoothing = None if auto else float(smoothness)

try:
    if source == SOURCES[0]:
        view = data_cached.function_estimates(
            parsed.text, n, x_range, grid, noise, seed, methods, degree, smoothing
        )
    else:
        view = data_cached.file_estimates(upload.getvalue(), methods, degree, smoothing)
except DataError as error:
    st.error(f"**Cannot use these data.** {error}", icon=":material/error:")
    st.stop()

known = view.estimates.true_derivative is not None
if view.samples.note:
    st.caption(view.samples.note)
left, right = st.columns(2)
left.markdown("**The data**")
with left:
    charts.show(samples_figure(view.samples), key="d_chart_samples")
right.markdown("**dy/dx by each method**" + (", against the true f′(x)" if known else ""))
with right:
    charts.show(estimates_figure(view.estimates), key="d_chart_estimates")
if view.estimates.notes:
    st.caption(" ".join(view.estimates.notes))
st.download_button(
    "Download the derivatives (CSV)", view.csv, file_name="derivatives.csv", mime="text/csv",
    icon=":material/download:", on_click="ignore", key="d_download",
)  # fmt: skip
if not known:
    st.info(
        "The true derivative of uploaded data is unknown, so the methods are shown side by "
        "side without errors. Sample a function to see each method's error.",
        icon=":material/info:",
    )
if not methods:
    st.info("Choose at least one method above.", icon=":material/info:")

if known and methods:
    st.subheader("Edge effects", anchor=False)
    left, right = st.columns(2)
    left.markdown("**|error| against x** (log scale)")
    with left:
        charts.show(edge_error_figure(view.estimates), key="d_chart_edges")
    right.markdown("**|error| at the first and last x against the median inside**")
    right.dataframe(
        [
            {"method": row.method, "first": f"{row.first:.1e}", "last": f"{row.last:.1e}",
             "inside": f"{row.median_interior:.1e}", "end/inside": f"{row.ratio:.0f}×"}
            for row in view.edges
        ],
        hide_index=True,
    )  # fmt: skip
    right.caption(
        "At the ends a stencil or a fit has neighbours on one side only: one-sided "
        "differences are less accurate, and polynomials and splines are least constrained."
    )

st.subheader("The finite-difference matrix D", anchor=False)
left, right = st.columns([2, 3])
with left:
    charts.show(matrix_figure(view.matrix_corner), key="d_chart_matrix")
right.markdown(
    "Differentiating sampled data is a matrix–vector product: **dy/dx ≈ D y**. Row *i* of D "
    "holds the three-point Fornberg weights of the neighbours x₍ᵢ₋₁₎, xᵢ, x₍ᵢ₊₁₎, which on a "
    "uniform grid are −1/(2h), 0, 1/(2h); the first and last rows use one-sided stencils. "
    "On any grid this is exactly `np.gradient(y, x, edge_order=2)`. The left shows the "
    "top-left 6×6 corner. Each row's weights grow like 1/h, and so does the noise they pass on."
)

if known and methods:
    st.subheader("Noise amplification", anchor=False)
    top_left, top_right = st.columns(2)
    top_left.markdown(
        f"**RMS error as the noise grows**: σ from 10⁻⁶ to 10⁻¹ on the same n = {n} samples."
    )
    top_right.markdown("**RMS error as the grid gets finer**: n from 20 to 1,000 at a fixed σ.")
    sweep_noise = top_right.select_slider(
        "σ for this sweep", NOISE_LEVELS[1:], value=1e-3, key="d_sweep", format_func=_noise,
        **BOUND,
    )  # fmt: skip
    left, right = st.columns(2)
    with left, st.spinner("Sweeping the noise level…"):
        sweeps = data_cached.noise_sweeps(
            parsed.text, methods, degree, smoothing, n, x_range, grid, seed
        )
        charts.show(sweep_figure(sweeps, "noise"), key="d_chart_noise")
        st.caption(
            "Where σ is small the error is the method's own (truncation or bias); beyond "
            "that it grows in proportion to σ, and the height of that line is how much "
            "each method amplifies noise."
        )
    with right, st.spinner("Sweeping the number of samples…"):
        sweeps = data_cached.spacing_sweeps(
            parsed.text, methods, degree, smoothing, sweep_noise, x_range, grid, seed
        )
        charts.show(sweep_figure(sweeps, "counts"), key="d_chart_counts")
        st.caption(
            "A finer grid shrinks the truncation error of "
            "a difference (like h²) but multiplies the noise (like σ/h): past some n, finite "
            "differences get worse. The dotted line is σ/(√2·h)."
        )
