"""The Explorer's symbolic derivatives: readable by default, SymPy's form one click away."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")
AS_COMPUTED = r"f'(x) = \frac{a m \left(a x + b\right)^{m}}{a x + b}"
READABLE = r"f'(x) = a m \left(a x + b\right)^{m - 1}"


def _app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_the_power_rule_reads_as_a_person_writes_it_and_sympys_form_is_one_click_away():
    at = _app(f="(a*x+b)^m", n="2")
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.latex) == 3
    assert READABLE in at.latex[1].value
    assert r"m - 2" in at.latex[2].value
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
    at = _app(f="(2x+b)^m", n="3")
    assert r"f'(x) = \frac{2 m \left(b + 2 x\right)^{m}}{b + 2 x}" in at.latex[1].value
    assert any(
        "From f′ on, the derivatives are shown as computed" in caption.value
        for caption in at.caption
    )
