"""Textbook notation the language reads (inverse functions, log bases, the reciprocal
hyperbolic functions) and the sentences it gives where it refuses (issue 21, item 8)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from core import ExpressionError, parse_expression
from core.engines.autodiff import ad_derivatives

x = sympy.Symbol("x", real=True)
b = sympy.Symbol("b", real=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tan^-1(x)", sympy.atan(x)),
        ("sin^-1(x)", sympy.asin(x)),
        ("sin^{-1}(x)", sympy.asin(x)),
        ("tan^{-1}(x)", sympy.atan(x)),
        ("cos^(-1)(2x)", sympy.acos(2 * x)),
        ("sin⁻¹(x)", sympy.asin(x)),
        ("sinh^-1(x)", sympy.asinh(x)),
        ("coth^{-1}(x)", sympy.acoth(x)),
        ("tan^-1(x)^2", sympy.atan(x) ** 2),
        ("sin^2(x)", sympy.sin(x) ** 2),
        ("sin^{2}(x)", sympy.sin(x) ** 2),
        ("sin²(x)", sympy.sin(x) ** 2),
    ],
)
def test_inverse_function_notation(text, expected):
    assert parse_expression(text).sympy == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("log^-1(x)", "inverse-function notation"),
        ("exp^-1(x)", "reciprocal 1/exp(x) write exp(x)^-1"),
        ("sqrt^{-1}(x)", "reciprocal 1/sqrt(x)"),
        ("abs^-1(x)", "reciprocal 1/abs(x)"),  # sec^-1, cot^-1 are read since issue 22
        ("sin^-2(x)", "sin(x)^-2"),
    ],
)
def test_inverse_notation_refused_with_a_sentence(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert fragment in info.value.message
    assert "parentheses" not in info.value.message
    assert info.value.position == text.index("^")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log_2(x)", sympy.log(x, 2)),
        ("log_{10}(x)", sympy.log(x, 10)),
        ("log_10(x)", sympy.log(x, 10)),
        ("log_3(x)", sympy.log(x) / sympy.log(3)),
        ("log_{2.5}(x)", sympy.log(x) / sympy.log(sympy.Float(2.5))),
        ("log_b(x)", sympy.log(x) / sympy.log(b)),
        ("log_{b}(x^2 + 1)", sympy.log(x**2 + 1) / sympy.log(b)),
        ("log_e(x)", sympy.log(x)),
    ],
)
def test_logarithm_with_a_base(text, expected):
    parsed = parse_expression(text)
    assert sympy.simplify(parsed.sympy - expected) == 0
    # the canonical text reads back as the same expression
    assert parse_expression(parsed.text).sympy == parsed.sympy
    assert "for a power" not in parsed.text


def test_logarithm_with_a_parameter_base_has_the_parameter():
    assert parse_expression("log_b(x)").parameters == ("b",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("log_1(x)", "positive and not 1"),
        ("log_0(x)", "positive and not 1"),
        ("log_(x)", "log_2(x), log_{10}(x) or log_b(x)"),
        ("log_ab(x)", "log_2(x), log_{10}(x) or log_b(x)"),
        ("log_{sin}(x)", "cannot be a logarithm's base"),
    ],
)
def test_bad_logarithm_bases(text, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert fragment in info.value.message
    assert "for a power" not in info.value.message


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("sech(x)", sympy.sech),
        ("csch(x)", sympy.csch),
        ("coth(x)", sympy.coth),
        ("asech(x)", sympy.asech),
        ("arsech(x)", sympy.asech),
        ("arcsech(x)", sympy.asech),
        ("acsch(x)", sympy.acsch),
        ("arcsch(x)", sympy.acsch),
        ("arccsch(x)", sympy.acsch),
        ("acoth(x)", sympy.acoth),
        ("arcoth(x)", sympy.acoth),
        ("arccoth(x)", sympy.acoth),
    ],
)
def test_reciprocal_hyperbolic_functions(text, function):
    assert parse_expression(text).sympy == function(x)


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("sech", (-1.3, 0.4, 2.0)),
        ("csch", (-1.3, 0.4, 2.0)),
        ("coth", (-1.3, 0.4, 2.0)),
        ("asech", (0.2, 0.5, 0.9)),
        ("acsch", (-1.3, 0.4, 2.0)),
        ("acoth", (-2.5, 1.5, 3.0)),
    ],
)
def test_new_functions_agree_in_all_three_engines(name, points):
    """NumPy, JAX (Taylor mode, orders 0-3) and SymPy give the same values."""
    parsed = parse_expression(f"{name}(x)")
    xs = np.array(points)
    numpy_values = parsed.numpy({"x": xs})
    ad = ad_derivatives(parsed, xs, 3)
    for order in range(4):
        symbolic = sympy.lambdify(x, sympy.diff(parsed.sympy, x, order), "numpy")(xs)
        np.testing.assert_allclose(ad[order], symbolic, rtol=1e-9)
    np.testing.assert_allclose(numpy_values, ad[0], rtol=1e-12)


def test_sech_is_not_taken_for_sec():
    assert parse_expression("sech(x)").sympy != sympy.sec(x)


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_input_is_a_plain_sentence_without_a_position(text):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.message == "Type a function of x, for example x^2 + sin(x)."
    assert info.value.position is None


def test_empty_input_names_the_page_variables():
    with pytest.raises(ExpressionError) as info:
        parse_expression("", ("x", "y"))
    assert info.value.message == "Type a function of x and y, for example x^2 + sin(y)."


# Since issue 22 braces and square brackets group anywhere ({x}, x^{2}); a bracket that
# another shape closes, or none, is still one sentence and a caret.
@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [("(x}", 2, "closes a '('"), ("x{", 2, "ends too early"), ("{x", 2, "never closed")],
)
def test_unmatched_braces_are_refused(text, position, fragment):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert fragment in info.value.message
    assert info.value.position == position
