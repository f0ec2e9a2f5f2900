"""Cached wrappers for the kinks, programs and interpolation page."""

from __future__ import annotations

import streamlit as st

from core import parse_expression
from core.gotchas import GotchaResult, run_gotcha
from core.interpolation import InterpolationView, interpolation_view
from core.jaxpr_view import JaxprReport, jaxpr_report
from core.kinks import KinkReport, WhereTrap, kink_report, where_trap


@st.cache_data(max_entries=128, show_spinner=False)
def kink(text: str, x0: float) -> KinkReport:
    return kink_report(parse_expression(text), x0)


@st.cache_data(max_entries=1, show_spinner=False)
def trap() -> WhereTrap:
    return where_trap()


@st.cache_data(max_entries=64, show_spinner=False)
def interpolation(text: str, knots: int, x_range: tuple[float, float]) -> InterpolationView:
    return interpolation_view(parse_expression(text), knots, x_range)


@st.cache_data(max_entries=64, show_spinner=False)
def jaxprs(text: str) -> JaxprReport:
    return jaxpr_report(parse_expression(text))


@st.cache_data(max_entries=8, show_spinner=False)
def gotcha(key: str) -> GotchaResult:
    return run_gotcha(key)
