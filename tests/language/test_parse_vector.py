"""Parsing vector functions (`core.parse_vector`): splitting, limits, and error positions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core import ExpressionError, ParsedExpression, ParsedVector, parse_expression, parse_vector
from core.language.text_input import MAX_LENGTH
from core.language.vector import MAX_COMPONENTS, MAX_VECTOR_LENGTH
from tests.several_variables.sympy_oracle import smooth_expressions

REPO_ROOT = Path(__file__).resolve().parents[2]
x, y = sympy.symbols("x y", real=True)


def test_the_pycse_example():
    f = parse_vector("[x^2*y, 5x + sin(y)]")
    assert isinstance(f, ParsedVector)
    assert len(f) == 2
    assert all(isinstance(c, ParsedExpression) for c in f.components)
    assert [c.text for c in f.components] == ["x**2*y", "5*x + sin(y)"]
    assert f.text == "[x**2*y, 5*x + sin(y)]"
    assert f.variables == ("x", "y")
    assert f.parameters == ()
    assert f.sympy == sympy.Matrix([x**2 * y, 5 * x + sympy.sin(y)])
    assert "matrix" in f.latex


def test_brackets_are_optional_and_spaces_do_not_matter():
    bracketed = parse_vector("[x^2*y, 5x + sin(y)]")
    assert parse_vector("x^2*y,5x+sin(y)").text == bracketed.text
    assert parse_vector("  [ x^2*y ,  5x + sin(y) ]  ").text == bracketed.text


def test_each_component_is_what_parse_expression_gives():
    f = parse_vector("[3sin(x) - e^(-y²), |x - y|, a*x + b]")
    for component, text in zip(f.components, ["3sin(x) - e^(-y²)", "|x - y|", "a*x + b"],
                               strict=True):  # fmt: skip
        assert component == parse_expression(text, ("x", "y"))


def test_parameters_are_the_sorted_union():
    f = parse_vector("[k*x, a*y + k, 2]")
    assert f.parameters == ("a", "k")
    assert f.components[2].parameters == ()


def test_commas_inside_max_min_and_where_do_not_split():
    f = parse_vector("[max(x, y), min(x, 2), where(x < 0, -x, y)]")
    assert [c.text for c in f.components] == ["max(x, y)", "min(x, 2)", "where(x < 0, -x, y)"]


def test_one_component_and_the_most_components():
    assert len(parse_vector("x + y")) == 1
    assert len(parse_vector("[x*y]")) == 1
    assert len(parse_vector(", ".join(["x"] * MAX_COMPONENTS))) == MAX_COMPONENTS


def test_other_variables_and_multi_letter_names():
    f = parse_vector("[x1^2 + x2^2, x1*x2]", ("x1", "x2"))
    assert f.variables == ("x1", "x2")
    assert f.parameters == ()
    g = parse_vector("[x*y*z, z]", ("x", "y", "z"))
    assert g.parameters == ()
    h = parse_vector("[u*cos(v), u*sin(v)]", ("u", "v"))
    assert h.text == "[u*cos(v), u*sin(v)]"


def test_fullwidth_brackets_and_commas_count_as_ascii():
    assert parse_vector("［x，y］").text == "[x, y]"


def _error(text: str, variables=("x", "y")) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse_vector(text, variables)
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "Type a vector function", None),
        ("   ", "Type a vector function", None),
        ("[]", "no components", 1),
        ("[  ]", "no components", 1),
        ("[x, , y]", "Component 2 is empty", 3),
        ("[x, y,]", "Component 3 is empty", 6),
        (",x", "Component 1 is empty", 0),
        ("[x, y", "'[' is never closed", 0),
        ("  [x, y", "'[' is never closed", 2),
        ("x, y]", "']' has no matching '['", 4),
        ("[(x, y]", "'(' is never closed", 1),
        ("[sin(x, y]", "'(' is never closed", 4),
        ("[x), y]", "')' has no matching '('", 2),
        ("[x, [y)]", "This ')' closes a '['", 6),
        ("[x, y, x, y, x]", "at most 4 components; this one has 5", 11),
    ],
)
def test_structural_errors_say_what_and_where(text, message, position):
    error = _error(text)
    assert message in error.message
    assert error.position == position


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("[x, foo(y)]", "In component 2: Unknown name 'foo'", 4),
        ("[x, y +]", "In component 2: The expression ends too early", 7),
        ("[x², y $ 2]", "In component 2: '$' is not allowed", 7),
        ("[x, y, sin]", "In component 3: 'sin' is a function", 10),
        ("x + * y", "Unexpected '*'", 4),  # one component: no "In component" prefix
        ("[x = 1, y]", "Assignments and comparisons", 3),
    ],
)
def test_component_errors_point_into_the_whole_text(text, message, position):
    error = _error(text)
    assert message in error.message
    assert error.position == position


def test_an_over_long_component_keeps_the_expression_limit():
    long_component = "+".join(["x"] * (MAX_LENGTH // 2 + 1))
    text = f"[y, {long_component}]"
    error = _error(text)
    assert "limit is 500" in error.message
    assert error.position == 4 + MAX_LENGTH


def test_an_over_long_vector_is_refused_before_any_parsing():
    error = _error("x" * (MAX_VECTOR_LENGTH + 1))
    assert f"the limit is {MAX_VECTOR_LENGTH:,}" in error.message


def test_non_text_is_refused():
    with pytest.raises(ExpressionError, match="must be text"):
        parse_vector(["x", "y"])
    assert issubclass(ExpressionError, ValueError)


@settings(max_examples=60, deadline=None)
@given(st.lists(smooth_expressions(), min_size=1, max_size=MAX_COMPONENTS))
def test_canonical_text_round_trips(texts):
    f = parse_vector("[" + ", ".join(texts) + "]")
    again = parse_vector(f.text)
    assert again.text == f.text
    assert again.components == f.components
    assert [c.text for c in f.components] == [parse_expression(t, ("x", "y")).text for t in texts]


@settings(max_examples=60, deadline=None)
@given(st.lists(smooth_expressions(), min_size=1, max_size=MAX_COMPONENTS), st.data())
def test_an_error_position_points_at_the_bad_character(texts, data):
    index = data.draw(st.integers(0, len(texts) - 1))
    cut = data.draw(st.integers(0, len(texts[index])))
    texts = [*texts]
    texts[index] = texts[index][:cut] + "$" + texts[index][cut:]
    whole = "[" + ", ".join(texts) + "]"
    error = _error(whole)
    assert whole[error.position] == "$"


def test_parsing_a_vector_does_not_import_jax_or_streamlit():
    script = (
        "import json, sys, core\ncore.parse_vector('[x^2*y, 5x + sin(y)]')\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        cwd=REPO_ROOT, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    modules = set(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert "core.language.vector" in modules
    assert "jax" not in modules
    assert "streamlit" not in modules


def test_the_canonical_text_of_four_full_components_parses_back():
    component = " + ".join(["x"] * 124) + " + y**2"  # 500 characters, canonical as typed
    assert len(component) == 500
    assert parse_expression(component, ("x", "y")).text == component
    text = ", ".join([component] * 4)
    parsed = parse_vector(text)
    assert len(parsed.text) == 4 * 500 + 2 + 6
    assert parse_vector(parsed.text).text == parsed.text
