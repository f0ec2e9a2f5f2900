"""The Explorer outside f's domain, at a kink and at overflow, as a person reads the page."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from tests.page_links import open_link

VIEW = "views/explorer.py"
pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")


def _column(at, name: str) -> dict[str, str]:
    table = at.dataframe[0].value
    return dict(zip(table["order"], table[name], strict=True))


def _warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.fixture(scope="module")
def log_at_minus_one():
    return open_link(VIEW, {"f": "ln(x)", "x0": "-1", "n": "4", "range": "-4,4", "tan": "1"})


def test_every_method_and_every_order_is_undefined_outside_the_domain(log_at_minus_one):
    at = log_at_minus_one
    for method in ("AD", "symbolic", "finite diff.", "|AD − sym|"):
        column = _column(at, method)
        shown = {order: value for order, value in column.items() if value != "—"}
        assert set(shown.values()) == {"undefined"}, (method, column)
    assert set(_column(at, "AD")) == {"f", "f′", "f″", "f‴", "f⁽⁴⁾"}
    assert "x₀ is outside f's domain" in _warnings(at)


def _curve(trace: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """A trace's x and y as the page sends them (y as binary, x as x0 + k dx)."""
    y = trace.get("y")
    if not isinstance(y, dict) or "bdata" not in y:
        return None
    ys = np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return trace["x0"] + trace["dx"] * np.arange(len(ys)), ys


def test_the_derivative_curves_are_empty_where_x_is_negative(log_at_minus_one):
    chart = json.loads(log_at_minus_one.get("plotly_chart")[0].proto.spec)
    curves = [c for c in map(_curve, chart["data"]) if c is not None]
    assert len(curves) >= 8  # f..f⁽⁴⁾ by AD and SymPy, f′..f⁽⁴⁾ by finite differences
    for xs, ys in curves:
        assert np.isnan(ys[xs < -0.01]).all()
        assert np.isfinite(ys[xs > 0.5]).all()


def test_the_tangent_section_has_no_slope_where_there_is_no_tangent(log_at_minus_one):
    at = log_at_minus_one
    figure = json.loads(at.get("plotly_chart")[2].proto.spec)
    names = [trace.get("name", "") for trace in figure["data"]]
    assert "no tangent: f(x₀) is undefined" in names
    assert not any("slope" in name for name in names), names
    assert any("no tangent or secant there" in m.value for m in at.markdown)


def test_a_kinks_finite_difference_carries_a_warning():
    at = open_link(VIEW, {"f": "|x|", "x0": "0", "n": "2", "range": "-2,2"})
    assert "Finite differences mean nothing for f″ at x₀ = 0" in _warnings(at)
    assert "grows like 1/h" in _warnings(at)
    smooth = open_link(VIEW, {"f": "sin(x)", "x0": "0.5", "n": "4"})
    assert "mean nothing" not in _warnings(smooth)


def test_overflow_is_called_overflow_not_a_pole():
    at = open_link(VIEW, {"f": "x^x^x^x^x", "x0": "1", "n": "2", "range": "-4,4"})
    text = _warnings(at)
    assert "**Overflow**" in text
    assert "**Infinite** (a pole" not in text
