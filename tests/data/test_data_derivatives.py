"""Derivatives of data: convergence orders from log-log slopes, noise, CSV files, download."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import CubicSpline

from core import parse_expression
from core.data.derivatives import (
    METHODS,
    Settings,
    data_view,
    derivative_matrix,
    derivatives_csv,
    edge_errors,
    estimate,
    estimate_all,
    matrix_corner,
    rms_error,
    smoothing_lambda,
)
from core.data.figures import sweep_figure
from core.data.samples import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    DataError,
    read_csv,
    sample_function,
    sample_grid,
)
from core.data.sweeps import SAMPLE_COUNTS, noise_floor, noise_sweep, spacing_sweep

COUNTS = (40, 80, 160, 320, 640)
SPAN = (-2.0, 2.0)


def f(x):
    return np.sin(2 * x) + x / 2


def df(x):
    return 2 * np.cos(2 * x) + 0.5


def slope(method: str, grid: str = "uniform", part: slice = slice(None)) -> float:
    """The order p in error ~ h^p, fitted over COUNTS on noise-free samples of f."""
    errors = []
    for n in COUNTS:
        x = sample_grid(n, SPAN, grid, np.random.default_rng(1))
        values, _ = estimate(method, x, f(x))
        errors.append(np.max(np.abs(values - df(x))[part]))
    spacing = (SPAN[1] - SPAN[0]) / (np.array(COUNTS) - 1)
    return float(np.polyfit(np.log(spacing), np.log(errors), 1)[0])


# --- convergence orders -----------------------------------------------------------------


@pytest.mark.parametrize("grid", ["uniform", "random"])
@pytest.mark.parametrize("method", ["gradient2", "fd_matrix"])
def test_second_order_methods_converge_like_h_squared(method, grid):
    assert abs(slope(method, grid, slice(1, -1)) - 2) < 0.3  # interior
    assert abs(slope(method, grid) - 2) < 0.3  # the one-sided ends are second order too


def test_edge_order_one_is_first_order_at_the_ends_only():
    # Uniform grid only: on a random one the end gap is a fresh draw for each n.
    assert abs(slope("gradient1", "uniform", slice(1, -1)) - 2) < 0.3
    assert abs(slope("gradient1", "uniform", slice(0, 1)) - 1) < 0.3
    assert abs(slope("gradient1", "uniform", slice(-1, None)) - 1) < 0.3
    assert abs(slope("gradient1", "random", slice(1, -1)) - 2) < 0.3


@pytest.mark.parametrize("grid", ["uniform", "random"])
def test_cubic_spline_converges_at_least_like_h_cubed(grid):
    assert slope("cubic_spline", grid) > 2.7


def test_high_degree_polynomial_fit_of_a_smooth_function_is_nearly_exact():
    x = np.linspace(*SPAN, 200)
    values, note = estimate("polynomial", x, f(x), Settings(degree=25))
    assert np.max(np.abs(values - df(x))) < 1e-9
    assert "degree 25" in note


def test_polynomial_degree_is_capped_by_the_number_of_points():
    x = np.linspace(0, 1, 6)
    values, note = estimate("polynomial", x, x**3, Settings(degree=20))
    assert "degree 5" in note
    np.testing.assert_allclose(values, 3 * x**2, atol=1e-9)


def test_derivative_matrix_is_np_gradient_on_a_non_uniform_grid():
    x = sample_grid(300, (0.0, 5.0), "random", np.random.default_rng(7))
    y = np.exp(np.sin(x))
    np.testing.assert_allclose(
        derivative_matrix(x) @ y, np.gradient(y, x, edge_order=2), rtol=1e-12, atol=1e-12
    )


def test_matrix_corner_shows_the_central_and_one_sided_stencils():
    h = 0.1
    corner = matrix_corner(np.arange(50) * h)
    assert corner.shape == (6, 6)
    np.testing.assert_allclose(corner[0, :3], np.array([-3, 4, -1]) / (2 * h))
    for i in range(1, 5):
        expected = np.array([-1, 0, 1]) / (2 * h)
        np.testing.assert_allclose(corner[i, i - 1 : i + 2], expected, atol=1e-12)
    x = sample_grid(40, (0.0, 3.0), "random", np.random.default_rng(3))
    np.testing.assert_allclose(matrix_corner(x), derivative_matrix(x).toarray()[:6, :6])


coordinates = st.floats(-50, 50, allow_nan=False)
grids = st.lists(coordinates, min_size=5, max_size=40, unique=True).map(sorted)


@settings(max_examples=60, deadline=None)
@given(grids, st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5))
def test_the_matrix_differentiates_quadratics_exactly_on_any_grid(points, a, b, c):
    x = np.array(points)
    if np.min(np.diff(x)) < 1e-3 * (x[-1] - x[0]):
        return  # nearly repeated points: exact in theory, ill-conditioned in floating point
    values = derivative_matrix(x) @ (a + b * x + c * x**2)
    np.testing.assert_allclose(values, b + 2 * c * x, atol=1e-6 * (1 + abs(b) + abs(c) * 100))


@settings(max_examples=30, deadline=None)
@given(grids, st.floats(-5, 5), st.floats(-5, 5))
def test_every_method_is_exact_on_straight_lines(points, a, b):
    x = np.array(points)
    if np.min(np.diff(x)) < 1e-3 * (x[-1] - x[0]):
        return
    for method in METHODS:
        values, _ = estimate(method, x, a + b * x, Settings(degree=3, smoothness=4.0))
        np.testing.assert_allclose(values, b, atol=1e-6, err_msg=method)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="Unknown method"):
        estimate("magic", np.arange(5.0), np.arange(5.0))


# --- smoothing and noise ----------------------------------------------------------------


def test_smoothing_spline_beats_differences_on_noisy_data():
    samples = sample_function(parse_expression("sin(2x) + x/2"), 400, SPAN, noise=0.01, seed=2)
    estimates = estimate_all(samples, ["gradient2", "smoothing_spline"])
    fd = rms_error(estimates.derivatives["gradient2"], samples.true_derivative)
    smooth = rms_error(estimates.derivatives["smoothing_spline"], samples.true_derivative)
    assert smooth < fd / 5
    assert any("GCV" in note for note in estimates.notes)


def test_smoothness_zero_passes_through_every_point_and_more_is_smoother():
    x = np.linspace(*SPAN, 100)
    y = f(x) + 0.05 * np.random.default_rng(0).standard_normal(100)
    assert smoothing_lambda(x, 0) == 0
    rough, _ = estimate("smoothing_spline", x, y, Settings(smoothness=0.0))
    # lam = 0 is the interpolating spline with natural ends (f'' = 0 there).
    np.testing.assert_allclose(rough, CubicSpline(x, y, bc_type="natural")(x, 1), atol=1e-6)
    wiggle = [np.sum(np.abs(np.diff(estimate("smoothing_spline", x, y, Settings(smoothness=s))[0])))
              for s in (2.0, 5.0, 8.0)]  # fmt: skip
    assert wiggle[0] > wiggle[1] > wiggle[2]


def test_with_noise_a_finer_grid_makes_finite_differences_worse():
    parsed = parse_expression("sin(2x) + x/2")
    sweep = spacing_sweep(parsed, "fd_matrix", Settings(), 1e-2, SPAN)
    assert tuple(sweep.counts) == SAMPLE_COUNTS
    assert sweep.rms[-1] > 3 * np.min(sweep.rms)
    assert np.all(np.diff(sweep.rms[-4:]) > 0)
    # At the finest grid the error is the noise passed on, sigma / (sqrt(2) h) or so.
    floor = noise_floor(1e-2, sweep.spacing)
    assert 0.5 < sweep.rms[-1] / floor[-1] < 2


def test_with_noise_the_smoothing_spline_does_not_blow_up_on_a_finer_grid():
    parsed = parse_expression("sin(2x) + x/2")
    sweep = spacing_sweep(parsed, "smoothing_spline", Settings(smoothness=5.0), 1e-2, SPAN)
    fd = spacing_sweep(parsed, "fd_matrix", Settings(), 1e-2, SPAN)
    assert sweep.rms[-1] < fd.rms[-1] / 10


def test_error_grows_in_proportion_to_the_noise_once_noise_dominates():
    parsed = parse_expression("sin(2x) + x/2")
    sweep = noise_sweep(parsed, "gradient2", Settings(), 200, SPAN)
    assert sweep.noise[0] == pytest.approx(1e-6)
    assert sweep.noise[-1] == pytest.approx(1e-1)
    assert np.all(np.diff(sweep.rms) >= -1e-12)
    # From 1e-2 to 1e-1 the noise term dominates: ten times the noise, ~ten times the error.
    assert 7 < sweep.rms[-1] / sweep.rms[-3] < 11


# --- sampling ---------------------------------------------------------------------------


def test_samples_are_reproducible_sorted_and_distinct():
    parsed = parse_expression("x^2")
    first = sample_function(parsed, 50, (-1, 1), "random", 0.1, seed=5)
    again = sample_function(parsed, 50, (-1, 1), "random", 0.1, seed=5)
    np.testing.assert_array_equal(first.x, again.x)
    np.testing.assert_array_equal(first.y, again.y)
    assert first.x[0] == -1
    assert first.x[-1] == 1
    assert np.all(np.diff(first.x) > 0)
    assert np.std(np.diff(first.x)) > 0.1 * np.mean(np.diff(first.x))  # really non-uniform
    np.testing.assert_allclose(first.true_derivative, 2 * first.x, atol=1e-12)
    assert 0.05 < np.std(first.y - first.exact) < 0.2


def test_sampling_a_function_that_is_not_finite_raises_a_data_error():
    with pytest.raises(DataError, match="not finite at x"):
        sample_function(parse_expression("log(x)"), 50, (-1, 1))


@pytest.mark.parametrize(
    ("n", "x_range", "grid", "match"),
    [(3, (0, 1), "uniform", "n must be"), (50, (1, 0), "uniform", "low < high"),
     (50, (0, 1), "chebyshev", "Unknown grid")],
)  # fmt: skip
def test_bad_sampling_arguments_are_rejected(n, x_range, grid, match):
    with pytest.raises(ValueError, match=match):
        sample_function(parse_expression("x"), n, x_range, grid)


# --- CSV files --------------------------------------------------------------------------

ROWS = "".join(f"{x},{x * x}\n" for x in (3, 1, 4, 0, 2, 5))


@pytest.mark.parametrize(
    "text",
    [ROWS, "x,y\n" + ROWS, "time;position\n" + ROWS.replace(",", ";"),
     ROWS.replace(",", "\t"), ROWS.replace(",", "  "), '"x","y"\n\n' + ROWS + "\n"],
    ids=["no-header", "header", "semicolons", "tabs", "spaces", "quoted-and-blank-lines"],
)  # fmt: skip
def test_a_valid_file_is_read_and_sorted_by_x(text):
    samples = read_csv(text.encode())
    np.testing.assert_array_equal(samples.x, [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(samples.y, [0, 1, 4, 9, 16, 25])
    assert samples.true_derivative is None
    assert samples.note == ""


def test_extra_columns_are_ignored_with_a_note_and_utf8_bom_is_accepted():
    samples = read_csv(("\ufeffx,y,z\n" + ROWS.replace("\n", ",7\n")).encode())
    assert samples.note == "Used the first two of 3 columns."
    assert len(samples.x) == 6


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\xff\xfe\x00x\x00,\x00y", "not UTF-8 text"),
        (b"", "The file is empty"),
        (b"\n \n", "The file is empty"),
        (b"x\n1\n2\n3\n4\n5\n", "Row 1 has only one column"),
        (b"x,y\n1,2\n3\n4,5\n", "Row 3 has only one column"),
        (b"x,y\n1,2\n2,3\n3,abc\n4,5\n5,6\n", "Row 4 is not numeric: 'abc'"),
        (b"1,2\n2,nan\n3,4\n4,5\n5,6\n", "Row 2 has a value that is not finite"),
        (b"1,2\n2,3\ninf,4\n4,5\n5,6\n", "Row 3 has a value that is not finite"),
        (b"x,y\n1,2\n2,3\n3,4\n4,5\n", "4 data rows; at least 5"),
        (b"1,2\n2,3\n3,4\n2,5\n5,6\n", r"x = 2 appears twice \(rows 2 and 4\)"),
        (b"1,1\n" * (MAX_CSV_BYTES // 4 + 1), "the limit is 200 kB"),
        (b"".join(b"%d,1\n" % k for k in range(MAX_CSV_ROWS + 1)), "the limit is 10000"),
    ],
    ids=["not-utf8", "empty", "blank", "one-column", "short-row", "non-numeric",
         "nan", "inf", "too-few-rows", "duplicate-x", "too-big", "too-many-rows"],
)  # fmt: skip
def test_every_bad_file_gets_one_specific_sentence(data, match):
    with pytest.raises(DataError, match=match) as caught:
        read_csv(data)
    message = str(caught.value)
    assert message.endswith(".")
    assert message.count(". ") == 0  # one sentence


def test_a_long_bad_cell_is_shortened_in_the_message():
    with pytest.raises(DataError, match=r"Row 2 is not numeric: 'xxxxxxxxxxxxxxxxx\.\.\.'"):
        read_csv(b"1,2\n" + b"x" * 1000 + b",3\n")


# --- results, edges and the download ---------------------------------------------------


def test_edge_table_shows_one_sided_differences_err_most_at_the_ends():
    samples = sample_function(parse_expression("sin(2x) + x/2"), 200, SPAN)
    rows = {row.method: row for row in edge_errors(estimate_all(samples, METHODS))}
    assert set(rows) == set(METHODS.values())
    assert rows[METHODS["gradient1"]].ratio > 10
    assert rows[METHODS["gradient1"]].ratio > rows[METHODS["gradient2"]].ratio


def test_download_has_x_y_the_truth_and_one_column_per_method():
    samples = sample_function(parse_expression("x^3"), 30, (0, 1), noise=0.01, seed=1)
    methods = ["gradient2", "cubic_spline", "polynomial"]
    view = data_view(samples, methods)
    reader = list(csv.reader(io.StringIO(view.csv)))
    assert reader[0] == ["x", "y", "true_derivative", *methods]
    table = np.array(reader[1:], dtype=float)
    assert table.shape == (30, 6)
    np.testing.assert_array_equal(table[:, 0], samples.x)  # exact round trip
    np.testing.assert_array_equal(table[:, 4], view.estimates.derivatives["cubic_spline"])


def test_uploaded_data_have_no_truth_column_and_no_edge_table():
    estimates = estimate_all(read_csv(ROWS.encode()), ["gradient1"])
    assert derivatives_csv(estimates).splitlines()[0] == "x,y,gradient1"
    assert edge_errors(estimates) == []


def test_sweep_axes_label_one_tick_per_decade():
    # Plotly's default log ticks over 1.7 decades read "9 8 7 6 5 4 3": unreadable.
    parsed = parse_expression("sin(x)")
    sweep = spacing_sweep(parsed, "gradient2", Settings(), 1e-2, SPAN)
    layout = sweep_figure([sweep], "spacing").layout
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.type == "log"
        assert axis.dtick == 1
        assert axis.exponentformat == "power"
