"""Finite differences (`core.engines.finite_differences`): stencils, orders of accuracy, steps.

Stencils are checked exactly (as Fractions) against the textbook ones and against the
moment conditions that define them; convergence orders are read off log-log slopes of
the error against h in the truncation regime, not from fixed error values.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.engines.finite_differences import (
    MAX_FD_ORDER,
    default_step,
    fd_coefficients,
    fd_coefficients_exact,
    fd_derivative,
    fornberg_weights,
    stencil_offsets,
)

X0 = 0.7


def exp_derivative(_order: int, x):
    return np.exp(x)


def sin_derivative(order: int, x):
    return np.sin(x + order * np.pi / 2)


def moment(weights, offsets, j: int) -> F:
    """sum_i w_i k_i^j / j!: the coefficient of h^j f^(j) in the stencil's Taylor series."""
    total = sum((w * F(k) ** j for w, k in zip(weights, offsets, strict=True)), F(0))
    return total / math.factorial(j)


def loglog_slope(hs, errors) -> float:
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


# -- exact stencils ----------------------------------------------------------------------

KNOWN_STENCILS = [
    # (order, scheme, accuracy, offsets, weights)
    (1, "central", 2, [-1, 0, 1], [F(-1, 2), 0, F(1, 2)]),
    (1, "central", 4, [-2, -1, 0, 1, 2], [F(1, 12), F(-2, 3), 0, F(2, 3), F(-1, 12)]),
    (1, "central", 6, [-3, -2, -1, 0, 1, 2, 3],
     [F(-1, 60), F(3, 20), F(-3, 4), 0, F(3, 4), F(-3, 20), F(1, 60)]),
    (2, "central", 2, [-1, 0, 1], [1, -2, 1]),
    (2, "central", 4, [-2, -1, 0, 1, 2], [F(-1, 12), F(4, 3), F(-5, 2), F(4, 3), F(-1, 12)]),
    (2, "central", 6, [-3, -2, -1, 0, 1, 2, 3],
     [F(1, 90), F(-3, 20), F(3, 2), F(-49, 18), F(3, 2), F(-3, 20), F(1, 90)]),
    (3, "central", 2, [-2, -1, 0, 1, 2], [F(-1, 2), 1, 0, -1, F(1, 2)]),
    (3, "central", 4, [-3, -2, -1, 0, 1, 2, 3],
     [F(1, 8), -1, F(13, 8), 0, F(-13, 8), 1, F(-1, 8)]),
    (4, "central", 2, [-2, -1, 0, 1, 2], [1, -4, 6, -4, 1]),
    (4, "central", 4, [-3, -2, -1, 0, 1, 2, 3],
     [F(-1, 6), 2, F(-13, 2), F(28, 3), F(-13, 2), 2, F(-1, 6)]),
    (1, "forward", 1, [0, 1], [-1, 1]),
    (1, "forward", 2, [0, 1, 2], [F(-3, 2), 2, F(-1, 2)]),
    (1, "forward", 3, [0, 1, 2, 3], [F(-11, 6), 3, F(-3, 2), F(1, 3)]),
    (2, "forward", 1, [0, 1, 2], [1, -2, 1]),
    (2, "forward", 2, [0, 1, 2, 3], [2, -5, 4, -1]),
    (1, "backward", 1, [-1, 0], [-1, 1]),
    (1, "backward", 2, [-2, -1, 0], [F(1, 2), -2, F(3, 2)]),
    (2, "backward", 2, [-3, -2, -1, 0], [-1, 4, -5, 2]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("order", "scheme", "accuracy", "offsets", "weights"),
    KNOWN_STENCILS,
    ids=[f"{s}-d{o}-acc{a}" for o, s, a, _, _ in KNOWN_STENCILS],
)
def test_standard_stencils_equal_the_textbook_ones(order, scheme, accuracy, offsets, weights):
    assert stencil_offsets(order, scheme, accuracy) == offsets
    exact = fd_coefficients_exact(order, offsets)
    assert all(isinstance(w, F) for w in exact)
    assert exact == [F(w) for w in weights]
    np.testing.assert_array_equal(fd_coefficients(order, offsets), [float(w) for w in weights])


@pytest.mark.parametrize("order", range(1, 7))
@pytest.mark.parametrize("accuracy", [1, 2, 3, 4])
def test_backward_stencil_mirrors_forward(order, accuracy):
    forward = fd_coefficients_exact(order, stencil_offsets(order, "forward", accuracy))
    backward = fd_coefficients_exact(order, stencil_offsets(order, "backward", accuracy))
    assert backward == [(-1) ** order * w for w in reversed(forward)]


@pytest.mark.parametrize("order", range(1, MAX_FD_ORDER + 1))
@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_central_stencil_is_symmetric_with_the_parity_of_its_order(order, accuracy):
    weights = fd_coefficients_exact(order, stencil_offsets(order, "central", accuracy))
    assert weights == [(-1) ** order * w for w in reversed(weights)]


@pytest.mark.parametrize("scheme", ["central", "forward", "backward"])
@pytest.mark.parametrize("order", range(1, MAX_FD_ORDER + 1))
@pytest.mark.parametrize("accuracy", [1, 2, 3, 4, 5, 6])
def test_standard_stencils_have_exactly_the_stated_accuracy(scheme, order, accuracy):
    """Moments 0..order+p-1 are δ_{j,order} and moment order+p is not 0: error is Θ(h^p)."""
    if scheme == "central" and accuracy % 2:
        with pytest.raises(ValueError, match="even accuracy"):
            stencil_offsets(order, scheme, accuracy)
        return
    offsets = stencil_offsets(order, scheme, accuracy)
    weights = fd_coefficients_exact(order, offsets)
    assert sum(weights) == 0
    for j in range(order + accuracy):
        assert moment(weights, offsets, j) == (1 if j == order else 0), j
    assert moment(weights, offsets, order + accuracy) != 0


distinct_offsets = st.lists(
    st.integers(min_value=-8, max_value=8), min_size=1, max_size=9, unique=True
)


@settings(max_examples=200, deadline=None)
@given(offsets=distinct_offsets, data=st.data())
def test_weights_satisfy_the_moment_conditions(offsets, data):
    order = data.draw(st.integers(min_value=0, max_value=len(offsets) - 1), label="order")
    weights = fd_coefficients_exact(order, offsets)
    assert len(weights) == len(offsets)
    for j in range(len(offsets)):
        assert moment(weights, offsets, j) == (1 if j == order else 0), j
    if order >= 1:
        assert sum(weights) == 0


@settings(max_examples=100, deadline=None)
@given(
    offsets=st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=7),
                     min_size=2, max_size=7, unique=True),
    data=st.data(),
)  # fmt: skip
def test_rational_offsets_give_exact_weights_too(offsets, data):
    order = data.draw(st.integers(min_value=1, max_value=len(offsets) - 1), label="order")
    weights = fornberg_weights(order, offsets)
    for j in range(len(offsets)):
        total = sum((w * k**j for w, k in zip(weights, offsets, strict=True)), F(0))
        assert total / math.factorial(j) == (1 if j == order else 0)


NON_UNIFORM = [-0.83, -0.31, -0.07, 0.0, 0.13, 0.42, 0.5, 0.97]


@settings(max_examples=100, deadline=None)
@given(
    coefficients=st.lists(st.floats(min_value=-3, max_value=3), min_size=1, max_size=8),
    order=st.integers(min_value=0, max_value=7),
    x0=st.floats(min_value=-2, max_value=2),
)
def test_float_weights_on_a_non_uniform_grid_differentiate_polynomials_exactly(
    coefficients, order, x0
):
    """Degree < number of points: the stencil has no truncation error at all."""
    polynomial = np.polynomial.Polynomial(coefficients)
    weights = fornberg_weights(order, NON_UNIFORM)
    assert all(isinstance(w, float) for w in weights)
    values = polynomial(x0 + np.array(NON_UNIFORM))
    got = float(np.dot(weights, values))
    want = float(polynomial.deriv(order)(x0)) if order else float(polynomial(x0))
    scale = float(np.sum(np.abs(weights) * np.abs(values))) + 1.0
    assert abs(got - want) <= 1e-9 * scale


@pytest.mark.parametrize("order", range(len(NON_UNIFORM)))
def test_float_weights_match_exact_weights_of_the_same_offsets(order):
    exact = fornberg_weights(order, [F(x) for x in NON_UNIFORM])
    floats = fornberg_weights(order, NON_UNIFORM)
    np.testing.assert_allclose(floats, [float(w) for w in exact], rtol=1e-10, atol=1e-10)


def test_zeroth_order_weights_are_lagrange_interpolation_at_zero():
    assert fd_coefficients_exact(0, [-1, 0, 1]) == [0, 1, 0]
    assert fd_coefficients_exact(0, [1, 2]) == [2, -1]  # extrapolation to 0


# -- convergence orders ------------------------------------------------------------------

# h windows in the truncation regime (checked: round-off is far below truncation there,
# and the next Taylor term no longer bends the line). One-sided stencils are wider, so
# their pre-asymptotic regime reaches smaller h.
WINDOWS = {"central": (1.0, 0.1), "forward": (0.1, 0.01), "backward": (0.1, 0.01)}
CONVERGENCE_CASES = [
    (scheme, order, accuracy)
    for scheme, accuracies in [("forward", (1, 2, 3)), ("backward", (1, 2, 3)),
                               ("central", (2, 4, 6))]
    for order in (1, 2, 3, 4)
    for accuracy in accuracies
]  # fmt: skip


@pytest.mark.parametrize(("scheme", "order", "accuracy"), CONVERGENCE_CASES)
@pytest.mark.parametrize(
    ("f", "derivative"), [(np.exp, exp_derivative), (np.sin, sin_derivative)], ids=["exp", "sin"]
)
def test_error_shrinks_like_h_to_the_accuracy(f, derivative, scheme, order, accuracy):
    if f is np.sin and scheme != "central":
        # sin's Taylor terms alternate in sign, so one-sided errors bend inside any window
        # wide enough to fit a slope: exp's single-signed series is the clean test there.
        return
    high, low = WINDOWS[scheme]
    hs = np.geomspace(high, low, 7)
    exact = derivative(order, X0)
    errors = np.array(
        [
            abs(fd_derivative(f, [X0], order, h=h, scheme=scheme, accuracy=accuracy)[0] - exact)
            for h in hs
        ]
    )
    assert np.all(np.diff(errors) < 0), errors  # truncation regime: monotone
    slope = loglog_slope(hs, errors)
    assert abs(slope - accuracy) < 0.2, f"slope {slope:.3f} for O(h^{accuracy})"


@pytest.mark.parametrize("order", [5, 6, 8])
def test_higher_order_central_derivatives_converge_at_second_order(order):
    hs = np.geomspace(0.5, 0.1, 5)
    errors = [abs(fd_derivative(np.exp, [X0], order, h=h)[0] - np.exp(X0)) for h in hs]
    assert abs(loglog_slope(hs, errors) - 2) < 0.2


# -- the complex step --------------------------------------------------------------------


@pytest.mark.parametrize("h", [1e-20, 1e-100, 1e-300])
@pytest.mark.parametrize(
    ("f", "derivative"),
    [(np.exp, np.exp), (np.sin, np.cos), (lambda x: x**3 / (1 + x**2),
                                          lambda x: x**2 * (x**2 + 3) / (1 + x**2) ** 2)],
    ids=["exp", "sin", "rational"],
)  # fmt: skip
def test_complex_step_reaches_rounding_level_without_cancellation(f, derivative, h):
    xs = np.linspace(-3, 3, 61)
    got = fd_derivative(f, xs, 1, h=h, scheme="complex")
    want = derivative(xs)
    relative = np.abs(got - want) / np.maximum(np.abs(want), 1e-300)
    assert np.max(relative[np.abs(want) > 1e-3]) < 1e-14


def test_complex_step_default_step_is_tiny_and_exact():
    assert default_step(1, 2, "complex") <= 1e-20
    xs = np.linspace(-2, 2, 41)
    np.testing.assert_allclose(fd_derivative(np.exp, xs, scheme="complex"), np.exp(xs), rtol=1e-15)


def test_a_real_difference_at_the_same_tiny_step_cancels_completely():
    """What the complex step avoids: x + 1e-20 == x, so the real difference has no digit."""
    value = fd_derivative(np.exp, [X0], 1, h=1e-20)[0]
    assert not abs(value - np.exp(X0)) < 0.5  # 0 or nan (the step rounds to 0)


@pytest.mark.parametrize("order", [2, 3])
def test_complex_step_refuses_higher_orders(order):
    with pytest.raises(ValueError, match="first derivatives only"):
        fd_derivative(np.exp, [X0], order, scheme="complex")


# -- the default step --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "order", "accuracy"),
    [(s, o, a) for s, o, a in CONVERGENCE_CASES if s != "backward"]
    + [("central", 6, 2), ("central", 8, 2)],
)
@pytest.mark.parametrize(
    ("f", "derivative"), [(np.exp, exp_derivative), (np.sin, sin_derivative)], ids=["exp", "sin"]
)
def test_default_step_is_near_optimal(f, derivative, scheme, order, accuracy):
    """The typical error at the default h is within ~10x of the best over a sweep of h.

    "Typical" is the median over many points, so one lucky cancellation of round-off
    at some h does not set the bar. Round-off is about eps * sum|w| * |f| / h^order, so
    a step that ignores the stencil's sum|w| (2^order for the 2nd-accurate central
    stencil) is too small for high orders.
    """
    xs = np.linspace(-1.0, 1.0, 101)
    exact = derivative(order, xs)

    def typical_error(h):
        return np.median(np.abs(fd_derivative(f, xs, order, h=h, scheme=scheme, accuracy=accuracy)
                                - exact))  # fmt: skip

    # Steps below half an ulp of some x round to 0 there (nan): not candidates.
    best = np.nanmin([typical_error(h) for h in np.logspace(-16, 0, 161)])
    default = np.median(np.abs(fd_derivative(f, xs, order, scheme=scheme, accuracy=accuracy)
                               - exact))  # fmt: skip
    assert default <= 10 * best, f"default {default:.3g} vs best {best:.3g}"


@pytest.mark.parametrize("order", range(1, MAX_FD_ORDER + 1))
@pytest.mark.parametrize(("scheme", "accuracy"), [("central", 2), ("central", 6), ("forward", 1)])
def test_default_step_balances_truncation_and_round_off(order, scheme, accuracy):
    """h^(m+p) = eps * sum|w|: the truncation h^p and round-off eps sum|w| / h^m balance."""
    h = default_step(order, accuracy, scheme)
    weights = fd_coefficients(order, stencil_offsets(order, scheme, accuracy))
    assert 0 < h < 1
    expected = np.finfo(np.float64).eps * np.sum(np.abs(weights))
    assert h ** (order + accuracy) == pytest.approx(expected, rel=1e-9)


def test_default_step_scales_with_x():
    """Far from 0 the step is relative to |x|, so x + h stays distinct from x."""
    x = 1e8
    value = fd_derivative(lambda t: t**2, [x], 1)[0]
    assert value == pytest.approx(2 * x, rel=1e-6)


def test_order_zero_returns_the_function():
    xs = np.linspace(0, 1, 5)
    np.testing.assert_array_equal(fd_derivative(np.exp, xs, 0), np.exp(xs))


def test_vectorised_over_points():
    xs = np.linspace(-2, 2, 17)
    got = fd_derivative(np.sin, xs, 2, accuracy=4)
    assert got.shape == xs.shape
    np.testing.assert_allclose(got, -np.sin(xs), atol=1e-7)


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scheme": "upwind"}, r"Unknown scheme 'upwind'.*central, forward, backward, complex"),
        ({"order": -1}, r"order must be between 0 and 10, got -1"),
        ({"order": MAX_FD_ORDER + 1}, r"order must be between 0 and 10, got 11"),
        ({"accuracy": 3}, r"Central differences have even accuracy.*got 3"),
        ({"accuracy": 0}, r"accuracy must be at least 1, got 0"),
        ({"h": 0.0}, r"step h must be a positive number, got 0.0"),
        ({"h": -1e-3}, r"step h must be a positive number, got -0.001"),
        ({"h": float("nan")}, r"step h must be a positive number, got nan"),
        ({"h": float("inf")}, r"step h must be a positive number, got inf"),
    ],
    ids=["scheme", "negative-order", "order-too-high", "odd-central", "accuracy-0", "h-zero",
         "h-negative", "h-nan", "h-inf"],
)  # fmt: skip
def test_fd_derivative_rejects_bad_arguments(kwargs, match):
    arguments = {"order": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        fd_derivative(np.exp, [X0], **arguments)


def test_stencil_offsets_rejects_bad_scheme():
    with pytest.raises(ValueError, match=r"Unknown scheme 'sideways'"):
        stencil_offsets(1, "sideways", 2)


def test_repeated_offsets_are_rejected():
    with pytest.raises(ValueError, match="distinct"):
        fd_coefficients_exact(1, [0, 1, 1])
    with pytest.raises(ValueError, match="distinct"):
        fornberg_weights(1, [0.0, 0.5, 0.5])


@pytest.mark.parametrize(("order", "offsets"), [(1, [0]), (2, [0, 1]), (4, [-1, 0, 1, 2])])
def test_too_few_offsets_are_rejected(order, offsets):
    with pytest.raises(
        ValueError, match=rf"order {order} needs at least {order + 1} stencil points, got "
    ):
        fd_coefficients_exact(order, offsets)


def test_negative_derivative_order_is_rejected():
    with pytest.raises(ValueError, match="0 or more, got -1"):
        fd_coefficients_exact(-1, [0, 1])
