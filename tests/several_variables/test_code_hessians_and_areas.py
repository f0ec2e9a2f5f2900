"""The code behind the Hessians and change-of-variables sections runs on its own and
computes what core computes (`core.several_variables.code_hessians_and_areas`).

Each snippet is executed in a fresh namespace and its values are compared with
`core.several_variables.derivatives`, closed forms and the lectures' numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import gradient, hessian, jacobian, parse_expression, parse_vector
from core.several_variables.code_hessians_and_areas import change_of_variables_code, hessian_code
from tests.several_variables.snippets import (
    SCALARS,
    UV,
    XY,
    XYZ,
    assert_close,
    params_of,
    run_snippet,
)

TWO_PI = 2 * math.pi


# -- Hessian and stationary points ---------------------------------------------------------

HIMMELBLAU_STATIONARY = [  # 4 minima, 1 maximum, 4 saddles
    (3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848126),
    (-0.270845, -0.923039), (-3.073026, -0.081353), (3.385154, 0.073852),
    (0.086678, 2.884255), (-0.127961, -1.953715),
]  # fmt: skip


@pytest.mark.parametrize(("text", "variables", "point"), SCALARS)
def test_hessian_snippet_matches_core(text, variables, point):
    parsed = parse_expression(text, variables)
    params = params_of(parsed)
    namespace, _ = run_snippet(hessian_code(parsed, point, params))
    expected = hessian(parsed, point, params)
    assert_close(namespace["H"], expected, rtol=1e-8)
    assert_close(namespace["eigenvalues"], np.linalg.eigvalsh(expected), rtol=1e-8)


def test_hessian_snippet_finds_rosenbrock_s_minimum_and_its_hessian():
    rosenbrock = parse_expression("(1 - x)^2 + 100(y - x^2)^2", XY)
    namespace, output = run_snippet(hessian_code(rosenbrock, [1, 1]))
    assert_close(namespace["H"], [[802.0, -400.0], [-400.0, 200.0]])
    found = np.asarray(namespace["points"])[namespace["found"]]
    assert len(found) > 0
    assert_close(found, np.ones_like(found), rtol=1e-8)
    assert output.splitlines()[-1].startswith("[1. 1.]")


def test_hessian_snippet_finds_himmelblau_s_stationary_points():
    himmelblau = parse_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", XY)
    namespace, _ = run_snippet(hessian_code(himmelblau, [3, 2], x_range=(-5, 5), y_range=(-5, 5)))
    found = np.asarray(namespace["points"])[namespace["found"]]
    for point in found:
        assert np.linalg.norm(gradient(himmelblau, point)) < 1e-6
        distances = np.linalg.norm(np.array(HIMMELBLAU_STATIONARY) - point, axis=1)
        assert distances.min() < 1e-5
    # Newton from 49 starts reaches several of them: at least the four minima's basins.
    assert len(np.unique(np.round(found, 4), axis=0)) >= 4


def test_hessian_snippet_of_three_variables_has_no_grid_search():
    parsed = parse_expression("x*y*z + x^2", XYZ)
    code = hessian_code(parsed, [1, 2, 3])
    assert "newton_step" not in code
    namespace, _ = run_snippet(code)
    assert_close(namespace["H"], hessian(parsed, [1, 2, 3]))


# -- change of variables --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[u cos(v), u sin(v)]", "[cos(v)*u, sin(v)u]"])
def test_polar_map_gives_pi_both_ways(text):
    polar = parse_vector(text, UV)
    code = change_of_variables_code(polar, (0, 1), (0, TWO_PI))
    assert "dblquad(lambda v, u:" in code  # func(inner, outer)
    namespace, _ = run_snippet(code)
    assert abs(namespace["area_uv"] - math.pi) < 1e-7
    assert abs(namespace["area_xy"] - math.pi) < 1e-7
    centre = np.array([0.5, math.pi])
    assert_close(namespace["det_J"](centre), np.linalg.det(jacobian(polar, centre)))


def test_polar_annulus_both_ways():
    polar = parse_vector("[r cos(t), r sin(t)]", ("r", "t"))
    namespace, _ = run_snippet(change_of_variables_code(polar, (0.5, 2), (-math.pi, math.pi)))
    area = math.pi * (2**2 - 0.5**2)
    assert abs(namespace["area_uv"] - area) < 1e-7
    assert abs(namespace["area_xy"] - area) < 1e-7


@pytest.mark.parametrize(
    ("text", "u_range", "v_range", "area"),
    [
        ("[2u + v, u - v]", (0, 1), (0, 2), 6.0),  # |det J| = 3
        ("[a*u, v + u^2]", (0, 1), (0, 1), 2.0),  # det J = a = 2
        ("[u cos(v), u sin(v)]", (0, 1), (0, math.pi), math.pi / 2),  # a half disc
        ("[T*u, v*exp(u)]", (0, 1), (-1, 1), 2.5 * (math.e - 1)),  # det J = T e^u
    ],
)
def test_other_maps_give_their_area(text, u_range, v_range, area):
    mapping = parse_vector(text, UV)
    code = change_of_variables_code(mapping, u_range, v_range, params_of(mapping))
    assert "area_xy" not in code
    namespace, _ = run_snippet(code)
    assert abs(namespace["area_uv"] - area) < 1e-7
    centre = np.array([sum(u_range) / 2, sum(v_range) / 2])
    expected = np.linalg.det(jacobian(mapping, centre, params=params_of(mapping)))
    assert_close(namespace["det_J"](centre), expected)
