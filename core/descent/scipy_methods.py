"""`scipy.optimize.minimize` as a descent path, with SciPy's own counts.

f is a NumPy float64 function (see `core.descent.objective`), as in a student's
notebook, and the trajectory's nfev, njev and nhev are SciPy's own `OptimizeResult`
counts: the numbers the notebook prints (the pycse lecture's BFGS on Rosenbrock from
(1, 0): nit 32, nfev 111 without a gradient; nfev 37, njev 37 with it). SciPy's
finite differences count where SciPy counts them: a 2-point gradient in nfev (d more
values of f per gradient, one per coordinate), a differenced Hessian in njev and nhev.
What the app evaluates beyond that (its check of the start) is counted by wrapping
f, ∇f and ∇²f, and reported apart, in `Trajectory.extra_evaluations`.

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
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import optimize

from core.descent.messages import (
    DIVERGENCE_BOUND,
    bad_start_message,
    overflow_message,
    unbounded_message,
)
from core.descent.trajectory import Trajectory


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


def check_request(method: str, use_grad: bool, use_hess: bool, dimension: int = 2) -> list[str]:
    """Validate the derivatives asked of `method`; return notes for the message.

    Args:
        method: a key of SCIPY_METHODS.
        use_grad, use_hess: whether the exact gradient / Hessian is passed.
        dimension: d, the number of coordinates (what a finite difference costs).

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
    values = "value of f" if dimension == 1 else "values of f"
    gradients = "gradient" if dimension == 1 else "gradients"
    notes = []
    if not needs.uses_gradient and use_grad:
        notes.append(f"{method} uses only values of f, so the gradient was not used.")
    elif needs.uses_gradient and not use_grad:
        notes.append(
            f"Gradient by SciPy's 2-point finite differences: {dimension} more {values} per "
            "gradient (one per coordinate), counted in nfev."
        )
    if not needs.uses_hessian and use_hess:
        notes.append(f"{method} does not use a Hessian, so the exact Hessian was not used.")
    elif needs.uses_hessian and not use_hess and needs.differenced_hessian:
        notes.append(
            f"Hessian approximated by 2-point differences of the gradient: {dimension} more "
            f"{gradients} per Hessian (one per coordinate), counted in njev."
        )
    elif needs.uses_hessian and not use_hess:
        notes.append(
            "Hessian times a vector approximated by differences of the gradient: one more "
            "gradient each, counted in njev."
        )
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
        The path from x0. nfev, njev and nhev are SciPy's counts (0 for a start where f
        is undefined: SciPy does not run); extra_evaluations, the rest computed.

    Raises:
        ValueError: for a combination SciPy cannot run (see `check_request`), or an f
            that does not return a scalar.
    """
    notes = check_request(method, use_grad, use_hess, x0.size)
    needs = SCIPY_METHODS[method]
    counted = (_Counted(value), _Counted(gradient), _Counted(hessian))
    pass_gradient = needs.uses_gradient and use_grad
    with np.errstate(all="ignore"):  # a start outside the domain is a message, not a warning
        start_value = float(counted[0](x0))
        gradient_norm = 0.0  # stands for "finite" where the gradient is not checked
        if pass_gradient and np.isfinite(start_value):
            gradient_norm = float(np.linalg.norm(counted[1](x0)))
    start_finite = np.isfinite(start_value) and np.isfinite(gradient_norm)
    points, values = [x0.copy()], [start_value]

    def trajectory(result, converged: bool, message: str) -> Trajectory:
        reported = [0, 0, 0] if result is None else [
            int(result.get(key) or 0) for key in ("nfev", "njev", "nhev")
        ]  # fmt: skip
        # SciPy's counts include its finite differences, which call f (not ∇f or ∇²f)
        # when the derivative itself was not given.
        given = (True, pass_gradient, needs.uses_hessian and use_hess)
        extra = tuple(
            c.calls - (n if passed else 0)
            for c, n, passed in zip(counted, reported, given, strict=True)
        )
        nit = 0 if result is None else int(result.get("nit", len(points) - 1))
        return Trajectory(
            np.array(points), np.array(values), nit, *reported, converged, message, extra
        )

    if not start_finite:
        return trajectory(None, False, bad_start_message(start_value, gradient_norm))

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
        keywords["jac"] = counted[1]
    if needs.uses_hessian:
        keywords["hess"] = counted[2] if use_hess else needs.differenced_hessian
    # Never raise out of here on a path that goes somewhere odd: overflow in f, or
    # SciPy's line search giving up, become words in the message instead.
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        result = optimize.minimize(counted[0], x0, **keywords)
    notes += sorted({str(warning.message) for warning in caught})
    final = np.asarray(result.x, dtype=np.float64)
    if not stopped and np.isfinite(result.fun) and not np.array_equal(final, points[-1]):
        points.append(final)  # the answer, when SciPy ends without a last callback
        values.append(float(result.fun))
    if stopped:
        return trajectory(result, False, " ".join([stopped[0], *notes]))
    message = str(result.message)
    message = message if message.endswith(".") else message + "."
    return trajectory(result, bool(result.success), " ".join([message, *notes]))
