"""The fixed-point section's figures, through their data: the iterates as given, a y-range
that a run-away plain iteration does not flatten, and the unrolled derivative's error
falling along |∂f/∂z|^k (a slope on the log axis checked against brentq's z*)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from core.beyond_grad.fixed_point_figures import (
    iterate_range,
    iterates_figure,
    unrolled_error_figure,
)
from core.beyond_grad.fixed_point_views import fixed_point_report
from core.language.expression import parse_expression

NAMES = ("z", "a")


def test_the_iterates_are_drawn_as_given_with_the_fixed_point():
    report = fixed_point_report(parse_expression("a cos(z)", NAMES), "z", "a", 1.0, 0.0)
    figure = iterates_figure(report.plain, report.anderson, report.point)
    plain, anderson, point = figure.data
    np.testing.assert_array_equal(plain.y, report.plain)
    np.testing.assert_array_equal(anderson.y, report.anderson)
    np.testing.assert_array_equal(plain.x, np.arange(report.plain.size))
    assert list(point.y) == [report.point, report.point]
    assert "0.7390851332" in point.name


def test_without_a_fixed_point_only_the_two_runs_are_drawn():
    figure = iterates_figure(np.array([0.0, 1.0, np.e]), np.array([0.0, 1.0]))
    assert len(figure.data) == 2


def test_a_run_away_plain_iteration_leaves_the_range():
    plain = 2.0 ** np.arange(41) - 1  # z = 2z + 1 from 0: 0, 1, 3, 7, ...
    anderson = np.array([0.0, 1.0, -1.0])
    low, high = iterate_range(plain, anderson, -1.0)
    assert low < -1.0
    assert high > 1.0
    assert high < 100  # 2⁴⁰ would flatten everything else
    assert list(iterates_figure(plain, anderson, -1.0).layout.yaxis.range) == [low, high]


def test_the_unrolled_error_falls_like_the_contraction_rate():
    a = 1.0
    z = brentq(lambda t: t - a * math.cos(t), 0.0, math.pi / 2, xtol=1e-15, rtol=1e-15)
    # from z* itself, d_{k+1} = ∂f/∂a + ∂f/∂z d_k exactly: the error is |dz*/da| |∂f/∂z|^k
    report = fixed_point_report(parse_expression("a cos(z)", NAMES), "z", "a", a, z, steps=60)
    figure = unrolled_error_figure(
        report.unrolled, report.derivative, report.by_unknown, report.finite_difference
    )
    error, reference, central = figure.data
    assert figure.layout.yaxis.type == "log"
    steps = np.arange(1, 40)  # before rounding: 0.67^40 · 0.44 ≈ 7e-8
    slope = np.polyfit(steps, np.log10(np.asarray(error.y)[steps]), 1)[0]
    assert slope == pytest.approx(math.log10(a * math.sin(z)), abs=0.01)
    np.testing.assert_allclose(
        np.asarray(reference.y)[steps], np.asarray(error.y)[steps], rtol=1e-6
    )
    assert list(central.y) == pytest.approx([abs(report.finite_difference - report.derivative)] * 2)


def test_a_growing_error_and_inf_or_zero_leave_gaps_not_failures():
    unrolled = np.array([0.0, 1.0, np.inf, np.nan, -1.0])
    figure = unrolled_error_figure(unrolled, -1.0, 2.0, finite_difference=None)
    error, reference = figure.data
    shown = np.asarray(error.y)
    assert shown[0] == 1.0
    assert shown[1] == 2.0
    assert np.isnan(shown[2:]).all()  # inf, nan, and an error of exactly 0
    np.testing.assert_allclose(reference.y, 2.0 ** np.arange(5))
