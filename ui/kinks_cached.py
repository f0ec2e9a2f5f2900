"""Cached wrappers for the kinks, programs and interpolation page."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.kinks.gotchas import GotchaResult, run_gotcha
from core.kinks.interpolation import InterpolationView, interpolation_view
from core.kinks.jaxpr_view import JaxprReport, jaxpr_report
from core.kinks.kink_report import KinkReport, WhereTrap, kink_report, where_trap
from core.programs.parser import parse_program
from core.programs.source_writer import rewritten_source
from core.programs.worker import ProgramReport, program_report
from ui.cached import parse

PROGRAM_POINTS = 200


@st.cache_data(max_entries=128, show_spinner=False)
def kink(text: str, x0: float) -> KinkReport:
    return kink_report(parse(text), x0)


@st.cache_data(max_entries=1, show_spinner=False)
def trap() -> WhereTrap:
    return where_trap()


@st.cache_data(max_entries=64, show_spinner=False)
def interpolation(text: str, knots: int, x_range: tuple[float, float]) -> InterpolationView:
    return interpolation_view(parse(text), knots, x_range)


@st.cache_data(max_entries=64, show_spinner=False)
def jaxprs(text: str) -> JaxprReport:
    return jaxpr_report(parse(text))


@st.cache_data(max_entries=8, show_spinner=False)
def gotcha(key: str) -> GotchaResult:
    return run_gotcha(key)


@st.cache_data(max_entries=64, show_spinner=False)
def program(source: str, x_range: tuple[float, float]) -> ProgramReport:
    """The program's values and derivatives, computed in a killable worker."""
    xs = np.linspace(x_range[0], x_range[1], PROGRAM_POINTS)
    return program_report(parse_program(source), xs)


@st.cache_data(max_entries=64, show_spinner=False)
def rewritten(source: str) -> str:
    return rewritten_source(parse_program(source))
