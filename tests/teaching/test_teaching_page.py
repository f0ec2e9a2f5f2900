"""The Step-by-step page in AppTest: the rules section's steps, the answer check's verdicts,
their errors and links, and the answer check drawn before SymPy's proof is in."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.engines.symbolic_queue import DONE, Job
from core.teaching import equality
from core.teaching.page_jobs import CheckShown
from tests.page_links import choose_section, errors, no_exception, open_link, open_page
from ui import teaching_cached

VIEW = "views/teaching.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")
RULE = re.compile(r"^\*\*\d+\. (.+?)\*\* — ")


@pytest.fixture
def page() -> AppTest:
    return open_page(VIEW)


@pytest.fixture
def check(page) -> AppTest:
    return choose_section(page, "t_s", "Check your answer")


def _rules(at: AppTest) -> list[str]:
    """The rule names of the steps shown, in order (Markdown escapes removed)."""
    found = (RULE.match(m.value) for m in at.markdown)
    return [match.group(1).replace("\\", "") for match in found if match]


def _latex(at: AppTest) -> list[str]:
    return [element.value for element in at.latex]


def _type(at: AppTest, key: str, text: str) -> AppTest:
    at.text_input(key=key).set_value(text).run()
    no_exception(at)
    return at


def _traces(at: AppTest) -> list[dict]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def _array(values) -> np.ndarray:
    """A trace array, plain or binary-encoded ({"dtype", "bdata"}) by Plotly."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


# -- Rules, step by step ---------------------------------------------------------------


def test_the_default_steps_of_x2_sin_x(page):
    assert page.button_group(key="t_s").value == "Rules, step by step"
    assert _rules(page) == ["product rule", "power rule", "trigonometric rule", "simplify"]
    latex = _latex(page)
    assert any(r"\frac{d}{dx} \left(x^{2} \sin{\left(x \right)}\right) =" in t for t in latex)
    assert any(r"\frac{d}{dx} \left(x^{2}\right) = 2 x" in t for t in latex)
    assert any(r"\frac{d}{dx} \sin{\left(x \right)} = \cos{\left(x \right)}" in t for t in latex)
    (result,) = [t for t in latex if "f'(x) =" in t]
    assert r"x^{2} \cos{\left(x \right)} + 2 x \sin{\left(x \right)}" in result
    assert page.expander[0].label == "Steps (4)"


def test_an_example_types_its_function_and_shows_its_rules(page):
    page.selectbox(key="t_rexample").set_value("e^(x^2)/x").run()
    no_exception(page)
    assert page.text_input(key="t_rf").value == "e^(x^2)/x"
    rules = _rules(page)
    assert rules[0] == "quotient rule"
    assert "exponential rule + chain rule" in rules
    assert rules[-1] == "simplify"
    simplify = [m.value for m in page.markdown if "simplify" in m.value][-1]
    assert "the difference simplifies to 0" in simplify  # the rules' form is not SymPy's


def test_one_step_at_a_time(page):
    page.toggle(key="t_rs").set_value(True).run()
    assert _rules(page) == []
    page.button(key="t_r_next").click().run()
    assert _rules(page) == ["product rule"]
    page.button(key="t_r_next").click().run()
    assert _rules(page) == ["product rule", "power rule"]
    assert not any("f'(x) =" in t for t in _latex(page))  # the result comes last
    page.button(key="t_r_all").click().run()
    assert len(_rules(page)) == 4
    assert any("f'(x) =" in t for t in _latex(page))
    assert page.button(key="t_r_next").disabled
    page.button(key="t_r_restart").click().run()
    assert _rules(page) == []
    _type(page, "t_rf", "tanh(x)^3")  # a new f starts from no step shown
    assert _rules(page) == []
    page.button(key="t_r_next").click().run()
    assert _rules(page) == ["power rule + chain rule"]


def test_a_bad_function_gets_the_parsers_message(page):
    _type(page, "t_rf", "sin(x")
    (error,) = errors(page)
    assert error.startswith("**Cannot read this expression.**")
    assert _rules(page) == []


def test_too_many_steps_is_one_sentence(page):
    _type(page, "t_rf", " + ".join(f"sin({k}x)*e^({k}x)" for k in range(2, 22)))
    assert _rules(page) == []
    (warning,) = [w.value for w in page.warning]
    assert "more than 120 steps" in warning


def test_a_link_opens_the_steps_of_its_function():
    at = open_link(VIEW, {"t_s": "steps", "t_rf": "tanh(x)^3"})
    assert at.text_input(key="t_rf").value == "tanh(x)^3"
    assert _rules(at) == ["power rule + chain rule", "hyperbolic rule", "simplify"]


# -- Check your answer ---------------------------------------------------------------


def test_the_default_answer_sin_2x_is_right_for_sin_squared(check):
    assert check.text_input(key="t_cf").value == "sin(x)^2"
    (success,) = [s.value for s in check.success]
    assert success.startswith("Correct: SymPy simplifies f′ − your answer to 0")
    assert not check.error
    names = [trace["name"] for trace in _traces(check)]
    assert names == ["f′(x) by automatic differentiation", "your answer"]


def test_two_sin_cos_is_right_too(check):
    _type(check, "t_ca", "2 sin(x) cos(x)")
    (success,) = [s.value for s in check.success]
    assert success.startswith("Correct")


def test_a_near_miss_is_wrong_with_its_worst_point(check):
    _type(check, "t_ca", "2x·cos(x)")
    assert not check.success
    (error,) = errors(check)
    # wrong at the check's random points; the gap reported is the one the chart draws: by
    # hand, |2x cos x − sin 2x| on the plotted grid of −5 ≤ x ≤ 5 and where it is largest
    sampled = equality.sample_points()
    assert np.abs(2 * sampled * np.cos(sampled) - np.sin(2 * sampled)).max() > 1
    xs = np.linspace(-5.0, 5.0, 1001)
    gap = np.abs(2 * xs * np.cos(xs) - np.sin(2 * xs))
    worst = float(xs[np.argmax(gap)])
    shown = f"{worst:.4g}".replace("-", "−")
    assert error == (
        f"Not quite: your answer differs from f′ by up to {gap.max():.4g} on the plotted "
        f"−5 ≤ x ≤ 5 (at x = {shown})."
    )
    traces = _traces(check)
    segment = traces[-1]
    assert segment["name"] == f"largest difference, at x = {worst:.4g}"
    np.testing.assert_allclose(_array(segment["x"]), [worst, worst], rtol=1e-6)
    ends = [np.sin(2 * worst), 2 * worst * np.cos(worst)]  # f′ and the answer there
    np.testing.assert_allclose(_array(segment["y"]), ends, rtol=1e-5, atol=1e-5)
    assert traces[0]["line"].get("dash") is None
    assert traces[1]["line"]["dash"] == "dash"


def test_a_bad_answer_gets_the_parsers_message(check):
    _type(check, "t_ca", "2x +")
    (error,) = errors(check)
    assert "The expression ends too early" in error
    assert "2x +\n    ^" in error  # the caret under where something is missing
    assert not check.get("plotly_chart")


def test_an_answer_with_a_name_f_lacks(check):
    _type(check, "t_ca", "2 b sin(x) cos(x)")
    (error,) = errors(check)
    assert "uses b, which f does not have" in error


def test_an_empty_answer_asks_for_one(check):
    _type(check, "t_ca", "")
    assert "to check it" in check.info[0].value
    assert not check.error


def test_a_second_derivative_from_the_examples(check):
    check.selectbox(key="t_c_example").set_value("e^(-x^2), 2nd derivative (4x² − 2)e^(−x²)").run()
    no_exception(check)
    assert check.number_input(key="t_cn").value == 2
    (success,) = [s.value for s in check.success]
    assert success.startswith("Correct: SymPy simplifies f″ − your answer to 0")


def test_the_wrong_order_gets_its_hint(check):
    check.number_input(key="t_cn").set_value(2).run()
    (error,) = errors(check)  # sin(2x) is f′ of sin²x, not f″
    assert "your answer is f′, the 1st derivative" in error


def test_the_code_behind_checks_the_typed_answer(check):
    _type(check, "t_ca", "2 sin(x) cos(x)")
    (code,) = [c.value for c in check.code if "import sympy" in c.value]
    assert "answer = 2*sp.sin(x)*sp.cos(x)" in code
    assert "difference = sp.simplify(derivative - answer)" in code


def test_a_link_opens_the_check_set_up():
    at = open_link(VIEW, {"t_s": "check", "t_cf": "x^3", "t_cn": "2", "t_ca": "6x"})
    assert at.button_group(key="t_s").value == "Check your answer"
    assert at.text_input(key="t_ca").value == "6x"
    assert at.number_input(key="t_cn").value == 2
    (success,) = [s.value for s in at.success]
    assert success.startswith("Correct: SymPy simplifies f″")


@pytest.fixture
def sympy_never_answers(monkeypatch):
    """The answer check's SymPy job stays queued: what the page draws without it."""
    monkeypatch.setattr(teaching_cached, "check_job", lambda *_: Job("stuck", None, ()))


@pytest.mark.usefixtures("sympy_never_answers")
def test_the_numbers_verdict_and_the_plot_come_before_sympys(check):
    (info,) = [i.value for i in check.info if i.value.startswith("By the numbers")]
    assert "agrees with f′ at 96 random points" in info
    assert "SymPy is checking it" in info
    assert not check.success
    assert not check.error
    assert check.get("plotly_chart")
    _type(check, "t_ca", "2x·cos(x)")
    (info,) = [i.value for i in check.info if i.value.startswith("By the numbers")]
    assert "differs from f′ by up to" in info
    assert _traces(check)[-1]["name"].startswith("largest difference")


def test_when_sympy_gives_up_the_numbers_still_answer(check, monkeypatch):
    gave_up = Job("gave up", None, ())
    gave_up.state = DONE
    gave_up.result = CheckShown(None, "Simplifying the difference needed more than its budget.")
    monkeypatch.setattr(teaching_cached, "check_job", lambda *_: gave_up)
    _type(check, "t_ca", "2 sin(x) cos(x)")
    (warning,) = [w.value for w in check.warning]
    assert "more than its budget" in warning
    (info,) = [i.value for i in check.info]
    assert info.startswith("By the numbers: your answer agrees with f′")
    assert check.get("plotly_chart")


def test_the_steps_wait_for_sympy_without_holding_the_page(page, monkeypatch):
    monkeypatch.setattr(teaching_cached, "steps_job", lambda *_: Job("stuck", None, ()))
    _type(page, "t_rf", "tanh(x)^3")
    assert _rules(page) == []
    assert any(r"f(x) = \tanh^{3}" in t for t in _latex(page))
    assert any(i.value.startswith("Symbolic: queued") for i in page.info)
    assert not page.error
