"""∂(A⁻¹) = −A⁻¹ (∂A) A⁻¹ (`inverse_derivative`) against `jax.jacfwd(inv)`, a closed form
for 2 × 2 matrices and central differences of NumPy's inverse."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.beyond_grad.inverse import InverseDerivative, inverse_derivative

entries = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
two_by_two = st.lists(entries, min_size=4, max_size=4).map(lambda v: np.reshape(v, (2, 2)))
directions = st.lists(st.floats(-1.0, 1.0), min_size=4, max_size=4).map(
    lambda v: np.reshape(v, (2, 2))
)


def adjugate_inverse(A):
    (a, b), (c, d) = A
    return np.array([[d, -b], [-c, a]]) / (a * d - b * c)


@given(two_by_two, directions)
@settings(max_examples=60, deadline=None)
def test_the_formula_equals_jacfwd_on_well_conditioned_matrices(A, dA):
    assume(np.linalg.cond(A) < 50 and abs(np.linalg.det(A)) > 0.05)  # and of a fair size
    result = inverse_derivative(A, dA)
    scale = np.abs(result.formula).max() + np.abs(result.inverse).max() ** 2
    np.testing.assert_allclose(result.by_jacfwd, result.formula, rtol=0, atol=1e-12 * scale)
    assert result.max_difference <= 1e-12 * scale
    np.testing.assert_allclose(result.inverse, adjugate_inverse(A), rtol=0, atol=1e-12 * scale)


@given(two_by_two, directions)
@settings(max_examples=30, deadline=None)
def test_the_formula_equals_a_central_difference_of_the_inverse(A, dA):
    assume(np.linalg.cond(A) < 20 and abs(np.linalg.det(A)) > 0.05)
    h = 1e-5
    difference = (np.linalg.inv(A + h * dA) - np.linalg.inv(A - h * dA)) / (2 * h)
    result = inverse_derivative(A, dA)
    scale = 1 + np.abs(result.inverse).max() ** 3  # the error is O(h² ‖A⁻¹‖³ ‖dA‖³)
    np.testing.assert_allclose(result.formula, difference, rtol=0, atol=1e-7 * scale)


def test_a_worked_example_and_the_record():
    result = inverse_derivative([[2.0, 1.0], [1.0, 3.0]], [[1.0, 0.0], [0.0, 0.0]])
    assert isinstance(result, InverseDerivative)
    # A⁻¹ = [[3, -1], [-1, 2]] / 5; −A⁻¹ E₁₁ A⁻¹ = −(first column)(first row) / 25
    np.testing.assert_allclose(result.inverse, [[0.6, -0.2], [-0.2, 0.4]], rtol=1e-15)
    np.testing.assert_allclose(result.formula, [[-9, 3], [3, -1]] / np.float64(25), rtol=1e-14)
    assert isinstance(result.max_difference, float)


def test_larger_matrices_and_the_identity():
    A = np.eye(3) + 0.1 * np.arange(9.0).reshape(3, 3)
    dA = np.ones((3, 3))
    result = inverse_derivative(A, dA)
    assert result.max_difference < 1e-13
    identity = inverse_derivative(np.eye(2), [[0.0, 1.0], [2.0, 0.0]])
    np.testing.assert_allclose(identity.formula, [[0.0, -1.0], [-2.0, 0.0]])  # −dA at A = I


@pytest.mark.parametrize(
    ("A", "dA", "message"),
    [
        ([[1.0, 2.0], [2.0, 4.0]], np.eye(2), r"A is singular \(det A = 0"),
        ([[1.0, 1.0], [1.0, 1.0 + 1e-15]], np.eye(2), "A is singular"),
        ([[1.0, 2.0, 3.0]], np.eye(2), "must be a square matrix"),
        ([1.0, 2.0], np.eye(2), "must be a square matrix"),
        ([["a", 1], [1, 1]], np.eye(2), "A must be a square matrix of numbers"),
        ([[1.0, np.nan], [0.0, 1.0]], np.eye(2), "finite"),
        (np.eye(2), np.eye(3), r"dA must have the shape of A, \(2, 2\)"),
        (np.eye(7), np.eye(7), "at most 6"),
        (1e-200 * np.eye(2), np.eye(2), "overflows float64"),
    ],
)
def test_errors(A, dA, message):
    with pytest.raises(ValueError, match=message) as error:
        inverse_derivative(A, dA)
    assert str(error.value).count(". ") == 0  # one sentence
