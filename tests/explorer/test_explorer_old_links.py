"""Explorer links written before its widgets were bound to the URL open the same view.

The old writers (git show 1c48733:views/explorer.py, ui/explorer_tangent.py, ui/url_state.py)
wrote the methods as codes (show=ad,fd), the range as "a,b", the switches as 1/0 and the
secant's h and the tolerance as Python numbers (sec_h=1e-05, tol=0.001), where the slider
and the select box now show 1e-5 and 1e-3. tests/test_old_links.py checks the widgets a
link names generically; this checks what it cannot see: the sections' expanders, and
every value format the old writers produced.
"""

from __future__ import annotations

import pytest

from tests.page_links import open_link

VIEW = "views/explorer.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


def _query(at) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def test_a_link_with_every_old_format_opens_its_view():
    at = open_link(VIEW, {
        "f": "a*sin(x) + x^2", "n": "2", "show": "ad,fd", "range": "-2,3", "x0": "1.5",
        "scheme": "forward", "acc": "4", "h": "1e-3", "panels": "0", "tan": "1",
        "taylor": "0", "sec_h": "1e-05", "deg": "4", "tol": "0.001", "p_a": "2",
    })  # fmt: skip
    assert at.text_input(key="f").value == "a*sin(x) + x^2"
    assert at.slider(key="n").value == 2
    assert at.pills(key="show").value == ["ad", "fd"]
    assert at.slider(key="range").value == (-2.0, 3.0)
    assert at.number_input(key="x0").value == 1.5
    assert at.selectbox(key="scheme").value == "forward"
    assert at.selectbox(key="acc").value == 4
    assert at.select_slider(key="h").value == "1e-3"
    assert at.toggle(key="panels").value is False
    assert at.expander(key="tan").proto.expanded
    assert not at.expander(key="taylor").proto.expanded
    assert at.select_slider(key="sec_h").value == 1e-5
    assert at.slider(key="p_a").value == 2.0
    # the link now names them as the widgets write them
    query = _query(at)
    assert query["show"] == ["AD (JAX)", "Finite differences"]
    assert query["range"] == ["-2", "3"]
    assert (query["panels"], query["tan"], query["sec_h"]) == (["false"], ["true"], ["1e-5"])
    # what it drew: one axis (panels off), the secant at h = 1e-5, no symbolic formulas
    assert any("h = 1e-5" in m.value for m in at.markdown)
    assert not at.latex


def test_the_taylor_section_and_its_tolerance_open_from_an_old_link():
    at = open_link(VIEW, {"f": "exp(x)", "show": "sym", "x0": "0", "taylor": "1",
                          "deg": "6", "tol": "1e-06"})  # fmt: skip
    assert at.expander(key="taylor").proto.expanded
    assert at.slider(key="deg").value == 6
    assert at.selectbox(key="tol").value == 1e-6
    assert at.pills(key="show").value == ["sym"]
    assert any(m.value.startswith("**|f − T₆| < 1e-6") for m in at.markdown)


def test_no_method_and_a_step_written_in_full_open_as_they_were():
    at = open_link(VIEW, {"f": "exp(x)", "show": "", "tan": "1", "sec_h": "0.0001"})
    assert at.pills(key="show").value == []
    assert at.select_slider(key="sec_h").value == 1e-4
