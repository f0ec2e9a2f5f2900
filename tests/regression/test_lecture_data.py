"""QuantEcon's lecture data (core.regression.lecture_data): the older random bits, drawn
without changing any other thread's, and the lecture's own float32 loop."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from core.regression.lecture_data import (
    LECTURE_N,
    lecture_closed_form,
    lecture_descent,
    quantecon_data,
    quantecon_draws,
)


def _default_layout_uniform() -> np.ndarray:
    return np.asarray(jax.random.uniform(jax.random.PRNGKey(1234), (LECTURE_N,), jnp.float32))


def test_the_draws_are_the_lectures_float32_points():
    draws = quantecon_draws()
    assert draws.x.dtype == draws.y.dtype == np.float32
    assert draws.x.shape == draws.y.shape == (LECTURE_N,)
    assert draws.x.min() >= 0
    assert draws.x.max() < 1
    alpha, beta = lecture_closed_form(draws)
    assert str(np.float32(alpha)) == "0.45994443"  # the lecture's printout, digit for digit
    assert abs(np.float32(beta) - np.float32("1.0219053")) <= 2 * np.spacing(np.float32(1.0219053))


def test_the_default_layout_gives_other_points():
    """Since JAX 0.5 the same key gives other numbers: the lecture needs the flag off."""
    assert jax.config.jax_threefry_partitionable
    x = _default_layout_uniform()
    assert not np.array_equal(x, quantecon_draws().x)
    subkey = jax.random.split(jax.random.PRNGKey(1234))[1]
    y = 0.5 * x + 1.0 + 0.1 * np.asarray(jax.random.normal(subkey, (LECTURE_N,), jnp.float32))
    alpha = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    assert alpha == pytest.approx(0.4934, abs=1e-4)


def test_the_older_layout_is_set_for_one_thread_only():
    """While one thread draws inside `threefry_partitionable(False)`, another draws with
    the default layout, as another session would."""
    expected = _default_layout_uniform()
    inside, done = threading.Barrier(2), threading.Barrier(2)
    seen = {}

    def lecture_thread():
        with jax.threefry_partitionable(False):
            inside.wait()
            seen["lecture"] = quantecon_draws().x
            done.wait()

    thread = threading.Thread(target=lecture_thread)
    thread.start()
    inside.wait()  # the other thread is inside the context now
    seen["flag"] = jax.config.jax_threefry_partitionable
    seen["default"] = _default_layout_uniform()
    done.wait()
    thread.join()
    assert seen["flag"] is True
    np.testing.assert_array_equal(seen["default"], expected)
    np.testing.assert_array_equal(seen["lecture"], quantecon_draws().x)
    assert jax.config.jax_threefry_partitionable  # and nothing was left switched off


def test_the_page_fits_float64_copies_of_the_draws():
    data = quantecon_data()
    draws = quantecon_draws()
    assert data.x.dtype == np.float64
    np.testing.assert_array_equal(data.x, draws.x.astype(np.float64))
    assert tuple(data.truth) == (0.5, 1.0)
    assert data.sigma == 0.1


def test_the_lectures_loop_finds_the_line_and_stops_short_on_the_cubic():
    draws = quantecon_draws()
    line = lecture_descent(draws, 1)
    np.testing.assert_allclose(line.coefficients, lecture_closed_form(draws), rtol=3e-7)
    assert line.iterations < 20
    cubic = lecture_descent(draws, 3)
    reference = np.polyfit(draws.x.astype(np.float64), draws.y.astype(np.float64), 3)
    assert cubic.coefficients.dtype == np.float32
    assert np.max(np.abs(cubic.coefficients - reference)) > 0.01


@pytest.mark.parametrize("degree", [-1, 1.5, LECTURE_N])
def test_a_bad_degree_is_refused(degree):
    with pytest.raises(ValueError, match="whole number from 0 to 99"):
        lecture_descent(quantecon_draws(), degree)
