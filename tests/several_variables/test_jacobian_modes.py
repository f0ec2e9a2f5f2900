"""Forward against reverse sweeps (`core.several_variables.jacobian_modes`): the tall and
wide examples' Jacobians against closed forms and SymPy, the table's sweep counts, and
its errors. No test compares times: only that they are positive and finite."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import parse_expression, parse_vector
from core.several_variables.derivatives import jacobian
from core.several_variables.jacobian_modes import (
    ModeTiming,
    mode_timings,
    sweep_jacobian,
    warm_up,
)
from core.several_variables.point_function import as_vector_function
from core.several_variables.tall_and_wide import example_functions, space
from tests.several_variables.sympy_oracle import (
    assert_close_where_moderate,
    smooth_expressions,
    sympy_jacobian,
)

PYCSE = parse_vector("[x^2*y, 5x + sin(y)]")
XYZ = ("x", "y", "z")
MODES = ["forward", "reverse"]


def pycse_values(x, y):
    return np.array([x**2 * y, 5 * x + np.sin(y)])


def pycse_jacobian(x, y):
    return np.array([[2 * x * y, x**2], [5.0, np.cos(y)]])


def scales(k):
    """The documented copies s_k = 1 + 0.1 (2k/(K − 1) − 1), k = 0, ..., K − 1."""
    return 1 + 0.1 * (2 * np.arange(k) / (k - 1) - 1)


# -- the examples ---------------------------------------------------------------------------


def test_the_examples_of_the_pycse_function():
    tall, wide = example_functions(PYCSE)
    assert (tall.label, wide.label) == ("tall: ℝ² → ℝ¹⁰⁰", "wide: ℝ¹⁰⁰ → ℝ²")
    assert (tall.inputs, tall.outputs, wide.inputs, wide.outputs) == (2, 100, 100, 2)
    np.testing.assert_array_equal(tall.point, [0.5, 0.5])  # the default point
    assert wide.point.shape == (100,)
    for example in (tall, wide):
        assert example.construction.endswith(".")
        assert example.construction.count(". ") == 0  # one sentence
        out = example.function(jax.numpy.asarray(example.point))
        assert out.shape == (example.outputs,)
        assert out.dtype == np.float64


@pytest.mark.parametrize("point", [(0.5, 0.5), (-1.2, 2.0), (0.0, 0.0)])
def test_the_tall_example_stacks_f_at_the_scaled_points(point):
    tall, _ = example_functions(PYCSE, point=point)
    s = scales(50)
    copies = s[:, None] * np.asarray(point)
    want = np.concatenate([pycse_values(*q) for q in copies])
    np.testing.assert_allclose(tall.function(jax.numpy.asarray(tall.point)), want, atol=1e-14)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("point", [(0.5, 0.5), (-1.2, 2.0), (3.0, -0.7)])
def test_the_tall_jacobian_stacks_the_chain_rule(mode, point):
    tall, _ = example_functions(PYCSE, point=point)
    s = scales(50)
    # d/dp f(s p) = s J_f(s p)
    want = np.vstack([sk * pycse_jacobian(*(sk * np.asarray(point))) for sk in s])
    J = sweep_jacobian(tall.function, tall.point, mode)
    assert J.shape == (100, 2)
    np.testing.assert_allclose(J, want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("point", [(0.5, 0.5), (-1.2, 2.0)])
def test_the_wide_jacobian_is_the_mean_of_the_blocks(mode, point):
    _, wide = example_functions(PYCSE, point=point)
    q = wide.point.reshape(50, 2)
    np.testing.assert_allclose(q, scales(50)[:, None] * np.asarray(point), rtol=1e-15)
    want = np.hstack([pycse_jacobian(*qk) for qk in q]) / 50
    J = sweep_jacobian(wide.function, wide.point, mode)
    assert J.shape == (2, 100)
    np.testing.assert_allclose(J, want, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        wide.function(jax.numpy.asarray(wide.point)),
        np.mean([pycse_values(*qk) for qk in q], axis=0),
        atol=1e-14,
    )


def test_the_sizes_follow_the_numbers_of_components_and_variables():
    f = parse_vector("[x*y, y*z, x*z, x + y + z]", XYZ)
    tall, wide = example_functions(f, size=25)
    assert (tall.label, wide.label) == ("tall: ℝ³ → ℝ²⁴", "wide: ℝ²⁴ → ℝ⁴")  # K = 6 and 8
    scalar = parse_expression("x*y*z", XYZ)
    tall, wide = example_functions(scalar, size=30, point=(1, 2, 3))
    assert (tall.label, wide.label) == ("tall: ℝ³ → ℝ³⁰", "wide: ℝ³⁰ → ℝ¹")
    s = scales(30)
    want = np.array([[sk * 6 * sk**2, sk * 3 * sk**2, sk * 2 * sk**2] for sk in s])
    for mode in MODES:
        np.testing.assert_allclose(
            sweep_jacobian(tall.function, tall.point, mode), want, rtol=1e-13
        )


def test_parameters_reach_the_examples():
    f = parse_vector("[a*x, y]")
    tall, _ = example_functions(f, size=8, params={"a": 3.0})
    J = sweep_jacobian(tall.function, tall.point, "reverse")
    np.testing.assert_allclose(J[0::2, 0], 3.0 * scales(4), rtol=1e-14)
    np.testing.assert_allclose(J[1::2, 1], scales(4), rtol=1e-14)


@given(smooth_expressions(), smooth_expressions(), st.tuples(st.floats(-1, 1), st.floats(-1, 1)))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_both_sweeps_agree_with_sympy_on_smooth_functions(first, second, point):
    f = parse_vector(f"[{first}, {second}]")
    tall, wide = example_functions(f, size=8, point=point)
    s = scales(4)
    copies = s[:, None] * np.asarray(point)
    tall_want = np.vstack([sk * sympy_jacobian(f, q) for sk, q in zip(s, copies, strict=True)])
    wide_want = np.hstack([sympy_jacobian(f, q) for q in copies]) / 4
    for mode in MODES:
        assert_close_where_moderate(
            sweep_jacobian(tall.function, tall.point, mode), tall_want, 1e-9, f"tall {mode}"
        )
        assert_close_where_moderate(
            sweep_jacobian(wide.function, wide.point, mode), wide_want, 1e-9, f"wide {mode}"
        )


@pytest.mark.parametrize("mode", MODES)
def test_sweeps_match_jax_jacobian_on_the_typed_function(mode):
    J = sweep_jacobian(as_vector_function(PYCSE), [0.5, 0.5], mode)
    np.testing.assert_allclose(J, [[0.5, 0.25], [5.0, 0.87758256]], atol=5e-9)
    np.testing.assert_allclose(J, jacobian(PYCSE, [0.5, 0.5]), rtol=1e-15)


# -- the table ------------------------------------------------------------------------------


def test_the_table_of_the_pycse_function():
    rows = mode_timings(PYCSE, [0.5, 0.5])
    assert [r.label for r in rows] == ["f: ℝ² → ℝ²", "tall: ℝ² → ℝ¹⁰⁰", "wide: ℝ¹⁰⁰ → ℝ²"]
    assert [(r.inputs, r.outputs) for r in rows] == [(2, 2), (2, 100), (100, 2)]
    assert [(r.jvps, r.vjps) for r in rows] == [(2, 2), (2, 100), (100, 2)]
    assert [r.expected for r in rows] == ["either", "forward", "reverse"]
    for row in rows:
        assert isinstance(row, ModeTiming)
        assert 0 < row.forward_seconds < math.inf
        assert 0 < row.reverse_seconds < math.inf
        assert row.max_difference <= 1e-13
        assert row.faster in {"forward", "reverse"}
        assert row.speedup >= 1.0
        assert row.construction.endswith(".")


def test_the_table_of_a_scalar_function_of_three_variables():
    rows = mode_timings(parse_expression("x*y + sin(z)", XYZ), [1, 2, 3], size=12, repeats=1)
    assert [(r.jvps, r.vjps) for r in rows] == [(3, 1), (3, 12), (12, 1)]
    assert [r.expected for r in rows] == ["reverse", "forward", "reverse"]
    assert all(r.max_difference <= 1e-13 for r in rows)


def test_mode_timing_properties():
    row = ModeTiming("tall", 2, 100, 2, 100, 0.002, 0.05, 0.0, "T.")
    assert (row.expected, row.faster) == ("forward", "forward")
    assert row.speedup == pytest.approx(25.0)
    row = row._replace(jvps=100, vjps=2, forward_seconds=0.04, reverse_seconds=0.01)
    assert (row.expected, row.faster, row.speedup) == ("reverse", "reverse", pytest.approx(4.0))


def test_a_difference_within_the_runs_spread_is_called_noise():
    # The row: 14 ms against 11 ms, with runs that overlap: no "reverse 1.3×".
    row = ModeTiming(
        "f", 2, 2, 2, 2, 0.014, 0.011, 0.0, "F.",
        forward_runs=(0.010, 0.014, 0.016), reverse_runs=(0.009, 0.011, 0.015),
    )  # fmt: skip
    assert row.faster == "reverse"  # by the medians
    assert not row.distinct
    assert row.verdict == "neither: within the noise"
    # Runs that do not overlap: a real difference, with its factor.
    row = row._replace(forward_runs=(0.013, 0.014, 0.016), reverse_runs=(0.010, 0.011, 0.012))
    assert row.distinct
    assert row.verdict == "reverse, 1.3× faster"


def test_every_measurement_keeps_at_least_three_runs():
    # One run has no spread: the table could not tell a difference from noise.
    for row in mode_timings(PYCSE, [0.5, 0.5], size=12):
        assert len(row.forward_runs) >= 3
        assert len(row.reverse_runs) >= 3
        assert min(row.forward_runs) <= row.forward_seconds <= max(row.forward_runs)
    (row, *_) = mode_timings(PYCSE, [0.5, 0.5], size=12, repeats=1)
    assert len(row.forward_runs) == 1  # repeats caps the runs


def test_space_writes_the_dimension_as_a_superscript():
    assert (space(2), space(100), space(37)) == ("ℝ²", "ℝ¹⁰⁰", "ℝ³⁷")


def test_warm_up_runs(monkeypatch):
    from core.language import functions

    monkeypatch.setattr(functions, "FUNCTION_NAMES", ("sin",))
    warm_up(size=8, components=(1, 2))


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [True, 7.5, 3, 7, 501, "100"])
def test_a_bad_size_is_refused(size):
    with pytest.raises(ValueError, match="size must be a whole number from 8 to 500"):
        example_functions(PYCSE, size=size)


def test_the_size_must_leave_two_copies_of_f():
    f = parse_vector("[x, y, z, x*y*z]", XYZ)
    with pytest.raises(ValueError, match="from 8 to"):
        example_functions(f, size=7)
    example_functions(f, size=8)


@pytest.mark.parametrize("repeats", [0, 26, 2.5, True])
def test_bad_repeats_are_refused(repeats):
    with pytest.raises(ValueError, match="repeats must be a whole number from 1 to 25"):
        mode_timings(PYCSE, [0.5, 0.5], repeats=repeats)


def test_a_bad_point_is_refused():
    with pytest.raises(ValueError, match="point needs 2 numbers"):
        mode_timings(PYCSE, [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="finite"):
        example_functions(PYCSE, point=[np.nan, 0.0])


def test_text_is_not_a_function():
    with pytest.raises(TypeError, match="parsed function"):
        mode_timings("[x, y]", [0.5, 0.5])


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be 'forward' or 'reverse'"):
        sweep_jacobian(as_vector_function(PYCSE), [0.5, 0.5], "sideways")
