"""`value_and_grad(f, has_aux=True)` (`lecture_has_aux`): the lecture's 7, 42 and 4, and
the closed forms x² + y and 2x elsewhere."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.beyond_grad.has_aux import AuxResult, lecture_function, lecture_has_aux


def test_the_lecture_numbers():
    result = lecture_has_aux()
    assert result == AuxResult(7.0, 42.0, 4.0)
    assert all(isinstance(number, float) for number in result)


@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))
@settings(max_examples=25, deadline=None)
def test_value_aux_and_gradient_everywhere(x, y):
    value, aux, gradient = lecture_has_aux(x, y)
    assert value == pytest.approx(x**2 + y, rel=1e-15, abs=1e-12)
    assert aux == 42.0  # passed through, never differentiated
    assert gradient == pytest.approx(2 * x, rel=1e-15, abs=1e-300)


def test_the_function_returns_a_pair():
    value, aux = lecture_function(2.0, 3.0)
    assert (float(value), float(aux)) == (7.0, 42.0)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [(math.nan, 1.0, "x must be finite"), (1.0, math.inf, "y must be finite"),
     ("two", 1.0, "x must be a number")],
)  # fmt: skip
def test_errors(x, y, message):
    with pytest.raises(ValueError, match=message):
        lecture_has_aux(x, y)
