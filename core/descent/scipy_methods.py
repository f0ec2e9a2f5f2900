"""`scipy.optimize.minimize` as a descent path, with every evaluation of f counted.

SciPy's own counters (`result.nfev`, ...) count what its wrapper asked for; the page
shows what was *computed*, so f, its gradient and its Hessian are wrapped in counters
here, and SciPy's finite differences (use_grad=False) show up as calls of f.

Which derivatives each method may be given (SciPy 1.17):

| method      | gradient                          | Hessian                                 |
|-------------|-----------------------------------|-----------------------------------------|
| Nelder-Mead | never used                        | never used                              |
| CG, BFGS, L-BFGS-B | exact, or SciPy's 2-point differences | never (BFGS builds its own)   |
| Newton-CG   | exact only (SciPy refuses without) | exact, or differences of the gradient |
| trust-ncg   | exact only                        | exact, or 2-point differences of the gradient |
| dogleg      | exact only                        | exact only                              |

A request SciPy cannot honour (Newton-CG without the gradient, dogleg without the
Hessian) raises ValueError before any work: the page should not draw a path that was
computed with something other than what the person chose.

The wording of the messages both paths share (hand-written and SciPy) is here too, so
that a divergence or a bad start reads the same whichever method met it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import optimize

from core.descent.trajectory import Trajectory

DIVERGENCE_BOUND = 1e12


class _Needs(NamedTuple):
    uses_gradient: bool
    needs_gradient: bool  # SciPy raises without an exact gradient
    uses_hessian: bool
    needs_hessian: bool  # SciPy raises without a Hessian (exact or differenced)
    differenced_hessian: str | None  # what to pass as `hess` when use_hess is False


SCIPY_METHODS: dict[str, _Needs] = {
    "BFGS": _Needs(True, False, False, False, None),
    "CG": _Needs(True, False, False, False, None),
    "L-BFGS-B": _Needs(True, False, False, False, None),
    "Newton-CG": _Needs(True, True, True, False, None),
    "trust-ncg": _Needs(True, True, True, True, "2-point"),
    "dogleg": _Needs(True, True, True, True, None),
    "Nelder-Mead": _Needs(False, False, False, False, None),
}


class _Counted:
    """A function of a NumPy vector that counts its calls."""

    def __init__(self, function: Callable[[np.ndarray], object]):
        self.function = function
        self.calls = 0

    def __call__(self, x: np.ndarray):
        self.calls += 1
        return self.function(x)


# --- the words both paths (hand-written and SciPy) use ---------------------------------


def short_number(number: float) -> str:
    """0.5 -> '0.5', 0.001 -> '1e-3', 1e12 -> '1e12': numbers as a person types them."""
    if number == 0 or 0.01 <= abs(number) < 1e5:
        return f"{number:.3g}"
    mantissa, exponent = f"{number:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def steps_text(count: int) -> str:
    return f"{count} step" if count == 1 else f"{count} steps"


def bad_start_message(value: float) -> str:
    """For a start where f (value) or, if f is finite there, its gradient is not finite."""
    what = "its gradient is nan there" if np.isfinite(value) else f"f is {value} there"
    return f"The start point is outside where f is defined ({what})."


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


# --- SciPy --------------------------------------------------------------------------------


def check_request(method: str, use_grad: bool, use_hess: bool) -> list[str]:
    """Validate the derivatives asked of `method`; return notes for the message.

    Raises:
        ValueError: when SciPy cannot run `method` without what was switched off.
    """
    needs = SCIPY_METHODS[method]
    if needs.needs_gradient and not use_grad:
        raise ValueError(
            f"SciPy's {method} needs the exact gradient (it cannot approximate it): "
            "turn the exact gradient on, or pick BFGS, CG or L-BFGS-B to compare "
            "with finite differences."
        )
    if needs.needs_hessian and not use_hess and needs.differenced_hessian is None:
        raise ValueError(
            f"SciPy's {method} needs the exact Hessian: turn the exact Hessian on, or pick "
            "trust-ncg or Newton-CG, which can do without it."
        )
    notes = []
    if not needs.uses_gradient and use_grad:
        notes.append(f"{method} uses only values of f, so the gradient was not used.")
    elif needs.uses_gradient and not use_grad:
        notes.append("Gradient by SciPy's 2-point finite differences: d more values of f each.")
    if not needs.uses_hessian and use_hess:
        notes.append(f"{method} does not use a Hessian, so the exact Hessian was not used.")
    elif needs.uses_hessian and not use_hess:
        how = "2-point differences" if needs.differenced_hessian else "differences of the gradient"
        notes.append(f"Hessian approximated by {how}.")
    return notes


def scipy_path(
    value: Callable[[np.ndarray], float],
    gradient: Callable[[np.ndarray], np.ndarray],
    hessian: Callable[[np.ndarray], np.ndarray],
    x0: np.ndarray,
    method: str,
    *,
    use_grad: bool,
    use_hess: bool,
    max_iter: int,
    tol: float | None,
) -> Trajectory:
    """Run `scipy.optimize.minimize` and record every iterate.

    Args:
        value, gradient, hessian: f, ∇f and ∇²f of a float64 vector, as NumPy.
        x0: the start, float64 of shape (d,).
        method: a key of SCIPY_METHODS.
        use_grad, use_hess: pass the exact gradient / Hessian (where the method uses it).
        max_iter: SciPy's `maxiter`.
        tol: SciPy's `tol` (None: the method's own default tolerances).

    Returns:
        The path from x0, with counts of the calls actually made (including the one
        evaluation of f, and of ∇f when used, that checks the start point).

    Raises:
        ValueError: for a combination SciPy cannot run (see `check_request`).
    """
    notes = check_request(method, use_grad, use_hess)
    needs = SCIPY_METHODS[method]
    counted_value, counted_gradient, counted_hessian = (
        _Counted(value), _Counted(gradient), _Counted(hessian)
    )  # fmt: skip
    pass_gradient = needs.uses_gradient and use_grad
    start_value = float(counted_value(x0))
    start_finite = np.isfinite(start_value) and (
        not pass_gradient or bool(np.all(np.isfinite(counted_gradient(x0))))
    )
    points, values = [x0.copy()], [start_value]

    def counts(nit: int, converged: bool, message: str) -> Trajectory:
        return Trajectory(
            np.array(points), np.array(values), nit, counted_value.calls,
            counted_gradient.calls, counted_hessian.calls, converged, message,
        )  # fmt: skip

    if not start_finite:
        return counts(0, False, bad_start_message(start_value))

    stopped: list[str] = []

    def record(intermediate_result: optimize.OptimizeResult) -> None:
        point, fun = np.array(intermediate_result.x, dtype=np.float64), intermediate_result.fun
        if not (np.all(np.isfinite(point)) and np.isfinite(fun)):
            stopped.append(overflow_message(len(points)))
            raise StopIteration
        points.append(point)
        values.append(float(fun))
        if abs(fun) > DIVERGENCE_BOUND:
            steps = len(points) - 1
            stopped.append(unbounded_message(steps) if fun < 0 else overflow_message(steps))
            raise StopIteration

    keywords: dict[str, object] = {"method": method, "callback": record, "tol": tol}
    keywords["options"] = {"maxiter": max_iter}
    if pass_gradient:
        keywords["jac"] = counted_gradient
    if needs.uses_hessian:
        keywords["hess"] = counted_hessian if use_hess else needs.differenced_hessian
    # Never raise out of here on a path that goes somewhere odd: overflow in f, or
    # SciPy's line search giving up, become words in the message instead.
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        result = optimize.minimize(counted_value, x0, **keywords)
    notes += sorted({str(warning.message) for warning in caught})
    nit = int(result.get("nit", len(points) - 1))
    final = np.asarray(result.x, dtype=np.float64)
    if not stopped and np.isfinite(result.fun) and not np.array_equal(final, points[-1]):
        points.append(final)  # the answer, when SciPy ends without a last callback
        values.append(float(result.fun))
    if stopped:
        return counts(nit, False, " ".join([stopped[0], *notes]))
    message = str(result.message)
    message = message if message.endswith(".") else message + "."
    return counts(nit, bool(result.success), " ".join([message, *notes]))
