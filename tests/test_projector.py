"""The projector style (`core.figures.projector.for_projector`): larger, in the same places."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.explorer.figures import derivative_figure, error_figure
from core.figures.plotting import LEGEND_HEIGHT, for_screen, order_name
from core.figures.projector import (
    DEFAULT_LINE_WIDTH,
    DEFAULT_MARKER_SIZE,
    FONT_SCALE,
    LINE_SCALE,
    MARKER_SCALE,
    for_projector,
)

XS = np.linspace(-4.0, 4.0, 1001)
ROWS = np.vstack([np.sin(XS + k) * (k + 1) for k in range(11)])


def test_sizes_grow_and_positions_stay():
    figure = go.Figure(
        [
            go.Scatter(x=[0, 1, 2], y=[1, 2, 3], mode="markers", marker={"size": 10}),
            go.Scatter(x=XS, y=np.sin(XS), mode="lines", line={"width": 2.5}),
            go.Scatter(x=XS, y=np.cos(XS)),  # Plotly's defaults: a line of 2 px
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers"),
        ],
        layout={"height": 400, "xaxis": {"title": {"text": "x", "font": {"size": 16}}},
                "annotations": [{"text": "a", "x": 0, "y": 0, "font": {"size": 10}}]},
    )  # fmt: skip
    shown = for_projector(figure)
    markers, line, default, both = shown.data
    assert markers.marker.size == pytest.approx(10 * MARKER_SCALE)
    assert line.line.width == pytest.approx(2.5 * LINE_SCALE)
    assert default.line.width == pytest.approx(DEFAULT_LINE_WIDTH * LINE_SCALE)
    assert both.marker.size == pytest.approx(DEFAULT_MARKER_SIZE * MARKER_SCALE)
    assert shown.layout.font.size == pytest.approx(12 * FONT_SCALE, abs=0.05)
    assert shown.layout.xaxis.title.font.size == pytest.approx(16 * FONT_SCALE, abs=0.05)
    assert shown.layout.annotations[0].font.size == pytest.approx(10 * FONT_SCALE, abs=0.05)
    assert shown.layout.height > 400
    for before, after in zip(figure.data, shown.data, strict=True):
        np.testing.assert_array_equal(after.x, before.x)
        np.testing.assert_array_equal(after.y, before.y)


def test_the_page_figure_is_left_as_it_was():
    figure = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker={"size": 6}))
    for_projector(figure)
    assert figure.data[0].marker.size == 6
    assert figure.layout.font.size is None


def test_a_size_per_point_grows_point_by_point():
    figure = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker={"size": [4, 8]}))
    assert list(for_projector(figure).data[0].marker.size) == pytest.approx([6.4, 12.8])


def test_the_explorers_panels_keep_their_domains_and_the_finite_differences_grow():
    figure = for_screen(
        derivative_figure(XS, [0, 1, 2], ROWS, ROWS, {1: ROWS[1], 2: ROWS[2]}, x0=0.5,
                          panels=True),
        points=500,
    )  # fmt: skip
    shown = for_projector(figure)
    assert shown.layout.yaxis2.domain == figure.layout.yaxis2.domain
    fd = [t for t in shown.data if t.mode == "markers"]
    assert fd
    assert all(t.marker.size > 6 for t in fd)
    assert shown.layout.shapes[0].line.width > DEFAULT_LINE_WIDTH  # the x0 line


def test_a_tall_legend_keeps_a_plot_at_least_as_tall():
    """Order 10's error chart: the legend grows with its text, and the plot with it."""
    figure = error_figure(XS, list(range(11)), ROWS, ROWS, {k: ROWS[k] for k in range(1, 11)})
    legend = figure.layout.meta[LEGEND_HEIGHT]
    plot = figure.layout.height - legend
    assert plot >= legend  # the plain style: plot and axis below at least the legend
    shown = for_projector(figure)
    grown_legend = legend * 1.9
    assert shown.layout.height - grown_legend >= grown_legend


@pytest.mark.parametrize(("order", "name"), [(3, "f‴"), (4, "f⁽⁴⁾"), (10, "f⁽¹⁰⁾")])
def test_order_names_are_all_superscript(order, name):
    assert order_name(order) == name
