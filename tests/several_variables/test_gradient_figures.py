"""Figures of the "Several variables" page (`core.several_variables.gradient_figures`),
tested through fig.data and fig.layout: traces, arrow geometry, marks, the click grid."""

from __future__ import annotations

import numpy as np
import pytest

from core import parse_expression
from core.figures.plotting import for_screen
from core.several_variables.directional import (
    directional_derivative,
    directional_slice,
    tangent_plane,
)
from core.several_variables.fields import gradient_field, partials_at
from core.several_variables.gradient_figures import (
    BOLD_FRACTION,
    CLICK_NAME,
    FIELD_FILL,
    HEAD_FRACTION,
    MARK_STYLES,
    directional_slice_figure,
    gradient_figure,
    tangent_plane_figure,
)

XY = ("x", "y")
F = parse_expression("sin(x)*cos(y) + 0.1x^2", XY)
P = np.array([0.5, 0.3])


@pytest.fixture(scope="module")
def field():
    return gradient_field(F, (-3, 3), (-2, 2), n=41, arrows=15)


def _trace(figure, name):
    (trace,) = [t for t in figure.data if t.name == name]
    return trace


def _arrows(trace) -> list[np.ndarray]:
    """The polylines of an arrow trace: (5, 2) arrays of tail, tip, barb, tip, barb."""
    points = np.stack([np.asarray(trace.x, float), np.asarray(trace.y, float)], axis=1)
    assert len(points) % 6 == 0
    groups = points.reshape(-1, 6, 2)
    assert np.isnan(groups[:, 5]).all()  # each arrow ends in a gap
    return list(groups[:, :5])


def test_trace_names_and_count(field):
    figure = gradient_figure(field, P, partials_at(F, P).ad, direction=[1, 1])
    names = [t.name for t in figure.data]
    assert names == ["f", CLICK_NAME, "∇f (field)", "∇f(p)", "direction u", "p"]
    assert figure.data[0].type == "contour"
    without = gradient_figure(field, P, partials_at(F, P).ad)
    assert "direction u" not in [t.name for t in without.data]
    assert len(without.data) == 5


def test_field_arrows_are_proportional_and_bounded_by_the_spacing(field):
    figure = gradient_figure(field, P, partials_at(F, P).ad)
    arrows = _arrows(_trace(figure, "∇f (field)"))
    spacing = min(6 / 15, 4 / 15)
    shafts = np.array([a[1] - a[0] for a in arrows])
    lengths = np.hypot(*shafts.T)
    assert len(arrows) == np.count_nonzero(np.hypot(field.gx, field.gy) > 0)
    assert lengths.max() == pytest.approx(FIELD_FILL * spacing, rel=1e-12)
    assert np.all(lengths <= spacing)
    # each arrow starts at its tail and points along ∇f there, at one common scale
    np.testing.assert_allclose([a[0] for a in arrows], np.stack([field.arrow_x, field.arrow_y], 1))
    gradients = np.stack([field.gx, field.gy], axis=1)
    scales = lengths / np.hypot(*gradients.T)
    np.testing.assert_allclose(scales, scales[0], rtol=1e-9)
    np.testing.assert_allclose(shafts, gradients * scales[:, None], atol=1e-12)
    for arrow, length in zip(arrows, lengths, strict=True):  # heads: two barbs at the tip
        np.testing.assert_array_equal(arrow[1], arrow[3])
        barbs = np.hypot(*(arrow[[2, 4]] - arrow[1]).T)
        np.testing.assert_allclose(barbs, HEAD_FRACTION * length, rtol=1e-9)


def test_undefined_arrows_are_left_out():
    field = gradient_field(parse_expression("log(x) + y", XY), (-1, 1), (-1, 1), arrows=6)
    figure = gradient_figure(field, [0.5, 0], [2, 1])
    arrows = _arrows(_trace(figure, "∇f (field)"))
    assert len(arrows) == np.count_nonzero(np.isfinite(field.gx))
    assert len(arrows) == 18  # the right half
    assert all(a[0, 0] > 0 for a in arrows)


def test_a_pole_does_not_shrink_every_other_arrow():
    field = gradient_field(parse_expression("1/(x^2 + y^2)", XY), (-1, 1), (-1, 1), arrows=15)
    figure = gradient_figure(field, [0.5, 0.5], [1, 1])
    lengths = np.array([np.hypot(*(a[1] - a[0])) for a in _arrows(_trace(figure, "∇f (field)"))])
    spacing = 2 / 15
    assert np.all(lengths <= FIELD_FILL * spacing * (1 + 1e-12))
    assert np.median(lengths) > 0.05 * spacing  # still visible, not dots


def test_gradient_and_direction_arrows_start_at_p(field):
    g = partials_at(F, P).ad
    figure = gradient_figure(field, P, g, direction=[3, 4])
    (gradient_arrow,) = _arrows(_trace(figure, "∇f(p)"))
    (direction_arrow,) = _arrows(_trace(figure, "direction u"))
    span = 4.0  # the window's shorter side
    for arrow, vector in ((gradient_arrow, g), (direction_arrow, np.array([0.6, 0.8]))):
        np.testing.assert_allclose(arrow[0], P)
        shaft = arrow[1] - arrow[0]
        np.testing.assert_allclose(shaft, vector / np.hypot(*vector) * BOLD_FRACTION * span)
    point = _trace(figure, "p")
    assert (point.x[0], point.y[0]) == pytest.approx(tuple(P))


def test_a_zero_gradient_draws_no_arrow(field):
    figure = gradient_figure(field, [0, 0], [0, 0])
    trace = _trace(figure, "∇f(p) = 0")
    assert len(trace.x) == 0


def test_marks_one_trace_per_kind_named_after_it(field):
    marks = [(0, 0, "saddle"), (1.4, 0, "minimum"), (-1.4, 0, "minimum"), (1, 1, "degenerate")]
    figure = gradient_figure(field, P, [1, 0], marks=marks)
    names = [t.name for t in figure.data]
    assert MARK_STYLES["maximum"][0] not in names
    for kind, count in (("saddle", 1), ("minimum", 2), ("degenerate", 1)):
        name, colour, symbol = MARK_STYLES[kind]
        trace = _trace(figure, name)
        assert kind in name
        assert len(trace.x) == count
        assert trace.marker.color == colour
        assert trace.marker.symbol == symbol
    with pytest.raises(ValueError, match="kind must be one of"):
        gradient_figure(field, P, [1, 0], marks=[(0, 0, "peak")])


def test_colours_and_symbols_are_distinct():
    colours = [style[1] for style in MARK_STYLES.values()]
    symbols = [style[2] for style in MARK_STYLES.values()]
    assert len(set(colours)) == len(set(symbols)) == len(MARK_STYLES)


def test_the_click_grid_covers_the_window_invisibly(field):
    figure = gradient_figure(field, P, [1, 0])
    grid = _trace(figure, CLICK_NAME)
    assert grid.mode == "markers"
    assert grid.marker.opacity == 0
    x, y = np.asarray(grid.x), np.asarray(grid.y)
    assert len(x) >= 400
    assert (x.min(), x.max(), y.min(), y.max()) == pytest.approx((-3, 3, -2, 2))
    values = np.sin(x) * np.cos(y) + 0.1 * x**2  # the hover shows f there
    np.testing.assert_allclose(np.asarray(grid.customdata), values, atol=1e-6)
    assert figure.layout.clickmode == "event+select"


def test_layout_equal_aspect_titles_and_legend(field):
    figure = gradient_figure(field, P, [1, 0], title="f(x, y)")
    layout = figure.layout
    assert layout.yaxis.scaleanchor == "x"
    assert layout.yaxis.scaleratio == 1
    assert layout.xaxis.title.text == "x"
    assert layout.yaxis.title.text == "y"
    assert layout.legend.orientation == "h"
    assert layout.uirevision
    assert 400 <= layout.height <= 640
    assert layout.title.text == "f(x, y)"
    assert list(layout.xaxis.range) == [-3, 3]


def test_for_screen_leaves_the_arrows_whole(field):
    figure = gradient_figure(field, P, [1, 0])
    before = np.asarray(_trace(figure, "∇f (field)").x).copy()
    after = np.asarray(_trace(for_screen(figure), "∇f (field)").x)
    np.testing.assert_allclose(after, before, rtol=1e-6, atol=1e-6)


def test_the_contour_is_f_masked_and_compact():
    field = gradient_field(parse_expression("log(x) + y", XY), (-1, 1), (-1, 1), n=21)
    contour = gradient_figure(field, [0.5, 0], [2, 1]).data[0]
    z = np.asarray(contour.z)
    assert z.shape == (21, 21)
    assert z.dtype == np.float32
    np.testing.assert_array_equal(np.isnan(z), np.isnan(field.z))


# -- the tangent plane ---------------------------------------------------------------------


def test_tangent_plane_figure_has_the_surface_the_plane_and_the_point():
    plane = tangent_plane(F, P, (-3, 3), (-2, 2), n=41)
    figure = tangent_plane_figure(plane)
    surface, tangent, point = figure.data
    assert (surface.type, surface.name) == ("surface", "f(x, y)")
    assert (tangent.type, tangent.name) == ("surface", "tangent plane")
    assert tangent.opacity < 1
    assert surface.opacity is None or surface.opacity == 1
    assert len({colour for _, colour in tangent.colorscale}) == 1
    np.testing.assert_allclose(np.asarray(surface.z), plane.surface, atol=1e-6)
    assert point.type == "scatter3d"
    assert (point.x[0], point.y[0], point.z[0]) == pytest.approx((*P, plane.value))
    scene = figure.layout.scene
    assert [scene.xaxis.title.text, scene.yaxis.title.text, scene.zaxis.title.text] == [
        "x",
        "y",
        "f(x, y)",
    ]
    assert scene.zaxis.range[0] <= plane.value <= scene.zaxis.range[1]
    assert 400 <= figure.layout.height <= 640


def test_the_plane_is_drawn_near_p_and_nowhere_else():
    plane = tangent_plane(F, P, (-3, 3), (-2, 2), n=41)
    shown = np.asarray(tangent_plane_figure(plane).data[1].z, dtype=np.float64)
    near = (np.abs(plane.xs[None, :] - P[0]) < 0.5) & (np.abs(plane.ys[:, None] - P[1]) < 0.3)
    np.testing.assert_allclose(shown[near], plane.plane[near], atol=1e-5)
    assert np.isnan(shown[0, 0])  # the far corner
    finite = shown[np.isfinite(shown)]
    limits = tangent_plane_figure(plane).layout.scene.zaxis.range
    assert np.all((finite >= limits[0]) & (finite <= limits[1]))


# -- the slice along u ----------------------------------------------------------------------


def test_directional_slice_figure():
    slope = directional_derivative(F, P, [1, 1])
    t, values = directional_slice(F, P, slope.unit, 2.0)
    value = partials_at(F, P).value
    figure = directional_slice_figure(t, values, value, slope.by_jvp)
    curve, tangent, point = figure.data
    assert curve.name == "f(p + t u)"
    np.testing.assert_allclose(np.asarray(curve.y), values)
    assert tangent.name.startswith("tangent line")
    np.testing.assert_allclose(np.asarray(tangent.y), value + slope.by_jvp * t, atol=1e-12)
    assert (point.x[0], point.y[0]) == pytest.approx((0, value))
    assert figure.layout.xaxis.title.text == "t (distance along u)"
    assert figure.layout.yaxis.title.text == "f(p + t u)"
    low, high = figure.layout.yaxis.range
    assert low <= np.nanmin(values) <= np.nanmax(values) <= high
