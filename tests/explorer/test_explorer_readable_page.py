"""The Explorer's symbolic derivatives: readable by default, SymPy's form one click away."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")
# SymEngine's rules (core.engines.symengine_path) already write (ax + b)^m's derivative as a
# person does; a quotient's is still a sum of two fractions, which the readable form joins.
FUNCTION = "x/(1+x^2)^2"
AS_COMPUTED = (
    r"f'(x) = - \frac{4 x^{2}}{\left(x^{2} + 1\right)^{3}} + \frac{1}{\left(x^{2} + 1\right)^{2}}"
)
READABLE = r"f'(x) = \frac{1 - 3 x^{2}}{\left(x^{2} + 1\right)^{3}}"


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_a_quotient_reads_as_a_person_writes_it_and_sympys_form_is_one_click_away():
    at = _app(f=FUNCTION, n="2")
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.latex) == 3
    assert READABLE in at.latex[1].value
    assert any("Simplified for reading" in caption.value for caption in at.caption)
    at.segmented_control(key="form").set_value("as computed").run()
    assert not at.exception
    assert len(at.latex) == 3
    assert AS_COMPUTED in at.latex[1].value
    at.segmented_control(key="form").set_value("readable").run()
    assert READABLE in at.latex[1].value


def test_the_gaussians_second_derivative_is_one_factor_times_the_exponential():
    at = _app(f="e^(-x^2)", n="2")
    assert not at.exception
    assert r"f''(x) = \left(4 x^{2} - 2\right) e^{- x^{2}}" in at.latex[2].value


def test_what_no_rewrite_shortens_stays_as_computed_without_a_note():
    at = _app(f="x^3 + cos(x)", n="2")
    assert r"f'(x) = 3 x^{2} - \sin{\left(x \right)}" in at.latex[1].value
    assert not any("Simplified for reading" in caption.value for caption in at.caption)


def test_a_simplification_out_of_budget_shows_the_form_as_computed_with_a_sentence(
    monkeypatch,
):
    from core.engines import readable_report

    monkeypatch.setattr(readable_report, "SECONDS_IN_ALL", 0.0)
    # An expression no other test asks for: the server keeps results per expression.
    at = _app(f="sqrt(x)/(1+x)", n="3")
    computed = (
        r"- \frac{\sqrt{x}}{\left(x + 1\right)^{2}} + \frac{1}{2 \sqrt{x} \left(x + 1\right)}"
    )
    assert f"f'(x) = {computed}" in at.latex[1].value
    assert any(
        "From f′ on, the derivatives are shown as computed" in caption.value
        for caption in at.caption
    )
