"""The second-derivative test (`core.several_variables.second_derivative_test`): the
Hessian at a point, its eigenvalues and what they say, against closed forms and SymPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from core import parse_expression, parse_vector
from core.several_variables.second_derivative_test import hessian_report
from tests.several_variables.sympy_oracle import (
    kind_by_sympy,
    points,
    smooth_expressions,
    sympy_hessian,
)

XY = ("x", "y")
HIMMELBLAU = parse_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", XY)
ROSENBROCK = parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY)


# -- hessian_report ------------------------------------------------------------------------


def test_the_paraboloid_has_hessian_2i_and_a_minimum():
    report = hessian_report(parse_expression("x^2 + y^2", XY), [0.3, -0.7])
    np.testing.assert_allclose(report.hessian, 2 * np.eye(2), atol=1e-12)
    np.testing.assert_allclose(report.eigenvalues, [2.0, 2.0], atol=1e-12)
    assert report.kind == "minimum"
    assert report.sentence == (
        "Both eigenvalues are positive (2, 2): f curves up in every direction — "
        "a minimum if ∇f = 0 here."
    )


def test_rosenbrock_at_its_minimum():
    report = hessian_report(ROSENBROCK, [1, 1])
    np.testing.assert_allclose(report.hessian, [[802, -400], [-400, 200]], rtol=1e-12)
    # trace 1002, determinant 802·200 − 400² = 400: λ = 501 ± √(501² − 400)
    root = np.sqrt(501.0**2 - 400.0)
    np.testing.assert_allclose(report.eigenvalues, [501 - root, 501 + root], rtol=1e-10)
    assert report.kind == "minimum"
    assert "(0.3994, 1002)" in report.sentence


@pytest.mark.parametrize(
    ("text", "point", "kind", "start"),
    [
        ("x^2 - y^2", [0, 0], "saddle", "One eigenvalue is negative and one positive (-2, 2)"),
        ("-x^2 - 3y^2", [0, 0], "maximum", "Both eigenvalues are negative (-6, -2)"),
        ("x^4 + y^4", [0, 0], "degenerate", "Both eigenvalues are zero (0, 0)"),
        ("x^3 - 3x*y^2", [0, 0], "degenerate", "Both eigenvalues are zero (0, 0)"),
        ("x^2 + y^4", [0, 0], "degenerate", "One eigenvalue is zero (0, 2)"),
        ("x^2 - y^4", [0, 0], "degenerate", "One eigenvalue is zero (0, 2)"),
    ],
)
def test_kinds_and_sentences(text, point, kind, start):
    report = hessian_report(parse_expression(text, XY), point)
    assert report.kind == kind
    assert report.sentence.startswith(start + ":"), report.sentence
    if kind == "degenerate":
        assert report.sentence.endswith(
            "the second derivatives cannot decide; look at higher orders."
        )


def test_both_signs_with_a_zero_eigenvalue_is_a_saddle():
    report = hessian_report(parse_expression("x^2 - y^2 + 0*z", ("x", "y", "z")), [0, 0, 0])
    np.testing.assert_allclose(report.eigenvalues, [-2, 0, 2], atol=1e-12)
    assert report.kind == "saddle"
    assert report.sentence.startswith("The eigenvalues have both signs (-2, 0, 2)")


def test_one_and_three_variables():
    one = hessian_report(parse_expression("x^2", ("x",)), 0.5)
    assert one.hessian.shape == (1, 1)
    assert one.kind == "minimum"
    assert "a minimum if f′ = 0 here" in one.sentence
    three = hessian_report(parse_expression("x^2 + 2y^2 + 3z^2", ("x", "y", "z")), [1, 2, 3])
    np.testing.assert_allclose(three.eigenvalues, [2, 4, 6], atol=1e-12)
    assert three.sentence.startswith("All 3 eigenvalues are positive (2, 4, 6)")


def test_the_tolerance_decides_what_is_zero():
    f = parse_expression("x^4 + y^2", XY)
    # λ = 12x² = 1.2e-5 against max |λ| = 2
    assert hessian_report(f, [1e-3, 0]).kind == "minimum"
    assert hessian_report(f, [1e-3, 0], tolerance=1e-4).kind == "degenerate"


@given(smooth_expressions(), points)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_kind_agrees_with_sympys_hessian(text, point):
    parsed = parse_expression(text, XY)
    exact = np.linalg.eigvalsh(sympy_hessian(parsed, point))
    if not np.isfinite(exact).all() or np.abs(exact).max() > 1e8:
        return
    report = hessian_report(parsed, point)
    scale = max(1.0, float(np.abs(exact).max()))
    np.testing.assert_allclose(report.eigenvalues, exact, rtol=1e-9, atol=1e-9 * scale)
    if np.abs(exact).min() > 1e-4 * scale:  # clearly nondegenerate: the signs decide
        assert report.kind == kind_by_sympy(parsed, point)


@pytest.mark.parametrize(
    ("text", "point", "message"),
    [
        ("log(x) + y", [-1, 0], "f is not defined at (-1, 0)"),
        ("sqrt(x) + y", [0, 1], "The second derivatives of f are not defined at (0, 1)"),
    ],
)
def test_a_point_outside_the_domain_is_one_sentence(text, point, message):
    with pytest.raises(ValueError, match=r"^" + message.replace("(", r"\(").replace(")", r"\)")):
        hessian_report(parse_expression(text, XY), point)


def test_a_vector_function_or_a_short_point_is_refused():
    with pytest.raises(ValueError, match="needs a scalar function"):
        hessian_report(parse_vector("[x, y]"), [0, 0])
    with pytest.raises(ValueError, match="needs 2 numbers"):
        hessian_report(HIMMELBLAU, [0])
