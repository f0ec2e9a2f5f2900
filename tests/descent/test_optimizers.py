"""The descent engine (`core.descent.optimizers`): one contract over every method × surface, then
the hand-written methods' counts, failure messages and path invariants the page relies on.

Everything asserted holds on every CPU. The hand-written methods either converge with a
wide margin or stay far from converging (checked against perturbed starts when this
was written). SciPy's methods run here with exact derivatives, and their counts are
compared with `scipy.optimize.minimize` run in the same test on independent NumPy
functions: with exact derivatives SciPy's counts did not change when the gradient and
Hessian were perturbed by a few units in the last place, which is how much JAX's and
NumPy's arithmetic can differ between CPUs. (Runs that difference f are not: see
test_scipy_methods.py.)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from core import parse_expression
from core.descent.optimizers import (
    ALGORITHMS,
    DEFAULT_METHODS,
    MAX_ITERATIONS,
    METHODS,
    minimize_path,
    trajectories,
)
from core.descent.scipy_methods import SCIPY_METHODS
from core.descent.surfaces import surface

BOWL = surface("bowl", condition=10)
ROSENBROCK = surface("rosenbrock")
SURFACES = {"bowl": BOWL, "rosenbrock": ROSENBROCK}
PARSED = {name: parse_expression(known.text, ("x", "y")) for name, known in SURFACES.items()}
USES_HESSIAN = {"Newton-CG", "trust-ncg", "dogleg"}


def _bowl(v):
    # The same float operations as the parsed "x^2 + 10.0*y^2" (squares by multiplication).
    return np.square(v[0]) + 10.0 * np.square(v[1])


# Independent NumPy f, ∇f and ∇²f of each surface, for SciPy run directly.
ORACLES = {
    "bowl": (_bowl, lambda v: np.array([2.0 * v[0], 20.0 * v[1]]),
             lambda _v: np.diag([2.0, 20.0])),
    "rosenbrock": (optimize.rosen, optimize.rosen_der, optimize.rosen_hess),
}  # fmt: skip


class Case(NamedTuple):
    """How a method is run in the contract test, and what it should do."""

    settings: dict
    max_iter: int
    converges: bool
    atol: float  # distance to the known minimum at the end, when it converges


def _case(method: str, surface_name: str) -> Case:
    if method in SCIPY_METHODS:
        # SciPy stops at its own tolerances (BFGS: |∇f| < 1e-5; Nelder-Mead: 1e-4 in x).
        flags = {"use_hess": True} if method in USES_HESSIAN else {}
        return Case(flags, 1000, True, 1e-3 if method == "Nelder-Mead" else 1e-4)
    if method == "gd" and surface_name == "bowl":
        return Case({"learning_rate": 0.05}, 1000, True, 1e-6)  # η < 2/L = 0.1
    return Case({}, MAX_ITERATIONS, (method, surface_name) not in NOT_CONVERGING, 1e-6)


# Which method × surface is expected *not* to converge within 10,000 steps, and why.
NOT_CONVERGING = {
    ("gd", "rosenbrock"): "η must stay below 2/L ≈ 1e-3, which crawls along the curved valley",
    ("rmsprop", "bowl"): "a constant learning rate leaves RMSProp circling at distance ~η",
    ("rmsprop", "rosenbrock"): "a constant learning rate leaves RMSProp circling at distance ~η",
}


def _f(parsed, points: np.ndarray) -> np.ndarray:
    """f at each row of `points`, by NumPy (independent of the JAX path)."""
    return parsed.numpy({"x": points[:, 0], "y": points[:, 1]})


def _check_path(path, parsed, x0):
    assert path.points.ndim == 2
    assert path.points.shape[1] == 2
    assert path.values.shape == (len(path.points),)
    np.testing.assert_array_equal(path.points[0], x0)
    np.testing.assert_allclose(path.values, _f(parsed, path.points), rtol=1e-10, atol=1e-14)


def _scipy_directly(method: str, surface_name: str, x0):
    """`scipy.optimize.minimize` as a notebook calls it, with the exact derivatives."""
    f, gradient, hessian = ORACLES[surface_name]
    keywords = {} if method == "Nelder-Mead" else {"jac": gradient}
    if method in USES_HESSIAN:
        keywords["hess"] = hessian
    return optimize.minimize(f, np.array(x0, dtype=np.float64), method=method, **keywords)


@pytest.mark.parametrize("surface_name", ["bowl", "rosenbrock"])
@pytest.mark.parametrize("method", METHODS)
def test_contract(method, surface_name):
    known, parsed = SURFACES[surface_name], PARSED[surface_name]
    case = _case(method, surface_name)
    path = minimize_path(parsed, known.start, method, max_iter=case.max_iter, **case.settings)
    _check_path(path, parsed, known.start)
    assert path.nfev >= 1
    assert path.converged is case.converges, path.message
    minimum = np.array(known.minima[0])
    if case.converges:
        np.testing.assert_allclose(path.points[-1], minimum, atol=case.atol)
        assert path.nit <= case.max_iter
    else:
        assert path.message.startswith("Stopped at the iteration cap (10,000 steps)")
        assert len(path.points) == MAX_ITERATIONS + 1
        # It got somewhere: closer to the minimum than it started.
        start_distance = np.linalg.norm(np.array(known.start) - minimum)
        assert np.linalg.norm(path.points[-1] - minimum) < start_distance
    if method in ALGORITHMS:
        assert len(path.points) == path.nit + 1
        assert path.njev == path.nfev if method != "newton" else path.njev == path.nit + 1
        assert path.nhev == (path.nit if method == "newton" else 0)
        assert path.extra_evaluations == (0, 0, 0)
    else:
        oracle = _scipy_directly(method, surface_name, known.start)
        assert oracle.success
        reported = (oracle.nit, oracle.nfev, oracle.get("njev", 0), oracle.get("nhev", 0))
        assert (path.nit, path.nfev, path.njev, path.nhev) == reported


def test_every_method_has_a_case():
    assert set(METHODS) == set(ALGORITHMS) | set(SCIPY_METHODS)
    assert all(method in METHODS for method, _ in NOT_CONVERGING)


def test_newton_with_the_exact_hessian_solves_the_bowl_in_one_step():
    path = minimize_path(PARSED["bowl"], BOWL.start, "newton")
    assert path.converged
    assert path.nit == 1
    assert path.nhev == 1
    np.testing.assert_allclose(path.points[-1], [0.0, 0.0], atol=1e-12)
    assert path.message == "Converged in 1 step: the gradient norm 0.0e+00 is below tol = 1e-8."


def test_divergence_ends_with_advice_and_the_partial_path():
    parsed = PARSED["rosenbrock"]
    path = minimize_path(parsed, ROSENBROCK.start, "gd", learning_rate=0.5)
    assert not path.converged
    # The largest curvature at (-1.2, 1) is about 1500: stable steps are below 1/1500.
    assert path.message == (
        f"Diverged after {path.nit} steps: the step size 0.5 is too large for this "
        "surface — try 1e-4."
    )
    assert 1 <= path.nit < 10
    assert len(path.points) == path.nit + 1
    assert path.values[-1] > 1e12
    _check_path(path, parsed, ROSENBROCK.start)


def test_a_step_to_infinity_is_left_off_the_path():
    parsed = parse_expression("exp(x^2) + y^2", ("x", "y"))
    path = minimize_path(parsed, (2.0, 1.0), "gd", learning_rate=10.0)
    assert not path.converged
    assert path.message.startswith("Diverged after 1 step: the step size 10 is too large")
    assert len(path.points) == path.nit  # the point where f overflowed is not drawn
    assert np.all(np.isfinite(path.values))


def test_adam_divergence_names_the_learning_rate():
    path = minimize_path(PARSED["rosenbrock"], ROSENBROCK.start, "adam", learning_rate=1e6)
    assert not path.converged
    assert "the learning rate 1e6 is too large for this surface — try 1e5." in path.message


@pytest.mark.parametrize("method", ["gd", "newton", "adam", "BFGS", "Nelder-Mead"])
def test_nan_start_is_reported_not_raised(method):
    parsed = parse_expression("sqrt(x) + y^2", ("x", "y"))
    path = minimize_path(parsed, (-1.0, 1.0), method)
    assert path.message == "The start point is outside where f is defined (f is nan there)."
    assert not path.converged
    assert path.nit == 0
    np.testing.assert_array_equal(path.points, [[-1.0, 1.0]])


@pytest.mark.parametrize("method", ["gd", "newton", "BFGS"])
@pytest.mark.parametrize(
    ("text", "start", "what"),
    [
        ("asin(x) + y^2", (1.0, 0.0), "infinite"),  # asin'(1) = 1/sqrt(1 - 1²)
        # where() alone does not stop the nan of sqrt'(-1) reaching the gradient.
        ("where(x > 0, sqrt(x), 0) + y^2", (-1.0, 1.0), "nan"),
    ],
)
def test_start_where_only_the_gradient_is_undefined(method, text, start, what):
    path = minimize_path(parse_expression(text, ("x", "y")), start, method)
    assert path.message == (
        f"The gradient of f is {what} at the start point: start where f is differentiable."
    )
    assert not path.converged
    assert path.nit == 0


@pytest.mark.parametrize("method", ["newton", "CG", "L-BFGS-B"])
def test_unbounded_surface_stops(method):
    path = minimize_path(parse_expression("x^2 - y^2", ("x", "y")), (-1.5, 0.01), method)
    assert not path.converged
    assert "f fell below -1e12, so it looks unbounded below" in path.message
    assert np.all(np.isfinite(path.values))


def test_iteration_cap_bounds_the_work():
    path = minimize_path(PARSED["rosenbrock"], ROSENBROCK.start, "gd", max_iter=7)
    assert path.nit == 7
    assert len(path.points) == 8
    assert path.nfev == 8
    assert "iteration cap (7 steps)" in path.message
    for bad in (0, MAX_ITERATIONS + 1, 2.5, True):
        with pytest.raises(ValueError, match="max_iter"):
            minimize_path(PARSED["rosenbrock"], ROSENBROCK.start, "gd", max_iter=bad)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"method": "sgd"}, "Unknown method 'sgd'; choose one of: gd, bb"),
        ({"method": "gd", "momentum": 0.9}, "gd has no setting momentum"),
        ({"method": "gd", "learning_rate": -1}, "learning_rate must be positive"),
        ({"method": "momentum", "momentum": 1.0}, "momentum must be at least 0 and below 1"),
        ({"method": "BFGS", "gtol": 1e-3}, "takes no setting gtol"),
        ({"method": "gd", "x0": (1.0, 2.0, 3.0)}, "needs 2 coordinates"),
        ({"method": "gd", "x0": (np.nan, 2.0)}, "must be finite"),
        ({"method": "gd", "params": {"a": 1.0}}, "a is not a parameter"),
    ],
)
def test_bad_arguments_raise_clear_errors(arguments, words):
    arguments = {"x0": ROSENBROCK.start, **arguments}
    x0, method = arguments.pop("x0"), arguments.pop("method")
    with pytest.raises(ValueError, match=words):
        minimize_path(PARSED["rosenbrock"], x0, method, **arguments)


def test_method_names_ignore_letter_case():
    path = minimize_path(PARSED["bowl"], BOWL.start, "bfgs")
    assert path.converged


def test_parameters_are_values_not_recompilations():
    parsed = parse_expression("a*(x - b)^2 + y^2", ("x", "y"))
    for a, b in [(1.0, 2.0), (3.0, -1.0)]:
        path = minimize_path(parsed, (0.0, 1.0), "newton", params={"a": a, "b": b})
        assert path.converged
        np.testing.assert_allclose(path.points[-1], [b, 0.0], atol=1e-9)
        # SciPy gets the parameters in the NumPy form of f too (BFGS stops at |∇f| < 1e-5).
        path = minimize_path(parsed, (0.0, 1.0), "BFGS", params={"a": a, "b": b})
        assert path.converged
        np.testing.assert_allclose(path.points[-1], [b, 0.0], atol=1e-5)


def test_callable_objective_of_three_variables():
    def sphere(v):
        return ((v - 1.0) ** 2).sum()

    for method, step in (("nesterov", {"learning_rate": 0.1}), ("L-BFGS-B", {})):
        path = minimize_path(sphere, np.zeros(3), method, **step)
        assert path.converged, path.message
        np.testing.assert_allclose(path.points[-1], np.ones(3), atol=1e-5)


def test_trajectories_of_the_default_set():
    parsed = PARSED["rosenbrock"]
    paths = trajectories(parsed, ROSENBROCK.start)
    assert list(paths) == list(DEFAULT_METHODS)
    for path in paths.values():
        _check_path(path, parsed, ROSENBROCK.start)
    assert paths["BFGS"].nfev < paths["BFGS (finite differences)"].nfev


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.1, 10.0),
    b=st.floats(0.1, 10.0),
    coupling=st.floats(-0.9, 0.9),
    fraction=st.floats(0.05, 0.95),
    start=st.tuples(st.floats(-5.0, 5.0), st.floats(-5.0, 5.0)),
)
def test_gradient_descent_decreases_a_convex_quadratic(a, b, coupling, fraction, start):
    # f = a x² + b y² + c x y is convex when c² < 4ab; gradient descent with a step
    # η < 2/L (L: the largest eigenvalue of the Hessian) decreases it at every step.
    c = coupling * 2.0 * np.sqrt(a * b)
    hessian = np.array([[2 * a, c], [c, 2 * b]])
    step = fraction * 2.0 / np.linalg.eigvalsh(hessian)[-1]
    parsed = parse_expression("a*x^2 + b*y^2 + c*x*y", ("x", "y"))
    path = minimize_path(parsed, start, "gd", max_iter=200, learning_rate=step,
                         params={"a": a, "b": b, "c": c})  # fmt: skip
    increases = np.diff(path.values)
    assert np.all(increases <= 1e-13 * np.abs(path.values[:-1]) + 1e-300)
