"""Descent trajectories: one entry point, `minimize_path`, for every optimizer on the page.

This module checks the arguments at the public boundary and sends the run to one of
two engines:

- the lesson's hand-written optimizers (`core.descent.algorithms`: pure init/step
  pairs), run by a compiled JAX loop (`core.descent.run_loop`);
- `scipy.optimize.minimize` (`core.descent.scipy_methods`), given f as a NumPy
  function and JAX's exact ∇f and ∇²f where asked (`core.descent.objective`).

Both return a `Trajectory` (`core.descent.trajectory`, re-exported here).

Example:
    >>> from core import parse_expression
    >>> bowl = parse_expression("x^2 + 10*y^2", ("x", "y"))
    >>> path = minimize_path(bowl, [-2.5, 1.5], "newton")
    >>> path.nit, path.converged
    (1, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import jax
import jax.numpy as jnp
import numpy as np

from core.descent.algorithms import ALGORITHMS, FRACTIONS, SWITCHES
from core.descent.messages import short_number
from core.descent.objective import exact_derivatives, numpy_value, source_of
from core.descent.run_loop import MAX_ITERATIONS, run_algorithm
from core.descent.scipy_methods import SCIPY_METHODS, scipy_path
from core.descent.trajectory import Trajectory
from core.engines.autodiff import resolve_parameters
from core.language.expression import ParsedExpression

__all__ = [
    "ALGORITHMS",
    "DEFAULT_METHODS",
    "MAX_ITERATIONS",
    "METHODS",
    "Trajectory",
    "minimize_path",
    "trajectories",
]

METHODS = (*ALGORITHMS, *SCIPY_METHODS)
DEFAULT_METHODS: dict[str, dict[str, object]] = {
    "gd": {},
    "bb": {},
    "momentum": {},
    "nesterov": {},
    "adam": {"learning_rate": 0.05},
    "rmsprop": {},
    "newton": {},
    "BFGS": {},
    "BFGS (finite differences)": {"method": "BFGS", "use_grad": False},
    "CG": {},
    "L-BFGS-B": {},
    "Newton-CG": {"use_hess": True},
    "trust-ncg": {"use_hess": True},
    "dogleg": {"use_hess": True},
    "Nelder-Mead": {},
}


def minimize_path(
    objective: ParsedExpression | Callable[[jax.Array], jax.Array],
    x0,
    method: str,
    *,
    use_grad: bool = True,
    use_hess: bool = False,
    max_iter: int = 1000,
    params: Mapping[str, float] | None = None,
    **settings,
) -> Trajectory:
    """Minimize f from x0 with `method` and return the whole path.

    Args:
        objective: an expression of its variables (e.g. ("x", "y")), or a callable of
            a length-d vector returning a scalar. The hand-written methods trace it
            with JAX; SciPy's methods call it as SciPy does in a notebook, with a
            NumPy float64 vector (an expression: its NumPy form), and trace it with
            JAX only for the exact gradient and Hessian.
        x0: the start, d numbers.
        method: "gd", "bb", "momentum", "nesterov", "adam", "rmsprop", "newton", or
            a `scipy.optimize.minimize` method: "BFGS", "CG", "L-BFGS-B", "Newton-CG",
            "trust-ncg", "dogleg", "Nelder-Mead" (any letter case).
        use_grad: SciPy methods: pass JAX's exact gradient, or let SciPy use finite
            differences. The hand-written methods always use the exact gradient.
        use_hess: SciPy methods that use a Hessian: pass JAX's exact Hessian, or let
            SciPy approximate it (see core.descent.scipy_methods for which can). "newton"
            always uses the exact Hessian.
        max_iter: at most this many steps, 1 to 10,000.
        params: values of the expression's parameters (missing ones are 1.0).
        **settings: the method's settings. Every method takes `tol` (hand-written:
            stop when |∇f| < tol, default 1e-8; SciPy: its `tol`, default its own).
            gd, bb: `learning_rate` (bb: of the first step only), default 1e-3;
            momentum, nesterov: `learning_rate` 1e-3, `momentum` 0.9; adam:
            `learning_rate` 1e-2, `b1`, `b2`, `eps`; rmsprop: `learning_rate` 1e-2,
            `decay`, `eps`; newton: `damping` 1e-6, `line_search` True.

    Returns:
        The trajectory. For SciPy's methods nfev, njev and nhev are SciPy's own counts
        (what its OptimizeResult prints); see `Trajectory`. A run that goes wrong
        (divergence, a start outside the domain of f) is not an error: it returns the
        path so far, converged=False and a message that says what happened and what
        to try.

    Raises:
        ValueError: for an unknown method or setting, a bad start or max_iter, or a
            derivative switched off that the SciPy method cannot do without.
    """
    method = _method_name(method)
    parameter_values, dimension = _parameters(objective, params)
    x0 = _start(x0, dimension)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer):
        raise ValueError(f"max_iter must be a whole number, got {max_iter!r}.")
    if not 1 <= max_iter <= MAX_ITERATIONS:
        raise ValueError(f"max_iter must be from 1 to {MAX_ITERATIONS:,}, got {max_iter:,}.")
    source = source_of(objective)
    if method in SCIPY_METHODS:
        tol = _scipy_tol(method, settings)
        gradient, hessian = exact_derivatives(source, parameter_values)
        return scipy_path(
            numpy_value(objective, parameter_values), gradient, hessian, x0, method,
            use_grad=bool(use_grad), use_hess=bool(use_hess), max_iter=max_iter, tol=tol,
        )  # fmt: skip
    checked, tol = _settings(method, settings)
    if callable(source):
        shape = jax.eval_shape(source, jax.ShapeDtypeStruct(x0.shape, jnp.float64)).shape
        if shape != ():
            raise ValueError(f"The objective must return a scalar, not shape {shape}.")
    return run_algorithm(source, parameter_values, x0, method, checked, tol, max_iter)


def trajectories(
    objective: ParsedExpression | Callable,
    x0,
    methods: Mapping[str, Mapping[str, object]] | None = None,
    max_iter: int = 1000,
    params: Mapping[str, float] | None = None,
) -> dict[str, Trajectory]:
    """Several methods from the same start, for the page (DEFAULT_METHODS by default).

    Args:
        objective, x0, max_iter, params: as for `minimize_path`.
        methods: label -> settings. The label is the method unless the settings name
            one under "method" (so "BFGS" can appear with and without use_grad);
            settings may hold use_grad and use_hess.

    Returns:
        label -> Trajectory, in the order of `methods`.
    """
    paths = {}
    for label, settings in (DEFAULT_METHODS if methods is None else methods).items():
        settings = dict(settings)
        method = settings.pop("method", label)
        paths[label] = minimize_path(
            objective, x0, method, max_iter=max_iter, params=params, **settings
        )
    return paths


# --- validation at the public boundary -------------------------------------------------


def _method_name(method: str) -> str:
    names = {name.lower(): name for name in METHODS}
    if not isinstance(method, str) or method.lower() not in names:
        raise ValueError(f"Unknown method {method!r}; choose one of: {', '.join(METHODS)}.")
    return names[method.lower()]


def _parameters(objective, params) -> tuple[np.ndarray, int | None]:
    """The parameters' values in order, and the dimension (None: a callable's is free)."""
    if isinstance(objective, ParsedExpression):
        values = resolve_parameters(objective, params)
        return np.array(list(values.values()), dtype=np.float64), len(objective.variables)
    if callable(objective):
        if params:
            raise ValueError("params are for a parsed expression; a callable takes none.")
        return np.zeros(0), None
    raise TypeError("The objective must be a parsed expression or a callable of a vector.")


def _start(x0, dimension: int | None) -> np.ndarray:
    x0 = np.array(x0, dtype=np.float64).reshape(-1)
    if dimension is not None and x0.shape != (dimension,):
        raise ValueError(f"The start point needs {dimension} coordinates, got {x0.size}.")
    if x0.size == 0 or not np.all(np.isfinite(x0)):
        raise ValueError("The start point must be finite numbers.")
    return x0


def _settings(method: str, settings: Mapping[str, object]) -> tuple[dict[str, float], float]:
    """A hand-written method's settings, completed from its defaults and checked."""
    defaults = dict(ALGORITHMS[method].defaults)
    unknown = sorted(set(settings) - {*defaults, "tol"})
    if unknown:
        raise ValueError(
            f"{method} has no setting {', '.join(unknown)}; "
            f"its settings are: {', '.join([*defaults, 'tol'])}."
        )
    merged = {**defaults, "tol": 1e-8, **settings}
    checked = {}
    for name, raw in merged.items():
        try:
            number = float(raw)  # bools too: line_search=False is 0.0
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {raw!r}.") from None
        if not math.isfinite(number):
            raise ValueError(f"{name} must be a finite number, got {raw!r}.")
        if name in FRACTIONS and not 0 <= number < 1:
            raise ValueError(f"{name} must be at least 0 and below 1, got {short_number(number)}.")
        if name not in FRACTIONS and name not in SWITCHES and number <= 0:
            raise ValueError(f"{name} must be positive, got {short_number(number)}.")
        checked[name] = number
    tol = checked.pop("tol")
    return checked, tol


def _scipy_tol(method: str, settings: Mapping[str, object]) -> float | None:
    """SciPy's methods take only `tol` here (None: SciPy's own default tolerances)."""
    unknown = sorted(set(settings) - {"tol"})
    if unknown:
        raise ValueError(f"SciPy's {method} takes no setting {', '.join(unknown)} here; only tol.")
    tol = settings.get("tol")
    if tol is None:
        return None
    try:
        number = float(tol)
    except (TypeError, ValueError):
        raise ValueError(f"tol must be a positive number, got {tol!r}.") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}.")
    return number
