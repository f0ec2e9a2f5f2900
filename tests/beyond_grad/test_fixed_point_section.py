"""The Fixed points section of Beyond grad in AppTest: z* and dz*/da against closed forms,
the unrolled derivative against its own recurrence in floats, the warnings and sentences
for maps the plain iteration cannot solve, bad text, and the link.

Oracles: z* of z = a cos z by SciPy's brentq on z − a cos z over [0, π/2] (increasing
there), dz*/da = cos z*/(1 + a sin z*), and dz_K/da from d₀ = 0,
d_{k+1} = cos z_k − a sin z_k · d_k in plain Python floats.
"""

from __future__ import annotations

import math

import pytest
from scipy.optimize import brentq
from streamlit.testing.v1 import AppTest

from tests.page_links import errors, no_exception, open_link, shown_number, table

VIEW = "views/beyond_grad.py"
SECTION = "Fixed points"
Z_STAR = "z*: f(a, z*) = z*"
THEOREM = "dz*/da: implicit function theorem"
CENTRAL = "dz*/da: central difference of fixed points"


def _open(f: str = "a cos(z)", a: str = "1", z0: str = "0", k: str = "40") -> AppTest:
    return open_link(VIEW, {"b_s": SECTION, "b_ff": f, "b_fa": a, "b_fz0": z0, "b_fk": k})


def _value(at: AppTest, row: str) -> float:
    return shown_number(table(at).loc[row, "value"])


def _cosine_fixed_point(a: float) -> tuple[float, float]:
    """z* of z = a cos z in [0, π/2] and dz*/da = cos z*/(1 + a sin z*)."""
    z = brentq(lambda t: t - a * math.cos(t), 0.0, math.pi / 2, xtol=1e-15, rtol=1e-15)
    return z, math.cos(z) / (1 + a * math.sin(z))


def _cosine_unrolled(a: float, z0: float, iterations: int) -> float:
    z, d = z0, 0.0
    for _ in range(iterations):
        z, d = a * math.cos(z), math.cos(z) - a * math.sin(z) * d
    return d


def _example(at: AppTest, starts: str) -> AppTest:
    picker = at.selectbox(key="b_f_example")
    picker.set_value(next(o for o in picker.options if o.startswith(starts))).run()
    no_exception(at)
    return at


def test_the_dottie_number_and_its_derivative_three_ways():
    at = _open()
    z, slope = _cosine_fixed_point(1.0)
    assert _value(at, Z_STAR) == pytest.approx(z, abs=1e-13)
    assert _value(at, THEOREM) == pytest.approx(slope, rel=1e-9)
    assert _value(at, "∂f/∂z at z* (JAX)") == pytest.approx(-math.sin(z), rel=1e-9)
    assert _value(at, "∂f/∂a at z* (JAX)") == pytest.approx(math.cos(z), rel=1e-9)
    unrolled = _value(at, "dz*/da: through K = 40 unrolled iterations")
    assert unrolled == pytest.approx(_cosine_unrolled(1.0, 0.0, 40), rel=1e-8)
    assert abs(unrolled - slope) > 1e-8  # 40 steps at rate 0.67 leave ~1e-7
    assert _value(at, CENTRAL) == pytest.approx(slope, abs=1e-7)
    assert "Anderson acceleration" in table(at).loc[Z_STAR, "how"]
    assert len(at.get("plotly_chart")) == 2  # the iterates, and the unrolled error
    assert not at.warning
    assert any("jax.custom_vjp" in code.value for code in at.code)


def test_moving_a_and_k_moves_every_number():
    at = _open()
    at.number_input(key="b_fa").set_value(2.0).run()
    at.slider(key="b_fk").set_value(120).run()
    no_exception(at)
    z, slope = _cosine_fixed_point(2.0)
    assert _value(at, Z_STAR) == pytest.approx(z, abs=1e-13)
    assert _value(at, THEOREM) == pytest.approx(slope, rel=1e-9)
    unrolled = _value(at, "dz*/da: through K = 120 unrolled iterations")
    assert unrolled == pytest.approx(_cosine_unrolled(2.0, 0.0, 120), rel=1e-6)


def test_a_map_that_does_not_contract_is_solved_and_warned_about():
    at = _open(a="5")
    z, slope = _cosine_fixed_point(5.0)
    assert _value(at, Z_STAR) == pytest.approx(z, abs=1e-12)
    assert _value(at, THEOREM) == pytest.approx(slope, rel=1e-9)
    assert abs(_value(at, "dz*/da: through K = 40 unrolled iterations")) > 1e10
    (warning,) = at.warning
    assert "≥ 1" in warning.value
    assert "does not contract" in warning.value


def test_the_example_2z_plus_a_is_found_though_the_plain_iteration_runs_away():
    at = _example(_open(), "2z + a")
    assert at.text_input(key="b_ff").value == "2z + a"
    assert _value(at, Z_STAR) == pytest.approx(-1.0, abs=1e-12)  # z = 2z + a: z* = −a
    assert _value(at, THEOREM) == pytest.approx(-1.0, rel=1e-12)
    assert _value(at, CENTRAL) == pytest.approx(-1.0, abs=1e-7)
    assert "|∂f/∂z| = 2 ≥ 1" in at.warning[0].value


def test_no_fixed_point_is_a_sentence_not_a_traceback():
    at = _example(_open(), "a exp(z) at a = 1")
    assert at.number_input(key="b_fa").value == 1.0
    (error,) = errors(at)
    assert "No fixed point" in error
    assert "Try another start or another value of a" in error
    assert not at.table  # no numbers for a fixed point that is not there
    assert len(at.get("plotly_chart")) == 1  # where the iterations went


def test_bad_text_shows_the_parse_message_and_keeps_the_last_good_map():
    at = _open()
    at.text_input(key="b_ff").set_value("a cos(z").run()
    no_exception(at)
    assert any("Cannot read this expression" in e for e in errors(at))
    assert _value(at, Z_STAR) == pytest.approx(_cosine_fixed_point(1.0)[0], abs=1e-13)
    at.text_input(key="b_ff").set_value("b cos(z)").run()
    no_exception(at)
    assert any("not one of them" in e for e in errors(at))


def test_a_link_with_values_reopens_them():
    at = _open(f="sqrt(z) + a", a="1", z0="1", k="25")
    assert at.button_group(key="b_s").value == SECTION
    assert at.text_input(key="b_ff").value == "sqrt(z) + a"
    assert at.number_input(key="b_fa").value == 1.0
    assert at.number_input(key="b_fz0").value == 1.0
    assert at.slider(key="b_fk").value == 25
    golden = (3 + math.sqrt(5)) / 2  # z = √z + 1: √z* = φ, z* = φ²
    assert _value(at, Z_STAR) == pytest.approx(golden, abs=1e-13)
    slope = 1 / (1 - 1 / (2 * math.sqrt(golden)))  # ∂f/∂a = 1, ∂f/∂z = 1/(2√z)
    assert _value(at, THEOREM) == pytest.approx(slope, rel=1e-9)
    assert _value(at, "dz*/da: through K = 25 unrolled iterations") == pytest.approx(
        slope, rel=1e-3
    )


def test_the_projector_style_draws_the_iterates_as_a_table_whose_text_grows():
    at = open_link(VIEW, {"b_s": SECTION, "projector": "1"})
    assert len(at.table) == 2  # the numbers, and the iterates
    assert not at.dataframe
