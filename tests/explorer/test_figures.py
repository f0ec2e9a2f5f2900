"""The Explorer's figures (`core.explorer.figures`) and the numbers behind them."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
import sympy

from core import parse_expression
from core.engines import symbolic as core_symbolic
from core.explorer.derivatives import GRID_SIZE, numeric_view, symbolic_view, value_table
from core.explorer.figures import derivative_figure, error_figure, legend_height, panel_range
from core.figures.plotting import masked, order_name, robust_range

XS = np.linspace(-2.0, 2.0, 121)
AD = np.stack([np.sin(XS), np.cos(XS), -np.sin(XS)])
SYMBOLIC = AD + 1e-13
FD = {1: np.cos(XS) + 1e-8, 2: -np.sin(XS) - 1e-6}


def traces_by_name(figure: go.Figure) -> dict:
    """Traces by their order and method, e.g. "f′ AD" (the legend shows "AD" under "f′")."""
    return {f"{trace.legendgroup} {trace.name}": trace for trace in figure.data}


# -- helpers -----------------------------------------------------------------------------


def test_order_names():
    assert [order_name(k) for k in range(6)] == ["f", "f′", "f″", "f‴", "f⁽⁴⁾", "f⁽⁵⁾"]


def test_masked_turns_inf_into_nan_and_keeps_a_float_array():
    values = masked([1, np.inf, -np.inf, np.nan, 2])
    assert values.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(values), [False, True, True, True, False])
    np.testing.assert_array_equal(values[[0, 4]], [1.0, 2.0])


def test_masked_copies_its_input():
    original = np.array([1.0, np.inf])
    masked(original)
    assert original[1] == np.inf


# -- robust_range ------------------------------------------------------------------------


def test_robust_range_ignores_a_pole_but_keeps_every_moderate_value():
    xs = np.linspace(-3, 3, 601)
    moderate = np.sin(xs) * 4
    pole = moderate.copy()
    pole[300] = 1e12  # one grid point next to a pole
    low, high = robust_range([pole])
    assert high < 1e3  # the pole does not flatten the curves
    assert low <= moderate.min()
    assert high >= moderate.max()


def test_robust_range_ignores_a_negative_pole_too():
    values = np.linspace(-1, 1, 500)
    values[10] = -1e12
    low, high = robust_range([values, np.cos(np.linspace(0, 6, 500))])
    assert -10 < low <= -1
    assert high >= 1


def test_robust_range_uses_the_full_range_without_outliers_and_pads_it():
    values = np.linspace(-2.0, 5.0, 200)
    low, high = robust_range([values])
    assert low < -2.0 < 5.0 < high
    assert (high - low) == pytest.approx(7.0 * 1.1)


def test_robust_range_skips_non_finite_values_and_handles_nothing_to_show():
    assert robust_range([]) is None
    assert robust_range([np.array([np.nan, np.inf])]) is None
    low, high = robust_range([np.array([np.nan, 1.0, np.inf, 2.0])])
    assert low < 1.0 < 2.0 < high


def test_robust_range_of_a_constant_is_a_non_empty_interval():
    low, high = robust_range([np.full(50, 3.0)])
    assert low < 3.0 < high


# -- derivative_figure -------------------------------------------------------------------


def test_derivative_figure_draws_each_method_per_order():
    figure = derivative_figure(XS, [0, 1, 2], AD, SYMBOLIC, FD, x0=0.5)
    traces = traces_by_name(figure)
    assert set(traces) == {
        "f AD", "f symbolic", "f′ AD", "f′ symbolic", "f′ finite diff.",
        "f″ AD", "f″ symbolic", "f″ finite diff.",
    }  # fmt: skip
    for order in (0, 1, 2):
        name = order_name(order)
        ad, symbolic = traces[f"{name} AD"], traces[f"{name} symbolic"]
        assert ad.mode == "lines"
        assert ad.line.dash is None
        assert symbolic.mode == "lines"
        assert symbolic.line.dash == "dash"
        assert ad.line.color == symbolic.line.color
        assert ad.legendgroup == symbolic.legendgroup == name
        np.testing.assert_array_equal(ad.y, AD[order])
        np.testing.assert_array_equal(symbolic.y, SYMBOLIC[order])
        if order:
            fd = traces[f"{name} finite diff."]
            assert fd.mode == "markers"
            assert fd.marker.color == ad.line.color
            assert len(fd.x) == len(fd.y) <= len(XS)
            indices = np.searchsorted(XS, fd.x)
            np.testing.assert_array_equal(XS[indices], fd.x)  # a subsample of the grid
            np.testing.assert_array_equal(fd.y, FD[order][indices])
    colours = {traces[f"{order_name(k)} AD"].line.color for k in range(3)}
    assert len(colours) == 3


def test_derivative_figure_marks_x0_with_a_vertical_line():
    figure = derivative_figure(XS, [0], AD, x0=0.5)
    (shape,) = figure.layout.shapes
    assert shape.type == "line"
    assert shape.x0 == shape.x1 == 0.5
    assert shape.yref == "paper"
    assert derivative_figure(XS, [0], AD).layout.shapes == ()


def test_derivative_figure_masks_inf_and_ranges_the_finite_values():
    ad = AD.copy()
    ad[1, 7] = np.inf
    ad[1, 8] = -np.inf
    figure = derivative_figure(XS, [1], ad)
    (trace,) = figure.data
    assert np.isnan(trace.y[7])
    assert np.isnan(trace.y[8])
    assert np.isfinite(np.delete(trace.y, [7, 8])).all()
    low, high = figure.layout.yaxis.range
    assert np.isfinite([low, high]).all()
    assert low < -0.4
    assert high >= 1.0


def test_derivative_figure_draws_symbolic_only_for_the_rows_it_has():
    figure = derivative_figure(XS, [0, 1, 2], AD, SYMBOLIC[:1], FD)
    names = set(traces_by_name(figure))
    assert "f symbolic" in names
    assert "f′ symbolic" not in names
    assert "f″ symbolic" not in names
    assert {"f′ AD", "f″ AD", "f′ finite diff.", "f″ finite diff."} <= names


def test_derivative_figure_axes():
    figure = derivative_figure(XS, [0], AD)
    assert figure.layout.xaxis.title.text == "x"
    assert figure.layout.yaxis.title.text == "value"


def test_the_legend_is_grouped_by_order_and_one_click_toggles_an_order():
    figure = derivative_figure(XS, [0, 1, 2], AD, SYMBOLIC, FD)
    assert figure.layout.legend.groupclick == "togglegroup"
    for order in (0, 1, 2):
        name = order_name(order)
        group = [trace for trace in figure.data if trace.legendgroup == name]
        assert [trace.name for trace in group] == ["AD", "symbolic", "finite diff."][: len(group)]
        assert group[0].legendgrouptitle.text == name  # the order is named once, above
        assert all(trace.legendgrouptitle.text is None for trace in group[1:])
        assert all(f"{name} {trace.name}" in trace.hovertemplate for trace in group)


# Orders whose sizes differ a hundredfold, as f and f⁗ of the default example do.
SCALES = np.array([1.0, 10.0, 400.0])
SCALED = AD * SCALES[:, None]


@pytest.mark.parametrize("panels", [False, True], ids=["one axis", "panels"])
def test_every_method_is_drawn_per_order_in_both_layouts(panels):
    figure = derivative_figure(XS, [0, 1, 2], AD, SYMBOLIC, FD, x0=0.5, panels=panels)
    traces = traces_by_name(figure)
    assert len(traces) == len(figure.data) == 8
    np.testing.assert_array_equal(traces["f″ symbolic"].y, SYMBOLIC[2])
    (shape,) = figure.layout.shapes
    assert (shape.x0, shape.yref) == (0.5, "paper")  # through every panel


def test_panels_give_each_order_its_own_row_and_y_range():
    figure = derivative_figure(XS, [0, 1, 2], SCALED, None, None, panels=True)
    layout = figure.layout
    axes = [layout.yaxis, layout.yaxis2, layout.yaxis3]
    for order, (trace, yaxis) in enumerate(zip(figure.data, axes, strict=True)):
        suffix = "" if order == 0 else str(order + 1)
        assert (trace.xaxis, trace.yaxis) == (f"x{suffix}", f"y{suffix}")
        assert yaxis.title.text == order_name(order)
        low, high = yaxis.range
        assert low <= SCALED[order].min() < SCALED[order].max() <= high
        assert high - low < 1.5 * np.ptp(SCALED[order])  # its own scale, not the largest
    # rows top to bottom, not overlapping
    domains = [axis.domain for axis in axes]
    assert all(0 <= low < high <= 1 for low, high in domains)
    assert domains[0][0] > domains[1][1]
    assert domains[1][0] > domains[2][1]
    # one x-axis in effect: matched, labelled once at the bottom
    assert layout.xaxis2.matches == layout.xaxis3.matches == "x"
    assert [layout.xaxis.showticklabels, layout.xaxis2.showticklabels,
            layout.xaxis3.showticklabels] == [False, False, True]  # fmt: skip
    assert layout.xaxis3.title.text == "x"
    assert layout.height > derivative_figure(XS, [0], SCALED, panels=True).layout.height


def test_one_axis_has_one_range_for_every_order():
    figure = derivative_figure(XS, [0, 1, 2], SCALED)
    assert {trace.yaxis for trace in figure.data} == {None}
    low, high = figure.layout.yaxis.range
    assert low <= SCALED.min()
    assert high >= SCALED.max()


def test_one_axis_keeps_a_narrow_deep_extremum_of_one_order_in_view():
    """f⁗ of the default example dips to −400 over a few points; it stays on screen."""
    x = sympy.Symbol("x")
    f = sympy.sin(x) - 2 * sympy.cos(3 * x) * sympy.exp(-(x**2))
    xs = np.linspace(-4, 4, 1000)
    rows = np.stack([sympy.lambdify(x, sympy.diff(f, x, k))(xs) for k in range(5)])
    assert rows[4].min() < -390
    fd = {k: rows[k] for k in range(1, 5)}
    drawn = [*rows, *rows[:3], *fd.values()]  # SymPy stopped after f″, as under load
    assert robust_range(drawn)[0] > -300  # pooled, the dip looks like a pole
    low, _ = derivative_figure(xs, list(range(5)), rows, rows[:3], fd).layout.yaxis.range
    assert low <= rows[4].min()


def test_the_figures_grow_with_their_legends_instead_of_scrolling_them():
    many = np.stack([np.sin(XS + k) for k in range(8)])
    fd = {k: many[k] for k in range(1, 8)}
    assert legend_height(8, 3, per_row=4) == 2 * legend_height(4, 3, per_row=4)
    for panels in (False, True):
        few_orders = derivative_figure(XS, [0, 1], many, panels=panels).layout.height
        more_orders = derivative_figure(XS, list(range(8)), many, panels=panels).layout.height
        assert more_orders > few_orders
    assert (
        error_figure(XS, list(range(8)), many, many, fd).layout.height
        > error_figure(XS, [0, 1], many, many, fd).layout.height
    )


def test_a_panel_of_an_order_that_is_exactly_zero_is_not_scaled_to_rounding():
    assert panel_range([np.zeros(50)]) == [-1.0, 1.0]
    assert panel_range([np.full(50, 24.0)]) == pytest.approx([21.6, 26.4])
    assert panel_range([np.linspace(0, 1, 50)]) == robust_range([np.linspace(0, 1, 50)])
    assert panel_range([np.array([np.nan])]) is None


# -- error_figure ------------------------------------------------------------------------


def test_error_figure_is_log_scaled_and_names_both_differences():
    figure = error_figure(XS, [0, 1, 2], AD, SYMBOLIC, FD)
    assert figure.layout.yaxis.type == "log"
    traces = traces_by_name(figure)
    assert set(traces) == {
        "f |AD − symbolic|", "f′ |AD − symbolic|", "f′ |FD − symbolic|",
        "f″ |AD − symbolic|", "f″ |FD − symbolic|",
    }  # fmt: skip
    np.testing.assert_allclose(traces["f′ |FD − symbolic|"].y, np.abs(FD[1] - SYMBOLIC[1]))
    np.testing.assert_allclose(traces["f′ |AD − symbolic|"].y, np.abs(AD[1] - SYMBOLIC[1]))
    assert traces["f′ |FD − symbolic|"].line.dash == "dot"


def test_error_figure_falls_back_to_ad_where_symbolic_ran_out():
    figure = error_figure(XS, [0, 1, 2], AD, SYMBOLIC[:2], FD)
    names = set(traces_by_name(figure))
    assert "f″ |FD − AD|" in names
    assert "f″ |AD − symbolic|" not in names
    assert "f″ |FD − symbolic|" not in names
    assert "f′ |FD − symbolic|" in names
    trace = traces_by_name(figure)["f″ |FD − AD|"]
    np.testing.assert_allclose(trace.y, np.abs(FD[2] - AD[2]))


def test_error_figure_is_grouped_by_order_and_writes_powers_of_ten():
    figure = error_figure(XS, [1, 2], AD, SYMBOLIC, FD)
    assert figure.layout.yaxis.exponentformat == "power"  # 10⁻⁶, not 1µ
    assert figure.layout.legend.groupclick == "togglegroup"
    assert [(t.legendgroup, t.name, t.legendgrouptitle.text) for t in figure.data] == [
        ("f′", "|AD − symbolic|", "f′"), ("f′", "|FD − symbolic|", None),
        ("f″", "|AD − symbolic|", "f″"), ("f″", "|FD − symbolic|", None),
    ]  # fmt: skip


def test_error_figure_without_symbolic_at_all():
    figure = error_figure(XS, [1, 2], AD, None, FD)
    assert set(traces_by_name(figure)) == {"f′ |FD − AD|", "f″ |FD − AD|"}


def test_error_figure_draws_exact_agreement_at_the_floor_not_zero():
    figure = error_figure(XS, [0, 1], AD, AD.copy(), {1: AD[1].copy()})
    for trace in figure.data:
        assert np.all(trace.y == 1e-17), trace.name
        assert np.all(trace.y > 0)


def test_error_figure_counts_equal_infinities_as_agreement():
    """sqrt′(0) is +∞ by AD and by SymPy: they agree there (inf − inf alone is nan)."""
    ad, symbolic = AD.copy(), SYMBOLIC.copy()
    ad[1, 4] = symbolic[1, 4] = np.inf
    ad[1, 5], symbolic[1, 5] = np.inf, 1.0
    ad[1, 6] = np.nan
    trace = traces_by_name(error_figure(XS, [1], ad, symbolic, None))["f′ |AD − symbolic|"]
    assert trace.y[4] == 1e-17
    assert np.isnan(trace.y[5])  # an infinite difference: masked out, not drawn
    assert np.isnan(trace.y[6])


def test_error_figure_masks_inf_errors():
    fd = {1: FD[1].copy()}
    fd[1][3] = np.inf
    trace = traces_by_name(error_figure(XS, [1], AD, SYMBOLIC, fd))["f′ |FD − symbolic|"]
    assert np.isnan(trace.y[3])


# -- the Explorer's numbers --------------------------------------------------------------


@pytest.fixture(scope="module")
def gaussian_view():
    parsed = parse_expression("a*exp(-x^2)")
    return parsed, numeric_view(parsed, 3, (-2.0, 2.0), 0.3, {"a": 2.0})


def test_numeric_view_shapes(gaussian_view):
    _, view = gaussian_view
    assert view.xs.shape == (GRID_SIZE,)
    np.testing.assert_array_equal(view.xs, np.linspace(-2.0, 2.0, GRID_SIZE))
    assert view.ad.shape == (4, GRID_SIZE)
    assert view.ad_at_x0.shape == (4,)
    assert sorted(view.finite_differences) == [1, 2, 3]
    assert all(v.shape == (GRID_SIZE,) for v in view.finite_differences.values())
    assert sorted(view.fd_at_x0) == [1, 2, 3]


def test_numeric_view_values_at_x0(gaussian_view):
    parsed, view = gaussian_view
    x0 = 0.3
    g = 2.0 * np.exp(-(x0**2))
    exact = [g, -2 * x0 * g, (4 * x0**2 - 2) * g, (-8 * x0**3 + 12 * x0) * g]
    np.testing.assert_allclose(view.ad_at_x0, exact, rtol=1e-12)
    # AD at x0 is AD of the same function, as on the grid
    lone = numeric_view(parsed, 3, (0.0, 1.0), x0, {"a": 2.0})
    np.testing.assert_allclose(lone.ad_at_x0, view.ad_at_x0, rtol=1e-14)
    for order, value in view.fd_at_x0.items():
        assert value == pytest.approx(exact[order], rel=1e-4)
    np.testing.assert_allclose(view.ad[1], -2 * view.xs * 2.0 * np.exp(-(view.xs**2)),
                               rtol=1e-12, atol=1e-14)  # fmt: skip


def test_numeric_view_complex_step_only_for_the_first_order():
    parsed = parse_expression("exp(x)")
    view = numeric_view(parsed, 2, (-1.0, 1.0), 0.5, scheme="complex")
    np.testing.assert_allclose(view.finite_differences[1], np.exp(view.xs), rtol=1e-15)
    np.testing.assert_allclose(view.finite_differences[2], np.exp(view.xs), rtol=1e-5)


def test_value_table_compares_every_method_at_x0(gaussian_view):
    parsed, view = gaussian_view
    core_symbolic.warm_up()
    symbolic = symbolic_view(parsed, 3, (-2.0, 2.0), 0.3, {"a": 2.0})
    assert symbolic.values.shape == (4, GRID_SIZE)
    assert symbolic.at_x0.shape == (4,)
    rows = value_table(view, symbolic)
    assert [row.order for row in rows] == [0, 1, 2, 3]
    for row in rows:
        assert row.ad == view.ad_at_x0[row.order]
        assert row.symbolic == symbolic.at_x0[row.order]
        assert row.ad_minus_symbolic == abs(row.ad - row.symbolic)
        assert row.ad_minus_symbolic < 1e-12
        if row.order == 0:
            assert row.finite_difference is None
            assert row.fd_minus_symbolic is None
        else:
            assert row.finite_difference == view.fd_at_x0[row.order]
            assert row.fd_minus_symbolic == abs(row.finite_difference - row.symbolic)


def test_value_table_without_symbolic_rows(gaussian_view):
    _, view = gaussian_view
    for symbolic in (None, view_without_symbolic(view)):
        rows = value_table(view, symbolic)
        assert len(rows) == 4
        assert all(row.symbolic is None and row.ad_minus_symbolic is None for row in rows)
        assert all(row.fd_minus_symbolic is None for row in rows)


def view_without_symbolic(view):
    from core.explorer.derivatives import SymbolicView

    del view
    return SymbolicView(latex=(), values=None, at_x0=None, message="budget")


def test_value_table_with_partial_symbolic_rows(gaussian_view):
    from core.explorer.derivatives import SymbolicView

    _, view = gaussian_view
    partial = SymbolicView(latex=("a", "b"), values=view.ad[:2], at_x0=view.ad_at_x0[:2],
                           message="budget")  # fmt: skip
    rows = value_table(view, partial)
    assert [row.symbolic is not None for row in rows] == [True, True, False, False]
    assert rows[1].ad_minus_symbolic == 0.0


def test_grid_rejects_a_bad_range():
    with pytest.raises(ValueError, match="low < high"):
        numeric_view(parse_expression("x"), 1, (1.0, -1.0), 0.0)
