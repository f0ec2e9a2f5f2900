"""The compiled form for long grids: one fused pass, zero bases redone, same values as eager."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core import parse_expression
from core.engines import autodiff_compiled, taylor_rules
from core.engines.autodiff import COMPILE_FROM_LENGTH, ad_derivatives
from core.engines.taylor_mode import elementwise_function, taylor_derivatives
from core.language.functions import FUNCTION_NAMES

F1 = "sin(x) - 2cos(3x)e^(-x^2)"


def test_one_pass_returns_every_row_bit_for_bit():
    special = jnp.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 5e-324, -1e308])
    rows = [special, -special, special * 3.0]
    out = jax.jit(autodiff_compiled._one_pass)(rows)
    assert len(out) == 3
    for got, want in zip(out, rows, strict=True):
        np.testing.assert_array_equal(
            np.asarray(got).view(np.uint64)[~np.isnan(want)],
            np.asarray(want).view(np.uint64)[~np.isnan(want)],
        )
        assert np.isnan(np.asarray(got)[np.isnan(want)]).all()


def _optimized_hlo(text: str, order: int) -> str:
    """XLA's optimised HLO for the CPU (the fusion this form is shaped for), on any machine."""
    function = autodiff_compiled.compiled(parse_expression(text).text, "x", (), order)
    cpu = jax.devices("cpu")[0]
    x = jax.device_put(jnp.zeros(COMPILE_FROM_LENGTH), cpu)
    return function.lower(x, jax.device_put(jnp.zeros((0,)), cpu)).compile().as_text()


def test_every_order_comes_from_one_loop_with_each_sine_computed_once():
    # The regression this form fixes: stacking the rows made XLA recompute sin, cos and
    # exp once per output row (orders 0-8: nine times) -- 5-8x the cost of f alone.
    hlo = _optimized_hlo(F1, 8)
    entry = hlo[hlo.index("ENTRY") :]
    assert entry.count(" fusion(") == 1
    assert hlo.count(" sine(") == 2  # sin(x) and sin(3x), for the sin and cos series
    assert hlo.count(" cosine(") == 2


def test_divisions_do_not_split_the_loop():
    # A quotient, a logarithm and a square root each divide by their first coefficient.
    hlo = _optimized_hlo("log(2 + sin(x)) / (3 + cos(x)) + sqrt(2 + sin(x))", 6)
    assert hlo.count(" sine(") + hlo.count(" cosine(") <= 4


def test_flag_zero_bases_lists_powers_only_under_jit():
    function = elementwise_function(parse_expression("sqrt(x) + x^a + exp(x)"), {"a": 2.5})
    x = jnp.linspace(0.0, 1.0, 5)
    with taylor_rules.flag_zero_bases() as flags:
        taylor_derivatives(function, x, 3)  # concrete: the limits are worked out at once
    assert flags == []
    with taylor_rules.flag_zero_bases() as flags:
        jax.make_jaxpr(lambda x: taylor_derivatives(function, x, 3))(x)
    assert len(flags) == 2


def test_zero_base_points_are_redone_and_the_rest_kept():
    xs = np.linspace(-1.0, 1.0, COMPILE_FROM_LENGTH + 1)  # holds 0 exactly, once
    parsed = parse_expression("abs(x)^2.5 + sqrt(x + 2)")
    compiled = ad_derivatives(parsed, xs, 3)
    middle = int(np.flatnonzero(xs == 0.0)[0])
    eager_at_zero = ad_derivatives(parsed, xs[middle : middle + 1], 3)
    np.testing.assert_array_equal(compiled[:, middle], eager_at_zero[:, 0])
    # |x|^2.5 adds 0, 0, 0 and then 2.5 * 1.5 * 0.5 / sqrt(|x|) -> inf to sqrt(x + 2)'s terms.
    root2 = np.sqrt(2.0)
    np.testing.assert_allclose(compiled[:3, middle], [root2, 0.5 / root2, -0.25 / root2**3])
    assert compiled[3, middle] == np.inf
    sample = np.arange(0, xs.size, 41)
    np.testing.assert_allclose(
        compiled[:, sample], ad_derivatives(parsed, xs[sample], 3), rtol=1e-12, atol=1e-12
    )


def _inside(name: str) -> tuple[float, float]:
    return {
        "asin": (-0.9, 0.9),
        "acos": (-0.9, 0.9),
        "atanh": (-0.9, 0.9),
        "acosh": (1.1, 3.0),
        "log": (0.1, 3.0),
        "log10": (0.1, 3.0),
        "log2": (0.1, 3.0),
        "sqrt": (0.1, 3.0),
        "tan": (-1.2, 1.2),
        "cot": (0.2, 3.0),
        "csc": (0.2, 3.0),
        "sec": (-1.2, 1.2),
        # atan(1/x), acos(1/x), ...: 1/x's Taylor series is ill-conditioned near 0
        "acot": (0.2, 3.0),
        "coth": (0.2, 3.0),
        "csch": (0.2, 3.0),
        "acsch": (0.2, 3.0),
        "asec": (1.1, 3.0),
        "acsc": (1.1, 3.0),
        "acoth": (1.1, 3.0),
        "asech": (0.1, 0.9),
    }.get(name, (-2.0, 2.0))


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_compiled_equals_eager_for_every_function(name):
    low, high = _inside(name)
    xs = np.linspace(low, high, COMPILE_FROM_LENGTH)
    parsed = parse_expression(f"{name}(x) * (1 + x/7)")
    compiled = ad_derivatives(parsed, xs, 6)
    sample = np.arange(0, xs.size, 97)
    eager = ad_derivatives(parsed, xs[sample], 6)
    scale = np.maximum(1.0, np.abs(eager).max(axis=1, keepdims=True))
    np.testing.assert_allclose(compiled[:, sample] / scale, eager / scale, rtol=0, atol=1e-11)


def test_e_to_a_power_is_exp():
    xs = np.linspace(-2.0, 2.0, 41)
    np.testing.assert_array_equal(
        ad_derivatives(parse_expression("e^(sin(x))"), xs, 5),
        ad_derivatives(parse_expression("exp(sin(x))"), xs, 5),
    )
    np.testing.assert_array_equal(parse_expression("e^(x/3)").numpy({"x": xs}), np.exp(xs / 3))
