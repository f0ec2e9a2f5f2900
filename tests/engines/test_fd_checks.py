"""A finite difference at a kink grows like a power of 1/h: flagged; a smooth f's never is."""

from __future__ import annotations

import numpy as np
import pytest

from core import parse_expression
from core.engines.fd_checks import growing_difference

SMOOTH = ["sin(x)", "exp(x)", "e^(-x^2)", "x^3 + cos(x)", "atan(x)", "sinh(3x)", "1/(1+25x^2)"]


def _f(text: str):
    parsed = parse_expression(text)
    return lambda x: parsed.numpy({"x": x})


@pytest.mark.parametrize(
    ("text", "x0", "order", "rate"),
    [
        ("abs(x)", 0.0, 2, 1.0),  # 2/h: the 11585.2375
        ("abs(x - 0.3)", 0.3, 4, 3.0),
        ("floor(x)", 0.0, 1, 1.0),  # a jump: 1/(2h)
        ("max(x, 0)", 0.0, 2, 1.0),
        ("sqrt(abs(x))", 0.0, 2, 1.5),
    ],
)
def test_a_kink_or_jump_is_flagged_with_its_growth_rate(text, x0, order, rate):
    growing = growing_difference(_f(text), x0, order)
    assert growing is not None
    assert growing.rate == pytest.approx(rate, abs=0.05)
    h, half, quarter = growing.values
    assert abs(half) > abs(h)
    assert abs(quarter) > abs(half)


@pytest.mark.parametrize("text", SMOOTH)
@pytest.mark.parametrize(("scheme", "accuracy"), [("central", 2), ("central", 4), ("forward", 1)])
def test_a_smooth_function_is_never_flagged(text, scheme, accuracy):
    f = _f(text)
    for x0 in (-0.7, 0.0, 0.5, 1.3, 2.5):
        for order in range(1, 11):
            for h in (None, 1e-1, 1e-3, 1e-6):
                if order > 6 and h is not None and h < 1e-3:
                    continue  # pure rounding noise: tested by the noise condition below
                found = growing_difference(f, x0, order, h=h, scheme=scheme, accuracy=accuracy)
                assert found is None, (x0, order, h, found)


def test_rounding_noise_that_grows_is_not_taken_for_a_kink():
    """At h = 1e-8 a second difference of sin is all rounding: it grows, but it is noise."""
    assert growing_difference(np.sin, 0.7, 2, h=1e-8) is None
    assert growing_difference(np.exp, 1.0, 4, h=1e-5) is None


def test_beside_a_kink_but_out_of_the_stencils_reach_nothing_is_flagged():
    assert growing_difference(np.abs, 0.3, 2) is None
    assert growing_difference(np.abs, 0.0, 1) is None  # central: (h − h)/2h = 0, no growth


def test_the_complex_step_is_never_flagged():
    assert growing_difference(np.abs, 0.0, 1, scheme="complex") is None
