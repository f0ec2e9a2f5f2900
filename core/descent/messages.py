"""The words every descent path ends with, shared by the hand-written and SciPy methods.

A divergence, an unbounded surface or a bad start reads the same whichever method met
it; numbers are written as a person types them (1e-3, not 0.001000).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

DIVERGENCE_BOUND = 1e12  # |f| beyond this ends a run: it diverged (or f is unbounded below)


def short_number(number: float) -> str:
    """0.5 -> '0.5', 0.001 -> '1e-3', 1e12 -> '1e12': numbers as a person types them."""
    if number == 0 or 0.01 <= abs(number) < 1e5:
        return f"{number:.3g}"
    mantissa, exponent = f"{number:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def steps_text(count: int) -> str:
    return f"{count} step" if count == 1 else f"{count} steps"


def bad_start_message(value: float, gradient_norm: float = math.nan) -> str:
    """For a start where f or, if f is finite there, its gradient is not finite.

    Args:
        value: f at the start.
        gradient_norm: |∇f| at the start (nan if any component is nan, else inf).
    """
    if not np.isfinite(value):
        return f"The start point is outside where f is defined (f is {value} there)."
    what = "infinite" if np.isinf(gradient_norm) else "nan"
    return f"The gradient of f is {what} at the start point: start where f is differentiable."


def unbounded_message(steps: int) -> str:
    return (
        f"Stopped after {steps_text(steps)}: f fell below -{short_number(DIVERGENCE_BOUND)}, "
        "so it looks unbounded below (there is no minimum to find)."
    )


def overflow_message(steps: int) -> str:
    return (
        f"Diverged after {steps_text(steps)}: f became nan, infinite or larger than "
        f"{short_number(DIVERGENCE_BOUND)}."
    )


def converged_message(steps: int, gradient_norm: float, tol: float) -> str:
    return (
        f"Converged in {steps_text(steps)}: the gradient norm {gradient_norm:.1e} is "
        f"below tol = {short_number(tol)}."
    )


def capped_message(max_iter: int, gradient_norm: float, tol: float) -> str:
    return (
        f"Stopped at the iteration cap ({max_iter:,} steps) without converging: "
        f"the gradient norm is still {gradient_norm:.1e} (tol = {short_number(tol)})."
    )


def diverged_message(method: str, steps: int, settings: Mapping[str, float]) -> str:
    """Why a hand-written method ran away, and what to change.

    Args:
        method: the method's key ("gd", "adam", "newton", ...).
        steps: the steps taken before it diverged.
        settings: its settings (every method but newton has a `learning_rate`).
    """
    if method == "newton":
        return (
            f"{overflow_message(steps)} Newton's steps ran away: f may have no minimum near "
            "the start; try line_search on or a larger damping."
        )
    if method == "bb":
        return (
            f"Diverged after {steps_text(steps)}: Barzilai–Borwein steps have no line search "
            "and ran away on this surface — try gd, or a smaller first learning_rate."
        )
    rate = settings["learning_rate"]
    return (
        f"Diverged after {steps_text(steps)}: the learning rate {short_number(rate)} is too "
        f"large for this surface — try {short_number(_tenth(rate))}."
    )


def step_size_advice(steps: int, learning_rate: float, hessian: np.ndarray) -> str:
    """Advice for gradient descent (and momentum) that diverged.

    Gradient descent is stable on a quadratic when η < 2/L (L: the largest curvature),
    so suggest the power of ten below 1/L at the start, or a tenth of η if that is no
    help (a Hessian that is not finite, or with no positive curvature).

    Args:
        steps: the steps taken before it diverged.
        learning_rate: η.
        hessian: ∇²f at the start.
    """
    suggestion = _tenth(learning_rate)
    if np.all(np.isfinite(hessian)):
        largest = float(np.linalg.eigvalsh(hessian)[-1])
        if largest > 0:
            suggestion = min(suggestion, 10.0 ** math.floor(math.log10(1.0 / largest)))
    return (
        f"Diverged after {steps_text(steps)}: the step size {short_number(learning_rate)} is "
        f"too large for this surface — try {short_number(suggestion)}."
    )


def _tenth(rate: float) -> float:
    """A tenth of the largest power of ten not above `rate`: 0.5 -> 0.01, 1e6 -> 1e5."""
    return 10.0 ** (math.floor(math.log10(rate)) - 1)
