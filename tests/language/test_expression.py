"""Parsing typed maths (`core.parse_expression`): accepted forms, parameters, round trips."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, ParsedExpression, parse_expression
from core.language import functions as core_functions
from tests.language.limit_texts import near_limit_texts

x = sympy.Symbol("x", real=True)
t = sympy.Symbol("t", real=True)
a = sympy.Symbol("a", real=True)
b = sympy.Symbol("b", real=True)
k = sympy.Symbol("k", real=True)
m = sympy.Symbol("m", real=True)

ACCEPTED = [
    # powers
    ("x**2", x**2),
    ("x^2", x**2),
    ("x^-2", x**-2),
    ("x^(1/2)", sympy.sqrt(x)),
    ("2^x", 2**x),
    ("x^y^2", sympy.Pow(x, sympy.Symbol("y", real=True) ** 2)),
    ("-x^2", -(x**2)),
    ("(-x)^2", x**2),
    # implicit products
    ("2x", 2 * x),
    ("3sin(x)", 3 * sympy.sin(x)),
    ("2(x+1)", 2 * (x + 1)),
    ("x(x+1)", x * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2 x", 2 * x),
    ("2pi x", 2 * sympy.pi * x),
    # e and exp
    ("e^x", sympy.exp(x)),
    ("e", sympy.E),
    ("exp(x)", sympy.exp(x)),
    ("e^(-x^2)", sympy.exp(-(x**2))),
    # unicode
    ("x − 1", x - 1),
    ("2 × x", 2 * x),
    ("2·x", 2 * x),
    ("x²", x**2),
    ("x³", x**3),
    ("x² + 1", x**2 + 1),
    ("x⁻¹", 1 / x),
    ("2 ÷ x", 2 / x),
    ("π", sympy.pi),
    ("√(x)", sympy.sqrt(x)),
    ("sin²(x)", sympy.sin(x) ** 2),
    ("ｘ＋１", x + 1),
    # logarithms and roots
    ("ln(x)", sympy.log(x)),
    ("log(x)", sympy.log(x)),
    ("log10(x)", sympy.log(x) / sympy.log(10)),
    ("log2(x)", sympy.log(x) / sympy.log(2)),
    ("sqrt(x)", sympy.sqrt(x)),
    # absolute value
    ("abs(x)", sympy.Abs(x)),
    ("|x|", sympy.Abs(x)),
    ("|x - 1| + 2", sympy.Abs(x - 1) + 2),
    ("|x|x", sympy.Abs(x) * x),
    ("2|x|", 2 * sympy.Abs(x)),
    # trigonometry
    ("sin(x)", sympy.sin(x)),
    ("cos(x)", sympy.cos(x)),
    ("tan(x)", sympy.tan(x)),
    ("cot(x)", sympy.cot(x)),
    ("sec(x)", sympy.sec(x)),
    ("csc(x)", sympy.csc(x)),
    ("sin^2(x)", sympy.sin(x) ** 2),
    ("sin(x)^2", sympy.sin(x) ** 2),
    ("asin(x)", sympy.asin(x)),
    ("acos(x)", sympy.acos(x)),
    ("atan(x)", sympy.atan(x)),
    ("arcsin(x)", sympy.asin(x)),
    ("arccos(x)", sympy.acos(x)),
    ("arctan(x)", sympy.atan(x)),
    # hyperbolic
    ("sinh(x)", sympy.sinh(x)),
    ("cosh(x)", sympy.cosh(x)),
    ("tanh(x)", sympy.tanh(x)),
    ("asinh(x)", sympy.asinh(x)),
    ("acosh(x)", sympy.acosh(x)),
    ("atanh(x)", sympy.atanh(x)),
    ("arsinh(x)", sympy.asinh(x)),
    ("arccosh(x)", sympy.acosh(x)),
    ("artanh(x)", sympy.atanh(x)),
    # constants and numbers
    ("pi", sympy.pi),
    ("2pi", 2 * sympy.pi),
    ("1", sympy.Integer(1)),
    ("1.5", sympy.Float(1.5)),
    (".5", sympy.Float(0.5)),
    ("1e-3", sympy.Float(0.001)),
    ("2.5E+3", sympy.Float(2500.0)),
    ("1_000", sympy.Integer(1000)),
    ("1_000x", 1000 * x),
    ("x + 1.5", x + sympy.Float(1.5)),
    # operators and whitespace
    ("  x  +  1 ", x + 1),
    ("x/2", x / 2),
    ("1/x/2", 1 / x / 2),
    ("x - (1 - x)", 2 * x - 1),
    ("+x", x),
    ("--x", x),
    ("x * -1", -x),
    ("sin(cos(tan(x)))", sympy.sin(sympy.cos(sympy.tan(x)))),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_accepted_forms(text, expected):
    parsed = parse_expression(text)
    assert isinstance(parsed, ParsedExpression)
    assert parsed.sympy == expected
    assert parsed.latex
    assert parsed.variables == ("x",)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("x^2", "x**2"),
        ("x**2", "x**2"),
        ("2x", "2*x"),
        ("2x^2", "2*x**2"),
        ("3sin(x)", "3*sin(x)"),
        ("ln(x)", "log(x)"),
        ("arcsin(x)", "asin(x)"),
        ("|x|", "abs(x)"),
        ("x²", "x**2"),
        ("x − 1", "x - 1"),
        ("1_000", "1000"),
        (".5", "0.5"),
        ("e^x", "e**x"),
        ("π", "pi"),
    ],
)
def test_canonical_text(text, canonical):
    assert parse_expression(text).text == canonical


def test_symbols_are_real():
    parsed = parse_expression("a*x")
    for symbol in parsed.sympy.free_symbols:
        assert symbol.is_real
    assert parsed.sympy != sympy.Symbol("a") * sympy.Symbol("x")


@pytest.mark.parametrize(
    ("text", "variables", "parameters"),
    [
        ("x^2", ("x",), ()),
        ("a*x + b", ("x",), ("a", "b")),
        ("(a*x+b)^m", ("x",), ("a", "b", "m")),
        ("m*x + k", ("x",), ("k", "m")),
        ("e^x", ("x",), ()),
        ("e*x + pi", ("x",), ()),
        ("k e^(k t)", ("t",), ("k",)),
        ("x*t", ("t",), ("x",)),
        ("x*y", ("x", "y"), ()),
        ("5", ("x",), ()),
        ("c", ("x",), ("c",)),
        ("z y x w", ("x",), ("w", "y", "z")),
    ],
)
def test_parameters(text, variables, parameters):
    parsed = parse_expression(text, variables)
    assert parsed.variables == variables
    assert parsed.parameters == parameters
    assert set(parsed.symbols) == set(variables) | set(parameters)


def test_parameter_expression_sympy():
    parsed = parse_expression("k e^(k t)", variables=("t",))
    assert parsed.sympy == k * sympy.exp(k * t)


def test_variables_accept_a_list():
    parsed = parse_expression("t^2", ["t"])
    assert parsed.variables == ("t",)
    assert parsed.sympy == t**2


@pytest.mark.parametrize("text", ["x^2", "sin(x)/x", "|x|", "(a*x+b)^m", "log10(x)", "5"])
def test_latex_is_nonempty_and_matches_sympy(text):
    parsed = parse_expression(text)
    assert isinstance(parsed.latex, str)
    assert parsed.latex.strip()
    assert parsed.latex == sympy.latex(parsed.sympy)


def test_parsed_expression_is_frozen_and_comparable():
    first, second = parse_expression("2x"), parse_expression("2*x")
    assert first == second
    with pytest.raises(AttributeError):
        first.text = "y"  # type: ignore[misc]


def test_numpy_evaluation():
    parsed = parse_expression("a*x^2 + sin(x)")
    xs = np.linspace(-2, 2, 11)
    np.testing.assert_allclose(parsed.numpy({"x": xs, "a": 2.0}), 2 * xs**2 + np.sin(xs))


def test_numpy_integer_power_of_negative_base_is_exact():
    parsed = parse_expression("x^3 + x^-2")
    xs = np.array([-2.0, -0.5])
    np.testing.assert_allclose(parsed.numpy({"x": xs}), xs**3 + xs**-2.0, rtol=1e-15)


def test_numpy_works_on_complex_input():
    parsed = parse_expression("sin(x)*exp(x)")
    z = np.array([0.3 + 1e-20j])
    np.testing.assert_allclose(parsed.numpy({"x": z}), np.sin(z) * np.exp(z))


@pytest.mark.parametrize("text", ["1/0", "log(0)", "x/(1-1)", "0^-1"])
def test_undefined_constants_are_rejected(text):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.message


def test_expression_error_is_a_value_error():
    with pytest.raises(ValueError):  # noqa: PT011
        parse_expression("sin(")


def test_non_string_input():
    with pytest.raises(ExpressionError):
        parse_expression(42)  # type: ignore[arg-type]


# -- round trip: canonical text parses back to the same expression ------------------------

_FUNCTIONS = [*core_functions.FUNCTION_NAMES, *core_functions.ALIASES]
_ATOMS = st.sampled_from(
    ["x", "a", "b", "e", "pi", "π", "2", "3", "0.5", ".25", "1e-3", "1_000", "2.5E+2", "7"]
)


def _texts():
    def extend(children):
        return st.one_of(
            st.builds(lambda f, c: f"{f}({c})", st.sampled_from(_FUNCTIONS), children),
            st.builds(
                lambda left, op, right: f"{left} {op} {right}",
                children,
                st.sampled_from(["+", "-", "*", "/", "^", "**", "−", "×", "·"]),
                children,
            ),
            st.builds(lambda c: f"({c})", children),
            st.builds(lambda c: f"-{c}", children),
            st.builds(lambda c: f"|{c}|", children),
            st.builds(lambda c: f"({c})²", children),
            st.builds(lambda c: f"({c})⁻³", children),
            st.builds(lambda n, c: f"{n}({c})", st.sampled_from(["2", "3", "0.5"]), children),
            st.builds(
                lambda n, f, c: f"{n}{f}({c})",
                st.sampled_from(["2", "3"]),
                st.sampled_from(_FUNCTIONS),
                children,
            ),
            st.builds(lambda left, right: f"({left})({right})", children, children),
            st.builds(lambda f, c: f"{f}^2({c})", st.sampled_from(["sin", "cos", "tan"]), children),
            # The notation of issue 22: functions without brackets, inverse notation,
            # every bracket, roots, logarithms to a base, glued letters.
            st.builds(lambda f, c: f"{f} {c}", st.sampled_from(_FUNCTIONS), children),
            st.builds(
                lambda f, e, c: f"{f}{e} {c}",
                st.sampled_from(["sin", "sec", "arccot", "coth"]),
                st.sampled_from(["^2", "^-1", "^{-1}", "⁻¹", "²"]),
                children,
            ),
            st.builds(lambda c: f"[{c}]", children),
            st.builds(lambda c: f"{{{c}}}", children),
            st.builds(
                lambda r, c: f"{r}{c}", st.sampled_from(["√", "∛", "cbrt ", "lg "]), children
            ),
            st.builds(
                lambda b, c: f"log_{b} {c}", st.sampled_from(["2", "{10}", "b", "e"]), children
            ),
            st.builds(lambda c: f"log(2, {c})", children),
            st.builds(lambda c: f"xe^{c}", children),
            st.builds(lambda c: f"sinx{c}", children),
        )

    return st.recursive(_ATOMS, extend, max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_texts(), near_limit_texts()))
def test_canonical_text_round_trips(text):
    # Near the limits too (tests/language/limit_texts.py): the canonical text of every
    # accepted text must be accepted, since pages parse it again.
    try:
        parsed = parse_expression(text)
    except ExpressionError as error:
        # Generated text can be legitimately rejected (e.g. 1/0 or a huge constant),
        # but the error must still be well formed.
        rejected = error
    else:
        rejected = None
    if rejected is not None:
        assert rejected.message
        assert rejected.position is None or 0 <= rejected.position <= len(text)
        return
    again = parse_expression(parsed.text)
    assert again.text == parsed.text
    assert again.sympy == parsed.sympy
    assert again.parameters == parsed.parameters
    assert again == parsed


@settings(max_examples=60, deadline=None)
@given(_texts())
def test_canonical_text_is_ascii_and_uses_explicit_operators(text):
    try:
        parsed = parse_expression(text)
    except ExpressionError:
        return
    assert parsed.text.isascii()
    assert "^" not in parsed.text
    assert "|" not in parsed.text
