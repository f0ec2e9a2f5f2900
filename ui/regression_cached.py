"""Cached wrappers for the regression page (plain arguments in, core results out)."""

from __future__ import annotations

import streamlit as st

from core.data.samples import read_csv
from core.regression.lecture_data import (
    LectureDescent,
    lecture_closed_form,
    lecture_descent,
    quantecon_data,
    quantecon_draws,
)
from core.regression.line_fit import LinearFits, LossGrid, contour_ranges, fit_line, loss_grid
from core.regression.logistic import LogisticComparison, compare_logistic
from core.regression.many_features import ManyFeaturesFit, fit_many_features
from core.regression.per_example import PerExampleTable, per_example_table
from core.regression.polynomial import PolynomialComparison, compare_polynomial
from core.regression.samples import regression_data, simulate_curve, simulate_line, two_blobs


@st.cache_data(max_entries=64, show_spinner="Fitting…")
def line(
    n: int, alpha: float, beta: float, sigma: float, seed: int,
    step: float | None, tol: float, cap: int, stopping: str,
) -> tuple[LinearFits, LossGrid]:  # fmt: skip
    fits = fit_line(
        simulate_line(n, alpha, beta, sigma, seed), step_size=step, tol=tol,
        max_iterations=cap, stopping=stopping,
    )  # fmt: skip
    return fits, _loss_grid(fits)


@st.cache_data(max_entries=16, show_spinner="Fitting…")
def line_from_file(
    data: bytes, step: float | None, tol: float, cap: int, stopping: str
) -> tuple[LinearFits, LossGrid]:
    """Fit the (x, y) columns of an uploaded CSV (read by the data page's reader)."""
    samples = read_csv(data)
    fits = fit_line(
        regression_data(samples.x, samples.y), step_size=step, tol=tol, max_iterations=cap,
        stopping=stopping,
    )  # fmt: skip
    return fits, _loss_grid(fits)


@st.cache_data(max_entries=16, show_spinner="Fitting…")
def lecture_line(
    step: float | None, tol: float, cap: int, stopping: str
) -> tuple[LinearFits, LossGrid, tuple[float, float]]:
    """QuantEcon's lecture data fitted as the page fits a line, and the lecture's float32
    closed form (α̂, β̂)."""
    fits = fit_line(
        quantecon_data(), step_size=step, tol=tol, max_iterations=cap, stopping=stopping
    )
    return fits, _loss_grid(fits), lecture_closed_form(quantecon_draws())


@st.cache_data(max_entries=16, show_spinner="Fitting…")
def lecture_polynomial(degree: int, rule: str, cap: int) -> PolynomialComparison:
    return compare_polynomial(quantecon_data(), degree=degree, rule=rule, max_iterations=cap)


@st.cache_data(max_entries=16, show_spinner="Running the lecture's loop…")
def lecture_loop(degree: int) -> LectureDescent:
    """Where QuantEcon's own float32 `grad_descent` stops for a polynomial of `degree`."""
    return lecture_descent(quantecon_draws(), degree)


@st.cache_data(max_entries=1, show_spinner="Fitting ten features…")
def many_features() -> ManyFeaturesFit:
    return fit_many_features()


@st.cache_data(max_entries=32, show_spinner="Fitting…")
def polynomial(degree: int, sigma: float, seed: int, rule: str, cap: int) -> PolynomialComparison:
    return compare_polynomial(
        simulate_curve(sigma=sigma, seed=seed), degree=degree, rule=rule, max_iterations=cap
    )


@st.cache_data(max_entries=32, show_spinner="Fitting…")
def logistic(
    n_per_class: int, separation: float, seed: int, lam: float
) -> tuple[LogisticComparison, PerExampleTable]:
    comparison = compare_logistic(two_blobs(n_per_class, separation, 1.0, seed), lam)
    table = per_example_table(comparison.data, comparison.newton.weights[-1], lam)
    return comparison, table


def _loss_grid(fits: LinearFits) -> LossGrid:
    """The loss on an 80 × 80 grid spanning the closed form and both descent paths."""
    alpha_range, beta_range = contour_ranges(fits)
    return loss_grid(fits.data.x, fits.data.y, alpha_range, beta_range, 80)
