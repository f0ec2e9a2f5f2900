"""One rule for every engine: outside f's real domain every derivative is undefined (nan).

Before it, Taylor mode's local rules gave ln(x) at x = −1 the derivatives of 1/x
(f′ = −1, f″ = −1), SymPy's values did the same, and the complex step gave
Im log(−1 + ih)/h = π/h; log2 was right only by accident (its division by ln 2 carried
the nan along). Inside the domain, every engine still matches the closed form (mpmath).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from core import (
    ad_derivatives,
    fd_derivative,
    gradient,
    hessian,
    jacobian,
    jvp,
    parse_expression,
    parse_vector,
    vjp,
)
from core.engines.autodiff import COMPILE_FROM_LENGTH, derivatives_at
from core.engines.domain import mask_by_value, mask_rows
from core.engines.symbolic import symbolic_report
from core.teaching.taylor import taylor_polynomial

ORDER = 4
# (typed f, mpmath f, points outside the real domain, points inside it)
CASES = [
    ("ln(x)", mpmath.log, [-3.0, -1.0, -0.25], [0.3, 1.0, 2.5]),
    ("log(x^2-1)", lambda z: mpmath.log(z**2 - 1), [-0.9, 0.0, 0.5], [-2.0, 1.5, 3.0]),
    ("sqrt(x)", mpmath.sqrt, [-2.0, -0.5], [0.25, 1.0, 4.0]),
    ("asin(x)", mpmath.asin, [-1.5, 1.2, 3.0], [-0.6, 0.0, 0.7]),
    ("log10(x)", lambda z: mpmath.log(z, 10), [-1.0], [0.5, 2.0]),
    ("log2(x)", lambda z: mpmath.log(z, 2), [-1.0], [0.5, 2.0]),
    ("acos(x)", mpmath.acos, [-2.0, 1.5], [-0.3, 0.4]),
    ("acosh(x)", mpmath.acosh, [0.0, 0.5, -2.0], [1.5, 3.0]),
    ("atanh(x)", mpmath.atanh, [-1.5, 2.0], [-0.5, 0.2]),
    ("x^(1/3)", lambda z: mpmath.cbrt(z), [-8.0, -0.5], [0.5, 8.0]),
    ("x^0.5 + x", lambda z: mpmath.sqrt(z) + z, [-1.0], [2.0]),
]
IDS = [case[0] for case in CASES]


def _exact(function, x: float) -> list[float]:
    with mpmath.workdps(40):
        return [float(mpmath.diff(function, mpmath.mpf(x), k)) for k in range(ORDER + 1)]


def _numpy(parsed):
    return lambda x: parsed.numpy({"x": x})


@pytest.mark.parametrize(("text", "function", "outside", "inside"), CASES, ids=IDS)
def test_ad_is_undefined_outside_the_domain_and_exact_inside(text, function, outside, inside):
    parsed = parse_expression(text)
    rows = ad_derivatives(parsed, outside + inside, ORDER)
    assert np.isnan(rows[:, : len(outside)]).all(), rows[:, : len(outside)]
    for column, x in enumerate(inside, start=len(outside)):
        np.testing.assert_allclose(rows[:, column], _exact(function, x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("text", "function", "outside", "inside"), CASES[:4], ids=IDS[:4])
def test_the_compiled_path_for_long_grids_follows_the_same_rule(text, function, outside, inside):
    parsed = parse_expression(text)
    xs = np.resize(np.array(outside + inside), COMPILE_FROM_LENGTH)  # jitted, cached
    rows = ad_derivatives(parsed, xs, ORDER)
    assert np.isnan(rows[:, np.isin(xs, outside)]).all()
    for x in inside:
        column = int(np.flatnonzero(xs == x)[0])
        np.testing.assert_allclose(rows[:, column], _exact(function, x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("text", "function", "outside", "inside"), CASES, ids=IDS)
def test_one_point_and_taylor_coefficients_are_undefined_outside(text, function, outside, inside):
    parsed = parse_expression(text)
    for x in outside:
        assert np.isnan(derivatives_at(parsed, x, 12)).all()
        assert np.isnan(taylor_polynomial(parsed, x, 6)).all()
    x = inside[0]
    np.testing.assert_allclose(derivatives_at(parsed, x, ORDER), _exact(function, x), rtol=1e-9)


@pytest.mark.parametrize(("text", "function", "outside", "inside"), CASES, ids=IDS)
@pytest.mark.parametrize(("scheme", "accuracy"), [("central", 4), ("forward", 2), ("complex", 2)])
def test_finite_differences_are_undefined_outside(
    text, function, outside, inside, scheme, accuracy
):
    f = _numpy(parse_expression(text))
    orders = [1] if scheme == "complex" else [1, 2, 3]
    for order in orders:
        values = fd_derivative(f, outside + inside, order, scheme=scheme, accuracy=accuracy)
        assert np.isnan(values[: len(outside)]).all(), (order, values)
        exact = [_exact(function, x)[order] for x in inside]
        np.testing.assert_allclose(values[len(outside) :], exact, rtol=1e-3, atol=1e-6)


def test_the_complex_step_no_longer_turns_log_of_a_negative_into_pi_over_h():
    f = _numpy(parse_expression("ln(x)"))
    assert np.isnan(fd_derivative(f, [-1.0], 1, scheme="complex")[0])  # was π/1e-20


@pytest.mark.parametrize(("text", "function", "outside", "inside"), CASES[:4], ids=IDS[:4])
def test_sympys_values_are_undefined_outside(text, function, outside, inside):
    report = symbolic_report(parse_expression(text), ORDER, outside + inside, budget=30.0)
    assert report.message is None
    assert np.isnan(report.values[:, : len(outside)]).all(), report.values
    for column, x in enumerate(inside, start=len(outside)):
        np.testing.assert_allclose(report.values[:, column], _exact(function, x), rtol=1e-9)


def test_where_f_is_finite_a_derivative_keeps_what_each_engine_gives():
    """sqrt′(0) = ∞, 1/x's pole: only nan in f masks, never a finite or infinite f."""
    rows = ad_derivatives(parse_expression("sqrt(x)"), [0.0], 2)[:, 0]
    assert rows.tolist() == [0.0, np.inf, -np.inf]
    rows = ad_derivatives(parse_expression("1/x"), [0.0], 1)[:, 0]
    assert rows.tolist() == [np.inf, -np.inf]
    rows = ad_derivatives(parse_expression("abs(x)"), [0.0], 2)[:, 0]
    assert rows.tolist() == [0.0, 1.0, 0.0]


def test_several_variables_are_undefined_where_f_is():
    f = parse_expression("ln(x*y) + sqrt(y)", ("x", "y"))
    assert np.isnan(gradient(f, [-1.0, 1.0])).all()  # JAX's rules gave (−1, 1.5)
    assert np.isnan(hessian(f, [-1.0, 1.0])).all()
    np.testing.assert_allclose(gradient(f, [1.0, 4.0]), [1.0, 0.25 + 0.25])
    vector = parse_vector("[ln(x), x*y]")
    for mode in ("forward", "reverse"):
        matrix = jacobian(vector, [-1.0, 2.0], mode)
        assert np.isnan(matrix[0]).all()
        assert matrix[1].tolist() == [2.0, -1.0]  # x*y is defined: its row stays
    value, pushed = jvp(vector, [-1.0, 2.0], [1.0, 1.0])
    assert np.isnan(value[0])
    assert np.isnan(pushed[0])
    assert pushed[1] == 1.0
    _, pulled = vjp(vector, [-1.0, 2.0], [0.0, 1.0])
    assert np.isnan(pulled).all()  # f is not defined at p as a whole


def test_mask_helpers():
    assert np.isnan(mask_rows([[np.nan, 1.0], [2.0, 3.0]])[1, 0])
    assert mask_rows([[np.inf], [2.0]])[1, 0] == 2.0  # a pole is not outside the domain
    assert np.isnan(mask_by_value(np.nan, [1.0, 2.0])).all()
    assert mask_by_value([1.0, np.nan], [[1.0, 2.0], [3.0, 4.0]])[0].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="leading dimensions"):
        mask_by_value([1.0, np.nan], 3.0)
