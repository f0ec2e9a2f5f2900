"""Hessian-vector products by forward-over-reverse (`core.several_variables.hessian_vector`)
against core.hessian(...) @ v, SymPy's exact Hessian, and SciPy's Rosenbrock Hessian product."""

from __future__ import annotations

import doctest
from types import SimpleNamespace

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jax.extend.core import subjaxprs
from scipy import optimize

from core import hessian, parse_expression, parse_vector
from core.several_variables import hessian_vector
from core.several_variables.hessian_vector import (
    MAX_ROSENBROCK_VARIABLES,
    extended_rosenbrock,
    extended_rosenbrock_expression,
    forward_over_reverse,
    hessian_vector_product,
)
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    smooth_expressions,
    sympy_hessian,
    well_conditioned,
)

XY = ("x", "y")
XYZ = ("x", "y", "z")
FUNCTIONS = [
    (parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY), {}),
    (parse_expression("x^3*y - exp(x*y) + sin(x + 2y)", XY), {}),
    (parse_expression("a*x^2*z + y*z^3 - log(1 + x^2 + y^2)", XYZ), {"a": -1.5}),
    (parse_expression("x*y*z + tanh(x - z)^2 + sqrt(2 + sin(y))", XYZ), {}),
    (parse_expression("x^4", ("x",)), {}),  # d = 1: H v = f''(x) v
    (extended_rosenbrock_expression(2), {}),
    (extended_rosenbrock_expression(5), {}),
]
IDS = [f.text[:30] for f, _ in FUNCTIONS]


def random_pair(d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.5, 1.5, d), rng.normal(size=d)


@pytest.mark.parametrize(("f", "params"), FUNCTIONS, ids=IDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_the_hessian_times_the_vector(f, params, seed):
    p, v = random_pair(len(f.variables), seed)
    got = hessian_vector_product(f, p, v, params)
    assert got.shape == (len(f.variables),)
    assert got.dtype == np.float64
    want = hessian(f, p, params) @ v
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())


@pytest.mark.parametrize(("f", "params"), FUNCTIONS, ids=IDS)
def test_equals_sympys_exact_hessian_times_the_vector(f, params):
    p, v = random_pair(len(f.variables), seed=7)
    # SymPy's expression with the parameters' values put in
    values = {f.symbols[name]: value for name, value in params.items()}
    exact = SimpleNamespace(sympy=f.sympy.subs(values), symbols=f.symbols, variables=f.variables)
    want = sympy_hessian(exact, p) @ v
    np.testing.assert_allclose(
        hessian_vector_product(f, p, v, params), want, rtol=1e-11, atol=1e-11 * np.abs(want).max()
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    smooth_expressions(),
    st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)),
    st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
)
def test_typed_functions_agree_with_sympy(text, point, vector):
    f = parse_expression(text, XY)
    assume(well_conditioned(f, point))
    want = sympy_hessian(f, point) @ np.array(vector)
    got = hessian_vector_product(f, point, vector)
    assert_close_where_moderate(got, want, rtol=1e-9, label=f"H v of {text} at {point}")


# -- the extended Rosenbrock function ------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3, 10, 1000])
def test_extended_rosenbrock_matches_scipys_rosen_and_hessian_product(d):
    p, v = random_pair(d, seed=d)
    value, product = forward_over_reverse(extended_rosenbrock, jnp.asarray(p), jnp.asarray(v))
    assert float(value) == pytest.approx(optimize.rosen(p), rel=1e-13)
    want = optimize.rosen_hess_prod(p, v)
    np.testing.assert_allclose(
        np.asarray(product), want, rtol=1e-12, atol=1e-12 * np.abs(want).max()
    )


@pytest.mark.parametrize("d", [2, 4, 7])
def test_the_typed_extended_rosenbrock_is_the_same_function(d):
    f = extended_rosenbrock_expression(d)
    assert f.variables == tuple(f"x{i}" for i in range(1, d + 1))
    p, v = random_pair(d, seed=10 + d)
    assert float(f.numpy(dict(zip(f.variables, p, strict=True)))) == pytest.approx(
        optimize.rosen(p), rel=1e-13
    )
    np.testing.assert_allclose(
        hessian_vector_product(f, p, v), optimize.rosen_hess_prod(p, v), rtol=1e-12, atol=1e-9
    )
    np.testing.assert_allclose(hessian(f, np.ones(d)), optimize.rosen_hess(np.ones(d)), atol=1e-12)


def test_the_hessian_is_never_formed():
    """No array of forward-over-reverse has d x d entries: at d = 400, every intermediate of
    its jaxpr is a vector of at most a few times d numbers."""
    d = 400

    def product(p, v):
        return forward_over_reverse(extended_rosenbrock, p, v)

    jaxpr = jax.make_jaxpr(product)(jnp.ones(d), jnp.ones(d))

    def sizes(jaxpr):
        for equation in jaxpr.eqns:
            for var in equation.outvars:
                yield int(np.prod(var.aval.shape))
        for inner in subjaxprs(jaxpr):
            yield from sizes(inner)

    assert max(sizes(jaxpr.jaxpr)) <= 2 * d
    # the check can fail: the dense Hessian's jaxpr does hold d x d numbers
    assert max(sizes(jax.make_jaxpr(jax.hessian(extended_rosenbrock))(jnp.ones(d)).jaxpr)) >= d * d


# -- undefined points and bad input ------------------------------------------------------------


def test_nan_where_f_is_undefined():
    f = parse_expression("log(x*y)", XY)
    assert np.isnan(hessian_vector_product(f, [-1.0, 1.0], [1.0, 0.0])).all()
    np.testing.assert_allclose(hessian_vector_product(f, [1.0, 2.0], [1.0, 0.0]), [-1.0, 0.0])


@pytest.mark.parametrize(
    ("point", "vector", "message"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], r"The vector needs 2 numbers \(f is a function of 2 "
         r"variables \(x, y\)\); got shape \(3,\)"),
        ([1.0], [1.0, 2.0], r"The point needs 2 numbers .*got shape \(1,\)"),
        ([1.0, 2.0], 3.0, "The vector needs 2 numbers .*got a single number"),
        ([1.0, 2.0], [[1.0, 2.0]], r"got shape \(1, 2\)"),
        ([1.0, 2.0], [np.inf, 0.0], "The vector must be finite numbers"),
        ([1.0, 2.0], ["a", "b"], "The vector must be numbers"),
    ],
)  # fmt: skip
def test_bad_shapes_say_what_to_give(point, vector, message):
    f = parse_expression("x^2*y", XY)
    with pytest.raises(ValueError, match=message):
        hessian_vector_product(f, point, vector)


def test_same_validation_as_hessian():
    with pytest.raises(ValueError, match="hessian_vector_product needs a scalar function"):
        hessian_vector_product(parse_vector("[x, y]"), [1, 2], [1, 0])
    with pytest.raises(TypeError, match="parsed function"):
        hessian_vector_product("x^2", [1.0], [1.0])
    with pytest.raises(ValueError, match="b is not a parameter"):
        hessian_vector_product(parse_expression("a*x^2"), [1.0], [1.0], {"b": 2.0})
    f = parse_expression("a*x^2")
    np.testing.assert_allclose(hessian_vector_product(f, 3.0, 2.0, {"a": 5.0}), [20.0])
    np.testing.assert_allclose(hessian_vector_product(f, 3.0, 2.0), [4.0])  # a defaults to 1


@pytest.mark.parametrize("d", [1, 0, MAX_ROSENBROCK_VARIABLES + 1, 2.0, True])
def test_extended_rosenbrock_expression_refuses_a_bad_size(d):
    with pytest.raises(ValueError, match="The number of variables d must be a whole number"):
        extended_rosenbrock_expression(d)


def test_docstring_examples_run():
    result = doctest.testmod(hessian_vector, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
