"""A change of variables' map (`core.several_variables.maps`) and its figure: det J
against closed forms and SymPy, at a point and on a grid, the image of a grid of lines,
and the figure's traces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import parse_vector
from core.several_variables.change_figures import MAX_TRACE_POINTS, change_figure
from core.several_variables.maps import (
    POLAR,
    VARIABLES,
    determinant_grid,
    grid_image,
    jacobian_determinant,
    polar_map,
)
from tests.several_variables.sympy_oracle import smooth_expressions, sympy_jacobian

TURN = (0.0, 2 * math.pi)
UNIT = (0.0, 1.0)


def vector(text: str):
    return parse_vector(text, VARIABLES)


def map_texts():
    """Texts of maps [x(u, v), y(u, v)] with components smooth on the whole plane."""
    leaves = st.sampled_from(["u", "v", "u", "v", "2", "3", "0.5", "pi"])
    component = smooth_expressions(leaves)
    return st.builds(lambda a, b: f"[{a}, {b}]", component, component)


# -- det J ---------------------------------------------------------------------------------


def test_the_polar_map_is_the_lectures():
    polar = polar_map()
    assert polar.variables == VARIABLES
    assert len(polar) == 2
    assert polar.text == vector(POLAR).text


@given(st.floats(-3, 3), st.floats(-10, 10))
@settings(max_examples=40, deadline=None)
def test_the_polar_determinant_is_rho(rho, theta):
    assert jacobian_determinant(polar_map(), [rho, theta]) == pytest.approx(
        rho, rel=1e-13, abs=1e-14
    )


@given(map_texts(), st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_determinant_agrees_with_sympys_jacobian(text, point):
    mapping = vector(text)
    (a, b), (c, d) = matrix = sympy_jacobian(mapping, point)
    exact = float(a * d - b * c)
    if not math.isfinite(exact) or abs(exact) > 1e8:
        return
    got = jacobian_determinant(mapping, point)
    scale = max(1.0, float(np.abs(matrix).max()) ** 2)
    assert got == pytest.approx(exact, abs=1e-10 * scale)


@pytest.mark.parametrize(
    ("text", "determinant"),
    [
        ("[2u cos(v), u sin(v)]", lambda u, _v: 2 * u),
        ("[u + v/2, v]", lambda _u, _v: 1.0),
        ("[u^2 - v^2, 2 u v]", lambda u, v: 4 * (u**2 + v**2)),
        ("[v, u]", lambda _u, _v: -1.0),
        ("[exp(u) cos(v), exp(u) sin(v)]", lambda u, _v: math.exp(2 * u)),
    ],
)
def test_determinants_in_closed_form(text, determinant):
    for u, v in [(0.3, 0.4), (1.2, -0.7), (-0.5, 2.0)]:
        assert jacobian_determinant(vector(text), [u, v]) == pytest.approx(
            determinant(u, v), rel=1e-13, abs=1e-14
        )


def test_the_determinant_grid_is_rho_and_matches_point_by_point():
    grid = determinant_grid(polar_map(), UNIT, TURN, n=11)
    assert grid.determinant.shape == (11, 11)
    np.testing.assert_allclose(grid.us, np.linspace(0, 1, 11))
    np.testing.assert_allclose(grid.vs, np.linspace(*TURN, 11))
    np.testing.assert_allclose(grid.determinant, np.tile(grid.us, (11, 1)), atol=1e-14)
    square = vector("[u^2 - v^2, 2 u v]")
    grid = determinant_grid(square, (-1, 2), (0, 1), n=5)
    for i, j in [(0, 0), (1, 3), (4, 2)]:
        expected = jacobian_determinant(square, [grid.us[j], grid.vs[i]])
        assert grid.determinant[i, j] == pytest.approx(expected, rel=1e-14)


# -- the grid's image and the figure ---------------------------------------------------------


def test_the_polar_grid_becomes_circles_and_rays():
    image = grid_image(polar_map(), UNIT, TURN, lines=6, points=51)
    assert len(image.u_lines) == len(image.v_lines) == 6
    assert image.step == 10
    for rho, circle in zip(image.us, image.u_lines, strict=True):
        assert circle.shape == (51, 2)
        np.testing.assert_allclose(np.hypot(*circle.T), rho, atol=1e-14)
    for theta, ray in zip(image.vs, image.v_lines, strict=True):
        np.testing.assert_allclose(ray[-1], [math.cos(theta), math.sin(theta)], atol=1e-14)
    for i in range(6):  # the crossings are shared samples: F(us[i], vs[j])
        for j in range(6):
            np.testing.assert_allclose(
                image.u_lines[i][j * image.step], image.v_lines[j][i * image.step], atol=1e-15
            )


def test_undefined_points_of_the_image_are_gaps():
    image = grid_image(vector("[log(u), v]"), UNIT, UNIT, lines=3, points=5)
    assert np.isnan(image.u_lines[0]).all(axis=1).all()  # u = 0
    assert np.isfinite(image.u_lines[1]).all()


def test_the_figure_of_lines_only():
    image = grid_image(polar_map(), UNIT, TURN, lines=11)
    fig = change_figure(
        image, uv_title="(u, v) = (ρ, θ)", u_title="u = ρ", v_title="v = θ", u_name="ρ",
        v_name="θ",
    )  # fmt: skip
    assert len(fig.data) == 2 + 2 * 11
    assert {trace.type for trace in fig.data} == {"scatter"}
    left = [t for t in fig.data if t.xaxis in (None, "x")]
    right = [t for t in fig.data if t.xaxis == "x2"]
    assert len(left) == 2
    assert len(right) == 22
    assert all(t.yaxis == "y2" for t in right)
    assert [t.name for t in fig.data if t.showlegend is not False] == ["ρ = const", "θ = const"]
    layout = fig.layout
    assert layout.height == 460
    assert layout.yaxis.scaleanchor is None  # the (u, v) box fills its panel
    assert layout.yaxis2.scaleanchor == "x2"
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == ("u = ρ", "v = θ")
    assert (layout.xaxis2.title.text, layout.yaxis2.title.text) == ("x", "y")
    assert [a.text for a in layout.annotations] == ["(u, v) = (ρ, θ)", "(x, y) = F(u, v)"]
    assert layout.xaxis.domain[1] < layout.xaxis2.domain[0]


def test_the_figure_coloured_by_the_determinant():
    image = grid_image(polar_map(), UNIT, TURN, lines=11)
    determinant = determinant_grid(polar_map(), UNIT, TURN)
    fig = change_figure(image, determinant)
    heatmap = fig.data[0]
    assert heatmap.type == "heatmap"
    assert heatmap.colorbar.title.text == "|det J|"
    np.testing.assert_allclose(heatmap.z, np.abs(determinant.determinant))
    cells = [t for t in fig.data if getattr(t, "fill", None) == "toself"]
    assert cells
    assert all(t.xaxis == "x2" and len(t.x) <= MAX_TRACE_POINTS for t in cells)
    # every one of the 10 × 10 cells is drawn once: one gap after each outline
    assert sum(int(np.isnan(t.x).sum()) for t in cells) == 100
    # under the polar map |det J| = ρ: the cells' colour levels grow outwards
    inner = next(t for t in cells if np.nanmax(np.hypot(t.x, t.y)) <= 0.1 + 1e-9)
    outer = next(t for t in cells if np.nanmin(np.hypot(t.x, t.y)) >= 0.9 - 1e-9)
    assert inner.fillcolor != outer.fillcolor
