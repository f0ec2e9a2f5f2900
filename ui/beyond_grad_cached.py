"""Cached wrappers for the Beyond grad page: plain arguments in, core results out.

Equal requests from any session share one entry; the caches are bounded. SymPy's part
(the expression-swell table) goes through the server's job queue and never holds a page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.beyond_grad import custom_rules, inverse, per_example, root_comparison
from core.beyond_grad import fixed_point_views as fixed
from core.beyond_grad import has_aux as aux
from core.beyond_grad import stop_gradient as stop
from core.beyond_grad import straight_through as ste
from core.beyond_grad.swell import expression_swell
from ui import symbolic_jobs
from ui.cached import parse

ROOT_NAMES = ("x", "a")
FIXED_NAMES = ("z", "a")  # z = f(a, z): the unknown z, the parameter a


@st.cache_data(max_entries=256, show_spinner=False)
def custom_jvp(x: float, y: float, direction: tuple) -> custom_rules.CustomJvp:
    return custom_rules.lecture_custom_jvp(x, y, direction)


@st.cache_data(max_entries=4, show_spinner=False)
def softplus(dtype: str) -> custom_rules.SoftplusComparison:
    return custom_rules.softplus_gradients(dtype)


@st.cache_data(max_entries=1024, show_spinner=False)
def td_update(theta: tuple, s_prev: tuple, r: float, s: tuple) -> stop.TDUpdate:
    return stop.td_update(theta, s_prev, r, s)


@st.cache_data(max_entries=1024, show_spinner=False)
def quantiser(w: tuple, y: tuple) -> ste.Quantiser:
    return ste.quantiser(w, y)


@st.cache_data(max_entries=1, show_spinner=False)
def rounding() -> ste.RoundingPicture:
    return ste.rounding_picture()


@st.cache_data(max_entries=256, show_spinner=False)
def root_report(text: str, value: float, bracket: tuple) -> root_comparison.RootReport:
    return root_comparison.root_report(parse(text, ROOT_NAMES), "x", "a", value, bracket)


@st.cache_data(max_entries=256, show_spinner=False)
def root_curve(text: str, value: float, bracket: tuple) -> root_comparison.RootCurve:
    return root_comparison.root_curve(parse(text, ROOT_NAMES), "x", "a", value, bracket)


@st.cache_data(max_entries=256, show_spinner=False)
def fixed_point_report(text: str, value: float, start: float, steps: int) -> fixed.FixedPointReport:
    parsed = parse(text, FIXED_NAMES)
    return fixed.fixed_point_report(parsed, "z", "a", value, start, steps=steps)


@st.cache_data(max_entries=256, show_spinner=False)
def fixed_point_iterates(text: str, value: float, start: float, steps: int) -> tuple:
    """(plain iterates, Anderson's iterates): where each went when no fixed point was found."""
    parsed = parse(text, FIXED_NAMES)
    return (
        fixed.plain_iterates(parsed, "z", "a", value, start, steps=steps),
        fixed.anderson_iterates(parsed, "z", "a", value, start),
    )


@st.cache_data(max_entries=256, show_spinner=False)
def inverse_derivative(A: tuple, dA: tuple) -> inverse.InverseDerivative:
    return inverse.inverse_derivative(np.reshape(A, (2, 2)), np.reshape(dA, (2, 2)))


@st.cache_data(max_entries=256, show_spinner=False)
def has_aux(x: float, y: float) -> aux.AuxResult:
    return aux.lecture_has_aux(x, y)


@st.cache_data(max_entries=256, show_spinner=False)
def per_example_gradients(w: tuple, x0: tuple) -> np.ndarray:
    return per_example.lecture_per_example(w, x0)


@st.cache_data(max_entries=1, show_spinner=False)
def logistic_hessians() -> per_example.HessianCheck:
    return per_example.logistic_hessian_check(*per_example.sample_logistic_data())


def swell_job(parsed, max_order: int) -> symbolic_jobs.Job:
    """SymPy's and JAX's sizes of f's derivatives: a job shared by every session."""
    key = ("swell", parsed.text, max_order)
    return symbolic_jobs.submit_small(
        "swell", key, expression_swell, parsed, max_order,
    )  # fmt: skip
