"""Text alternatives of charts (`core.figures.text`): sentences and tables from a figure's data.

The oracle for every number is NumPy on the arrays the figure was built from: the sentence
must name the same extremes at the same places, written to 3 significant digits.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from core import ad_derivatives, parse_expression
from core.descent.figures import contour_figure, loss_figure
from core.explorer.figures import derivative_figure, error_figure
from core.fd_lab.error_curves import error_against_step
from core.fd_lab.figures import FLOOR as FD_FLOOR
from core.fd_lab.figures import error_figure as error_figure_of_steps
from core.figures.plotting import for_screen
from core.figures.text import MAX_CHARACTERS, describe, figure_csv, figure_table

XS = np.linspace(-2.0, 3.0, 501)
PARABOLA = (XS - 1.0) ** 2 - 2.0  # lowest −2 at x = 1, highest 7 at x = −2


def _shown(value: float) -> str:
    """A number as the sentence writes it: 3 significant digits, a true minus sign."""
    return f"{value:.3g}".replace("-", "−")


def _line(y, name="f", x=XS, **trace) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode=trace.pop("mode", "lines"), **trace)


# -- lines ---------------------------------------------------------------------------------


def test_a_line_is_told_by_its_range_and_where_its_extremes_are():
    figure = go.Figure(_line(PARABOLA), layout={"title": {"text": "<b>A parabola</b>"}})
    figure.update_layout(xaxis_title="x", yaxis_title="f(x)")
    text = describe(figure)
    assert text.startswith("A parabola. Chart of 1 series.")  # the title without its HTML
    assert "x axis x; y axis f(x)." in text
    assert "f (line, 501 points): x from −2 to 3; y from −2 (at x = 1) to 7 (at x = −2)." in text


def test_nan_and_inf_are_counted_and_never_an_extreme():
    y = PARABOLA.copy()
    y[0], y[10], y[20] = np.inf, -np.inf, np.nan  # x = −2 held the maximum
    text = describe(go.Figure(_line(y)))
    finite = y[np.isfinite(y)]
    assert np.isclose(finite.max(), (XS[1] - 1) ** 2 - 2)
    assert f"to {_shown(finite.max())} (at x = {_shown(XS[1])})" in text
    assert "from −2 (at x = 1)" in text
    assert "3 not finite" in text


def test_empty_and_all_nan_traces_and_an_empty_figure_do_not_fail():
    figure = go.Figure([_line([], name="empty", x=[]), _line(np.full(5, np.nan), "gaps", XS[:5])])
    text = describe(figure)
    assert "empty (line): no data." in text
    assert "gaps (line, 5 points): x from −2 to −1.96; no finite values." in text
    assert describe(go.Figure()) == "Chart of 0 series. It has no data to show."


def test_hidden_traces_are_left_out_and_counted():
    figure = go.Figure(
        [_line(PARABOLA), _line(XS, "off", visible="legendonly"), _line(XS, "gone", visible=False)]
    )
    text = describe(figure)
    assert "off" not in text
    assert "gone" not in text
    assert text.startswith("Chart of 1 series.")
    assert text.endswith("2 hidden series not described.")


def test_a_uniform_grid_sent_as_x0_and_dx_reads_the_same_as_its_numbers():
    xs = np.linspace(-2.0, 3.0, 2001)
    full = go.Figure(_line((xs - 1.0) ** 2 - 2.0, x=xs))
    screen = for_screen(go.Figure(_line((xs - 1.0) ** 2 - 2.0, x=xs)), points=200)
    assert screen.data[0].x is None  # sent as x0 and dx
    assert "y from −2 (at x = 1) to 7 (at x = −2)" in describe(full)
    assert "y from −2 (at x = 1) to 7 (at x = −2)" in describe(screen)
    assert "x from −2 to 3" in describe(screen)


def test_log_axes_are_said():
    figure = go.Figure(_line(np.exp(XS), "e^x"), layout={"yaxis": {"type": "log"}})
    assert "Log scale on y." in describe(figure)


def test_labels_on_x_give_the_label_where_a_bar_is_highest():
    figure = go.Figure(go.Bar(x=["forward", "central", "complex"], y=[1e-8, 1e-11, 1e-16]))
    text = describe(figure)
    assert "series 1 (bars, 3 points)" in text
    assert "y from 1e−16 (at x = complex) to 1e−8 (at x = forward)" in text


def test_numbers_are_written_as_read():
    figure = go.Figure(_line([-2.5e-8, 1234567.0, 0.000123], x=[1.0, 2.0, 3.0]))
    assert "y from −2.5e−8 (at x = 1) to 1.23e6 (at x = 2)" in describe(figure)


# -- panels, grids, 3-D --------------------------------------------------------------------


def test_subplots_get_one_clause_each_named_by_their_titles():
    figure = make_subplots(rows=2, cols=1, subplot_titles=("Values", "Slopes"))
    figure.add_trace(_line(np.sin(XS), "sin"), row=1, col=1)
    figure.add_trace(_line(np.cos(XS), "cos"), row=2, col=1)
    figure.update_yaxes(type="log", row=2, col=1)
    text = describe(figure)
    assert "Chart of 2 series in 2 panels." in text
    first, second = text.index("Panel Values:"), text.index("Panel Slopes:")
    assert first < text.index("sin (line") < second < text.index("cos (line")
    assert text.index("Log scale on y.") > second  # only the second panel is logarithmic
    lowest = XS[np.argmin(np.cos(XS))]
    assert f"y from {_shown(np.cos(XS).min())} (at x = {_shown(lowest)})" in text


def test_a_heatmap_says_where_its_extremes_are_on_the_grid():
    xs, ys = np.linspace(-3.0, 3.0, 61), np.linspace(-4.0, 2.0, 31)
    z = -((xs[None, :] - 1.0) ** 2) - (ys[:, None] + 2.0) ** 2  # top 0 at (1, −2)
    z[0, 0] = np.nan
    text = describe(go.Figure(go.Heatmap(x=xs, y=ys, z=z, name="bump")))
    low = np.unravel_index(np.nanargmin(z), z.shape)
    assert "bump (heatmap, 61×31 grid)" in text
    assert "to 0 (at x = 1, y = −2)" in text
    where = f"x = {_shown(xs[low[1]])}, y = {_shown(ys[low[0]])}"
    assert f"z from {_shown(np.nanmin(z))} (at {where})" in text
    assert "1 not finite" in text


def test_a_contour_without_coordinates_uses_its_indices_and_a_surface_its_scene():
    z = np.arange(12.0).reshape(3, 4)
    assert "to 11 (at x = 3, y = 2)" in describe(go.Figure(go.Contour(z=z)))
    xs, ys = np.linspace(0, 1, 4), np.linspace(10, 12, 3)
    surface = go.Figure(go.Surface(x=xs, y=ys, z=z, name="plane"))
    surface.update_layout(scene={"zaxis": {"title": {"text": "f"}}})
    text = describe(surface)
    assert "plane (3-D surface, 4×3 grid): z from 0 (at x = 0, y = 10)" in text
    assert "to 11 (at x = 1, y = 12)" in text
    assert "z axis f." in text


def test_a_3d_line_gives_z_over_x_and_y():
    t = np.linspace(0.0, 1.0, 11)
    figure = go.Figure(go.Scatter3d(x=t, y=2 * t, z=-t, mode="lines", name="path"))
    text = describe(figure)
    assert "path (3-D line, 11 points): x from 0 to 1; z from −1 (at x = 1, y = 2)" in text
    assert "to 0 (at x = 0, y = 0)." in text


# -- many traces ---------------------------------------------------------------------------


def test_many_traces_are_summarised_within_the_cap():
    figure = go.Figure(
        [_line(k * PARABOLA, "AD", legendgroup=f"the function number {k}") for k in range(40)]
        + [_line(k * PARABOLA + 1, "FD", legendgroup=f"the function number {k}") for k in range(40)]
    )
    text = describe(figure)
    assert len(text) <= MAX_CHARACTERS
    assert text.startswith("Chart of 80 series. the function number 0, the function number 1,")
    assert text.endswith(" more.")
    shown = text.count("the function number")
    assert text.endswith(f" and {40 - shown} more.")


def test_a_few_groups_are_told_one_range_each_when_the_detail_does_not_fit():
    figure = go.Figure(
        [_line(k * PARABOLA, "AD", legendgroup=f"g{k}") for k in range(1, 16)]
        + [_line(k * PARABOLA + 1, "symbolic", legendgroup=f"g{k}") for k in range(1, 16)]
    )
    text = describe(figure)
    assert len(text) <= MAX_CHARACTERS
    assert "g2 (AD, symbolic): −4 to 15." in text  # 2·(−2), 2·7 + 1


# -- tables --------------------------------------------------------------------------------


def test_the_table_is_long_form_and_drops_only_invisible_traces():
    figure = go.Figure(
        [_line(PARABOLA), _line(XS[:3], "off", XS[:3], visible="legendonly"),
         _line(XS, "gone", visible=False)]
    )  # fmt: skip
    table = figure_table(figure)
    assert list(table.columns) == ["trace", "x", "y"]
    assert table["trace"].value_counts().to_dict() == {"f": 501, "off": 3}
    np.testing.assert_allclose(table.loc[table.trace == "f", "y"], PARABOLA, rtol=1e-12)
    assert not table.attrs["thinned"]


def test_the_csv_of_a_screen_figure_writes_short_decimals_and_rebuilds_the_grid():
    xs = np.linspace(0.0, 1.0, 1001)
    figure = for_screen(go.Figure(_line(np.sin(xs), "sin", xs)), points=100)
    text = figure_csv(figure)
    assert text.splitlines()[0] == "trace,x,y"
    assert "sin,0.01,0.009999833" in text  # float32 of sin(0.01), as its shortest decimal
    back = pd.read_csv(io.StringIO(text))
    assert len(back) == 101
    np.testing.assert_allclose(back.y, np.sin(back.x), rtol=1e-6, atol=1e-7)


def test_a_heatmap_becomes_one_row_per_cell_and_a_long_table_is_thinned():
    xs, ys = np.linspace(0, 1, 5), np.linspace(0, 2, 3)
    z = xs[None, :] + 10 * ys[:, None]
    table = figure_table(go.Figure(go.Heatmap(x=xs, y=ys, z=z)))
    assert list(table.columns) == ["trace", "x", "y", "z"]
    assert len(table) == 15
    np.testing.assert_allclose(table.z, table.x + 10 * table.y)
    thinned = figure_table(go.Figure(_line(PARABOLA)), max_rows=50)
    assert len(thinned) == 50
    assert thinned.attrs["thinned"]
    assert thinned.x.iloc[0] == XS[0]
    assert thinned.x.iloc[-1] == XS[-1]


def test_a_table_trace_is_described_and_downloaded_as_the_table():
    figure = go.Figure(
        go.Table(header={"values": ["i", "<b>gradient</b>"]},
                 cells={"values": [["0", "1", "2"], ["0.5", "−0.25", "1"]]})
    )  # fmt: skip
    assert "(table, 3 rows): columns i, gradient." in describe(figure)
    table = figure_table(figure)
    assert list(table.columns) == ["i", "gradient"]
    assert table["gradient"].tolist() == ["0.5", "−0.25", "1"]


# -- the app's own figures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer_values():
    xs = np.linspace(-3.0, 3.0, 1001)
    return xs, ad_derivatives(parse_expression("sin(x) exp(-x^2/8)"), xs, 10)


def test_the_explorer_figure_at_order_10_fits_and_names_every_order(explorer_values):
    xs, ad = explorer_values
    orders = list(range(11))
    fd = {k: ad[k] * (1 + 1e-7) for k in range(4)}
    for panels in (False, True):
        figure = for_screen(derivative_figure(xs, orders, ad, ad, fd, panels=panels), points=500)
        text = describe(figure)
        assert len(text) <= MAX_CHARACTERS
        assert text.startswith("Chart of 26 series")
        for name in ("f (AD, symbolic, finite diff.)", "f⁽¹⁰⁾ (AD, symbolic)"):
            assert name in text
        top = ad[10][np.isfinite(ad[10])].max()
        assert f"to {_shown(top)}" in text.split("f⁽¹⁰⁾")[-1]


def test_the_explorer_figure_of_one_order_tells_each_method(explorer_values):
    xs, ad = explorer_values
    figure = derivative_figure(xs, [1], ad, None, {1: ad[1]})
    text = describe(figure)
    top = int(np.argmax(ad[1]))
    assert "f′ AD (line, 1001 points): x from −3 to 3;" in text
    assert f"y from {_shown(ad[1].min())} (at x = {_shown(xs[np.argmin(ad[1])])})" in text
    assert f"to {_shown(ad[1].max())} (at x = {_shown(xs[top])})" in text
    assert "f′ finite diff. (points" in text
    errors = describe(error_figure(xs, [0, 1], ad, None, {1: ad[1] + 1e-9}))
    assert "Log scale on y." in errors


def test_the_descent_figures_skip_the_click_grid_and_read_the_contours():
    xs, ys = np.linspace(-2, 2, 41), np.linspace(-1, 3, 41)
    z = (1 - xs[None, :]) ** 2 + 100 * (ys[:, None] - xs[None, :] ** 2) ** 2
    paths = {"gd": np.array([[-1.0, 1.0], [0.5, 0.5], [0.0, 0.2], [1.0, 1.0]])}  # x turns back
    text = describe(contour_figure(xs, ys, z, paths, minima=[(1.0, 1.0)]))
    assert "click" not in text
    assert "hidden" not in text
    assert "f (contour map, 41×41 grid): z from 0 (at x = 1, y = 1)" in text
    assert "gd (line with points, 4 points): from (−1, 1) to (1, 1)." in text  # a path's ends
    assert "start (points, 1 point): at (−1, 1)." in text
    loss = describe(loss_figure({"gd": np.array([5.0, 1.0, 0.1])}))
    assert "Log scale on y." in loss
    assert "x axis iteration" in loss


def test_the_finite_difference_lab_names_each_formula_and_its_smallest_error():
    sweep = error_against_step(parse_expression("sin(x)"), 1.0, 1)
    text = describe(error_figure_of_steps(sweep))
    assert len(text) <= MAX_CHARACTERS
    assert "Log scale on x and y." in text
    for curve in sweep.curves:
        clause = text.split(f"{curve.label} ", 1)[1].split(". ", 1)[0]
        drawn = np.maximum(curve.error[np.isfinite(curve.error)], FD_FLOOR).min()
        assert f": {_shown(min(drawn, max(curve.best_error, FD_FLOOR)))} to" in clause


def test_numbers_in_the_thousands_are_written_out():
    figure = go.Figure(_line([0.0, 1.0], x=[0.0, 1060.0]))
    assert "x from 0 to 1060" in describe(figure)
