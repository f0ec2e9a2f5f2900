"""The Computational graph section of the Step-by-step page in AppTest: stepping through
both sweeps, the table filling node by node, the final f′(x₀) beside jax.grad's, errors
and links."""

from __future__ import annotations

import json
import math
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.page_links import choose_section, errors, no_exception, open_link, open_page
from tests.page_links import shown_number as _number
from tests.page_links import table as _table

VIEW = "views/teaching.py"
SECTION = "Computational graph"
WAITING = "…"
S, C = math.sin(1.5), math.cos(1.5)  # the default f = sin(x)·sin(x) + x² at x₀ = 1.5


@pytest.fixture
def section() -> AppTest:
    return choose_section(open_page(VIEW), "t_s", SECTION)


def _click(at: AppTest, key: str, times: int = 1) -> AppTest:
    for _ in range(times):
        at.button(key=f"t_g_{key}").click().run()
        no_exception(at)
    return at


def _sentence(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(("**Step", "Press")))


def _verdict(at: AppTest) -> str:
    return " ".join(s.value for s in at.success)


def _current_node(at: AppTest) -> list[int]:
    data = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    (trace,) = [t for t in data if t.get("name") == "this step" and t["mode"] == "markers+text"]
    return trace["customdata"]


def test_forward_mode_fills_the_table_one_node_at_a_time(section):
    table = _table(section)
    assert list(table.index) == ["v₀", "v₁", "v₂", "v₃", "v₄"]
    assert set(table["tangent v̇ᵢ"]) == {WAITING}
    assert "5 steps" in _sentence(section)
    _click(section, "next", 3)
    table = _table(section)
    assert table.loc["v₁", "tangent rule"] == "v̇₁ = cos(v₀)·v̇₀"
    assert table.loc["v₂", "computes"] == "v₂ = v₁·v₁"
    assert _number(table.loc["v₂", "value vᵢ"]) == pytest.approx(S * S, rel=1e-9)
    assert _number(table.loc["v₂", "tangent v̇ᵢ"]) == pytest.approx(2 * S * C, rel=1e-9)
    assert list(table.loc[["v₃", "v₄"], "tangent v̇ᵢ"]) == [WAITING, WAITING]
    assert _sentence(section).startswith("**Step 3 of 5:** v₂ = v₁·v₁ = ")
    assert _current_node(section) == [2]
    assert not section.success
    _click(section, "back")
    assert _table(section).loc["v₂", "tangent v̇ᵢ"] == WAITING
    _click(section, "all")
    verdict = _verdict(section)
    assert "equal to jax.grad's" in verdict
    first, second = re.findall(r"[−-]?\d+\.\d+", verdict)[:2]
    assert _number(first) == pytest.approx(2 * S * C + 3, rel=1e-9)
    assert _number(second) == pytest.approx(2 * S * C + 3, rel=1e-9)
    _click(section, "reset")
    assert set(_table(section)["tangent v̇ᵢ"]) == {WAITING}


def test_reverse_mode_fills_adjoints_from_the_output_back(section):
    section.radio(key="t_gm").set_value("Reverse (adjoints)").run()
    no_exception(section)
    table = _table(section)
    assert list(table.index) == ["v₄", "v₃", "v₂", "v₁", "v₀"]
    assert set(table["adjoint v̄ᵢ"]) == {WAITING}
    assert _number(table.loc["v₁", "value vᵢ"]) == pytest.approx(S, rel=1e-9)  # values first
    _click(section, "next", 3)
    table = _table(section)
    assert table.loc["v₄", "adjoint rule"] == "v̄₄ = 1 (the seed)"
    sends = table.loc["v₂", "sends back"]
    assert sends.count("v̄₁ += v̄₂·v₁") == 2  # sin(x) is used twice: two contributions
    assert table.loc["v₁", "adjoint v̄ᵢ"] == WAITING
    _click(section, "next")
    assert "all 2 uses of v₁ have sent their share" in _sentence(section)
    assert _number(_table(section).loc["v₁", "adjoint v̄ᵢ"]) == pytest.approx(2 * S, rel=1e-9)
    _click(section, "next")
    assert _number(_table(section).loc["v₀", "adjoint v̄ᵢ"]) == pytest.approx(
        2 * S * C + 3, rel=1e-9
    )
    assert "equal to jax.grad's" in _verdict(section)
    # the link's t_gm: AppTest has no browser to write it (tests/browser/test_browser_graph.py)


def test_a_new_point_starts_the_sweep_again(section):
    _click(section, "next", 2)
    section.number_input(key="t_gx").set_value(0.5).run()
    no_exception(section)
    assert set(_table(section)["tangent v̇ᵢ"]) == {WAITING}
    _click(section, "all")
    expected = math.sin(1.0) + 1.0  # 2 sin x cos x + 2x at 0.5
    assert _number(_table(section).loc["v₄", "tangent v̇ᵢ"]) == pytest.approx(expected, rel=1e-9)


def test_bad_input_gets_one_sentence(section):
    section.text_input(key="t_gf").set_value("sin(x").run()
    no_exception(section)
    assert any("never closed" in e for e in errors(section))
    assert not section.table
    text = " + ".join(f"sin({k}*x)" for k in range(1, 26))
    section.text_input(key="t_gf").set_value(text).run()
    no_exception(section)
    assert any("more than 60 nodes" in e for e in errors(section))


def test_an_undefined_value_is_nan_with_a_warning(section):
    section.text_input(key="t_gf").set_value("log(x - 2)").run()
    _click(section, "all")
    assert any("log needs a positive number" in w.value for w in section.warning)
    assert _table(section).loc["v₂", "value vᵢ"] == "undefined"


def test_the_code_behind_it_is_printed_from_the_tree(section):
    code = " ".join(c.value for c in section.code)
    assert "return jnp.sin(x)*jnp.sin(x) + x**2" in code
    assert "v1, dv1 = jax.jvp(lambda v0: jnp.sin(v0), (v0,), (dv0,))" in code
    assert "jax.make_jaxpr(f)" in code


def test_a_link_opens_the_section_set_up():
    at = open_link(
        VIEW, {"t_s": "graph", "t_gf": "log(x) + x*x - sin(x)", "t_gx": "2", "t_gm": "reverse"}
    )
    assert at.text_input(key="t_gf").value == "log(x) + x*x - sin(x)"
    assert at.number_input(key="t_gx").value == 2.0
    _click(at, "all")
    want = 0.5 + 4 - math.cos(2.0)  # Baydin et al.'s f with x₁ = x₂ = x, at 2
    assert _number(_table(at).loc["v₀", "adjoint v̄ᵢ"]) == pytest.approx(want, rel=1e-9)
    assert "equal to jax.grad's" in _verdict(at)


@pytest.mark.parametrize("mode", ["Forward (tangents)", "Reverse (adjoints)"])
def test_unusual_functions_step_through_without_error(section, mode):
    section.radio(key="t_gm").set_value(mode).run()
    many = " + ".join(f"sin({k}*x)*cos(x + {k})" for k in range(1, 8))  # 50 nodes
    for text in ("5", "x", "a*x + b", "floor(x) + x", "where(x < 1, x^2, 2)", "max(x, x)", many):
        section.text_input(key="t_gf").set_value(text).run()
        no_exception(section)
        assert not errors(section), text
        _click(section, "all")
        assert "equal to jax.grad's" in _verdict(section), text
        _click(section, "back")
        assert not section.success, text
        assert section.button(key="t_g_all").disabled is False
        _click(section, "next")
        assert section.button(key="t_g_next").disabled is True
