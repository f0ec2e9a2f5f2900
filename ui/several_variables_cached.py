"""Cached wrappers for the Several variables page: plain arguments in, core results out.

Every wrapper takes canonical text (a parsed function's `.text`) and tuples of floats, so
equal requests from any session share one entry; the caches are bounded. SymPy's part
goes through the server's job queue (ui.symbolic_jobs) and never holds a page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.several_variables import (
    change_of_variables,
    directional,
    fields,
    hvp_cost,
    hvp_newton,
    jacobian_modes,
    linear_maps,
    maps,
    second_derivative_test,
    sparse_comparison,
    stationary,
)
from core.several_variables.derivatives import hessian, jacobian
from core.several_variables.hessian_vector import hessian_vector_product
from core.several_variables.symbolic_partials import symbolic_jacobian, symbolic_partials
from ui import symbolic_jobs
from ui.cached import parse, parse_vector

XY = ("x", "y")
XYZ = ("x", "y", "z")
UV = maps.VARIABLES
U = ("u",)  # the variable of g(u) in the sparse Jacobians section


@st.cache_data(max_entries=64, show_spinner=False)  # about 100 kB each
def gradient_field(text: str, x_range: tuple, y_range: tuple) -> fields.GradientField:
    return fields.gradient_field(parse(text, XY), x_range, y_range)


@st.cache_data(max_entries=1024, show_spinner=False)
def partials_at(text: str, variables: tuple[str, ...], point: tuple) -> fields.PointPartials:
    return fields.partials_at(parse(text, variables), np.array(point))


@st.cache_data(max_entries=1024, show_spinner=False)
def directional_derivative(
    text: str, point: tuple, direction: tuple
) -> directional.DirectionalDerivative:
    return directional.directional_derivative(parse(text, XY), np.array(point), np.array(direction))


@st.cache_data(max_entries=256, show_spinner=False)
def tangent_plane(text: str, point: tuple, x_range: tuple, y_range: tuple):
    return directional.tangent_plane(parse(text, XY), np.array(point), x_range, y_range)


@st.cache_data(max_entries=256, show_spinner=False)
def directional_slice(text: str, point: tuple, unit: tuple, half_width: float):
    return directional.directional_slice(
        parse(text, XY), np.array(point), np.array(unit), half_width
    )


@st.cache_data(max_entries=1024, show_spinner=False)
def jacobians(text: str, point: tuple) -> tuple[np.ndarray, np.ndarray]:
    """J by forward mode and by reverse mode."""
    vector = parse_vector(text, XY)
    return jacobian(vector, point, "forward"), jacobian(vector, point, "reverse")


TIMING_POINT = (0.5, 0.5)  # one timing per function, wherever its point is (~0.3 s of a core)


@st.cache_data(max_entries=64, show_spinner="Timing forward and reverse mode…")
def mode_timings(text: str) -> list[jacobian_modes.ModeTiming]:
    return jacobian_modes.mode_timings(parse_vector(text, XY), np.array(TIMING_POINT))


@st.cache_data(max_entries=1024, show_spinner=False)
def push_and_pull(text: str, point: tuple, tangent: tuple, cotangent: tuple):
    vector = parse_vector(text, XY)
    return linear_maps.push_and_pull(
        vector, np.array(point), np.array(tangent), np.array(cotangent)
    )


@st.cache_data(max_entries=256, show_spinner=False)
def circle_image(text: str, point: tuple, radius: float) -> linear_maps.CircleImage:
    return linear_maps.circle_image(parse_vector(text, XY), np.array(point), radius)


@st.cache_data(max_entries=1024, show_spinner=False)
def hessian_report(text: str, point: tuple) -> second_derivative_test.HessianReport:
    return second_derivative_test.hessian_report(parse(text, XY), np.array(point))


@st.cache_data(max_entries=64, show_spinner="Searching for stationary points…")
def stationary_points(text: str, x_range: tuple, y_range: tuple) -> stationary.StationarySearch:
    return stationary.stationary_points(parse(text, XY), x_range, y_range)


@st.cache_data(max_entries=256, show_spinner=False)
def hessian_at(text: str, variables: tuple[str, ...], point: tuple) -> np.ndarray:
    return hessian(parse(text, variables), np.array(point))


@st.cache_data(max_entries=128, show_spinner="Integrating…")
def change_of_variables_view(text: str, u_range: tuple, v_range: tuple):
    """What the change-of-variables section draws for a map and a box (not the point, so
    moving it costs one determinant); a ValueError is returned, not raised, so an
    integral that does not converge is cached as one sentence."""
    mapping = parse_vector(text, UV)
    try:
        return {
            "area": change_of_variables.area_by_change_of_variables(mapping, u_range, v_range),
            "boundary": change_of_variables.boundary_area(mapping, u_range, v_range),
            "image": maps.grid_image(mapping, u_range, v_range),
            "determinants": maps.determinant_grid(mapping, u_range, v_range),
        }
    except ValueError as error:
        return str(error)


@st.cache_data(max_entries=1024, show_spinner=False)
def jacobian_determinant(text: str, point: tuple) -> float:
    return maps.jacobian_determinant(parse_vector(text, UV), np.array(point))


@st.cache_data(max_entries=8, show_spinner=False)
def disc_area(radius: float) -> change_of_variables.Integral:
    return change_of_variables.disc_area_in_xy(radius)


# -- sparse Jacobians and Hessian-vector products ------------------------------------------
# Keyed by (residual, canonical g, n) with n from a fixed set, so every visitor of one view
# shares one entry; a view is ~100 kB (the drawn blocks, not the 50 MB matrix).


@st.cache_data(max_entries=32, show_spinner="Colouring the Jacobian's columns…")
def sparse_view(residual: str, g_text: str, n: int) -> sparse_comparison.SparseView:
    return sparse_comparison.sparse_view(residual, parse(g_text, U), n)


@st.cache_data(max_entries=64, show_spinner="Timing the three ways on this server…")
def sparse_timing(residual: str, g_text: str, n: int) -> sparse_comparison.JacobianTiming:
    """Measured once per (residual, g, n): up to ~4 s of a core at n = 2,500."""
    return sparse_comparison.jacobian_timing(residual, parse(g_text, U), n)


def sparse_timings(residual: str, g_text: str, n: int) -> list[sparse_comparison.JacobianTiming]:
    """The timings of every offered size up to n (each its own cache entry)."""
    sizes = sparse_comparison.SIZES[residual]
    return [sparse_timing(residual, g_text, size) for size in sizes if size <= n]


@st.cache_data(max_entries=256, show_spinner=False)
def hessian_times_vector(text: str, point: tuple, vector: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(H v by forward-over-reverse, H formed by core.hessian) for f(x, y, z)."""
    parsed = parse(text, XYZ)
    return hessian_vector_product(parsed, point, vector), hessian(parsed, np.array(point))


@st.cache_data(max_entries=1, show_spinner="Timing H v both ways on this server (a few s, once)…")
def hvp_cost_measured() -> hvp_cost.HvpCost:
    return hvp_cost.hvp_cost()


@st.cache_data(max_entries=8, show_spinner="Running Newton-CG and BFGS…")
def newton_against_bfgs(d: int) -> hvp_newton.NewtonComparison:
    return hvp_newton.newton_cg_against_bfgs(d)


# -- SymPy, through the queue ----------------------------------------------------------


def symbolic_partials_job(parsed, point: tuple, second: bool = False) -> symbolic_jobs.Job:
    """SymPy's ∇f (and Hessian) at the point: a job shared by every session."""
    key = ("sv-partials", parsed.text, parsed.variables, point, second)
    return symbolic_jobs.submit_small(
        f"sv-partials-{len(parsed.variables)}-{int(second)}", key, symbolic_partials,
        parsed, point, None, second,
    )  # fmt: skip


def symbolic_jacobian_job(vector, point: tuple) -> symbolic_jobs.Job:
    """SymPy's exact Jacobian at the point."""
    key = ("sv-jacobian", vector.text, point)
    return symbolic_jobs.submit_small(
        "sv-jacobian", key, symbolic_jacobian, vector, point,
    )  # fmt: skip
