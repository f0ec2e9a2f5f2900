"""Which outputs of a JAX function can depend on which inputs: its Jacobian's sparsity pattern.

The pattern is read from the function itself, not written down for it: JAX traces the
function into its jaxpr (the list of primitive operations it performs), and a boolean
"depends on" relation is carried through that list, one rule per kind of primitive:

- an elementwise primitive (add, mul, exp, pow, select_n, ...): output k depends on
  whatever input entry k of each operand depends on;
- a data-movement primitive (pad, slice, reshape, concatenate, broadcast_in_dim, ...):
  output k is a copy of one input entry (or of the padding value). Which one is found by
  running the primitive itself on arrays of entry numbers 0, 1, 2, ... instead of values,
  so the rule is exact for whatever offsets, strides and shapes the function used;
- a nested jaxpr (`jit`, `custom_jvp`): the same walk inside it.

A primitive without a rule raises NotImplementedError rather than guessing. The result
is structural: an entry in the pattern may still be 0 at a particular point (g'(u) = 0),
never the other way round, which is what compression needs (a colouring valid for the
pattern is valid for the Jacobian at every point). This is the idea of the sparsity
detectors in ADOL-C and SparseConnectivityTracer.jl, on a jaxpr.

Each relation is a SciPy sparse boolean matrix with one row per entry of a value and one
column per input, so a stencil on n unknowns costs O(n) memory, not O(n^2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import ClosedJaxpr, Jaxpr, Literal
from scipy import sparse

ELEMENTWISE = frozenset({
    "abs", "acos", "acosh", "add", "and", "asin", "asinh", "atan", "atan2", "atanh", "cbrt",
    "ceil", "convert_element_type", "copy", "cos", "cosh", "div", "eq", "erf", "erf_inv",
    "erfc", "exp", "exp2", "expm1", "floor", "ge", "gt", "imag", "integer_pow", "is_finite",
    "le", "log", "log1p", "logistic", "lt", "max", "min", "mul", "ne", "neg", "nextafter",
    "not", "or", "pow", "real", "reduce_precision", "rem", "round", "rsqrt", "select_n",
    "sign", "sin", "sinh", "sqrt", "square", "sub", "tan", "tanh", "xor",
})  # fmt: skip
DATA_MOVEMENT = frozenset({
    "broadcast_in_dim", "concatenate", "expand_dims", "pad", "reshape", "rev", "slice",
    "squeeze", "transpose",
})  # fmt: skip
NESTED = ("jaxpr", "call_jaxpr")  # the parameter holding a nested jaxpr (jit, custom_jvp)

Relation = sparse.csr_array  # (entries of a value, n inputs), bool


def jacobian_pattern(function: Callable[[jax.Array], jax.Array], n: int) -> sparse.csr_array:
    """The sparsity pattern of the Jacobian of `function`: R^n -> R^m, detected from its jaxpr.

    Args:
        function: a JAX-traceable function of one float64 vector of n entries, returning
            one array (its entries in row-major order are the Jacobian's rows).
        n: the number of inputs.

    Returns:
        A SciPy CSR boolean array of shape (m, n): True where output i can depend on
        input j.

    Raises:
        NotImplementedError: for a primitive this detector has no rule for.

    Example:
        >>> from jax import lax
        >>> def shift(u):
        ...     return lax.slice(lax.pad(u, 0.0, [(1, 0, 0)]), (0,), (3,))
        >>> jacobian_pattern(shift, 3).toarray().astype(int).tolist()
        [[0, 0, 0], [1, 0, 0], [0, 1, 0]]
    """
    closed = jax.make_jaxpr(function)(jnp.zeros(n, dtype=jnp.float64))
    identity = sparse.csr_array(sparse.eye_array(n, dtype=bool, format="csr"))
    (output,) = _propagate(closed.jaxpr, [identity], n)
    return output


def _propagate(jaxpr: Jaxpr, inputs: Sequence[Relation], n: int) -> list[Relation]:
    """Carry the relations of `jaxpr`'s inputs through its equations to its outputs."""
    relations: dict = dict(zip(jaxpr.invars, inputs, strict=True))

    def read(atom) -> Relation:
        if isinstance(atom, Literal) or atom not in relations:  # constants depend on nothing
            return _independent(_size(atom), n)
        return relations[atom]

    for equation in jaxpr.eqns:
        results = _equation(equation, [read(atom) for atom in equation.invars], n)
        relations.update(zip(equation.outvars, results, strict=True))
    return [read(atom) for atom in jaxpr.outvars]


def _equation(equation, inputs: list[Relation], n: int) -> list[Relation]:
    name = equation.primitive.name
    sizes = [_size(atom) for atom in equation.outvars]
    if name in ELEMENTWISE:
        return [_elementwise(inputs, size, n) for size in sizes]
    if name in DATA_MOVEMENT:
        return [_data_movement(equation, inputs)]
    for key in NESTED:
        inner = equation.params.get(key)
        if isinstance(inner, ClosedJaxpr | Jaxpr):
            inner = inner.jaxpr if isinstance(inner, ClosedJaxpr) else inner
            return _propagate(inner, inputs, n)
    raise NotImplementedError(
        f"The sparsity detector has no rule for the JAX primitive {name!r}: add it to "
        "ELEMENTWISE or DATA_MOVEMENT in core/several_variables/sparsity_pattern.py "
        "if it is one of those kinds."
    )


def _elementwise(inputs: list[Relation], size: int, n: int) -> Relation:
    """Output k depends on entry k of every operand (a one-entry operand is broadcast)."""
    result = _independent(size, n)
    for relation in inputs:
        if relation.shape[0] == 1 and size != 1:
            relation = relation[np.zeros(size, dtype=np.intp)]
        result = result + relation
    return result


def _data_movement(equation, inputs: list[Relation]) -> Relation:
    """Run the primitive on entry numbers to learn which input entry each output copies."""
    offsets = np.cumsum([0] + [relation.shape[0] for relation in inputs])
    numbered = [
        jnp.arange(start, start + _size(atom), dtype=jnp.int64).reshape(atom.aval.shape)
        for start, atom in zip(offsets, equation.invars, strict=False)
    ]
    copied = np.asarray(equation.primitive.bind(*numbered, **equation.params)).reshape(-1)
    stacked = sparse.csr_array(sparse.vstack(inputs, format="csr"))
    return sparse.csr_array(stacked[copied])


def _independent(size: int, n: int) -> Relation:
    return sparse.csr_array((size, n), dtype=bool)


def _size(atom) -> int:
    return int(np.prod(atom.aval.shape, dtype=np.int64))
