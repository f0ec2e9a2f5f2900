"""Cached wrappers for the kinks, programs and interpolation page."""

from __future__ import annotations

import streamlit as st

from core import parse_expression
from core.kinks import KinkReport, WhereTrap, kink_report, where_trap


@st.cache_data(max_entries=128, show_spinner=False)
def kink(text: str, x0: float) -> KinkReport:
    return kink_report(parse_expression(text), x0)


@st.cache_data(max_entries=1, show_spinner=False)
def trap() -> WhereTrap:
    return where_trap()
