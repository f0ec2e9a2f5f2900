"""The Sparse Jacobians section's core: the view against closed-form Jacobians written here,
colourings checked row by row, the timing record's passes, and the figures through fig.data."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from core import parse_expression
from core.several_variables import sparse_comparison, sparse_figures
from core.several_variables.column_colouring import column_colouring
from core.several_variables.sparse_comparison import (
    SIZES,
    colouring_is_valid,
    jacobian_timing,
    sparse_view,
)
from core.several_variables.sparse_jacobian import MAX_GRID_SIDE, MAX_UNKNOWNS

U = ("u",)
BRATU = parse_expression("-e^u", U)


def laplacian_1d(n: int) -> np.ndarray:
    """The three-point second difference (no 1/h²): -2 on the diagonal, 1 beside it."""
    return -2 * np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)


def laplacian_2d(m: int) -> np.ndarray:
    """The five-point stencil on an m x m grid, row by row: I ⊗ T + T ⊗ I, T tridiagonal."""
    second = laplacian_1d(m)
    return np.kron(np.eye(m), second) + np.kron(second, np.eye(m))


def test_the_doctests_hold():
    assert doctest.testmod(sparse_comparison).failed == 0


def test_the_offered_sizes_are_valid_problems():
    assert all(1 <= n <= MAX_UNKNOWNS for n in SIZES["1d"])
    sides = [math.isqrt(n) for n in SIZES["2d"]]
    assert [side * side for side in sides] == list(SIZES["2d"])
    assert sides == [3, 5, 10, 20, 30, 50]
    assert max(sides) <= MAX_GRID_SIDE


def test_1d_bratu_at_zero_is_the_closed_form():
    # J = D2 - h² g'(0) I with g'(u) = -e^u: the diagonal is -2 + h².
    n = 30
    h = 1.0 / (n + 1)
    view = sparse_view("1d", BRATU, n)
    want = laplacian_1d(n) + h**2 * np.eye(n)
    np.testing.assert_allclose(view.matrix, want, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(view.pattern, want != 0)
    assert (view.n_passes, view.fewest_possible, view.nonzeros) == (3, 3, 3 * n - 2)
    assert view.valid
    assert view.max_difference < 1e-14
    assert view.block == n
    assert view.compressed.shape == (n, 3)


def test_2d_is_the_five_point_stencil_in_five_passes():
    m = 5
    view = sparse_view("2d", parse_expression("u^2", U), m * m)  # g'(0) = 0: J is the stencil
    want = laplacian_2d(m)
    np.testing.assert_allclose(view.matrix, want, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(view.pattern, want != 0)
    assert (view.n_passes, view.fewest_possible) == (5, 5)
    assert view.valid
    assert view.max_difference < 1e-14
    # Each compressed column is the sum of J's columns of its colour.
    for colour in range(5):
        np.testing.assert_allclose(
            view.compressed[:, colour], want[:, view.colors == colour].sum(axis=1), atol=1e-15
        )


def test_a_large_n_keeps_only_the_top_left_block():
    view = sparse_view("1d", BRATU, 300)
    assert view.block == sparse_comparison.BLOCK
    assert view.pattern.shape == view.matrix.shape == (100, 100)
    assert view.compressed.shape == (100, 3)
    assert view.colors.shape == (300,)
    assert view.nonzeros == 3 * 300 - 2


@pytest.mark.parametrize("seed", range(5))
def test_colouring_validity_agrees_with_a_row_by_row_check(seed):
    rng = np.random.default_rng(seed)
    pattern = rng.random((12, 15)) < 0.2
    colours = column_colouring(pattern)
    assert colouring_is_valid(pattern, colours)
    random_colours = rng.integers(0, 3, 15)
    by_hand = all(
        len(set(random_colours[row.nonzero()[0]].tolist())) == row.sum() for row in pattern
    )
    assert colouring_is_valid(pattern, random_colours) == by_hand


def test_bad_input_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="residual must be '1d'"):
        sparse_view("3d", BRATU, 10)
    with pytest.raises(ValueError, match="perfect square"):
        sparse_view("2d", BRATU, 10)
    with pytest.raises(ValueError, match="one variable"):
        sparse_view("1d", parse_expression("u v", ("u", "v")), 10)
    with pytest.raises(ValueError, match="from 1 to 2500"):
        jacobian_timing("1d", BRATU, 2501)


@pytest.mark.parametrize(("residual", "n", "colours"), [("1d", 10, 3), ("2d", 9, 5)])
def test_a_timing_counts_the_passes_and_measures_each_way(residual, n, colours):
    timing = jacobian_timing(residual, BRATU, n)
    assert (timing.n, timing.colours) == (n, colours)
    assert timing.passes == {"jacfwd": n, "jacrev": n, "coloured": colours}
    seconds = timing[3:]
    assert all(math.isfinite(s) and s > 0 for s in seconds), seconds


def test_the_warm_up_runs_the_small_sizes():
    sparse_comparison.warm_up(BRATU, largest=30, residuals=("1d", "2d"))


# -- figures ------------------------------------------------------------------------------


def _z(trace) -> np.ndarray:
    return np.asarray(trace.z, dtype=float)


def test_the_pattern_and_colouring_figures_show_the_view():
    view = sparse_view("2d", BRATU, 25)
    (pattern,) = sparse_figures.pattern_figure(view).data
    np.testing.assert_array_equal(_z(pattern), view.pattern.astype(float))
    (coloured,) = sparse_figures.colouring_figure(view).data
    z = _z(coloured)
    np.testing.assert_array_equal(np.isnan(z), ~view.pattern)
    for row in z:  # what the picture claims: no colour twice in a row
        shown = row[~np.isnan(row)]
        assert len(set(shown.tolist())) == shown.size
    assert coloured.colorbar.tickvals == tuple(range(5))


def test_the_compression_figure_shows_b_and_the_decompressed_j():
    view = sparse_view("1d", BRATU, 300)
    compressed, matrix = sparse_figures.compression_figure(view).data
    np.testing.assert_array_equal(_z(compressed), view.compressed)
    z = _z(matrix)
    np.testing.assert_array_equal(np.isnan(z), ~view.pattern)
    np.testing.assert_array_equal(z[view.pattern], view.matrix[view.pattern])


def test_the_timing_figure_draws_time_and_passes_per_way():
    timings = [
        sparse_comparison.JacobianTiming("1d", n, 3, 1e-3 * n, 2e-3 * n, 1e-3, 5e-3)
        for n in (10, 30, 100)
    ]
    figure = sparse_figures.timing_figure(timings)
    assert len(figure.data) == 6
    by_name = {trace.name: trace for trace in figure.data}
    np.testing.assert_allclose(by_name["dense jax.jacfwd: n JVPs"].y, [10, 30, 100])
    np.testing.assert_allclose(by_name["coloured: one JVP per colour"].y, [1, 1, 1])
    assert list(by_name["dense jax.jacrev: n VJPs (passes)"].y) == [10, 30, 100]
    assert list(by_name["coloured: one JVP per colour (passes)"].y) == [3, 3, 3]
    assert figure.layout.xaxis.type == figure.layout.yaxis2.type == "log"
