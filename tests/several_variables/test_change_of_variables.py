"""Areas by a change of variables (`core.several_variables.change_of_variables`): by
dblquad two ways and by the boundary (Green's theorem), and the errors, of the areas and
of the maps they are given."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import parse_expression, parse_vector
from core.several_variables.change_of_variables import (
    MAX_EVALUATIONS,
    area_by_change_of_variables,
    boundary_area,
    disc_area_in_xy,
)
from core.several_variables.maps import (
    POLAR,
    VARIABLES,
    determinant_grid,
    grid_image,
    jacobian_determinant,
    polar_map,
)

TURN = (0.0, 2 * math.pi)
UNIT = (0.0, 1.0)


def vector(text: str):
    return parse_vector(text, VARIABLES)


# -- areas -----------------------------------------------------------------------------------


def test_the_unit_disc_is_pi_both_ways():
    polar = area_by_change_of_variables(polar_map(), UNIT, TURN)
    in_xy = disc_area_in_xy()
    for integral in (polar, in_xy):
        assert integral.value == pytest.approx(math.pi, abs=1e-8)
        assert 0 <= integral.error_estimate < 1e-8
        assert integral.evaluations > 0
    assert polar.how == "dblquad of |det J| over u ∈ [0, 1], v ∈ [0, 6.283]"
    assert in_xy.how == "dblquad of 1 over x ∈ [-1, 1], y ∈ [-√(1 − x²), √(1 − x²)]"
    assert disc_area_in_xy(2.0).value == pytest.approx(4 * math.pi, abs=1e-7)
    assert "√(2² − x²)" in disc_area_in_xy(2.0).how


@pytest.mark.parametrize(
    ("text", "u_range", "v_range", "area"),
    [
        ("[2u cos(v), u sin(v)]", UNIT, TURN, 2 * math.pi),  # the ellipse x²/4 + y² <= 1
        ("[u + v/2, v]", UNIT, UNIT, 1.0),  # a shear keeps area: 1 per unit area
        ("[u + v/2, v]", (-1, 2), (0, 0.5), 1.5),
        ("[u^2 - v^2, 2 u v]", UNIT, UNIT, 8 / 3),  # ∬ 4(u² + v²) over [0, 1]²
        ("[exp(u) cos(v), exp(u) sin(v)]", UNIT, (0, math.pi), (math.e**2 - 1) * math.pi / 2),
        ("[v, u]", UNIT, (0, 2), 2.0),  # a reflection: det J = -1
    ],
)
def test_areas_of_one_to_one_maps_agree_with_the_boundary(text, u_range, v_range, area):
    mapping = vector(text)
    by_change = area_by_change_of_variables(mapping, u_range, v_range)
    assert by_change.value == pytest.approx(area, rel=1e-9)
    # Green's theorem: the signed area inside the image of the boundary; det J keeps
    # one sign on each of these rectangles, so |signed| is the area.
    assert abs(boundary_area(mapping, u_range, v_range)) == pytest.approx(area, rel=1e-8)


def test_the_boundary_area_is_signed_and_counts_overlaps():
    assert boundary_area(vector("[v, u]"), UNIT, (0, 2)) == pytest.approx(-2.0, rel=1e-10)
    assert boundary_area(polar_map(), UNIT, TURN) == pytest.approx(math.pi, rel=1e-9)
    twice = (0.0, 4 * math.pi)  # the disc covered twice
    assert area_by_change_of_variables(polar_map(), UNIT, twice).value == pytest.approx(
        2 * math.pi, rel=1e-9
    )
    assert boundary_area(polar_map(), UNIT, twice) == pytest.approx(2 * math.pi, rel=1e-8)
    # u ↦ u² folds [-1, 1] onto [0, 1]: |det J| counts both layers, the boundary cancels
    fold = vector("[u^2, v]")
    assert area_by_change_of_variables(fold, (-1, 1), (-1, 1)).value == pytest.approx(4.0)
    assert boundary_area(fold, (-1, 1), (-1, 1)) == pytest.approx(0.0, abs=1e-10)


def test_the_boundary_area_converges_at_fourth_order():
    errors = [abs(boundary_area(polar_map(), UNIT, TURN, n=n) - math.pi) for n in (33, 65, 129)]
    slopes = np.diff(np.log(errors)) / np.diff(np.log([32, 64, 128]))
    assert np.all(np.abs(slopes + 4) < 0.3), slopes


def test_parameters_of_the_map():
    mapping = vector("[a u cos(v), b u sin(v)]")
    area = area_by_change_of_variables(mapping, UNIT, TURN, params={"a": 2, "b": 3})
    assert area.value == pytest.approx(6 * math.pi, rel=1e-10)
    with pytest.raises(ValueError, match="c is not a parameter"):
        area_by_change_of_variables(mapping, UNIT, TURN, params={"c": 1})


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "u_range", "place"),
    [
        ("[1/u cos(v), 1/u sin(v)]", UNIT, "u = 0"),  # |det J| = 1/u³
        ("[u, v/(u - 0.5)]", UNIT, "u = 0.5"),
    ],
)
def test_an_integral_that_does_not_converge_is_one_sentence(text, u_range, place):
    with pytest.raises(ValueError, match=r"^The integral does not converge") as raised:
        area_by_change_of_variables(vector(text), u_range, TURN)
    assert str(raised.value) == (
        f"The integral does not converge: |det J| is infinite or undefined near {place}; "
        "choose a range that avoids it."
    )


def test_a_folded_map_that_needs_too_many_evaluations_says_why():
    with pytest.raises(ValueError, match=f"needs more than {MAX_EVALUATIONS:,} evaluations: det J"):
        area_by_change_of_variables(vector("[u v, u + v^2]"), (-1, 1), (-1, 1))


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (vector("[u, v, u v]"), r"The map needs two components.*; \[u, v, u\*v\] has 3\."),
        (vector("[u]"), "The map needs two components"),
        (parse_expression("u v", VARIABLES), "The map needs two components.* has 1"),
        (parse_vector("[x, y]"), r"must be a function of u and v .*; it is a function of x, y\."),
        (parse_vector("[u, v]", ("u", "v", "w")), "must be a function of u and v"),
    ],
)
def test_a_map_of_the_wrong_shape_is_one_sentence(mapping, message):
    for call in (
        lambda: jacobian_determinant(mapping, [0.5, 0.5]),
        lambda: area_by_change_of_variables(mapping, UNIT, UNIT),
        lambda: boundary_area(mapping, UNIT, UNIT),
        lambda: grid_image(mapping, UNIT, UNIT),
        lambda: determinant_grid(mapping, UNIT, UNIT),
    ):
        with pytest.raises(ValueError, match=message):
            call()


def test_bad_ranges_and_counts():
    with pytest.raises(ValueError, match="u_range must be two finite numbers with low < high"):
        area_by_change_of_variables(polar_map(), (1, 0), TURN)
    with pytest.raises(ValueError, match="v_range must be two numbers"):
        boundary_area(polar_map(), UNIT, (0,))
    with pytest.raises(ValueError, match="n must be odd"):
        boundary_area(polar_map(), UNIT, TURN, n=100)
    with pytest.raises(ValueError, match="n must be a whole number"):
        determinant_grid(polar_map(), UNIT, TURN, n=1)
    with pytest.raises(ValueError, match="lines must be a whole number"):
        grid_image(polar_map(), UNIT, TURN, lines=1)
    with pytest.raises(ValueError, match="The radius must be a positive number"):
        disc_area_in_xy(-1.0)
    with pytest.raises(ValueError, match=r"undefined at \(u, v\) = \(0, 0\) on the rectangle's"):
        boundary_area(vector("[log(u), v]"), UNIT, UNIT)
    with pytest.raises(TypeError):
        jacobian_determinant(POLAR, [1, 1])
