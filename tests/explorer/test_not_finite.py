"""Why the Explorer's curves have gaps: overflow is not a pole, outside the domain is neither."""

from __future__ import annotations

import numpy as np

from core import parse_expression
from core.explorer.derivatives import numeric_view
from core.explorer.not_finite import classify, not_finite_sentences


def _rows(text: str, x_range=(-4.0, 4.0)) -> np.ndarray:
    return numeric_view(parse_expression(text), 4, x_range, 0.5).ad


def test_a_tower_of_powers_overflows_and_is_not_called_a_pole():
    rows = _rows("x^x^x^x^x")
    report = classify(rows)
    assert report.overflow[0] > 200  # f beyond float64 for x > 1.93
    assert 0 not in report.infinite
    text = " ".join(not_finite_sentences(rows))
    assert "**Overflow**" in text
    assert "**Infinite** (a pole" not in text  # the old warning called all of it a pole
    assert "Outside f's domain" in text  # negative x: x^x is not real


def test_overflow_everywhere_and_near_a_huge_power():
    assert classify(_rows("exp(exp(x^2))")).overflow[0] > 300
    assert classify(_rows("1/x^400")).overflow[0] > 30
    assert not classify(_rows("1/x^400")).infinite


def test_a_pole_hit_exactly_is_infinite_and_log_of_a_negative_is_outside_the_domain():
    report = classify(_rows("1/x"))
    assert report.infinite == {0: 1, 1: 1}
    assert not report.overflow
    report = classify(_rows("ln(x)"))
    assert report.outside_domain == 500
    assert report.infinite[0] == 1  # log(0) = −∞


def test_isolated_undefined_derivatives_of_a_real_f():
    report = classify(_rows("x^x"))  # real at negative whole x, its derivative is not
    assert report.undefined[1] == 5
    assert not report.overflow


def test_nothing_to_say_for_a_smooth_f():
    assert not_finite_sentences(_rows("sin(x)")) == []
