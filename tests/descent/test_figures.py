"""The descent page's figures (`core.descent.figures`): paths over pale contours, loss on
log axes labelled with powers of ten."""

from __future__ import annotations

import numpy as np
import plotly.colors

from core.descent.figures import contour_figure, loss_figure

XS = np.linspace(-2.0, 2.0, 5)
YS = np.linspace(-1.0, 3.0, 5)
Z = np.add.outer(YS**2, XS**2)  # z[i, j] = f(xs[j], ys[i])
PATHS = {
    "gd": np.array([[-1.2, 1.0], [-1.0, 0.9], [-0.5, 0.4]]),
    "BFGS": np.array([[-1.2, 1.0], [1.0, 1.0]]),
}


def _lightness(colour: str) -> float:
    """Relative luminance (0 black to 1 white) of '#RRGGBB' or 'rgb(r, g, b)'."""
    if colour.startswith("#"):
        colour = plotly.colors.hex_to_rgb(colour)
    else:
        colour = plotly.colors.unlabel_rgb(colour)
    return float(np.dot([0.2126, 0.7152, 0.0722], np.asarray(colour) / 255.0))


def test_paths_are_drawn_over_a_pale_background():
    figure = contour_figure(XS, YS, Z, PATHS, minima=[(0.0, 0.0)])
    contour, click_grid, *paths = figure.data
    assert contour.type == "contour"
    assert click_grid.marker.opacity == 0.0  # invisible: only makes the plot clickable
    # Every colour of the fill is pale, far lighter than any path drawn over it.
    fill = [_lightness(colour) for _, colour in contour.colorscale]
    drawn = [t for t in paths if t.mode == "lines+markers"]
    assert [t.name for t in drawn] == ["gd", "BFGS"]
    assert min(fill) > 0.8
    assert max(_lightness(t.line.color) for t in drawn) < min(fill) - 0.3
    assert contour.opacity is None or contour.opacity == 1.0


def test_steps_cut_every_path_and_the_start_and_minimum_are_marked():
    figure = contour_figure(XS, YS, Z, PATHS, steps=1, minima=[(0.0, 0.0)])
    by_name = {trace.name: trace for trace in figure.data}
    assert len(by_name["gd"].x) == 2
    assert len(by_name["BFGS"].x) == 2
    np.testing.assert_array_equal([by_name["start"].x[0], by_name["start"].y[0]], [-1.2, 1.0])
    assert by_name["minimum"].marker.symbol == "star"


def test_log_contours_are_of_log10_f():
    figure = contour_figure(XS, YS, Z, PATHS, log_scale=True)
    np.testing.assert_allclose(figure.data[0].z, np.log10(Z - Z.min() + 1e-3))


def test_loss_axis_is_log_with_powers_of_ten():
    values = {name: 10.0 ** -np.arange(len(points), dtype=float) for name, points in PATHS.items()}
    figure = loss_figure(values)
    assert figure.layout.yaxis.type == "log"
    # "power" writes 10⁻⁴, where Plotly's default writes SI prefixes (100µ, 10n, 1p, 10f).
    assert figure.layout.yaxis.exponentformat == "power"
    assert figure.layout.yaxis.title.text == "f − best f seen"
    np.testing.assert_allclose(figure.data[0].y, [1.0 - 0.01, 0.1 - 0.01, 1e-16])
