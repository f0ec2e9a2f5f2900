"""Shrink h goes far enough (to 1e-12) to show what its caption promises: rounding takes over."""

from __future__ import annotations

import math

import pytest

from tests.page_links import no_exception, open_link

VIEW = "views/explorer.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


def _slope_error(at) -> float:
    """|secant slope − f′(x₀)| as the page's sentence gives them."""
    sentence = next(m.value for m in at.markdown if m.value.startswith("**Secant slope**"))
    slope = float(sentence.split("/h =", 1)[1].lstrip("* ").split()[0].replace("−", "-"))
    return abs(slope - math.exp(0.5))


def test_shrink_h_reaches_1e_minus_12_where_rounding_has_taken_over():
    at = open_link(VIEW, {"f": "exp(x)", "x0": "0.5", "tan": "1", "sec_h": "0.0001"})
    steps, errors = [], []
    while not at.button(key="explorer_shrink_h").disabled:
        at.button(key="explorer_shrink_h").click().run()
        no_exception(at)
        steps.append(at.select_slider(key="sec_h").value)
        errors.append(_slope_error(at))
    # Below 1e-4 each click divides h by ten, down to 1e-12.
    assert steps == [10.0**-k for k in range(5, 13)]
    assert at.query_params["sec_h"] == "1e-12"
    # Truncation shrinks with h down to about 1e-8; at 1e-12 rounding makes it worse again,
    # as the caption says.
    best = errors.index(min(errors))
    assert 1e-9 <= steps[best] <= 1e-6
    assert errors[-1] > 10 * min(errors)
    assert at.table[-1].value.index[-1] == "1e-12"
