"""Cached wrappers for the finite-differences lab (plain arguments in, core results out)."""

from __future__ import annotations

import streamlit as st

from core.engines.finite_differences import stencil_offsets
from core.fd_lab.error_curves import Stencil, StepSweep, error_against_step, make_stencil
from core.fd_lab.stencil_view import StencilView, stencil_view
from ui.cached import parse


@st.cache_data(max_entries=128, show_spinner=False)
def sweep(text: str, x0: float, order: int, precision: str, formulas: tuple[str, ...]) -> StepSweep:
    return error_against_step(parse(text), x0, order, None, precision, formulas)


@st.cache_data(max_entries=128, show_spinner=False)
def stencil(order: int, offsets: tuple[int, ...]) -> Stencil:
    return make_stencil(order, offsets)


@st.cache_data(max_entries=128, show_spinner=False)
def view(
    text: str, x0: float, order: int, scheme: str, accuracy: int, h: float
) -> tuple[Stencil, StencilView]:
    offsets = stencil_offsets(order, scheme, accuracy)
    return stencil_view(parse(text), x0, offsets, order, h)
