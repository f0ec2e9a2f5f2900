"""Cached wrappers for the descent page (plain arguments in, core results out)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.descent.fitting import FittedView, fit_view
from core.descent.optimizers import trajectories
from core.descent.surfaces import contour_grid
from core.descent.trajectory import Trajectory
from ui.cached import parse

VARIABLES = ("x", "y")


@st.cache_data(max_entries=64, show_spinner=False)
def grid(text: str, x_range: tuple[float, float], y_range: tuple[float, float]):
    return contour_grid(parse(text, VARIABLES), x_range, y_range)


@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def paths(
    text: str, start: tuple[float, float], methods: tuple[tuple[str, tuple], ...], max_iter: int
) -> dict[str, Trajectory]:
    """Every chosen method from one start; `methods` is hashable (label, settings items)."""
    chosen = {label: dict(settings) for label, settings in methods}
    return trajectories(parse(text, VARIABLES), np.array(start), chosen, max_iter)


@st.cache_data(max_entries=64, show_spinner="Fitting the window to f…")
def fitted_view(text: str, start: tuple[float, float], rates: tuple[float, ...]) -> FittedView:
    """The window and step sizes for a typed f (core.descent.fitting)."""
    return fit_view(parse(text, VARIABLES), start, rates)
