"""SymPy as the independent truth for several variables: exact derivatives, evaluated by mpmath.

The derivatives are SymPy's `diff` of `parsed.sympy` (built from the same tree, but
differentiated by SymPy's rules, not JAX's), evaluated with 30 significant digits by
`evalf`: no lambdify, no float shortcuts. Also a hypothesis strategy for expressions in
x and y that are smooth everywhere, so every point of the plane is a fair test point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy
from hypothesis import strategies as st

DIGITS = 30


def evaluate(expr: sympy.Expr, symbols: Sequence[sympy.Symbol], point: Sequence[float]) -> float:
    """expr at the point, to DIGITS digits, as a float (nan if it is not real and finite)."""
    value = complex(expr.subs(dict(zip(symbols, point, strict=True))).evalf(DIGITS))
    if not np.isfinite(value) or abs(value.imag) > 1e-20 * (1 + abs(value.real)):
        return float("nan")
    return value.real


# Above this, float64 keeps fewer than 10 digits of a sine's phase: sin(exp(27)) in float64
# differs from the exact value by 8e-6, a limit of float64, not of the derivative.
LARGEST_PERIODIC_ARGUMENT = 1e6


def well_conditioned(parsed, point: Sequence[float]) -> bool:
    """Whether every sin/cos/tan argument in `parsed` is below LARGEST_PERIODIC_ARGUMENT at
    `point` (for `hypothesis.assume`)."""
    symbols = symbols_of(parsed)
    for node in sympy.preorder_traversal(parsed.sympy):
        if isinstance(node, sympy.sin | sympy.cos | sympy.tan):
            value = evaluate(node.args[0], symbols, point)
            if not abs(value) < LARGEST_PERIODIC_ARGUMENT:
                return False
    return True


def symbols_of(parsed) -> list[sympy.Symbol]:
    return [parsed.symbols[name] for name in parsed.variables]


def sympy_gradient(parsed, point) -> np.ndarray:
    symbols = symbols_of(parsed)
    return np.array([evaluate(sympy.diff(parsed.sympy, s), symbols, point) for s in symbols])


def sympy_hessian(parsed, point) -> np.ndarray:
    symbols = symbols_of(parsed)
    return np.array(
        [[evaluate(sympy.diff(parsed.sympy, s, t), symbols, point) for t in symbols]
         for s in symbols]
    )  # fmt: skip


def kind_by_sympy(parsed, point) -> str:
    """The kind of a stationary point from SymPy's exact Hessian there (nondegenerate only)."""
    eigenvalues = np.linalg.eigvalsh(sympy_hessian(parsed, point))
    assert np.abs(eigenvalues).min() > 1e-4 * max(1.0, np.abs(eigenvalues).max())
    if (eigenvalues > 0).all():
        return "minimum"
    return "maximum" if (eigenvalues < 0).all() else "saddle"


def sympy_jacobian(vector, point) -> np.ndarray:
    return np.stack([sympy_gradient(component, point) for component in vector.components])


def sympy_values(vector, point) -> np.ndarray:
    return np.array(
        [evaluate(c.sympy, symbols_of(c), point) for c in vector.components], dtype=np.float64
    )


_SMOOTH_FUNCTIONS = ("sin", "cos", "atan", "exp", "tanh", "sinh", "asinh")
_LEAVES = st.sampled_from(["x", "y", "x", "y", "2", "3", "0.5", "pi"])


def smooth_expressions(leaves=_LEAVES) -> st.SearchStrategy[str]:
    """Texts of expressions in x and y defined and smooth on the whole plane."""

    def extend(children):
        unary = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(_SMOOTH_FUNCTIONS), children)
        positive = st.builds(
            lambda f, a: f"{f}(1 + ({a})^2)", st.sampled_from(("log", "sqrt")), children
        )
        binary = st.builds(
            lambda a, op, b: f"({a}){op}({b})", children, st.sampled_from("+-*"), children
        )
        quotient = st.builds(lambda a, b: f"({a})/(2 + sin({b}))", children, children)
        power = st.builds(lambda a, n: f"({a})^{n}", children, st.sampled_from(["2", "3"]))
        return unary | positive | binary | quotient | power

    return st.recursive(leaves, extend, max_leaves=5)


points = st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))


def assert_close_where_moderate(got, want, rtol: float, label: str) -> None:
    """Compare entries where SymPy's value is finite and below 1e8 (exp(exp(...)) grows)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, label
    mask = np.isfinite(want) & (np.abs(want) < 1e8)
    scale = max(float(np.max(np.abs(want[mask]), initial=0.0)), 1.0)
    np.testing.assert_allclose(got[mask], want[mask], rtol=rtol, atol=rtol * scale, err_msg=label)
