"""Sparse Jacobians by coloured JVPs (`core.several_variables.sparse_jacobian`) against a dense
`jax.jacfwd` of residuals written here independently, closed forms at u = 0, and patterns
and colourings checked entry by entry."""

from __future__ import annotations

import doctest

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from core import parse_expression, parse_vector
from core.language.functions import FUNCTION_NAMES
from core.several_variables import column_colouring, sparse_jacobian, sparsity_pattern
from core.several_variables.column_colouring import fewest_possible_colours
from core.several_variables.sparse_jacobian import (
    MAX_GRID_SIDE,
    MAX_UNKNOWNS,
    residual_function,
)
from core.several_variables.sparsity_pattern import jacobian_pattern

U = ("u",)
EXP = parse_expression("exp(u)", U)
# (typed g, parameters, the same g in jnp, written here): the independent residuals use these
SOURCES = [
    ("exp(u)", {}, jnp.exp),
    ("-l*exp(u)", {"l": 2.5}, lambda u: -2.5 * jnp.exp(u)),
    ("-l*exp(u)", {}, lambda u: -jnp.exp(u)),  # parameters default to 1.0
    ("u^3 + sin(u)", {}, lambda u: u**3 + jnp.sin(u)),
    ("a*tanh(u) - u^2/(1 + u^2)", {"a": -3.0}, lambda u: -3 * jnp.tanh(u) - u**2 / (1 + u**2)),
    ("t^2", {}, lambda t: t**2),  # the variable may have any name
]


def reference_residual(residual: str, source, n: int):
    """F written with jnp indexing, sharing no code with core's `lax` version."""
    if residual == "1d":
        h = 1.0 / (n + 1)

        def F(u):
            padded = jnp.concatenate([jnp.zeros(1), u, jnp.zeros(1)])
            return padded[:-2] - 2 * u + padded[2:] - h**2 * source(u)

        return F
    m = round(n**0.5)
    h = 1.0 / (m + 1)

    def F(u):
        grid = u.reshape(m, m)
        padded = jnp.pad(grid, 1)
        stencil = padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
        return (stencil - 4 * grid).reshape(-1) - h**2 * source(u)

    return F


def stencil_pattern(residual: str, n: int) -> np.ndarray:
    """The pattern written out by hand (for the tests only): neighbours on the line or grid."""
    if residual == "1d":
        return np.abs(np.subtract.outer(np.arange(n), np.arange(n))) <= 1
    m = round(n**0.5)
    path = sparse.diags_array([np.ones(m - 1), np.ones(m), np.ones(m - 1)], offsets=[-1, 0, 1])
    identity = sparse.eye_array(m)
    return (sparse.kron(identity, path) + sparse.kron(path, identity)).toarray() != 0


def assert_valid_colouring(pattern: np.ndarray, colors: np.ndarray) -> None:
    for i, row in enumerate(np.asarray(pattern)):
        row_colours = colors[np.flatnonzero(row)]
        assert len(set(row_colours.tolist())) == len(row_colours), f"row {i}: {row_colours}"


def random_point(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.5, 1.5, n)


# -- the matrix: dense jax.jacfwd and closed forms ------------------------------------------


@pytest.mark.parametrize(("text", "params", "source"), SOURCES)
@pytest.mark.parametrize(
    ("residual", "n"), [("1d", 1), ("1d", 2), ("1d", 9), ("2d", 4), ("2d", 25)]
)
def test_matrix_equals_dense_jacfwd(text, params, source, residual, n):
    g = parse_expression(text, ("t",) if text == "t^2" else U)
    u = random_point(n, seed=n)
    result = sparse_jacobian.sparse_jacobian(residual, g, n, u, params)
    F = reference_residual(residual, source, n)
    dense = np.asarray(jax.jacfwd(F)(jnp.asarray(u)))
    assert result.matrix.shape == (n, n)
    assert result.matrix.dtype == np.float64
    np.testing.assert_allclose(result.matrix, dense, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(result.value, np.asarray(F(jnp.asarray(u))), rtol=1e-13, atol=1e-13)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([("1d", 12), ("2d", 16)]), st.integers(0, 2**32 - 1))
def test_matrix_equals_dense_jacfwd_at_random_points(problem, seed):
    residual, n = problem  # a few sizes, so that JAX compiles each shape once
    g = parse_expression("u^3 - 2exp(-u^2) + sin(3u)", U)
    u = np.random.default_rng(seed).normal(0.0, 2.0, n)
    result = sparse_jacobian.sparse_jacobian(residual, g, n, u)
    source = lambda v: v**3 - 2 * jnp.exp(-(v**2)) + jnp.sin(3 * v)  # noqa: E731
    dense = jax.jacfwd(reference_residual(residual, source, n))(jnp.asarray(u))
    np.testing.assert_allclose(result.matrix, np.asarray(dense), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 200])
def test_1d_at_zero_with_exp_is_tridiagonal_one_minus_two_minus_h2_one(n):
    h = 1.0 / (n + 1)
    want = np.diag(np.full(n, -2.0 - h**2)) + np.eye(n, k=1) + np.eye(n, k=-1)
    result = sparse_jacobian.sparse_jacobian("1d", EXP, n)
    np.testing.assert_allclose(result.matrix, want, rtol=1e-15, atol=0)
    np.testing.assert_allclose(result.value, -(h**2) * np.ones(n), rtol=1e-15)


@pytest.mark.parametrize("m", [1, 2, 3, 6])
def test_2d_at_zero_with_exp_is_the_five_point_matrix(m):
    h = 1.0 / (m + 1)
    neighbours = stencil_pattern("2d", m * m) & ~np.eye(m * m, dtype=bool)
    want = neighbours.astype(float) + np.diag(np.full(m * m, -4.0 - h**2))
    np.testing.assert_allclose(
        sparse_jacobian.sparse_jacobian("2d", EXP, m * m).matrix, want, rtol=1e-15, atol=0
    )


def test_compressed_is_the_jacobian_times_the_seeds():
    u = random_point(16, seed=3)
    result = sparse_jacobian.sparse_jacobian("2d", EXP, 16, u)
    assert result.compressed.shape == result.seeds.shape == (16, result.n_passes)
    np.testing.assert_array_equal(result.seeds.sum(axis=1), np.ones(16))  # each column once
    np.testing.assert_array_equal(result.seeds.argmax(axis=1), result.colors)
    np.testing.assert_allclose(result.compressed, result.matrix @ result.seeds, atol=1e-14)


def test_a_row_where_g_is_undefined_is_undefined():
    u = np.array([0.5, -1.0, 0.5, 0.5])  # log(-1) is undefined: F_2 and its row are nan
    result = sparse_jacobian.sparse_jacobian("1d", parse_expression("log(u)", U), 4, u)
    assert np.isnan(result.matrix[1]).all()
    assert np.isfinite(np.delete(result.matrix, 1, axis=0)).all()


# -- the pattern: detected, not written -----------------------------------------------------


@pytest.mark.parametrize(("residual", "n"), [("1d", 7), ("1d", 30), ("2d", 9), ("2d", 49)])
@pytest.mark.parametrize("text", ["exp(u)", "u^3 + cos(u)", "atan(u) + u^2"])
def test_pattern_is_the_nonzero_pattern_of_the_dense_jacobian(residual, n, text):
    u = random_point(n, seed=n)
    g = parse_expression(text, U)
    result = sparse_jacobian.sparse_jacobian(residual, g, n, u)
    dense = np.asarray(jax.jacfwd(residual_function(residual, g, n))(jnp.asarray(u)))
    assert result.pattern.dtype == bool
    np.testing.assert_array_equal(result.pattern, dense != 0)
    np.testing.assert_array_equal(result.pattern, stencil_pattern(residual, n))


@pytest.mark.parametrize(
    "text",
    [f"{name}(u)" for name in FUNCTION_NAMES]
    + ["max(u, 0)", "min(u, 1)", "where(u > 0, u, 1)", "|u|", "u^u", "2^u", "u^-3", "7", "u^0.5"],
)
def test_every_function_of_the_language_passes_the_detector(text):
    g = parse_expression(text, U)
    pattern = jacobian_pattern(residual_function("1d", g, 6), 6)
    np.testing.assert_array_equal(pattern.toarray(), stencil_pattern("1d", 6))


def test_the_detector_reads_any_function_not_only_stencils():
    def scrambled(u):
        return jnp.concatenate([u[::-1] * u[0], jnp.sin(u[1:3]), jnp.broadcast_to(u[4], (2,))])

    u = jnp.asarray(random_point(6, seed=1))
    dense = np.asarray(jax.jacfwd(scrambled)(u))
    np.testing.assert_array_equal(jacobian_pattern(scrambled, 6).toarray(), dense != 0)


def test_a_primitive_without_a_rule_is_refused_not_guessed():
    with pytest.raises(NotImplementedError, match="no rule for the JAX primitive 'cumsum'"):
        jacobian_pattern(jnp.cumsum, 5)


# -- the colouring ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(1, MAX_UNKNOWNS))
def test_1d_colouring_is_valid_with_three_colours_for_every_n(n):
    pattern = stencil_pattern("1d", n)
    colors = column_colouring.column_colouring(pattern)
    assert_valid_colouring(pattern, colors)
    assert colors.max() + 1 == min(n, 3) == fewest_possible_colours(pattern)


@pytest.mark.parametrize("m", range(1, MAX_GRID_SIDE + 1))
def test_2d_colouring_is_valid_with_five_colours_for_every_grid(m):
    pattern = stencil_pattern("2d", m * m)
    colors = column_colouring.column_colouring(sparse.csr_array(pattern))
    assert_valid_colouring(pattern, colors)
    if m == 2:  # every two of the 4 points share a row: 4 colours, above the bound 3
        assert colors.max() + 1 == 4 > fewest_possible_colours(pattern)
    else:
        assert colors.max() + 1 == min(m * m, 5) == fewest_possible_colours(pattern)


def test_colouring_of_a_dense_or_empty_pattern():
    assert sorted(column_colouring.column_colouring(np.ones((3, 4), bool)).tolist()) == [0, 1, 2, 3]
    assert column_colouring.column_colouring(np.eye(4, dtype=bool)).tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize(("residual", "n", "passes"), [
    ("1d", 1, 1), ("1d", 2, 2), ("1d", 3, 3), ("1d", 10, 3), ("1d", 317, 3), ("1d", 2500, 3),
    ("2d", 1, 1), ("2d", 4, 4), ("2d", 9, 5), ("2d", 64, 5), ("2d", 400, 5), ("2d", 2500, 5),
])  # fmt: skip
def test_n_passes_is_the_number_of_colours_whatever_n(residual, n, passes):
    result = sparse_jacobian.sparse_jacobian(residual, EXP, n)
    assert result.n_passes == passes == result.colors.max() + 1
    assert result.colors.shape == (n,)
    assert_valid_colouring(result.pattern, result.colors)
    if residual == "1d" and n >= 3:
        assert result.colors.tolist() == [i % 3 for i in range(n)]


def test_the_jvps_are_counted_one_per_colour(monkeypatch):
    calls = []
    original = jax.jvp

    def counting_jvp(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(sparse_jacobian.jax, "jvp", counting_jvp)
    for n, passes in [(9, 5), (100, 5), (900, 5)]:
        calls.clear()
        assert sparse_jacobian.sparse_jacobian("2d", EXP, n).n_passes == passes
        assert len(calls) == passes


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("residual", "n", "message"),
    [
        ("3d", 9, r"residual must be '1d' .* or '2d' .*got '3d'"),
        ("1D", 9, "residual must be '1d'"),
        ("1d", 0, r"n must be a whole number from 1 to 2500 for the 1d residual.*got 0"),
        ("1d", 2.0, "n must be a whole number from 1 to 2500"),
        ("1d", True, "n must be a whole number"),
        ("1d", MAX_UNKNOWNS + 1, "50 MB"),
        ("2d", 10, r"perfect square .*got n = 10 \(the nearest are 9 and 16\)"),
        ("2d", 0, r"perfect square m\^2 with m from 1 to 50.*got n = 0\."),
        ("2d", 3600, r"m from 1 to 50 \(n from 1 to 2500\); got n = 3600\."),
        ("2d", 9.0, "perfect square"),
    ],
)
def test_bad_residual_or_size_says_what_to_give(residual, n, message):
    with pytest.raises(ValueError, match=message):
        sparse_jacobian.sparse_jacobian(residual, EXP, n)


def test_g_of_two_variables_is_refused():
    g = parse_expression("u*v", ("u", "v"))
    with pytest.raises(ValueError, match=r"g must be a function of one variable.*\(u, v\)"):
        sparse_jacobian.sparse_jacobian("1d", g, 5)


def test_g_that_is_not_one_parsed_expression_is_refused():
    with pytest.raises(ValueError, match="scalar function"):
        sparse_jacobian.sparse_jacobian("1d", parse_vector("[u, u^2]", U), 5)
    with pytest.raises(TypeError, match="parsed function"):
        sparse_jacobian.sparse_jacobian("1d", "exp(u)", 5)


@pytest.mark.parametrize(
    ("residual", "n", "point", "message"),
    [
        ("1d", 5, [0.0, 1.0], r"needs 5 numbers \(the 1d residual has n = 5 unknowns"),
        ("2d", 9, np.zeros(4), r"needs 9 numbers \(.*the 3 x 3 grid row by row\)"),
        ("1d", 2, [0.0, np.nan], "finite numbers"),
        ("1d", 2, ["a", "b"], "must be numbers"),
    ],
)
def test_a_bad_point_says_what_to_give(residual, n, point, message):
    with pytest.raises(ValueError, match=message):
        sparse_jacobian.sparse_jacobian(residual, EXP, n, point)


def test_an_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="q is not a parameter of -l\\*exp\\(u\\)"):
        sparse_jacobian.sparse_jacobian("1d", parse_expression("-l*exp(u)", U), 3, params={"q": 1})


def test_docstring_examples_run():
    for module in (sparse_jacobian, sparsity_pattern, column_colouring):
        result = doctest.testmod(module, verbose=False)
        assert result.attempted > 0
        assert result.failed == 0, module.__name__
