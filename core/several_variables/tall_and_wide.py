"""A tall and a wide map built from a typed f, whose Jacobians are known from J_f.

From f: R^d -> R^m, with K copies of f at the scaled points s_k p,
s_k = 1 + 0.1 (2k/(K − 1) − 1) ∈ [0.9, 1.1]:

- tall T: R^d -> R^(mK), T(p) = (f(s_0 p), ..., f(s_{K-1} p)); J_T stacks s_k J_f(s_k p);
- wide W: R^(dK) -> R^m, W(q_0, ..., q_{K-1}) = (1/K) Σ_k f(q_k), at q_k = s_k p;
  J_W = (1/K) [J_f(q_0) ... J_f(q_{K-1})].

Forward mode needs d sweeps for J_T and dK for J_W, reverse mode mK and m: what
core.several_variables.jacobian_modes times. Built from `lax` primitives and `vmap`;
nothing is compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import numpy as np
from jax import lax
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.language.vector import ParsedVector
from core.several_variables.arguments import is_whole_number, point_vector, variables_phrase
from core.several_variables.point_function import Function, as_vector_function, require_function

MIN_SIZE, MAX_SIZE = 8, 500  # outputs of the tall example, inputs of the wide one
SCALE_SPREAD = 0.1  # copies of f at s_k p, s_k from 1 − 0.1 to 1 + 0.1
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class Example(NamedTuple):
    """A map built from f to time: the JAX function, where to take J, and how it was built."""

    function: Callable[[jax.Array], jax.Array]  # (inputs,) array -> (outputs,) array
    point: np.ndarray  # (inputs,): where J is taken
    label: str  # e.g. "tall: ℝ² → ℝ¹⁰⁰"
    construction: str  # one sentence: how it is built from f
    inputs: int
    outputs: int


def space(n: int) -> str:
    """ℝⁿ with a superscript dimension: space(100) == "ℝ¹⁰⁰"."""
    return "ℝ" + str(n).translate(_SUPERSCRIPTS)


def example_functions(
    f: Function,
    size: int = 100,
    params: Mapping[str, float] | None = None,
    point: ArrayLike | None = None,
) -> tuple[Example, Example]:
    """The tall map T: R^d -> R^(mK) and the wide map W: R^(dK) -> R^m built from f.

    K = size // m copies of f for T and K = size // d for W, at the scaled points
    s_k p (see the module docstring), so J of each is known from J_f.

    Args:
        f: a vector function of d variables with m components, or an expression (m = 1).
        size: about how many outputs T and inputs W have, 8 to 500.
        params: values of the parameters; missing ones are 1.0.
        point: p, d numbers; default (0.5, ..., 0.5), the pycse example's point.

    Returns:
        (tall, wide), each an `Example`.

    Raises:
        ValueError: for a bad size, point or parameter.

    Example:
        >>> from core.language.vector import parse_vector
        >>> tall, wide = example_functions(parse_vector("[x^2*y, 5x + sin(y)]"))
        >>> tall.label, wide.label, tall.function(tall.point).shape
        ('tall: ℝ² → ℝ¹⁰⁰', 'wide: ℝ¹⁰⁰ → ℝ²', (100,))
    """
    require_function(f, "example_functions", ParsedExpression | ParsedVector)
    d, m = len(f.variables), components(f)
    size = _size(size, max(d, m))
    p = point_vector(np.full(d, 0.5) if point is None else point, d, "point", variables_phrase(f))
    batched = jax.vmap(as_vector_function(f, params))  # (K, d) points -> (K, m) values

    k_tall = size // m
    tall_scales = np.broadcast_to(_scales(k_tall)[:, None], (k_tall, d)).copy()

    def tall(p_):
        copies = lax.mul(lax.broadcast_in_dim(p_, (k_tall, d), (1,)), tall_scales)
        return lax.reshape(batched(copies), (k_tall * m,))

    k_wide = size // d
    weights = np.full((k_wide,), 1.0 / k_wide)

    def wide(q):
        values = batched(lax.reshape(q, (k_wide, d)))
        return lax.dot_general(weights, values, (((0,), (0,)), ((), ())))

    wide_point = (_scales(k_wide)[:, None] * p).ravel()
    return (
        Example(
            tall, p, f"tall: {space(d)} → {space(k_tall * m)}",
            f"T(p) stacks f(s_k p) for {k_tall} scales s_k from 0.9 to 1.1.",
            d, k_tall * m,
        ),
        Example(
            wide, wide_point, f"wide: {space(k_wide * d)} → {space(m)}",
            f"W(q) is the mean of f(q_k) over {k_wide} points q_k, taken at q_k = s_k p.",
            k_wide * d, m,
        ),
    )  # fmt: skip


def components(f: Function) -> int:
    return 1 if isinstance(f, ParsedExpression) else len(f.components)


def _scales(k: int) -> np.ndarray:
    return 1.0 + SCALE_SPREAD * np.linspace(-1.0, 1.0, k)


def _size(size, widest: int) -> int:
    low = max(MIN_SIZE, 2 * widest)  # at least two copies of f in each example
    if not is_whole_number(size, low, MAX_SIZE):
        raise ValueError(
            f"size must be a whole number from {low} to {MAX_SIZE} (about how many outputs "
            f"the tall example has), got {size!r}."
        )
    return int(size)
