"""Lecture presets (core.teaching.presets): every app number against the lecture's printed
number, and against an independent oracle (the closed form, SymPy, SciPy, NumPy)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy import optimize

from core.teaching.presets import PRESET_BY_KEY, PRESETS, printed, within

ROOT = Path(__file__).resolve().parents[2]


def _numbers(key: str) -> dict[str, float]:
    return {number.label: number.value for number in PRESET_BY_KEY[key].compute()}


@pytest.fixture(scope="module")
def numbers():
    """Each preset's numbers, computed once for this module."""
    return {preset.key: _numbers(preset.key) for preset in PRESETS}


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_every_published_number_is_the_apps(preset, numbers):
    assert preset.published, "a preset quotes at least one number"
    shown = numbers[preset.key]
    for published in preset.published:
        assert published.label in shown, (published.label, list(shown))
        value = shown[published.label]
        assert published.low <= value <= published.high, (published, value)
        if published.reproduced is not None:
            # float32 numbers: the digits numpy prints for that float32, exactly.
            assert str(np.float32(value)) == published.reproduced


def test_the_catalogue_is_well_formed():
    assert len(PRESET_BY_KEY) == len(PRESETS)
    for preset in PRESETS:
        assert (ROOT / preset.view).is_file(), preset.view
        assert preset.query
        assert all(isinstance(v, str) and v for v in preset.query.values())
        assert preset.notice.endswith(".")
        assert preset.title
        assert preset.lecture
        labels = [p.label for p in preset.published]
        assert len(labels) == len(set(labels))
        assert preset.published_text.count("=") >= len(labels)


def test_printed_numbers_hold_half_a_unit_of_their_last_digit():
    assert printed("x", "0.0707")[2:4] == pytest.approx((0.07065, 0.07075))
    assert printed("x", "−5")[2:4] == pytest.approx((-5.5, -4.5))
    assert printed("x", "32")[2:4] == pytest.approx((31.5, 32.5))
    assert within("x", "1.0219053", 1e-7)[2:4] == pytest.approx((1.0219052, 1.0219054))


def test_quantecon_forward_difference_is_the_lectures_formula(numbers):
    shown = numbers["quantecon_forward"]
    assert shown["Df(0), h = 0.1"] == pytest.approx((math.exp(0.2) - 1) / 0.1, rel=1e-12)
    assert shown["f′(0)"] == pytest.approx(2.0, rel=1e-15)


def test_the_sixth_derivative_is_sympys(numbers):
    a, b, m, x = sympy.symbols("a b m x")
    sixth = sympy.diff((a * x + b) ** m, x, 6)
    exact = float(sixth.subs({a: 2, b: 1, m: sympy.Rational(15, 2), x: sympy.Rational(1, 2)}))
    assert numbers["quantecon_sixth"]["f⁽⁶⁾(0.5), AD"] == pytest.approx(exact, rel=1e-12)


def test_jax_takes_one_at_the_kink_both_ways(numbers):
    shown = numbers["quantecon_abs"]
    assert shown["jax.grad: |x|′(0)"] == 1.0
    assert shown["forward mode: |x|′(0)"] == 1.0


def test_the_cubic_fit_is_polyfits_and_the_lectures_loop_stops_short(numbers):
    from core.regression.lecture_data import quantecon_data

    data = quantecon_data()
    reference = np.polyfit(data.x, data.y, 3)
    shown = numbers["quantecon_cubic"]
    for name, coefficient in zip(("c₃", "c₂", "c₁", "c₀"), reference, strict=True):
        assert shown[f"{name}, Barzilai–Borwein"] == pytest.approx(coefficient, abs=1e-6)
    # The lecture's stopping rule (no coefficient moves by 1e-5) ends far from the minimum.
    assert shown["the lecture's loop: steps"] < 1000
    assert abs(shown["the lecture's loop: c₃"] - reference[0]) > 0.01


@pytest.mark.parametrize("key", ["carroll_tanh", "probml_cubic"])
def test_the_first_four_derivatives_are_sympys(key, numbers):
    x = sympy.Symbol("x")
    f = sympy.tanh(x) if key == "carroll_tanh" else x**3 + 2 * x**2 - 3 * x + 1
    shown = numbers[key]
    for order, mark in enumerate("′″‴⁗", 1):
        exact = float(sympy.diff(f, x, order).subs(x, 1))
        assert shown[f"f{mark}(1)"] == pytest.approx(exact, rel=1e-12, abs=1e-12)


def test_sine_solves_y_double_prime_equals_minus_y(numbers):
    shown = numbers["carroll_sine"]
    assert shown["y(1)"] == pytest.approx(math.sin(1.0), rel=1e-15)
    assert shown["y″(1)"] == pytest.approx(-math.sin(1.0), rel=1e-14)


def test_descent_meets_lstsq_on_ten_features():
    from core.regression.many_features import fit_many_features, simulate_features

    features, y, _ = simulate_features()
    assert features.shape == (100, 10)
    fit = fit_many_features()
    np.testing.assert_allclose(fit.pinv, np.linalg.lstsq(features, y, rcond=None)[0], rtol=1e-12)
    assert fit.descent.converged
    assert fit.relative_difference < 1e-6  # far inside the post's 0.1 %


def test_square_root_data_match_the_lectures_matrix(numbers):
    x, h = np.linspace(0.1, 1, 10, retstep=True)
    y = x**0.5
    # The lecture's D: central rows, first-order forward and backward ends.
    lecture = np.diag(np.ones(9) / (2 * h), 1) - np.diag(np.ones(9) / (2 * h), -1)
    lecture[0, :2] = np.array([-1, 1]) / h
    lecture[-1, -2:] = np.array([-1, 1]) / h
    shown = numbers["pycse_sqrt"]
    assert shown["np.gradient, edge_order=1, at 0.1"] == pytest.approx((lecture @ y)[0], rel=1e-12)
    assert [shown[f"D[1, {j}]"] for j in range(3)] == pytest.approx(lecture[1, :3], abs=1e-9)
    assert shown["D[0, 0] (edge_order=2)"] == pytest.approx(-3 / (2 * h), rel=1e-12)
    assert shown["true f′(0.1)"] == pytest.approx(0.5 / math.sqrt(0.1), rel=1e-14)


def test_rosenbrock_counts_are_scipys_own(numbers):
    start = np.array([1.0, 0.0])
    without = optimize.minimize(optimize.rosen, start, method="BFGS")
    exact = optimize.minimize(optimize.rosen, start, method="BFGS", jac=optimize.rosen_der)
    shown = numbers["pycse_rosenbrock"]
    assert (shown["BFGS without: nit"], shown["BFGS without: nfev"]) == (without.nit, without.nfev)
    assert (shown["BFGS with gradient: nit"], shown["BFGS with gradient: nfev"]) == (
        exact.nit,
        exact.nfev,
    )


def test_the_five_point_weights_are_exact(numbers):
    from core.fd_lab.error_curves import make_stencil

    stencil = make_stencil(1, (-2, -1, 0, 1, 2))
    assert stencil.weights == tuple(Fraction(w, 12) for w in (1, -8, 0, 8, -1))
    assert stencil.accuracy == 4
    tanh_prime = 1 - math.tanh(2.0) ** 2
    assert numbers["five_point"]["tanh′(2)"] == pytest.approx(tanh_prime, rel=1e-12)
