"""Cached wrappers for the Explorer's tangent, secant and Taylor sections.

All derivatives at x0 come from one Taylor-mode pass (`coefficients`), shared by the
secant's f′(x0), f″(x0) and every degree of T_n; the rest is NumPy on the page's grid.
Equal requests from any session share one bounded entry.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.explorer.derivatives import grid
from core.explorer.tangents import (
    MAX_DEGREE,
    SecantView,
    TaylorView,
    numpy_function,
    secant_slopes,
    secant_view,
    taylor_view,
)
from core.teaching.taylor import taylor_polynomial
from ui.cached import parse


@st.cache_data(max_entries=1024, show_spinner=False)  # 11 floats each
def coefficients(text: str, x0: float, params: tuple) -> np.ndarray:
    """c_0..c_10 of f at x0: one jet pass gives the tangent, f″ and every T_n."""
    return taylor_polynomial(parse(text), x0, MAX_DEGREE, dict(params))


@st.cache_data(max_entries=512, show_spinner=False)  # about 5 kB each
def secant(text: str, x0: float, h: float, params: tuple) -> SecantView:
    return secant_view(parse(text), x0, h, dict(params), coefficients(text, x0, params))


@st.cache_data(max_entries=512, show_spinner=False)
def slopes_at(text: str, x0: float, steps: tuple, params: tuple) -> np.ndarray:
    """The secant slope at each of `steps` (the Shrink h table)."""
    return secant_slopes(numpy_function(parse(text), dict(params)), x0, steps)


@st.cache_data(max_entries=128, show_spinner=False)  # about 16 kB each
def function_on_grid(text: str, x_range: tuple, params: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The page's grid and f on it, in NumPy (nan outside the domain)."""
    xs = grid(x_range)
    return xs, numpy_function(parse(text), dict(params))(xs)


@st.cache_data(max_entries=256, show_spinner=False)  # about 40 kB each
def taylor(
    text: str, x0: float, degree: int, tolerance: float, x_range: tuple, params: tuple
) -> TaylorView:
    return taylor_view(
        parse(text), x0, degree, tolerance, x_range, dict(params),
        coefficients(text, x0, params),
    )  # fmt: skip
