"""The function being minimized, in the forms the optimizers need.

- JAX, for the hand-written methods' compiled loop and for the exact ∇f and ∇²f.
- NumPy float64, for SciPy's methods: f evaluated as a student's notebook evaluates
  it, one ufunc at a time, so that SciPy's path and counts are the ones the student
  reproduces at home. This matters most when SciPy differences f itself (no exact
  gradient): a 2-point gradient divides a rounding error of f by a step of about
  1e-8, and a jitted JAX f (compiled by XLA for the CPU at hand) can differ from the
  NumPy f in the last bits: enough to change SciPy's counts, and on one machine to
  turn BFGS's convergence on Rosenbrock into "precision loss".

A parsed expression is identified by its canonical text and variables (hashable, so
the compiled forms are cached per expression); a callable is its own key.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import numpy as np

from core.language.expression import (
    REFERENCE,
    ParsedExpression,
    build_function,
    parse_expression,
)

Source = tuple[str, tuple[str, ...]] | Callable  # (canonical text, variables) or a callable
CACHE_SIZE = 32


def source_of(objective: ParsedExpression | Callable) -> Source:
    """The hashable key of an objective (see the module's docstring)."""
    if isinstance(objective, ParsedExpression):
        return (objective.text, objective.variables)
    return objective


def jax_value(source: Source) -> Callable[[jax.Array, jax.Array], jax.Array]:
    """f(x, parameter values) as a JAX function of a (d,) vector."""
    if callable(source):
        return lambda x, _parameters: source(x)
    parsed = parse_expression(*source)

    def value(x, parameters):
        # Every leaf is a 0-d array; constants take their shape from REFERENCE.
        env = {REFERENCE: x[0]}
        env.update({name: x[i] for i, name in enumerate(parsed.variables)})
        env.update({name: parameters[i] for i, name in enumerate(parsed.parameters)})
        return parsed.jax(env)

    return value


@functools.lru_cache(maxsize=CACHE_SIZE)
def jax_derivatives(source: Source) -> tuple[Callable, Callable, Callable]:
    """Jitted f, ∇f and ∇²f of (x, parameter values)."""
    value = jax_value(source)
    return jax.jit(value), jax.jit(jax.grad(value)), jax.jit(jax.hessian(value))


def numpy_value(
    objective: ParsedExpression | Callable, parameter_values: np.ndarray
) -> Callable[[np.ndarray], float]:
    """f as SciPy calls it in a notebook: a float64 vector in, a float out.

    A parsed expression is evaluated by its NumPy form (as `ParsedExpression.numpy`); a
    callable is called with the NumPy vector itself, as `scipy.optimize.minimize`
    would call it.

    Args:
        objective: a parsed expression, or a callable of a vector.
        parameter_values: the expression's parameters, in `objective.parameters` order.

    Returns:
        f of a (d,) float64 array. Its result must be a scalar: anything else raises
        ValueError when f is called.
    """
    if isinstance(objective, ParsedExpression):
        names, numpy_form = objective.variables, build_function(objective.tree, "numpy")
        parameters = dict(zip(objective.parameters, (float(p) for p in parameter_values),
                              strict=True))  # fmt: skip

        def function(x: np.ndarray):
            values: dict[str, float | np.ndarray] = dict(parameters)
            values.update(zip(names, x, strict=True))
            return numpy_form(values)

    else:
        function = objective

    def value(x: np.ndarray) -> float:
        result = np.asarray(function(x))
        if result.ndim != 0:
            raise ValueError(f"The objective must return a scalar, not shape {result.shape}.")
        return float(result)

    return value


def exact_derivatives(
    source: Source, parameter_values: np.ndarray
) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """JAX's exact ∇f and ∇²f as functions of a NumPy vector, returning float64 NumPy."""
    _, gradient, hessian = jax_derivatives(source)
    parameters = np.asarray(parameter_values, dtype=np.float64)

    def exact_gradient(x: np.ndarray) -> np.ndarray:
        return np.asarray(gradient(x, parameters), dtype=np.float64)

    def exact_hessian(x: np.ndarray) -> np.ndarray:
        return np.asarray(hessian(x, parameters), dtype=np.float64)

    return exact_gradient, exact_hessian
