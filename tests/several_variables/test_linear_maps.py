"""JVP and VJP as pictures (`core.several_variables.linear_maps`, `.linear_map_figures`):
the lecture's closed forms, J v = J @ v and uᵀJ = u @ J against SymPy, the circle's gap
shrinking like r², the errors, and the figure through fig.data and fig.layout."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import parse_expression, parse_vector
from core.several_variables.derivatives import jacobian
from core.several_variables.linear_map_figures import NAMES, push_pull_figure
from core.several_variables.linear_maps import (
    CircleImage,
    PushPull,
    circle_image,
    push_and_pull,
)
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    points,
    smooth_expressions,
    sympy_jacobian,
    sympy_values,
)

LECTURE = parse_vector("[x^2 + y^2, x*y]")
PYCSE = parse_vector("[x^2*y, 5x + sin(y)]")
E1 = [1.0, 0.0]
PLANE_POINTS = [(3.0, 2.0), (0.5, -0.25), (-1.5, 0.75), (0.0, 0.0)]
vectors = st.tuples(st.floats(-2, 2), st.floats(-2, 2))


def lecture_jacobian(x1, x2):
    return np.array([[2 * x1, 2 * x2], [x2, x1]])


# -- push forward, pull back ----------------------------------------------------------------


@pytest.mark.parametrize("point", PLANE_POINTS)
def test_the_lecture_push_and_pull_along_e1(point):
    x1, x2 = point
    result = push_and_pull(LECTURE, point, E1, E1)
    assert isinstance(result, PushPull)
    np.testing.assert_allclose(result.value, [x1**2 + x2**2, x1 * x2], atol=1e-14)
    np.testing.assert_allclose(result.jacobian, lecture_jacobian(x1, x2), atol=1e-14)
    np.testing.assert_allclose(result.pushed, [2 * x1, x2], atol=1e-14)  # J e1
    np.testing.assert_allclose(result.pulled, [2 * x1, 2 * x2], atol=1e-14)  # e1ᵀ J
    np.testing.assert_array_equal(result.tangent, E1)
    np.testing.assert_array_equal(result.cotangent, E1)
    np.testing.assert_array_equal(result.point, point)
    for array in result:
        assert array.dtype == np.float64


@given(points, vectors, vectors)
@settings(max_examples=25, deadline=None)
def test_push_and_pull_are_products_with_the_jacobian(point, tangent, cotangent):
    result = push_and_pull(PYCSE, point, tangent, cotangent)
    J = jacobian(PYCSE, point)
    np.testing.assert_allclose(result.jacobian, J, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(result.pushed, J @ np.array(tangent), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.pulled, np.array(cotangent) @ J, rtol=1e-12, atol=1e-12)


@given(smooth_expressions(), smooth_expressions(), points, vectors, vectors)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_push_and_pull_against_sympy(first, second, point, tangent, cotangent):
    f = parse_vector(f"[{first}, {second}]")
    result = push_and_pull(f, point, tangent, cotangent)
    J = sympy_jacobian(f, point)
    assert_close_where_moderate(result.value, sympy_values(f, point), 1e-11, "f(p)")
    assert_close_where_moderate(result.jacobian, J, 1e-10, "J")
    if np.isfinite(J).all() and np.abs(J).max() < 1e8:
        assert_close_where_moderate(result.pushed, J @ np.array(tangent), 1e-10, "J v")
        assert_close_where_moderate(result.pulled, np.array(cotangent) @ J, 1e-10, "uᵀJ")


def test_push_and_pull_for_other_shapes():
    f = parse_vector("[x*y*z, x + 2y + 3z]", ("x", "y", "z"))  # R^3 -> R^2
    result = push_and_pull(f, [1, 2, 3], [0, 0, 1], [0, 1])
    np.testing.assert_allclose(result.pushed, [2.0, 3.0], atol=1e-14)
    np.testing.assert_allclose(result.pulled, [1.0, 2.0, 3.0], atol=1e-14)
    assert result.jacobian.shape == (2, 3)
    g = parse_expression("x^2*y", ("x", "y"))  # R^2 -> R^1
    result = push_and_pull(g, [2, 3], [1, 1], [2])
    np.testing.assert_allclose(result.pushed, [12.0 + 4.0], atol=1e-13)
    np.testing.assert_allclose(result.pulled, [24.0, 8.0], atol=1e-13)
    assert (result.value.shape, result.cotangent.shape) == ((1,), (1,))


def test_push_and_pull_refuse_bad_vectors():
    with pytest.raises(ValueError, match="tangent needs 2 numbers"):
        push_and_pull(LECTURE, [1, 2], [1, 0, 0], E1)
    with pytest.raises(ValueError, match="cotangent needs 2 numbers"):
        push_and_pull(LECTURE, [1, 2], E1, [1])
    with pytest.raises(ValueError, match="point needs 2 numbers"):
        push_and_pull(LECTURE, [1], E1, E1)


# -- the circle and its images -------------------------------------------------------------


@pytest.mark.parametrize("point", PLANE_POINTS)
def test_the_lecture_circle_and_its_images(point):
    radius = 0.3
    result = circle_image(LECTURE, point, radius)
    assert isinstance(result, CircleImage)
    assert result.circle.shape == result.image.shape == result.linear.shape == (181, 2)
    p = np.asarray(point)
    np.testing.assert_allclose(np.hypot(*(result.circle - p).T), radius, rtol=1e-14)
    np.testing.assert_allclose(result.circle[0], result.circle[-1], atol=1e-14)  # closed
    x1, x2 = result.circle.T
    np.testing.assert_allclose(result.image, np.stack([x1**2 + x2**2, x1 * x2], 1), atol=1e-13)
    want = result.value + (result.circle - p) @ lecture_jacobian(*p).T
    np.testing.assert_allclose(result.linear, want, atol=1e-13)
    # f − linearisation = (r², r² cos t sin t): r² √(1 + ¼ sin² 2t), at most r² √1.25
    angles = np.linspace(0, 2 * np.pi, 181)
    want = radius**2 * np.sqrt(1 + np.sin(2 * angles) ** 2 / 4).max()
    assert result.max_gap == pytest.approx(want, rel=1e-12)
    assert result.max_gap <= radius**2 * math.sqrt(1.25)
    assert result.radius == radius


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("[x^2 + y^2, x*y]", (0.7, -0.3)),
        ("[x^2*y, 5x + sin(y)]", (0.5, 0.5)),
        ("[exp(x)*cos(y), exp(x)*sin(y)]", (0.3, 0.2)),
        ("[sin(x + y), x*y^2 + cos(x)]", (-0.4, 1.1)),
    ],
)
def test_the_gap_shrinks_like_the_radius_squared(text, point):
    radii = np.logspace(-1, -3, 5)
    gaps = [circle_image(parse_vector(text), point, r).max_gap for r in radii]
    slope = np.polyfit(np.log(radii), np.log(gaps), 1)[0]
    assert abs(slope - 2) < 0.2


def test_small_circles_nearly_coincide_and_large_ones_do_not():
    small = circle_image(LECTURE, (1, 0.5), 0.01)
    large = circle_image(LECTURE, (1, 0.5), 1.0)
    assert small.max_gap < 0.02 * small.radius  # 1% of the radius: the curves coincide
    assert large.max_gap > 0.5 * large.radius


def test_where_f_is_undefined_the_image_is_nan():
    result = circle_image(parse_vector("[sqrt(x), y]"), (0.05, 0.0), 0.1)
    undefined = result.circle[:, 0] < 0
    assert undefined.any()
    assert np.isnan(result.image[undefined]).all()
    assert np.isfinite(result.image[~undefined]).all()
    assert math.isfinite(result.max_gap)


@pytest.mark.parametrize(
    ("f", "message"),
    [
        (parse_vector("[x, y, x*y]"), "f has 3 components; type two, as"),
        (parse_vector("[x*y]"), "f has 1 component; type two"),
        (parse_expression("x*y", ("x", "y")), "f has 1 component; type two"),
        (parse_vector("[x*z, y]", ("x", "y", "z")), "f is a function of 3 variables"),
    ],
)
def test_the_circle_needs_a_map_of_the_plane_to_the_plane(f, message):
    with pytest.raises(ValueError, match="The pictures need a map of the plane to the plane"):
        circle_image(f, [0.5] * len(f.variables), 0.1)
    with pytest.raises(ValueError, match=message):
        circle_image(f, [0.5] * len(f.variables), 0.1)


@pytest.mark.parametrize("radius", [0, -0.1, math.nan, math.inf, "wide", True, None])
def test_a_bad_radius_is_refused(radius):
    with pytest.raises(ValueError, match="radius must be a positive number"):
        circle_image(LECTURE, (1, 1), radius)


@pytest.mark.parametrize("n", [3, 7, 2002, 100.0, True])
def test_a_bad_number_of_points_is_refused(n):
    with pytest.raises(ValueError, match="n \\(points on the circle\\) must be a whole number"):
        circle_image(LECTURE, (1, 1), 0.1, n=n)


def test_a_circle_needs_a_parsed_function():
    with pytest.raises(TypeError, match="parsed function"):
        circle_image("[x, y]", (1, 1), 0.1)


# -- the figure -----------------------------------------------------------------------------

INPUT_NAMES = [NAMES[k] for k in ("circle", "tangent", "pulled", "point")]
OUTPUT_NAMES = [NAMES[k] for k in ("image", "linear", "pushed", "cotangent", "value")]


def lecture_figure(circle: bool = True, tangent=E1, variables=("x", "y")):
    result = push_and_pull(LECTURE, (1, 0.5), tangent, E1)
    image = circle_image(LECTURE, (1, 0.5), 0.5) if circle else None
    return result, image, push_pull_figure(result, image, variables=variables)


def test_the_figure_draws_each_thing_in_its_plane():
    _, _, fig = lecture_figure()
    names = [trace.name for trace in fig.data]
    assert sorted(names) == sorted(INPUT_NAMES + OUTPUT_NAMES)
    for trace in fig.data:
        panel = ("x", "y") if trace.name in INPUT_NAMES else ("x2", "y2")
        assert (trace.xaxis, trace.yaxis) == panel, trace.name
    assert {"v (tangent)", "uᵀJ (pulled back)", "J v (pushed forward)", "u (covector)"} <= set(
        names
    )
    legend_order = sorted(fig.data, key=lambda trace: trace.legendrank)
    assert [t.name for t in legend_order][:2] == ["p", "v (tangent)"]
    assert legend_order[4].name == "f(p)"


def test_the_figure_layout():
    _, _, fig = lecture_figure(variables=("x1", "x2"))
    layout = fig.layout
    assert layout.height == 480
    assert layout.xaxis.domain[1] < layout.xaxis2.domain[0]  # side by side
    assert (layout.yaxis.scaleanchor, layout.yaxis.scaleratio) == ("x", 1)
    assert (layout.yaxis2.scaleanchor, layout.yaxis2.scaleratio) == ("x2", 1)
    assert (layout.xaxis2.anchor, layout.yaxis2.anchor) == ("y2", "x2")
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == ("x1", "x2")
    assert (layout.xaxis2.title.text, layout.yaxis2.title.text) == ("f₁", "f₂")
    titles = [a.text for a in layout.annotations]
    assert titles == ["input plane (x1, x2)", "output plane (f₁, f₂)"]
    for x_axis, y_axis in ((layout.xaxis, layout.yaxis), (layout.xaxis2, layout.yaxis2)):
        width = x_axis.range[1] - x_axis.range[0]
        assert width == pytest.approx(y_axis.range[1] - y_axis.range[0])  # square


def test_each_panel_holds_everything_drawn_in_it():
    _, _, fig = lecture_figure()
    for trace in fig.data:
        axes = ("xaxis", "yaxis") if trace.xaxis == "x" else ("xaxis2", "yaxis2")
        for values, axis in ((trace.x, axes[0]), (trace.y, axes[1])):
            low, high = fig.layout[axis].range
            finite = np.asarray(values, dtype=float)
            finite = finite[np.isfinite(finite)]
            assert ((low <= finite) & (finite <= high)).all(), trace.name


def test_the_arrows_start_where_they_should_and_have_heads():
    result, _, fig = lecture_figure()
    by_name = {trace.name: trace for trace in fig.data}
    p, fp = result.point, result.value
    for name, tail, vector in [
        ("v (tangent)", p, result.tangent),
        ("uᵀJ (pulled back)", p, result.pulled),
        ("J v (pushed forward)", fp, result.pushed),
        ("u (covector)", fp, result.cotangent),
    ]:
        trace = by_name[name]
        xs, ys = np.asarray(trace.x), np.asarray(trace.y)
        assert len(xs) == 6  # tail, tip, barb, tip, barb, tip
        np.testing.assert_allclose([xs[0], ys[0]], tail, atol=1e-12)
        tip = tail + vector
        for i in (1, 3, 5):
            np.testing.assert_allclose([xs[i], ys[i]], tip, atol=1e-12)
        for i in (2, 4):  # barbs point back along the shaft
            back = np.array([xs[i], ys[i]]) - tip
            assert back @ vector < 0
    assert by_name["v (tangent)"].line.color == by_name["J v (pushed forward)"].line.color
    assert by_name["u (covector)"].line.color == by_name["uᵀJ (pulled back)"].line.color
    assert by_name["v (tangent)"].line.color != by_name["u (covector)"].line.color
    assert by_name["f(p) + J(q − p)"].line.dash == "dash"


def test_the_figure_without_a_circle_and_with_a_zero_tangent():
    result, _, fig = lecture_figure(circle=False, tangent=[0.0, 0.0])
    names = {trace.name for trace in fig.data}
    assert names == {
        NAMES[k] for k in ("point", "tangent", "pulled", "value", "pushed", "cotangent")
    }
    tangent = next(trace for trace in fig.data if trace.name == "v (tangent)")
    assert len(tangent.x) == 2  # a zero vector has no direction: no head
    np.testing.assert_allclose(result.pushed, [0.0, 0.0])


def test_the_figure_survives_an_undefined_derivative():
    f = parse_vector("[sqrt(x), y]")  # ∂√x/∂x is infinite at x = 0
    result = push_and_pull(f, (0.0, 0.5), E1, E1)
    assert not np.isfinite(result.pushed).all()
    fig = push_pull_figure(result, circle_image(f, (0.0, 0.5), 0.1))
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert all(math.isfinite(bound) for bound in fig.layout[axis].range)
    pushed = next(trace for trace in fig.data if trace.name == NAMES["pushed"])
    assert len(pushed.x) == 2  # no direction, no head


def test_the_figure_needs_a_map_of_the_plane_to_the_plane():
    result = push_and_pull(parse_vector("[x, y, x*y]"), (1, 2), E1, [1, 0, 0])
    with pytest.raises(ValueError, match="f maps 2 variables to 3 components; type two"):
        push_pull_figure(result)


def test_the_circle_must_be_around_the_same_point():
    result = push_and_pull(LECTURE, (1, 0.5), E1, E1)
    elsewhere = circle_image(LECTURE, (0, 0), 0.1)
    with pytest.raises(ValueError, match="same point"):
        push_pull_figure(result, elsewhere)
