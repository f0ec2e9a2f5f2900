"""Descent trajectories: one entry point, `minimize_path`, for every optimizer on the page.

The lesson's optimizers are written out as pure `init`/`step` pairs over NamedTuple
states, in the manner of jax.example_libraries.optimizers and optax: gradient descent,
Barzilai–Borwein, heavy-ball momentum, Nesterov and a damped Newton method; Adam and
RMSProp are optax's own. One driver runs a step function inside a compiled
`lax.while_loop` (compiled once per expression, method and buffer size, bounded LRU)
and returns the path as stacked arrays, stopping on a small gradient, the iteration cap
or divergence. The SciPy methods live in `core.descent.scipy_methods`.

Example:
    >>> from core import parse_expression
    >>> bowl = parse_expression("x^2 + 10*y^2", ("x", "y"))
    >>> path = minimize_path(bowl, [-2.5, 1.5], "newton")
    >>> path.nit, path.converged
    (1, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax import lax

from core.descent.scipy_methods import (
    DIVERGENCE_BOUND,
    SCIPY_METHODS,
    bad_start_message,
    overflow_message,
    scipy_path,
    short_number,
    steps_text,
    unbounded_message,
)
from core.descent.trajectory import Trajectory
from core.engines.autodiff import resolve_parameters
from core.language.expression import REFERENCE, ParsedExpression, parse_expression

MAX_ITERATIONS = 10_000
_CAPACITIES = (101, 1001, MAX_ITERATIONS + 1)  # path buffers: few sizes, few compilations
_CACHE_SIZE = 32
_RUNNING, _CONVERGED, _CAPPED, _DIVERGED, _UNBOUNDED, _BAD_START = range(6)


class Objective(NamedTuple):
    """The JAX functions a step may call (each call is counted in `Iterate.counts`)."""

    value: Callable[[jax.Array], jax.Array]
    value_and_grad: Callable[[jax.Array], tuple[jax.Array, jax.Array]]
    hessian: Callable[[jax.Array], jax.Array]


class Iterate(NamedTuple):
    x: jax.Array
    value: jax.Array
    gradient: jax.Array
    counts: jax.Array  # int (3,): calls of f, ∇f and ∇²f so far


def evaluate(objective: Objective, x: jax.Array, counts: jax.Array) -> Iterate:
    value, gradient = objective.value_and_grad(x)
    return Iterate(x, value, gradient, counts + jnp.array([1, 1, 0]))


class Algorithm(NamedTuple):
    """init(iterate, settings) -> state; step(iterate, state, objective, settings)."""

    init: Callable
    step: Callable
    defaults: Mapping[str, float]


class EmptyState(NamedTuple):
    pass


def _stateless(_iterate, _settings) -> EmptyState:
    return EmptyState()


def gradient_descent_step(iterate, state, objective, settings):
    """x ← x − η ∇f(x), with a fixed step η (stable on a quadratic when η < 2/L)."""
    x = iterate.x - settings["learning_rate"] * iterate.gradient
    return evaluate(objective, x, iterate.counts), state


class BarzilaiBorweinState(NamedTuple):
    previous_x: jax.Array
    previous_gradient: jax.Array
    has_previous: jax.Array


def barzilai_borwein_init(iterate, _settings) -> BarzilaiBorweinState:
    return BarzilaiBorweinState(iterate.x, iterate.gradient, jnp.asarray(False))


def barzilai_borwein_step(iterate, state, objective, settings):
    """x ← x − α ∇f(x) with α = sᵀs / sᵀy, s = Δx, y = Δ∇f (Barzilai & Borwein, 1988).

    α is the step that fits the last two gradients with a multiple of the identity (a
    secant equation). The first step, and any step where sᵀy ≤ 0 (negative curvature
    along s), uses the fixed `learning_rate` instead. No line search: f need not
    decrease at every step, which is the method's character.
    """
    s = iterate.x - state.previous_x
    y = iterate.gradient - state.previous_gradient
    curvature = jnp.dot(s, y)
    usable = state.has_previous & (curvature > 0)
    step = jnp.where(usable, jnp.dot(s, s) / jnp.where(usable, curvature, 1.0), 0.0)
    step = jnp.where(usable, step, settings["learning_rate"])
    new = evaluate(objective, iterate.x - step * iterate.gradient, iterate.counts)
    return new, BarzilaiBorweinState(iterate.x, iterate.gradient, jnp.asarray(True))


class MomentumState(NamedTuple):
    velocity: jax.Array


def momentum_init(iterate, _settings) -> MomentumState:
    return MomentumState(jnp.zeros_like(iterate.x))


def momentum_step(iterate, state, objective, settings):
    """Heavy ball (Polyak, 1964): v ← μv − η∇f(x); x ← x + v."""
    velocity = settings["momentum"] * state.velocity - settings["learning_rate"] * iterate.gradient
    return evaluate(objective, iterate.x + velocity, iterate.counts), MomentumState(velocity)


def nesterov_step(iterate, state, objective, settings):
    """Nesterov momentum: v ← μv − η∇f(x); x ← x + μv − η∇f(x).

    The form of Sutskever et al. (2013), also optax's `sgd(nesterov=True)`: the stored
    x is the look-ahead point x̃ + μv of the textbook form, so each step needs one
    gradient, at the point recorded on the path.
    """
    gradient_step = settings["learning_rate"] * iterate.gradient
    velocity = settings["momentum"] * state.velocity - gradient_step
    x = iterate.x + settings["momentum"] * velocity - gradient_step
    return evaluate(objective, x, iterate.counts), MomentumState(velocity)


def _optax_algorithm(make: Callable[[Mapping], optax.GradientTransformation], defaults):
    def init(iterate, settings):
        return make(settings).init(iterate.x)

    def step(iterate, state, objective, settings):
        updates, state = make(settings).update(iterate.gradient, state, iterate.x)
        x = optax.apply_updates(iterate.x, updates)
        return evaluate(objective, x, iterate.counts), state

    return Algorithm(init, step, defaults)


def _armijo_step(objective, iterate, direction, counts):
    """Largest t in 1, 1/2, 1/4, ... (30 tries) with f(x + td) ≤ f(x) + 1e-4 t ∇fᵀd."""
    slope = jnp.dot(iterate.gradient, direction)

    def too_long(carry):
        t, trial, tries = carry
        return (tries < 30) & ~(trial <= iterate.value + 1e-4 * t * slope)

    def halve(carry):
        t, _, tries = carry
        return t / 2, objective.value(iterate.x + t / 2 * direction), tries + 1

    first = (jnp.asarray(1.0), objective.value(iterate.x + direction), jnp.asarray(1))
    t, _, tries = lax.while_loop(too_long, halve, first)
    return t, counts + jnp.array([1, 0, 0]) * tries


def newton_step(iterate, state, objective, settings):
    """x ← x + t d, with (H + σI) d = −∇f solved (never inverted).

    σ = 0 where the Hessian H is positive definite beyond `damping` (then d is the
    exact Newton step); otherwise σ = damping − λ_min(H) lifts the smallest eigenvalue
    to `damping` so d is a descent direction (Nocedal & Wright, 2006, §3.4). With
    `line_search` on, t comes from Armijo backtracking; off, t = 1.
    """
    hessian = objective.hessian(iterate.x)
    counts = iterate.counts + jnp.array([0, 0, 1])
    lowest = jnp.linalg.eigvalsh(hessian)[0]
    damping = settings["damping"]
    shift = jnp.where(lowest > damping, 0.0, damping - lowest)
    identity = jnp.eye(iterate.x.shape[0], dtype=hessian.dtype)
    direction = jnp.linalg.solve(hessian + shift * identity, -iterate.gradient)
    t, searched = _armijo_step(objective, iterate, direction, counts)
    use_search = settings["line_search"] > 0
    t, counts = jnp.where(use_search, t, 1.0), jnp.where(use_search, searched, counts)
    return evaluate(objective, iterate.x + t * direction, counts), state


_STEP_DEFAULTS = {"learning_rate": 1e-3, "momentum": 0.9}
ALGORITHMS: dict[str, Algorithm] = {
    "gd": Algorithm(_stateless, gradient_descent_step, {"learning_rate": 1e-3}),
    "bb": Algorithm(barzilai_borwein_init, barzilai_borwein_step, {"learning_rate": 1e-3}),
    "momentum": Algorithm(momentum_init, momentum_step, _STEP_DEFAULTS),
    "nesterov": Algorithm(momentum_init, nesterov_step, _STEP_DEFAULTS),
    "adam": _optax_algorithm(
        lambda s: optax.adam(s["learning_rate"], b1=s["b1"], b2=s["b2"], eps=s["eps"]),
        {"learning_rate": 1e-2, "b1": 0.9, "b2": 0.999, "eps": 1e-8},
    ),
    "rmsprop": _optax_algorithm(
        lambda s: optax.rmsprop(s["learning_rate"], decay=s["decay"], eps=s["eps"]),
        {"learning_rate": 1e-2, "decay": 0.9, "eps": 1e-8},
    ),
    "newton": Algorithm(_stateless, newton_step, {"damping": 1e-6, "line_search": 1.0}),
}
METHODS = (*ALGORITHMS, *SCIPY_METHODS)
_FRACTIONS = ("momentum", "b1", "b2", "decay")  # settings in [0, 1)
_SWITCHES = ("line_search",)  # settings read as on (nonzero) or off (0)
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


# --- the objective, compiled once per expression (or callable) ------------------------

Source = tuple[str, tuple[str, ...]] | Callable  # (canonical text, variables) or a callable


def _value_function(source: Source) -> Callable[[jax.Array, jax.Array], jax.Array]:
    """f(x, parameter values) as a JAX function of a (d,) vector."""
    if callable(source):
        return lambda x, _parameters: source(x)
    parsed = parse_expression(*source)

    def value(x, parameters):
        # Every leaf is a 0-d array; constants take their shape from REFERENCE.
        env = {REFERENCE: x[0]}
        env.update({name: x[i] for i, name in enumerate(parsed.variables)})
        env.update({name: parameters[i] for i, name in enumerate(parsed.parameters)})
        return parsed.jax(env)

    return value


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _derivatives(source: Source) -> tuple[Callable, Callable, Callable]:
    """Jitted f, ∇f and ∇²f of (x, parameter values), for SciPy and for messages."""
    value = _value_function(source)
    return jax.jit(value), jax.jit(jax.grad(value)), jax.jit(jax.hessian(value))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compiled_run(source: Source, method: str, capacity: int) -> Callable:
    """The whole descent as one jitted `lax.while_loop` writing into (capacity, d) buffers."""
    value = _value_function(source)
    algorithm = ALGORITHMS[method]

    def run(x0, settings, parameters, max_iter, tol):
        def f(x):
            return value(x, parameters)

        objective = Objective(f, jax.value_and_grad(f), jax.hessian(f))
        start = evaluate(objective, x0, jnp.zeros(3, dtype=jnp.int64))
        points = jnp.full((capacity, x0.shape[0]), jnp.nan).at[0].set(x0)
        values = jnp.full((capacity,), jnp.nan).at[0].set(start.value)
        finite = jnp.isfinite(start.value) & jnp.all(jnp.isfinite(start.gradient))
        status = jnp.select(
            [~finite, jnp.linalg.norm(start.gradient) < tol, max_iter <= 0],
            [_BAD_START, _CONVERGED, _CAPPED],
            _RUNNING,
        )

        def body(carry):
            k, iterate, state, points, values, _, _ = carry
            new, state = algorithm.step(iterate, state, objective, settings)
            k = k + 1
            finite = (
                jnp.isfinite(new.value)
                & jnp.all(jnp.isfinite(new.gradient))
                & jnp.all(jnp.isfinite(new.x))
            )
            status = jnp.select(
                [~finite, new.value > DIVERGENCE_BOUND, new.value < -DIVERGENCE_BOUND,
                 jnp.linalg.norm(new.gradient) < tol, k >= max_iter],
                [_DIVERGED, _DIVERGED, _UNBOUNDED, _CONVERGED, _CAPPED],
                _RUNNING,
            )  # fmt: skip
            points, values = points.at[k].set(new.x), values.at[k].set(new.value)
            return k, new, state, points, values, status, finite

        carry = (
            jnp.asarray(0, dtype=jnp.int64),
            start,
            algorithm.init(start, settings),
            points,
            values,
            status,
            finite,
        )
        k, last, _, points, values, status, finite = lax.while_loop(
            lambda carry: carry[5] == _RUNNING, body, carry
        )
        # A non-finite last iterate is left off the path (but its evaluations counted).
        count = jnp.where(finite | (k == 0), k + 1, k)
        return points, values, count, k, status, last.counts, jnp.linalg.norm(last.gradient)

    return jax.jit(run)


# --- validation at the public boundary -------------------------------------------------


def _settings(method: str, settings: Mapping[str, object]) -> tuple[dict[str, float], float]:
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
        if name in _FRACTIONS and not 0 <= number < 1:
            raise ValueError(f"{name} must be at least 0 and below 1, got {short_number(number)}.")
        if name not in _FRACTIONS and name not in _SWITCHES and number <= 0:
            raise ValueError(f"{name} must be positive, got {short_number(number)}.")
        checked[name] = number
    tol = checked.pop("tol")
    return checked, tol


def _source(objective, params) -> tuple[Source, np.ndarray, int | None]:
    if isinstance(objective, ParsedExpression):
        values = resolve_parameters(objective, params)
        source = (objective.text, objective.variables)
        return source, np.array(list(values.values()), dtype=np.float64), len(objective.variables)
    if callable(objective):
        if params:
            raise ValueError("params are for a parsed expression; a callable takes none.")
        return objective, np.zeros(0), None
    raise TypeError("The objective must be a parsed expression or a callable of a vector.")


def _start(x0, dimension: int | None) -> np.ndarray:
    x0 = np.array(x0, dtype=np.float64).reshape(-1)
    if dimension is not None and x0.shape != (dimension,):
        raise ValueError(f"The start point needs {dimension} coordinates, got {x0.size}.")
    if x0.size == 0 or not np.all(np.isfinite(x0)):
        raise ValueError("The start point must be finite numbers.")
    return x0


def _method_name(method: str) -> str:
    names = {name.lower(): name for name in METHODS}
    if not isinstance(method, str) or method.lower() not in names:
        raise ValueError(f"Unknown method {method!r}; choose one of: {', '.join(METHODS)}.")
    return names[method.lower()]


# --- the entry point ---------------------------------------------------------------------


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
            a length-d JAX vector returning a scalar (traced by JAX; for SciPy methods
            its value is called eagerly, once per evaluation SciPy asks for).
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
        The trajectory. A run that goes wrong (divergence, a start outside the domain
        of f) is not an error: it returns the path so far, converged=False and a
        message that says what happened and what to try.

    Raises:
        ValueError: for an unknown method or setting, a bad start or max_iter, or a
            derivative switched off that the SciPy method cannot do without.
    """
    method = _method_name(method)
    source, parameter_values, dimension = _source(objective, params)
    x0 = _start(x0, dimension)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer):
        raise ValueError(f"max_iter must be a whole number, got {max_iter!r}.")
    if not 1 <= max_iter <= MAX_ITERATIONS:
        raise ValueError(f"max_iter must be from 1 to {MAX_ITERATIONS:,}, got {max_iter:,}.")
    if method in SCIPY_METHODS:
        return _scipy(source, parameter_values, x0, method, use_grad, use_hess, max_iter, settings)
    checked, tol = _settings(method, settings)
    if callable(source):
        shape = jax.eval_shape(source, jax.ShapeDtypeStruct(x0.shape, jnp.float64)).shape
        if shape != ():
            raise ValueError(f"The objective must return a scalar, not shape {shape}.")
    capacity = next(size for size in _CAPACITIES if size > max_iter)
    run = _compiled_run(source, method, capacity)
    outputs = run(
        x0,
        {name: np.float64(v) for name, v in checked.items()},
        parameter_values,
        np.int64(max_iter),
        np.float64(tol),
    )
    points, values, count, steps, status, counts, gradient_norm = jax.device_get(outputs)
    count, steps, status = int(count), int(steps), int(status)
    message = _message(method, status, steps, float(gradient_norm), tol, checked, max_iter)
    if status == _BAD_START:
        message = bad_start_message(float(values[0]))
    if status == _DIVERGED and method in ("gd", "momentum", "nesterov"):
        message = _step_size_advice(source, parameter_values, x0, steps, checked)
    nfev, njev, nhev = (int(c) for c in counts)
    return Trajectory(
        np.array(points[:count]),
        np.array(values[:count]),
        steps,
        nfev,
        njev,
        nhev,
        status == _CONVERGED,
        message,
    )


def _message(method, status, steps, gradient_norm, tol, settings, max_iter) -> str:
    if status == _CONVERGED:
        return (
            f"Converged in {steps_text(steps)}: the gradient norm {gradient_norm:.1e} is "
            f"below tol = {short_number(tol)}."
        )
    if status == _CAPPED:
        return (
            f"Stopped at the iteration cap ({max_iter:,} steps) without converging: "
            f"the gradient norm is still {gradient_norm:.1e} (tol = {short_number(tol)})."
        )
    if status == _UNBOUNDED:
        return unbounded_message(steps)
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
    smaller = 10 ** (math.floor(math.log10(rate)) - 1)
    return (
        f"Diverged after {steps_text(steps)}: the learning rate {short_number(rate)} is too "
        f"large for this surface — try {short_number(smaller)}."
    )


def _step_size_advice(source, parameter_values, x0, steps, settings) -> str:
    """Gradient descent is stable on a quadratic when η < 2/L (L: the largest curvature);
    suggest the power of ten below 1/L at the start, or a tenth of η if that is no help."""
    rate = settings["learning_rate"]
    suggestion = 10.0 ** (math.floor(math.log10(rate)) - 1)
    hessian = np.asarray(_derivatives(source)[2](x0, parameter_values))
    if np.all(np.isfinite(hessian)):
        largest = float(np.linalg.eigvalsh(hessian)[-1])
        if largest > 0:
            suggestion = min(suggestion, 10.0 ** math.floor(math.log10(1.0 / largest)))
    return (
        f"Diverged after {steps_text(steps)}: the step size {short_number(rate)} is too large for "
        f"this surface — try {short_number(suggestion)}."
    )


def _scipy(source, parameter_values, x0, method, use_grad, use_hess, max_iter, settings):
    unknown = sorted(set(settings) - {"tol"})
    if unknown:
        raise ValueError(f"SciPy's {method} takes no setting {', '.join(unknown)} here; only tol.")
    tol = settings.get("tol")
    if tol is not None and not (math.isfinite(float(tol)) and float(tol) > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}.")
    value, gradient, hessian = _derivatives(source)
    parameters = jnp.asarray(parameter_values)
    if callable(source):
        # Called eagerly, not jitted, so that every evaluation SciPy asks for is a call.
        def value(x, _parameters, function=source):
            return function(jnp.asarray(x))

    def value_numpy(x):
        result = np.asarray(value(x, parameters))
        if result.ndim != 0:
            raise ValueError(f"The objective must return a scalar, not shape {result.shape}.")
        return float(result)

    return scipy_path(
        value_numpy,
        lambda x: np.asarray(gradient(x, parameters), dtype=np.float64),
        lambda x: np.asarray(hessian(x, parameters), dtype=np.float64),
        x0,
        method,
        use_grad=bool(use_grad),
        use_hess=bool(use_hess),
        max_iter=max_iter,
        tol=None if tol is None else float(tol),
    )


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
