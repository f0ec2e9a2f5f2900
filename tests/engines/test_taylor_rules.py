"""The Taylor rules of `core.engines.taylor_rules` against closed forms: pow and tanh.

Each number here was wrong with jet's own rules (issue 8): exp(y log u) is nan for a
negative base and 0 * inf = nan for a zero one; 2 logistic(2x) - 1 loses the digits of
tanh near 0. tests/engines/test_oracle.py compares everything else with mpmath.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import parse_expression
from core.engines.autodiff import COMPILE_FROM_LENGTH, MAX_ORDER, ad_derivatives


def test_sqrt_at_zero_is_what_jax_grad_reports():
    # jax.grad(jnp.sqrt)(0.) is inf, the limit from the right; so are the higher orders:
    # d^k/dx^k x^(1/2) = (1/2)(-1/2)...(3/2 - k) x^(1/2 - k) -> +-inf with that sign.
    result = ad_derivatives(parse_expression("sqrt(x)"), np.array([0.0]), MAX_ORDER)[:, 0]
    assert result[1] == float(jax.grad(jnp.sqrt)(0.0)) == np.inf
    assert result[2] == float(jax.grad(jax.grad(jnp.sqrt))(0.0)) == -np.inf
    signs = [math.prod(0.5 - j for j in range(k)) for k in range(1, MAX_ORDER + 1)]
    assert result[0] == 0.0
    assert list(result[1:]) == [math.copysign(np.inf, sign) for sign in signs]


def test_float_exponent_with_whole_value_on_a_negative_base():
    result = ad_derivatives(parse_expression("x^2.0"), np.array([-2.0]), 4)[:, 0]
    np.testing.assert_allclose(result, [4.0, -4.0, 2.0, 0.0, 0.0], rtol=1e-14, atol=1e-14)


def test_integer_exponent_above_the_multiplication_limit_on_a_negative_base():
    result = ad_derivatives(parse_expression("x^65"), np.array([-0.9]), MAX_ORDER)[:, 0]
    # d^k/dx^k x^65 = 65!/(65 - k)! x^(65 - k)
    want = [math.perm(65, k) * (-0.9) ** (65 - k) for k in range(MAX_ORDER + 1)]
    np.testing.assert_allclose(result, want, rtol=1e-12)
    assert abs(result[1] - 0.07663619975530091) <= 1e-15


@pytest.mark.parametrize(
    ("text", "x", "n"),
    [("x^100000000000000000000", -1.0, 10**20), ("x^(-65)", -1.05, -65), ("x^m", -1.5, 3)],
)
def test_every_whole_exponent_is_right_on_a_negative_base(text, x, n):
    params = {"m": float(n)} if "m" in text else None
    result = ad_derivatives(parse_expression(text), np.array([x]), MAX_ORDER, params)[:, 0]
    # Integer parity for the sign: (-1.0) ** (10**20 - 1) rounds the exponent to even.
    want = [
        math.prod(n - j for j in range(k)) * (-1) ** ((n - k) % 2) * abs(x) ** (n - k)
        for k in range(MAX_ORDER + 1)
    ]
    np.testing.assert_allclose(result, want, rtol=1e-12)


@pytest.mark.parametrize("text", ["0^x", "0^(x^2 + 1)", "0^x * sin(x)"])
def test_zero_to_a_positive_power_is_identically_zero(text):
    result = ad_derivatives(parse_expression(text), np.array([0.5, 1.0, 3.0]), MAX_ORDER)
    np.testing.assert_array_equal(result, 0.0)


@pytest.mark.parametrize(
    ("text", "x", "want"),
    [
        ("x^2.0", 0.0, [0.0, 0.0, 2.0, 0.0, 0.0, 0.0]),
        ("x^65 + x^7", 0.0, [0.0] * 5 + [0.0, 0.0, 5040.0]),
        ("(x - 1)^3.0", 1.0, [0.0, 0.0, 0.0, 6.0, 0.0]),
        ("(sin(x))^2.0", 0.0, [0.0, 0.0, 2.0, 0.0, -8.0]),
        ("x^2.5", 0.0, [0.0, 0.0, 0.0, np.inf, -np.inf, np.inf]),
        ("sqrt(1 - x)", 1.0, [0.0, -np.inf, -np.inf, -np.inf]),
        ("sqrt(x^2)", 0.0, [0.0, 1.0, 0.0, 0.0, np.nan]),
        ("x^x", 0.0, [1.0, np.nan, np.nan]),
        ("0^x", 0.0, [1.0, np.nan, np.nan]),
        ("x^0.0", 0.0, [1.0, 0.0, 0.0]),
    ],
)
def test_powers_at_a_zero_base(text, x, want):
    # The one-sided limits, from the side where the base is positive (see taylor_rules).
    result = ad_derivatives(parse_expression(text), np.array([x]), len(want) - 1)[:, 0]
    np.testing.assert_allclose(result, want, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("x", [2e-12, -1e-9, 1e-6, 0.3, 8.0, 20.0])
def test_tanh_value_does_not_depend_on_the_order(x):
    values = [ad_derivatives(parse_expression("tanh(x)"), [x], n)[0, 0] for n in (0, 1, 4)]
    np.testing.assert_allclose(values, np.tanh(x), rtol=1e-15)


def test_reciprocal_tanh_near_zero():
    # 1/tanh(x) = 1/x + x/3 - x^3/45 + ...: at 2e-12 the value is 5e11 (+ 6.7e-13).
    result = ad_derivatives(parse_expression("1/tanh(x)"), [2e-12], 2)[:, 0]
    x = 2e-12
    np.testing.assert_allclose(result, [1 / x + x / 3, -1 / x**2 + 1 / 3, 2 / x**3], rtol=1e-14)


def test_tanh_far_tail_keeps_its_digits():
    # tanh'(20) = sech(20)^2 = 1.7e-17, below the rounding of 1 - tanh(20)^2 = 0.
    result = ad_derivatives(parse_expression("tanh(x)"), [20.0], 2)[:, 0]
    sech2 = 1 / math.cosh(20.0) ** 2
    np.testing.assert_allclose(result[1:], [sech2, -2 * math.tanh(20.0) * sech2], rtol=1e-13)


def test_jitted_path_equals_eager_path_for_powers():
    # Under jit the pow rule builds every branch; on concrete arrays it skips unneeded ones.
    parsed = parse_expression("x^2.0 + x^65 + sqrt(x + 1) + 0^(x^2 + 1) + x^m")
    xs = np.linspace(-1.0, 1.0, COMPILE_FROM_LENGTH + 1)  # holds 0 exactly
    assert 0.0 in xs
    params = {"m": 3.0}
    jitted = ad_derivatives(parsed, xs, 3, params)
    eager = np.concatenate(
        [
            ad_derivatives(parsed, xs[:10_000], 3, params),
            ad_derivatives(parsed, xs[10_000:], 3, params),
        ],
        axis=1,
    )
    np.testing.assert_allclose(jitted, eager, rtol=1e-12, atol=1e-12)
    middle = int(np.flatnonzero(xs == 0.0)[0])
    np.testing.assert_allclose(jitted[:3, middle], [1.0, 0.5, 1.75], rtol=1e-13)  # at x = 0
