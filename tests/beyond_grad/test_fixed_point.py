"""Fixed points z* = f(a, z*) and dz*/da (`core.beyond_grad.fixed_point`) against SciPy's
brentq on z − f(a, z), closed forms, Lambert's W, finite differences of fixed points and the
derivative through unrolled iterations; and bad input, each a ValueError with a sentence."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special

from core import parse_expression
from core.beyond_grad import fixed_point as fixed_point_module
from core.beyond_grad.fixed_point import FixedPoint, fixed_point, solve_fixed_point
from core.beyond_grad.fixed_point_methods import (
    MAX_ANDERSON_ITERATIONS,
    MAX_HALVINGS,
    MAX_NEWTON_ITERATIONS,
)
from core.beyond_grad.fixed_point_views import (
    MAX_STEPS,
    FixedPointReport,
    anderson_iterates,
    finite_difference,
    fixed_point_report,
    plain_iterates,
    unrolled_derivative,
    unrolled_derivatives,
)
from core.language.expression import ParsedExpression

COSINE = parse_expression("a*cos(z)", ("z",))  # a is a free parameter
KEPLER = parse_expression("a + b*sin(z)", ("z",))  # Kepler's equation, b the eccentricity
SQUARE_ROOT = parse_expression("sqrt(a + z)", ("z",))
LINEAR = parse_expression("c*z + a", ("z",))
LOGARITHM = parse_expression("log(z) + a", ("z",))


def brentq_fixed_point(map_, low, high):
    """The zero of z − f(z) in [low, high] by SciPy, to rounding."""
    return optimize.brentq(
        lambda z: z - map_(z), low, high, xtol=1e-15, rtol=4 * np.finfo(float).eps
    )


def solve_or_message(*arguments):
    """(fixed_point(...), None), or (None, the ValueError's sentence)."""
    try:
        return fixed_point(*arguments), None
    except ValueError as error:
        return None, str(error)


# -- known fixed points and derivatives -----------------------------------------------------


def test_the_docstring_numbers_and_the_record():
    result = fixed_point(COSINE, "z", "a", 1.0, 0.0)
    assert isinstance(result, FixedPoint)
    assert isinstance(result.point, float)
    assert isinstance(result.derivative, float)
    # the Dottie number, and cos z / (1 + sin z) there
    assert result.point == pytest.approx(0.7390851332151607, rel=1e-14)
    assert result.derivative == pytest.approx(0.4416107917053284, rel=1e-13)


@given(st.floats(0.05, 2.0))
@settings(max_examples=30, deadline=None)
def test_a_cos_z_against_brentq_and_the_closed_form(a):
    # z = a cos z: dz/da = cos z + (−a sin z) dz/da, so dz/da = cos z / (1 + a sin z)
    point, slope = fixed_point(COSINE, "z", "a", a, 0.0)
    assert point == pytest.approx(brentq_fixed_point(lambda z: a * math.cos(z), 0, 2), rel=1e-13)
    assert slope == pytest.approx(math.cos(point) / (1 + a * math.sin(point)), rel=1e-12)


@given(st.floats(-3.0, 3.0), st.floats(0.0, 0.95), st.floats(-4.0, 4.0))
@settings(max_examples=30, deadline=None)
def test_kepler_in_both_parameters_against_brentq_and_the_closed_forms(a, b, start):
    # z = a + b sin z has one root (1 − b cos z > 0); dz/da = 1/(1 − b cos z),
    # dz/db = sin z/(1 − b cos z)
    want = brentq_fixed_point(lambda z: a + b * math.sin(z), a - 2, a + 2)
    point, by_a = fixed_point(KEPLER, "z", "a", a, start, {"b": b})
    same, by_b = fixed_point(KEPLER, "z", "b", b, start, {"a": a})
    assert point == pytest.approx(want, rel=1e-13, abs=1e-14)
    assert same == pytest.approx(want, rel=1e-13, abs=1e-14)
    assert by_a == pytest.approx(1 / (1 - b * math.cos(want)), rel=1e-12)
    assert by_b == pytest.approx(math.sin(want) / (1 - b * math.cos(want)), rel=1e-12, abs=1e-14)


@given(st.floats(0.01, 10.0))
@settings(max_examples=25, deadline=None)
def test_the_square_root_map_against_its_closed_form(a):
    # z = sqrt(a + z) ⟺ z² − z − a = 0, z > 0: z = (1 + sqrt(1 + 4a))/2, dz/da = 1/(2z − 1)
    point, slope = fixed_point(SQUARE_ROOT, "z", "a", a, 1.0)
    assert point == pytest.approx((1 + math.sqrt(1 + 4 * a)) / 2, rel=1e-14)
    assert slope == pytest.approx(1 / math.sqrt(1 + 4 * a), rel=1e-12)
    assert point == pytest.approx(brentq_fixed_point(lambda z: math.sqrt(a + z), 0.5, 5), rel=1e-13)


@pytest.mark.parametrize("c", [-5.0, -3.0, -1.5, -0.5, 0.5, 0.9, 2.0, 5.0])
@pytest.mark.parametrize("a", [-2.0, 1.0, 7.5])
def test_a_linear_map_even_where_the_plain_iteration_diverges(c, a):
    solution = solve_fixed_point(LINEAR, "z", "a", a, 0.0, {"c": c})
    assert solution.point == pytest.approx(a / (1 - c), rel=1e-14)
    assert solution.derivative == pytest.approx(1 / (1 - c), rel=1e-14)
    assert (solution.by_unknown, solution.by_parameter) == pytest.approx((c, 1.0), rel=1e-15)
    # in one unknown Anderson's step is a secant step on f(z) − z, exact on a line (the
    # module's docstring): a plain step, then the answer, whatever c
    assert solution.method == "anderson"
    assert len(solution.anderson.points) == 3


@pytest.mark.parametrize("c", [-3.0, 2.0, 5.0])
def test_with_c_beyond_one_the_plain_iteration_and_its_derivative_run_away(c):
    plain = plain_iterates(LINEAR, "z", "a", 1.0, 0.0, {"c": c}, steps=30)
    assert len(plain) == 31
    assert np.all(np.diff(np.abs(plain))[1:] > 0)  # |z_k| grows every step
    assert abs(plain[-1]) > 1e8
    unrolled = unrolled_derivatives(LINEAR, "z", "a", 1.0, 0.0, {"c": c}, iterations=30)
    # d_K = 1 + c + ... + c^(K−1), not 1/(1 − c)
    np.testing.assert_allclose(unrolled[-1], (c**30 - 1) / (c - 1), rtol=1e-12)


def test_newton_takes_over_where_the_plain_step_leaves_the_domain():
    # z = log z + 2 from 0.01: the plain step goes to log(0.01) + 2 < 0, where log is
    # undefined, so Anderson stops; Newton reaches z = −W₀(−e⁻²) (Lambert's W)
    solution = solve_fixed_point(LOGARITHM, "z", "a", 2.0, 0.01)
    assert solution.method == "newton"
    assert not solution.anderson.converged
    assert "undefined" in solution.anderson.reason
    want = -special.lambertw(-math.exp(-2.0), 0).real
    assert solution.point == pytest.approx(want, rel=1e-14)
    assert solution.derivative == pytest.approx(1 / (1 - 1 / want), rel=1e-12)
    # from 3 both reach the other fixed point, −W₋₁(−e⁻²)
    point, _ = fixed_point(LOGARITHM, "z", "a", 2.0, 3.0)
    assert point == pytest.approx(-special.lambertw(-math.exp(-2.0), -1).real, rel=1e-14)


def test_a_slow_map_is_polished_to_the_fixed_point_itself():
    # ∂f/∂z ≈ 0.998: |f(z) − z| ≤ 1e-12 alone would leave z off by ~1e-9; Newton's check
    # brings it to rounding. z = cos z is the Dottie number again.
    slow = parse_expression("0.999*z + 0.001*cos(z) + a", ("z",))
    solution = solve_fixed_point(slow, "z", "a", 0.0, 0.0)
    assert solution.point == pytest.approx(0.7390851332151607, rel=1e-14)
    want = 1 / (0.001 + 0.001 * math.sin(solution.point))  # 1/(1 − ∂f/∂z)
    assert solution.derivative == pytest.approx(want, rel=1e-10)


def test_names_may_be_variables_parameters_or_absent_from_f():
    in_two = parse_expression("a*cos(z)", ("z", "a"))
    assert fixed_point(in_two, "z", "a", 1.0, 0.0) == fixed_point(COSINE, "z", "a", 1.0, 0.0)
    # f need not depend on z: z* = f(a) and dz*/da = ∂f/∂a
    constant = parse_expression("a^2", ("z",))
    point, slope = fixed_point(constant, "z", "a", 3.0, 0.0)
    assert (point, slope) == pytest.approx((9.0, 6.0), rel=1e-15)
    # other names default to 1: z = a + sin z at b = 1
    point, _ = fixed_point(KEPLER, "z", "a", 0.5, 0.0)
    assert point == pytest.approx(brentq_fixed_point(lambda z: 0.5 + math.sin(z), 0, 3), rel=1e-13)


@given(st.floats(-2.0, 2.0), st.floats(-3.0, 3.0), st.floats(-2.0, 2.0), st.floats(-10.0, 10.0))
@settings(max_examples=60, deadline=None)
def test_any_answer_is_a_fixed_point_with_the_theorem_s_derivative(a, b, c, start):
    # f = a sin z + b z + c: a fixed point or a ValueError, never nan
    equation = parse_expression("a*sin(z) + b*z + c", ("z",))
    result, message = solve_or_message(equation, "z", "c", c, start, {"a": a, "b": b})
    if result is None:
        assert message.startswith(("No fixed point", "1 − ∂f/∂z"))
        assert message.endswith(".")
        return
    point, slope = result
    assert math.isfinite(point)
    assert math.isfinite(slope)
    assert a * math.sin(point) + b * point + c == pytest.approx(
        point, abs=1e-10 * max(1, abs(point))
    )
    assert slope == pytest.approx(1 / (1 - a * math.cos(point) - b), rel=1e-9)


# -- the views: iterates, unrolled derivatives, finite differences ----------------------------


def test_the_iterates_of_the_plain_iteration_and_of_anderson():
    plain = plain_iterates(COSINE, "z", "a", 1.0, 0.0, steps=5)
    np.testing.assert_allclose(plain, [0, 1, math.cos(1), math.cos(math.cos(1)), *plain[4:]])
    assert len(plain) == 6
    want = fixed_point(COSINE, "z", "a", 1.0, 0.0).point
    long_run = plain_iterates(COSINE, "z", "a", 1.0, 0.0, steps=MAX_STEPS)
    # the plain iteration contracts like |sin z*| ≈ 0.67: ~70 steps to 1e-12, Anderson ~7
    needed = int(np.argmax(np.abs(long_run - want) < 1e-12))
    accelerated = anderson_iterates(COSINE, "z", "a", 1.0, 0.0)
    assert accelerated[0] == 0.0
    assert accelerated[-1] == pytest.approx(want, rel=1e-12)
    assert len(accelerated) < 12 < 60 < needed
    assert len(anderson_iterates(COSINE, "z", "a", 1.0, 0.0, memory=1)) < needed


def test_the_plain_iterates_stop_where_f_is_undefined():
    np.testing.assert_allclose(
        plain_iterates(LOGARITHM, "z", "a", 2.0, 0.01), [0.01, math.log(0.01) + 2]
    )


def test_the_unrolled_derivative_is_the_recurrence_and_tends_to_the_theorem_s():
    a = 1.0
    _, want = fixed_point(COSINE, "z", "a", a, 0.0)
    unrolled = unrolled_derivatives(COSINE, "z", "a", a, 0.0, iterations=80)
    # d_{k+1} = ∂f/∂a + ∂f/∂z d_k = cos z_k − a sin z_k d_k, by hand in NumPy
    z, d, by_hand = 0.0, 0.0, [0.0]
    for _ in range(80):
        z, d = a * math.cos(z), math.cos(z) - a * math.sin(z) * d
        by_hand.append(d)
    np.testing.assert_allclose(unrolled, by_hand, rtol=1e-12, atol=1e-15)
    assert unrolled_derivative(COSINE, "z", "a", a, 0.0, iterations=40) == pytest.approx(
        unrolled[40], rel=1e-13
    )
    errors = np.abs(unrolled - want)
    assert errors[5] > errors[10] > errors[20] > errors[40] > errors[80]
    assert errors[80] < 1e-11


@pytest.mark.parametrize("a", [1.0, 1.2])
def test_the_unrolled_derivative_converges_like_the_contraction_factor_to_the_k(a):
    # error_K ≈ C K ρ^K with ρ = |∂f/∂z(z*)|: the slope of log(error_K / K) is log ρ
    point, want = fixed_point(COSINE, "z", "a", a, 0.0)
    unrolled = unrolled_derivatives(COSINE, "z", "a", a, 0.0, iterations=60)
    counts = np.arange(20, 61)
    slope = np.polyfit(counts, np.log(np.abs(unrolled[20:61] - want) / counts), 1)[0]
    assert slope == pytest.approx(math.log(abs(a * math.sin(point))), abs=0.03)


@given(st.floats(-3.0, 3.0), st.floats(0.0, 0.9))
@settings(max_examples=15, deadline=None)
def test_a_finite_difference_of_fixed_points_agrees_with_the_theorem(a, b):
    difference, step = finite_difference(KEPLER, "z", "a", a, 0.0, {"b": b})
    _, want = fixed_point(KEPLER, "z", "a", a, 0.0, {"b": b})
    assert step == pytest.approx(6.06e-6 * max(1, abs(a)), rel=1e-2)
    assert difference == pytest.approx(want, rel=1e-8)


def test_the_report_gathers_the_three_derivatives():
    report = fixed_point_report(SQUARE_ROOT, "z", "a", 2.0, 1.0, steps=60)
    assert isinstance(report, FixedPointReport)
    assert (report.point, report.derivative) == pytest.approx((2.0, 1 / 3), rel=1e-14)
    assert (report.by_unknown, report.by_parameter) == pytest.approx((0.25, 0.25), rel=1e-14)
    assert report.method == "anderson"
    assert report.plain[-1] == pytest.approx(2.0, rel=1e-12)
    assert report.anderson[-1] == pytest.approx(2.0, rel=1e-12)
    assert report.unrolled.shape == (61,)
    assert report.unrolled[0] == 0.0
    assert report.unrolled[-1] == pytest.approx(1 / 3, rel=1e-12)
    assert report.finite_difference == pytest.approx(1 / 3, rel=1e-9)


# -- bad input and no fixed point -------------------------------------------------------------


@pytest.mark.parametrize(
    ("unknown", "parameter", "message"),
    [
        ("w", "a", "'w' does not appear in f = a*cos(z); its names are: z, a."),
        ("z", "q", "'q' does not appear in f = a*cos(z)"),
        ("z", "z", "The unknown and the parameter must differ (both are 'z')."),
    ],
)
def test_names_not_in_f(unknown, parameter, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        fixed_point(COSINE, unknown, parameter, 1.0, 0.0)


@pytest.mark.parametrize(
    ("value", "start", "message"),
    [
        (math.nan, 0.0, "The value of a must be finite, got nan."),
        (1.0, math.inf, "The start z₀ must be finite, got inf."),
        ("one", 0.0, "The value of a must be a number, got 'one'."),
    ],
)
def test_numbers_that_are_not_finite(value, start, message):
    with pytest.raises(ValueError, match=message):
        fixed_point(COSINE, "z", "a", value, start)


def test_params_that_do_not_fit():
    with pytest.raises(ValueError, match="z is the unknown: leave it out of params"):
        fixed_point(KEPLER, "z", "a", 1.0, 0.0, {"z": 2.0})
    with pytest.raises(ValueError, match="a is the parameter: leave it out of params"):
        fixed_point(KEPLER, "z", "a", 1.0, 0.0, {"a": 2.0})
    with pytest.raises(ValueError, match="q not in f = a \\+ b\\*sin\\(z\\); the names params"):
        fixed_point(KEPLER, "z", "a", 1.0, 0.0, {"q": 2.0})
    with pytest.raises(ValueError, match="The value of b must be finite"):
        fixed_point(KEPLER, "z", "a", 1.0, 0.0, {"b": math.inf})
    with pytest.raises(TypeError, match="must be a parsed expression"):
        fixed_point("a*cos(z)", "z", "a", 1.0, 0.0)


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        # z = z + 1: f − z = 1 everywhere, 1 − ∂f/∂z = 0 everywhere
        ("z + 1", 0.0, ["made no progress", "1 − ∂f/∂z = 0", "positive at every iterate",
                        "never below 1 in size", "flat there"]),
        # z = exp(z): exp(z) − z ≥ 1, no real fixed point; smallest at z = 0
        ("exp(z)", 0.0, ["positive at every iterate", "no fixed point in reach", "flat there"]),
        ("exp(z)", 3.0, ["stalled", "positive at every iterate", "no fixed point in reach"]),
        ("z - z^2 - 1", 0.0, ["negative at every iterate", "flat there"]),  # f − z = −z² − 1
        ("z + 1 + exp(z)", 0.0, ["positive at every iterate"]),  # f − z > 1, smallest far left
        # f − z = 1 + 2|z|: ∂f/∂z = 3 or −1, never 1; the plain iteration does not contract
        ("z + 1 + 2*abs(z)", 0.3, ["≥ 1 at the closest iterate", "does not contract"]),
    ],
)  # fmt: skip
def test_no_fixed_point_is_a_sentence_after_boundedly_many_evaluations(
    monkeypatch, text, start, expected
):
    evaluations = {"f": 0, "slope": 0}
    numpy_form, slope_function = ParsedExpression.numpy, fixed_point_module.slope_function

    def counted_numpy(self, values):
        evaluations["f"] += 1
        return numpy_form(self, values)

    def counted_slope_function(*arguments):
        slope = slope_function(*arguments)

        def counted(z):
            evaluations["slope"] += 1
            return slope(z)

        return counted

    monkeypatch.setattr(ParsedExpression, "numpy", counted_numpy)
    monkeypatch.setattr(fixed_point_module, "slope_function", counted_slope_function)
    with pytest.raises(ValueError, match=r"^No fixed point z = f\(z\)") as error:
        fixed_point(parse_expression(text, ("z", "a")), "z", "a", 1.0, start)
    message = str(error.value)
    for part in expected:
        assert part in message
    assert message.endswith("Try another start or another value of a.")
    # Anderson: ≤ 2 evaluations a step; Newton: 1 + MAX_HALVINGS a step; slopes one a step
    assert evaluations["f"] <= 2 * (MAX_ANDERSON_ITERATIONS + 1) + MAX_NEWTON_ITERATIONS * (
        MAX_HALVINGS + 1
    )
    assert evaluations["slope"] <= 2 * MAX_NEWTON_ITERATIONS + 1


@pytest.mark.parametrize(
    ("text", "value", "start"),
    [
        ("z^2 + a", 0.25, 0.0),  # z* = 1/2 is double: ∂f/∂z = 2z* = 1
        ("z - (z - a)^3", 1.0, 0.5),  # triple: ∂f/∂z = 1 at z* = a
        ("z + a - 1", 1.0, 0.3),  # a = 1: every z is a fixed point
    ],
)
def test_no_derivative_where_one_minus_df_dz_is_zero(text, value, start):
    with pytest.raises(ValueError, match="the fixed point is not simple") as error:
        fixed_point(parse_expression(text, ("z", "a")), "z", "a", value, start)
    assert "1 − ∂f/∂z = " in str(error.value)
    assert "the implicit function theorem does not give dz/da there" in str(error.value)


def test_next_to_a_double_fixed_point_two_simple_ones():
    # next to the double root, two simple ones: z = 1/2 ± sqrt(1/4 − a)
    point, slope = fixed_point(parse_expression("z^2 + a", ("z",)), "z", "a", 0.24, 0.0)
    assert point == pytest.approx(0.4, rel=1e-13)
    assert slope == pytest.approx(1 / (1 - 2 * 0.4), rel=1e-12)


def test_no_derivative_where_df_da_is_infinite():
    # z = sqrt(a) + z/2 at a = 0: z* = 2 sqrt(a) = 0, and ∂f/∂a = 1/(2 sqrt(a)) is infinite
    equation = parse_expression("sqrt(a) + z/2", ("z",))
    with pytest.raises(ValueError, match="∂f/∂a is not finite at the fixed point z = 0"):
        fixed_point(equation, "z", "a", 0.0, 1.0)
    # elsewhere dz*/da = 1/sqrt(a)
    assert fixed_point(equation, "z", "a", 4.0, 1.0) == pytest.approx((4.0, 0.5), rel=1e-14)


def test_a_small_residual_far_out_is_not_taken_for_a_fixed_point():
    # f − z = −u/(1 + u²), u = z − a, falls below 1e-12·|z| for z ≳ 10⁶ and below the
    # rounding of z for z ≳ 10⁸, though the only fixed point is z = a. From 3 the solvers
    # run off to the right: a sentence, either "not found" or "not simple" (in float64
    # f(z) = z there, and ∂f/∂z = 1 to rounding), never a number.
    equation = parse_expression("z - (z - a)/(1 + (z - a)^2)", ("z",))
    with pytest.raises(ValueError, match=r"^(No fixed point|1 − ∂f/∂z = .* zero within rounding)"):
        fixed_point(equation, "z", "a", 1.0, 3.0)
    assert fixed_point(equation, "z", "a", 1.0, 1.5) == pytest.approx((1.0, 1.0), rel=1e-14)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plain_iterates(COSINE, "z", "a", 1.0, 0.0, steps=0), "number of steps"),
        (lambda: plain_iterates(COSINE, "z", "a", 1.0, 0.0, steps=MAX_STEPS + 1), "from 1 to"),
        (lambda: unrolled_derivative(COSINE, "z", "a", 1.0, 0.0, iterations=2.5), "iterations"),
        (lambda: unrolled_derivatives(COSINE, "z", "a", 1.0, 0.0, iterations=True), "whole"),
        (lambda: anderson_iterates(COSINE, "z", "a", 1.0, 0.0, memory=0), "memory"),
        (lambda: anderson_iterates(COSINE, "z", "a", 1.0, 0.0, memory=6), "memory"),
        (lambda: fixed_point_report(COSINE, "w", "a", 1.0, 0.0), "does not appear"),
    ],
)
def test_bad_arguments_of_the_views(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_huge_start_warns_of_no_overflow_and_still_finds_the_point():
    # Anderson's differences of 1e300-sized iterates overflowed with a RuntimeWarning.
    point, slope = fixed_point(parse_expression("a cos(z)", ("z",)), "z", "a", 1.0, 1e300)
    z = optimize.brentq(lambda z: math.cos(z) - z, 0.0, 1.0)
    assert point == pytest.approx(z, rel=1e-10)
    assert slope == pytest.approx(math.cos(z) / (1 + math.sin(z)), rel=1e-8)
