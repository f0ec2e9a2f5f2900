"""Cached, bounded wrappers around `core` for the pages (caching lives here, not in core)."""

from __future__ import annotations

import threading

import streamlit as st

from core import ExpressionError, parse_expression
from core.engines.autodiff import device_name
from core.engines.autodiff import warm_up as warm_up_autodiff
from core.engines.bounded_parse import parse_bounded, parse_vector_bounded
from core.engines.bounded_parse import warm_up as warm_up_parsing
from core.engines.fd_checks import GrowingDifference
from core.engines.symbolic import warm_up as warm_up_symbolic
from core.explorer.derivatives import (
    GRID_SIZE,
    NumericView,
    growing_differences,
    numeric_at,
    numeric_curves,
)
from core.programs.worker import warm_up as warm_up_programs


@st.cache_resource(show_spinner="Warming up JAX and the SymPy workers…")
def warm_up() -> str:
    """Once per server: compile JAX's primitives on the page grid, start the workers
    (SymPy's, and the program workers, which import JAX: a few seconds)."""
    warm_up_autodiff(GRID_SIZE + 1)
    warm_up_symbolic()
    warm_up_parsing()
    warm_up_programs()
    # The optimizer and regression loops compile in 3-5 s, and eager JAX compiles each
    # primitive per shape on first use (a new function of several variables costs
    # 30-400 ms the first time): do it in the background, so the first visit to those
    # pages does not wait and start-up does not either.
    # Not a daemon: interpreter shutdown waits for it, rather than killing JAX mid-compile.
    threading.Thread(target=_warm_in_background, name="warm-up-in-background", daemon=False).start()
    return device_name()


@st.cache_resource(max_entries=1536, show_spinner=False)
def _parse_outcome(text: str, variables: tuple[str, ...], vector: bool):
    # Errors are cached too: a text SymPy cannot build costs its budget once, not per rerun.
    try:
        return (parse_vector_bounded if vector else parse_bounded)(text, variables)
    except ExpressionError as error:
        return (error.message, error.position)


def _parsed(text: str, variables, vector: bool):
    outcome = _parse_outcome(text, tuple(variables), vector)
    if isinstance(outcome, tuple):
        raise ExpressionError(*outcome)
    return outcome


def parse(text: str, variables: tuple[str, ...] = ("x",)):
    """What a person typed, parsed in a killable worker (shared across sessions, bounded).

    Raises:
        ExpressionError: the parser's message and position, or SymPy's budget running out.
    """
    return _parsed(text, variables, vector=False)


def parse_vector(text: str, variables: tuple[str, ...] = ("x", "y")):
    """A typed vector function, parsed like `parse` (the same worker, budget and cache).

    Raises:
        ExpressionError: the parser's message and position in the whole text.
    """
    return _parsed(text, variables, vector=True)


def _warm_in_background() -> None:
    from core.descent.optimizers import DEFAULT_METHODS, trajectories
    from core.descent.surfaces import surface
    from core.regression.line_fit import fit_line
    from core.regression.logistic import compare_logistic
    from core.regression.polynomial import compare_polynomial
    from core.regression.samples import simulate_curve, simulate_line, two_blobs
    from core.several_variables import directional, fields, maps, stationary
    from core.teaching import graph_sweeps

    rosenbrock = surface("rosenbrock")
    trajectories(parse_expression(rosenbrock.text, ("x", "y")), rosenbrock.start, DEFAULT_METHODS)
    fit_line(simulate_line())
    compare_polynomial(simulate_curve())
    compare_logistic(two_blobs())
    # About 8 s: every function of the language through the Several variables page's
    # sweeps, at the page's shapes (a first use costs 30-400 ms otherwise).
    fields.warm_up()
    directional.warm_up()
    stationary.warm_up()
    maps.warm_up()
    # About 1 s: every primitive's jvp and vjp at one point (a first graph's 0.2-0.8 s).
    graph_sweeps.warm_up()


@st.cache_data(max_entries=128, show_spinner=False)  # about 180 kB each
def _numeric_curves(
    text: str, max_order: int, x_range: tuple[float, float], params: tuple, settings: tuple
) -> NumericView:
    return numeric_curves(parse(text), max_order, x_range, dict(params), **dict(settings))


@st.cache_data(max_entries=1024, show_spinner=False)
def _numeric_at(text: str, max_order: int, x0: float, params: tuple, settings: tuple):
    return numeric_at(parse(text), max_order, x0, dict(params), **dict(settings))


@st.cache_data(max_entries=1024, show_spinner=False)
def growing_finite_differences(
    text: str, max_order: int, x0: float, params: tuple, scheme: str, accuracy: int, h
) -> tuple[GrowingDifference, ...]:
    """The orders whose finite difference at x0 has no limit (|x|″ at 0 grows like 1/h)."""
    settings = {"scheme": scheme, "accuracy": accuracy, "h": h}
    return growing_differences(parse(text), max_order, x0, dict(params), **settings)


def numeric(
    text: str,
    max_order: int,
    x_range: tuple[float, float],
    x0: float,
    params: tuple[tuple[str, float], ...],
    scheme: str,
    accuracy: int,
    h: float | None,
) -> NumericView:
    """The Explorer's AD and finite differences: the grid's and x0's, cached apart, so
    that moving x0 computes one point, not the grid."""
    settings = (("scheme", scheme), ("accuracy", accuracy), ("h", h))
    curves = _numeric_curves(text, max_order, x_range, params, settings)
    ad_at_x0, fd_at_x0 = _numeric_at(text, max_order, x0, params, settings)
    return curves._replace(ad_at_x0=ad_at_x0, fd_at_x0=fd_at_x0)
