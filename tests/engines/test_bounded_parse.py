"""Parsing in a killable worker (`core.engines.bounded_parse`): same answers, bounded time."""

from __future__ import annotations

import pickle
import time

import pytest

from core import ExpressionError, parse_expression
from core.engines import bounded_parse
from core.engines.bounded_parse import parse_bounded
from core.programs.rules import ProgramError

# SymPy's evaluation of this 75-character nesting took 100 s here (in its assumptions).
HOSTILE = "--x^sqrt(--tanh(1/(cosh(tanh(cosh(cosh(sqrt(1/(x*-(e^x))))^-2)^-2))^-2)))"


@pytest.fixture(scope="module", autouse=True)
def _warm_pool():
    bounded_parse.warm_up()


@pytest.mark.parametrize(
    ("text", "variables"),
    [("3sin(x) - e^(-x²) + |x|", ("x",)), ("a*x^2 + b", ("x",)), ("x^2*y + sin(y)", ("x", "y"))],
)
def test_gives_what_parse_expression_gives(text, variables):
    bounded, direct = parse_bounded(text, variables), parse_expression(text, variables)
    assert bounded.text == direct.text
    assert bounded.parameters == direct.parameters
    assert bounded.sympy == direct.sympy
    assert bounded.latex == direct.latex


def test_a_bad_text_keeps_its_message_and_position():
    with pytest.raises(ExpressionError) as raised:
        parse_bounded("2 + sin(x")
    with pytest.raises(ExpressionError) as direct:
        parse_expression("2 + sin(x")
    assert raised.value.message == direct.value.message
    assert raised.value.position == direct.value.position is not None


def test_errors_survive_pickling_with_their_fields():
    error = pickle.loads(pickle.dumps(ExpressionError("bad", 7)))
    assert (error.message, error.position) == ("bad", 7)
    program_error = pickle.loads(pickle.dumps(ProgramError("no", 2, 3, 9)))
    assert (program_error.message, program_error.line, program_error.position) == (
        "Line 2, column 3: no.",
        2,
        9,
    )


def test_sympy_that_will_not_finish_is_stopped_and_said_so():
    start = time.monotonic()
    with pytest.raises(ExpressionError, match=r"could not build this expression within 0\.5 s"):
        parse_bounded(HOSTILE, budget=0.5)
    # Killed at its budget; generous room for a loaded machine, far below SymPy's 100 s.
    assert time.monotonic() - start < 30
    assert parse_bounded("x^3").text == "x**3"  # the pool serves on after the kill


def test_non_text_is_refused_before_any_work():
    with pytest.raises(ExpressionError, match="must be text"):
        parse_bounded(42)
