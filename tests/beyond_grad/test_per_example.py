"""Per-example gradients and Hessians by `vmap`: the lecture's [[1, 2, 3], [2, 4, 6]], and
Σᵢ ∇²ℓᵢ = XᵀSX for the logistic loss against the closed form and SciPy's finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special

from core.beyond_grad.per_example import (
    HessianCheck,
    lecture_per_example,
    logistic_hessian_check,
    logistic_loss,
    sample_logistic_data,
)

# -- the lecture ---------------------------------------------------------------------------


def test_the_lecture_numbers():
    gradients = lecture_per_example()
    assert gradients.dtype == np.float64
    assert gradients.tolist() == [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]


numbers = st.floats(-10, 10, allow_subnormal=False)  # XLA on CPU flushes subnormals to 0


@given(
    st.lists(numbers, min_size=1, max_size=5).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(numbers, min_size=len(w), max_size=len(w)))
    )
)
@settings(max_examples=20, deadline=None)
def test_the_gradient_of_w_dot_x_is_x_whatever_w(pair):
    w, x0 = pair
    gradients = lecture_per_example(w, x0)
    np.testing.assert_array_equal(gradients, [x0, 2 * np.array(x0)])


def test_lecture_errors():
    with pytest.raises(ValueError, match="same length; got 2 and 3"):
        lecture_per_example((1, 1), (1, 2, 3))
    with pytest.raises(ValueError, match="w must be a vector"):
        lecture_per_example([[1, 1]], (1, 2))
    with pytest.raises(ValueError, match="finite"):
        lecture_per_example((1, np.nan), (1, 2))


# -- the logistic Hessian --------------------------------------------------------------------


def closed_form(X, w):
    p = special.expit(X @ w)
    return sum(pi * (1 - pi) * np.outer(x, x) for pi, x in zip(p, X, strict=True))


def test_the_page_example():
    X, y, w = sample_logistic_data()
    check = logistic_hessian_check(X, y, w)
    assert isinstance(check, HessianCheck)
    assert check.count == 20
    assert (X.shape, y.shape, w.shape) == ((20, 3), (20,), (3,))
    assert set(np.unique(y)) == {0.0, 1.0}
    np.testing.assert_allclose(check.per_example_sum, check.batch, rtol=1e-10)
    np.testing.assert_allclose(check.batch, closed_form(X, w), rtol=1e-12)
    assert check.max_difference <= 1e-10 * np.abs(check.batch).max()
    np.testing.assert_allclose(check.batch, check.batch.T)
    assert np.all(np.linalg.eigvalsh(check.batch) > 0)


def test_the_sample_is_deterministic_and_follows_its_seed():
    first, again, other = (
        sample_logistic_data(),
        sample_logistic_data(),
        sample_logistic_data(20, 1),
    )
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    np.testing.assert_array_equal(first[0][:, 0], 1.0)  # the intercept's column


@pytest.mark.parametrize("n", [1, 7, 20])
@pytest.mark.parametrize("seed", [0, 3])
def test_the_sum_of_per_example_hessians_is_xtsx(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * 2
    y = rng.integers(0, 2, size=n).astype(float)
    w = rng.normal(size=3)
    check = logistic_hessian_check(X, y, w)
    np.testing.assert_allclose(check.per_example_sum, check.batch, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(check.batch, closed_form(X, w), rtol=1e-12)


def test_the_hessian_is_right_at_z_zero_and_far_out():
    # σ(0)(1 − σ(0)) = 1/4 at w = 0 (a max-based softplus would say 0 there); far out
    # the Hessian underflows to 0, never nan
    X = np.array([[1.0, 2.0], [1.0, -1.0]])
    check = logistic_hessian_check(X, [1, 0], [0.0, 0.0])
    np.testing.assert_allclose(check.per_example_sum, 0.25 * X.T @ X, rtol=1e-15)
    far = logistic_hessian_check([[900.0], [-900.0]], [1, 0], [1.0])
    assert np.isfinite(far.per_example_sum).all()
    np.testing.assert_array_equal(far.per_example_sum, 0.0)


def test_the_loss_against_scipy_finite_differences():
    X, y, w = sample_logistic_data()

    def loss(weights):
        return float(sum(logistic_loss(weights, x, label) for x, label in zip(X, y, strict=True)))

    def gradient(weights):
        return optimize.approx_fprime(weights, loss, 1e-6)

    hessian = np.array([optimize.approx_fprime(w, lambda v, i=i: gradient(v)[i], 1e-4)
                        for i in range(3)])  # fmt: skip
    np.testing.assert_allclose(hessian, logistic_hessian_check(X, y, w).batch, atol=1e-3)
    # the value: −y log σ(z) − (1 − y) log σ(−z)
    z = X @ w
    want = -(y * np.log(special.expit(z)) + (1 - y) * np.log(special.expit(-z))).sum()
    assert loss(w) == pytest.approx(want, rel=1e-13)


@pytest.mark.parametrize(
    ("X", "y", "w", "message"),
    [
        (np.ones((3, 2)), [1, 0], [0, 0], "y needs 3 labels and w 2 weights; got 2 and 2"),
        (np.ones((3, 2)), [1, 0, 1], [0, 0, 0], "w 2 weights; got 3 and 3"),
        (np.ones((3, 2)), [1, 0, 2], [0, 0], r"labels y must lie in \[0, 1\]"),
        (np.ones(3), [1, 0, 1], [0, 0], "X must be a matrix"),
        (np.ones((3, 21)), [1, 0, 1], np.zeros(21), "1 to 20 columns; got 3 × 21"),
        ([[1.0, np.inf]], [1], [0, 0], "X must hold finite numbers"),
    ],
)
def test_hessian_errors(X, y, w, message):
    with pytest.raises(ValueError, match=message):
        logistic_hessian_check(X, y, w)


@pytest.mark.parametrize("n", [0, 2.5, True, 10_001])
def test_sample_errors(n):
    with pytest.raises(ValueError, match="n must be a whole number"):
        sample_logistic_data(n)
