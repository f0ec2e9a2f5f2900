"""The picker "From the lectures" (ui.presets) in AppTest: each preset's link is its page's
own view, a pick opens the page set up with the banner, and a second pick on a page already
visited applies too."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from core.teaching.presets import PRESET_BY_KEY, PRESETS
from tests.page_links import APP, errors, no_exception, open_link
from tests.test_old_links import wrong_values
from ui.navigate import PAGE_KEYS
from ui.presets import PICKER


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    no_exception(at)
    return at


def _pick(at: AppTest, key: str) -> AppTest:
    at.selectbox(key=PICKER).set_value(key).run()
    no_exception(at)
    assert at.selectbox(key=PICKER).value is None  # back to the placeholder
    return at


def _banner(at: AppTest) -> str:
    notes = [info.value for info in at.info if info.value.startswith("**From the lectures")]
    assert len(notes) <= 1
    return notes[0] if notes else ""


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_each_preset_link_is_read_by_its_page(preset):
    """Every key names one of the page's controls, which shows the preset's value (a link
    written before the controls were bound to it, read as old links are: ui.old_links)."""
    assert preset.view in PAGE_KEYS
    at = open_link(preset.view, dict(preset.query))
    # The Kinks page's gotchas show, on purpose, the errors JAX raised ("TypeError: …").
    assert [e for e in errors(at) if not re.match(r"\w+Error: ", e)] == []
    assert wrong_values(at, dict(preset.query)) == {}


def test_picking_presets_on_the_explorer_sets_it_up_and_shows_the_numbers(app):
    _pick(app, "probml_cubic")
    assert app.text_input(key="f").value == "x^3 + 2x^2 - 3x + 1"
    assert app.slider(key="n").value == 4
    assert app.number_input(key="x0").value == 1.0
    banner = _banner(app)
    assert "pyprobml: f′ … f⁗ of x³ + 2x² − 3x + 1 at 1" in banner
    assert "f″(1): lecture **10**, this app **10**" in banner
    assert "f⁗(1): lecture **0**, this app **0**" in banner

    # A second preset on the page just visited: its link applies, the first one's is gone.
    _pick(app, "quantecon_sixth")
    assert app.text_input(key="f").value == "(a·x + b)^m"
    assert app.slider(key="n").value == 6
    assert app.slider(key="range").value == (0.0, 3.0)
    assert app.slider(key="p_m").value == 7.5
    assert app.slider(key="p_a").value == 2.0
    assert "lecture **1911097.4975**, this app **1911097.49751**" in _banner(app)

    # Changing what the preset set ends its banner.
    app.number_input(key="x0").set_value(1.5).run()
    no_exception(app)
    assert _banner(app) == ""


def test_a_preset_on_a_page_changed_by_hand_and_the_close_button(app):
    _pick(app, "five_point")
    assert app.text_input(key="lab_f").value == "tanh(x)"
    assert "tanh′(2): lecture **0.0707**, this app **0.0706508249**" in _banner(app)
    app.radio(key="lab_scheme").set_value("backward").run()  # not a preset field
    app.text_input(key="lab_off").input("-1, 0, 1").run()
    assert _banner(app)  # the preset's own values still hold
    _pick(app, "quantecon_forward")
    assert app.text_input(key="lab_f").value == "exp(2x)"
    assert app.number_input(key="lab_x0").value == 0.0
    assert app.radio(key="lab_scheme").value == "forward"
    assert app.text_input(key="lab_off").value == "-2, -1, 0, 1, 2"  # reset too
    assert app.metric[0].value == "2.214027582"  # the stencil view's estimate
    assert "Df(0), h = 0.1: lecture **2.2140**, this app **2.2140276**" in _banner(app)
    app.button(key="lectures_close").click().run()
    no_exception(app)
    assert _banner(app) == ""
    assert app.radio(key="lab_scheme").value == "forward"  # the page keeps its view


def test_the_regression_presets_open_the_lecture_data_and_the_ten_features(app):
    _pick(app, "quantecon_ols")
    assert app.radio(key="r_data").value == "quantecon"
    assert any("α̂ = 0.45994443, β̂ = 1.0219055" in c.value for c in app.caption)
    banner = _banner(app)
    assert "α̂, float32 formula: lecture **0.45994443**, this app **0.45994443**" in banner
    assert "β̂, float32 formula: lecture **1.0219053**, this app **1.0219055**" in banner
    _pick(app, "carroll_regression")
    assert app.radio(key="r_data").value == "simulated"  # the first pick is undone
    assert app.toggle(key="r_many").value is True
    assert any("Relative difference to pinv" in c.value for c in app.caption)
    assert "relative difference, descent − pinv: lecture **≤ 0.1 %**" in _banner(app)


def test_the_descent_preset_shows_pycses_counts(app):
    _pick(app, "pycse_rosenbrock")
    table = app.dataframe[0].value.set_index("optimizer")
    assert (table.loc["BFGS", "nit"], table.loc["BFGS", "nfev"]) == (32, 37)
    assert tuple(table.loc["dogleg", ["nit", "nfev", "njev", "nhev"]]) == (1, 2, 2, 1)
    twins = app.dataframe[1].value.set_index("method")
    assert twins.loc["BFGS (finite differences)", "njev"] == 37
    assert "dogleg: nhev: lecture **1**, this app **1**" in _banner(app)
    assert PRESET_BY_KEY["pycse_rosenbrock"].query["g_m"] == "BFGS,dogleg"
