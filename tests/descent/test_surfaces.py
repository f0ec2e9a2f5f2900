"""The surface registry (`core.descent.surfaces`): its texts parse, its minima are stationary
and lowest nearby, and contour grids are f on the grid with nan where f is undefined."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import core.engines.autodiff  # noqa: F401  (float64 for JAX, before any array is made)
from core import parse_expression
from core.descent.surfaces import SURFACE_NAMES, contour_grid, quadratic_bowl, surface, surfaces
from core.language.expression import REFERENCE

REGISTRY = list(surfaces().values())


def _jax_function(parsed):
    def f(v):
        return parsed.jax({REFERENCE: v[0], "x": v[0], "y": v[1]})

    return f


@pytest.mark.parametrize("known", REGISTRY, ids=lambda known: known.name)
def test_registry_text_parses_without_parameters(known):
    parsed = parse_expression(known.text, ("x", "y"))
    assert parsed.parameters == ()
    assert parse_expression(parsed.text, ("x", "y")).text == parsed.text


@pytest.mark.parametrize("known", REGISTRY, ids=lambda known: known.name)
def test_known_stationary_points_have_zero_gradient(known):
    f = _jax_function(parse_expression(known.text, ("x", "y")))
    for point in known.minima + known.saddle_points:
        gradient = jax.grad(f)(jnp.asarray(point, dtype=jnp.float64))
        np.testing.assert_allclose(np.asarray(gradient), 0.0, atol=1e-9)


@pytest.mark.parametrize("known", REGISTRY, ids=lambda known: known.name)
def test_minima_have_a_positive_definite_hessian_and_saddles_do_not(known):
    f = _jax_function(parse_expression(known.text, ("x", "y")))
    for point in known.minima:
        hessian = jax.hessian(f)(jnp.asarray(point, dtype=jnp.float64))
        assert np.linalg.eigvalsh(np.asarray(hessian))[0] > 0
    for point in known.saddle_points:
        hessian = jax.hessian(f)(jnp.asarray(point, dtype=jnp.float64))
        assert np.linalg.eigvalsh(np.asarray(hessian))[0] < 0


@pytest.mark.parametrize("known", REGISTRY, ids=lambda known: known.name)
def test_view_box_shows_the_start_and_the_minima(known):
    for x, y in (known.start, *known.minima, *known.saddle_points):
        assert known.x_range[0] <= x <= known.x_range[1]
        assert known.y_range[0] <= y <= known.y_range[1]


def test_registry_has_the_page_surfaces():
    assert tuple(surfaces()) == SURFACE_NAMES
    assert len(surface("himmelblau").minima) == 4
    assert surface("beale").minima == ((3.0, 0.5),)
    assert surface("rosenbrock").log_contours
    with pytest.raises(ValueError, match="Unknown surface 'ackley'; choose one of: rosenbrock"):
        surface("ackley")


@pytest.mark.parametrize("condition", [1, 10, 1000, 123.5, 1e6])
def test_bowl_has_the_condition_number_asked_for(condition):
    bowl = quadratic_bowl(condition)
    f = _jax_function(parse_expression(bowl.text, ("x", "y")))
    eigenvalues = np.linalg.eigvalsh(np.asarray(jax.hessian(f)(jnp.zeros(2))))
    assert eigenvalues[-1] / eigenvalues[0] == pytest.approx(condition, rel=1e-12)


@pytest.mark.parametrize("condition", [0.5, float("nan"), float("inf"), 1e7])
def test_bowl_rejects_a_bad_condition_number(condition):
    with pytest.raises(ValueError, match="condition number must be between 1 and 1e"):
        quadratic_bowl(condition)


def test_contour_grid_is_f_on_the_grid_rows_along_y():
    parsed = parse_expression("x + 10*y", ("x", "y"))
    xs, ys, z = contour_grid(parsed, (0.0, 1.0), (-1.0, 1.0), n=5)
    np.testing.assert_allclose(xs, np.linspace(0, 1, 5))
    np.testing.assert_allclose(ys, np.linspace(-1, 1, 5))
    assert z.shape == (5, 5)
    np.testing.assert_allclose(z[3, 1], xs[1] + 10 * ys[3])


def test_contour_grid_is_nan_where_f_is_undefined():
    parsed = parse_expression("sqrt(x) + log(y)", ("x", "y"))
    xs, ys, z = contour_grid(parsed, (-1.0, 1.0), (0.0, 1.0), n=11)
    assert np.all(np.isnan(z[:, xs < 0]))
    assert np.all(np.isnan(z[ys == 0, :]))  # log(0) = -inf is not drawn either
    assert np.all(np.isfinite(z[np.ix_(ys > 0, xs >= 0)]))


def test_contour_grid_of_a_constant_and_with_parameters():
    _, _, z = contour_grid(parse_expression("5", ("x", "y")), (0, 1), (0, 1), n=4)
    np.testing.assert_array_equal(z, np.full((4, 4), 5.0))
    parsed = parse_expression("a*x^2 + y^2", ("x", "y"))
    _, _, z = contour_grid(parsed, (1, 2), (0, 1), n=3, params={"a": 3.0})
    assert z[0, 0] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"x_range": (1.0, 0.0)}, "x_range must be two finite numbers"),
        ({"y_range": (0.0, float("inf"))}, "y_range must be two finite numbers"),
        ({"n": 1}, "n must be an integer from 2 to 1000"),
        ({"n": 10.0}, "n must be an integer"),
    ],
)
def test_contour_grid_validates_its_arguments(arguments, words):
    arguments = {"x_range": (0.0, 1.0), "y_range": (0.0, 1.0), **arguments}
    with pytest.raises(ValueError, match=words):
        contour_grid(parse_expression("x*y", ("x", "y")), **arguments)


def test_contour_grid_needs_two_variables():
    with pytest.raises(ValueError, match="two variables"):
        contour_grid(parse_expression("x^2"), (0, 1), (0, 1))
