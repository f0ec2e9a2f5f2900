"""Charts readable without colour: series that share a plot differ by line style or marker too.

Colours come from Okabe & Ito's colour-blind-safe set; on top of that, the three methods
(AD, symbolic, finite differences) and every family of curves a page draws side by side
(optimizer paths, data methods, difference formulas) each get their own dash, so a reader
who cannot tell two colours apart can still tell the lines apart.
"""

from __future__ import annotations

import numpy as np

from core import parse_expression
from core.data.figures import METHOD_COLOURS, METHOD_DASHES
from core.descent.figures import contour_figure, loss_figure
from core.explorer.figures import derivative_figure
from core.fd_lab.figures import FORMULA_COLOURS, FORMULA_DASHES
from core.figures.plotting import LINE_DASHES
from core.figures.plotting import METHOD_DASHES as THREE_METHODS
from core.kinks.figures import kink_figure
from core.kinks.kink_report import KinkReport
from core.regression.figures import BB_COLOUR, FIXED_COLOUR, loss_history_figure

RED_GREEN = {"#D55E00", "#009E73"}  # vermillion and bluish green: a pair to keep apart


def _style(trace) -> tuple:
    """What tells a trace apart besides its colour."""
    line = trace.line.dash if trace.line and trace.line.dash else "solid"
    return line, trace.mode, trace.marker.symbol if trace.marker else None


def test_the_three_methods_have_three_line_styles():
    assert len(set(THREE_METHODS.values())) == 3
    assert len(set(LINE_DASHES)) == len(LINE_DASHES)


def test_explorer_methods_differ_by_style_within_an_order():
    xs = np.linspace(-1.0, 1.0, 61)
    rows = np.stack([np.sin(xs), np.cos(xs)])
    figure = derivative_figure(xs, [0, 1], rows, rows, {0: rows[0], 1: rows[1]})
    for order in ("f", "f′"):
        drawn = [t for t in figure.data if t.legendgroup == order]
        assert len({_style(t) for t in drawn}) == 3  # AD, symbolic, finite differences


def test_optimizer_paths_and_losses_differ_by_dash_not_only_colour():
    xs = ys = np.linspace(-2.0, 2.0, 21)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    path = np.array([[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]])
    names = ["gd", "momentum", "adam", "newton", "BFGS", "CG"]
    paths = dict.fromkeys(names, path)
    drawn = [t for t in contour_figure(xs, ys, z, paths).data if t.name in names]
    assert len({t.line.dash for t in drawn}) == len(names)
    assert len({t.marker.symbol for t in drawn}) == len(names)
    losses = loss_figure(dict.fromkeys(names, np.array([3.0, 1.0, 0.5])))
    assert len({t.line.dash for t in losses.data}) == len(names)


def test_data_methods_and_difference_formulas_each_have_their_own_dash():
    assert set(METHOD_DASHES) == set(METHOD_COLOURS)
    assert len(set(METHOD_DASHES.values())) == len(METHOD_DASHES)
    assert set(FORMULA_DASHES) == set(FORMULA_COLOURS)
    assert len(set(FORMULA_DASHES.values())) == len(FORMULA_DASHES)
    assert "dot" not in FORMULA_DASHES.values()  # dotted lines are the error models


def test_the_two_slopes_of_a_kink_are_not_a_red_green_pair():
    report = KinkReport(0.0, 0.0, -1.0, 1.0, None, ())
    figure = kink_figure(parse_expression("abs(x)"), report)
    left, right = figure.data[1], figure.data[2]
    assert {left.line.color, right.line.color} != RED_GREEN
    assert left.line.dash != right.line.dash


def test_the_two_descents_keep_their_dash_across_the_regression_plots():
    class Fit:  # the two fields loss_history_figure reads
        losses = np.array([4.0, 2.0, 1.0])

    class Fits:
        fixed = bb = Fit()
        closed_form_loss = 0.5

    figure = loss_history_figure(Fits())
    dashes = {t.line.color: t.line.dash for t in figure.data}
    assert dashes == {FIXED_COLOUR: "dash", BB_COLOUR: "dashdot"}
