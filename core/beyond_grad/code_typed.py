"""The code behind Beyond grad's sections on a typed function: its root's derivative by the
implicit function theorem, and expression swell (SymPy's derivatives against JAX's jaxprs).

The function is printed from its validated tree, never from the typed text: for JAX with
numeric_source's names, for SymPy with exact integer quotients and powers (Python would
compute 1/3 or 2**(1/2) in floats). The snippets share their header and layout with the
page's other snippets (core.beyond_grad.code_view).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from core.beyond_grad.code_view import HEADER, layout, number
from core.beyond_grad.implicit import root_problem
from core.language.expression import ParsedExpression
from core.language.numeric_source import (
    expression_source,
    functions_used,
    helper_source,
    python_names,
    sympy_source,
)
from core.language.tree import Node, names_in

MAX_SWELL_ORDER = 10
_IMPLICIT_NAMES = frozenset({"F", "jax", "jnp", "brentq", "root", "low", "high", "slope"})
_SWELL_NAMES = frozenset({"f", "f_symbolic", "jax", "jnp", "sp", "derivative", "gradient",
                          "order", "reduced", "replacements", "symbolic_sizes", "shared_sizes",
                          "jaxpr_sizes", "log10", "log2", "cot", "sec", "csc"})  # fmt: skip


def implicit_code(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    bracket: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> str:
    """The root x*(a) of F(x, a) = 0 by `brentq` and dx*/da = −(∂F/∂a)/(∂F/∂x) by `jax.grad`.

    Args:
        equation: F, printed from its tree (for the lecture, a*x**3 - x - 2).
        unknown: the name solved for, x; parameter: the name a it depends on.
        value: the value of a.
        bracket: (low, high), low < high, where F changes sign.
        params: values of F's other names; missing ones are 1.0.

    Returns:
        The snippet: `root` and `slope` (−0.22139914 at a = 2 on [1, 2] for the lecture).

    Raises:
        ValueError: as `root_problem` (a name not in F, unknown = parameter, an F
            without the unknown, numbers that are not finite), or a bracket without a sign
            change of F.

    Example:
        >>> from core import parse_expression
        >>> F = parse_expression("a x^3 - x - 2", ("x", "a"))
        >>> "return a*x**3 - x - 2" in implicit_code(F, "x", "a", 2.0, (1.0, 2.0))
        True
    """
    problem = root_problem(equation, unknown, parameter, value, bracket, params)
    others, value, low, high = problem.fixed, problem.value, problem.low, problem.high
    with np.errstate(all="ignore"):
        ends = [
            float(equation.numpy({**others, parameter: value, unknown: t})) for t in (low, high)
        ]
    if not all(map(math.isfinite, ends)) or ends[0] * ends[1] > 0:
        raise ValueError(
            f"Choose a bracket where F is finite and changes sign: at {unknown} = {low:g} "
            f"and {high:g}, F = {ends[0]:.6g} and {ends[1]:.6g}."
        )

    names = python_names(equation, reserved=_IMPLICIT_NAMES)
    x, a = names[unknown], names[parameter]
    constants = "".join(f"{names[n]} = {v!r}\n" for n, v in others.items())
    body = expression_source(equation, "jnp", names)
    definitions = [*_helper_blocks(equation, "jnp"), f"def F({x}, {a}):\n    return {body}\n"]
    return layout(
        HEADER.format(more="from scipy.optimize import brentq\n"),
        constants,
        definitions,
        f"{a} = {value!r}\nlow, high = {low!r}, {high!r}  # F changes sign on [low, high]\n"
        f"root = brentq(lambda {x}: float(F({x}, {a})), low, high, xtol=1e-14)\n\n"
        f"# differentiate F({x}*({a}), {a}) = 0 in {a}: "
        f"∂F/∂{x} · d{x}*/d{a} + ∂F/∂{a} = 0, at the root\n"
        f"dF_d{x}, dF_d{a} = jax.grad(F, argnums=(0, 1))(root, {a})\n"
        f"slope = -dF_d{a} / dF_d{x}  # d{x}*/d{a}\nprint(root, slope)\n",
    )


def swell_code(
    parsed: ParsedExpression, max_order: int, params: Mapping[str, float] | None = None
) -> str:
    """Expression swell: SymPy's count_ops of f⁽ᵏ⁾, with and without cse, against jaxpr sizes.

    Args:
        parsed: f(x), a function of one variable, printed from its tree for SymPy and JAX.
        max_order: the highest order k, 1 to `MAX_SWELL_ORDER`.
        params: values of the parameters (constants in both); missing ones are 1.0.

    Returns:
        The snippet: lists `symbolic_sizes` (count_ops of diff(f, x, k)), `shared_sizes`
        (after `sp.cse`) and `jaxpr_sizes` (equations of the jaxpr of k nested grads).

    Raises:
        ValueError: for a function of other than one variable, one that does not depend
            on it, an order out of range or a parameter that is not finite.
    """
    if not isinstance(parsed, ParsedExpression) or len(parsed.variables) != 1:
        raise ValueError("Expression swell needs an expression of one variable.")
    variable = parsed.variables[0]
    if variable not in names_in(parsed.tree):
        raise ValueError(f"f = {parsed.text} does not depend on {variable}: type one that does.")
    if isinstance(max_order, bool) or not isinstance(max_order, int | np.integer):
        raise ValueError(f"max_order must be a whole number; got {max_order!r}.")
    if not 1 <= max_order <= MAX_SWELL_ORDER:
        raise ValueError(f"max_order must be between 1 and {MAX_SWELL_ORDER}; got {max_order}.")
    given = dict(params or {})
    if set(given) - set(parsed.parameters):
        raise ValueError(f"params may only set the parameters {', '.join(parsed.parameters)}.")
    names = python_names(parsed, reserved=_SWELL_NAMES)
    x = names[variable]
    constants = "".join(
        f"{names[n]} = {number(given.get(n, 1.0), n)!r}\n" for n in parsed.parameters
    )
    numeric = expression_source(parsed, "jnp", names)
    definitions = [
        *_sympy_helpers(parsed.tree),
        f"f_symbolic = {sympy_source(parsed.tree, names)}\n",
        *_helper_blocks(parsed, "jnp"),
        f"def f({x}):\n    return {numeric}\n",
    ]
    return layout(
        HEADER.format(more="import sympy as sp\n"),
        f'{constants}{x} = sp.Symbol("{variable}", real=True)\n',
        definitions,
        "symbolic_sizes, shared_sizes, jaxpr_sizes = [], [], []\n"
        "derivative, gradient = f_symbolic, f\n"
        f"for order in range(1, {int(max_order) + 1}):\n"
        f"    derivative = sp.diff(derivative, {x})  # = sp.diff(f_symbolic, {x}, order)\n"
        "    symbolic_sizes.append(sp.count_ops(derivative))  # written out as one tree\n"
        "    replacements, (reduced,) = sp.cse(derivative)  # shared subexpressions named once\n"
        "    shared_sizes.append(sp.count_ops(reduced)"
        " + sum(sp.count_ops(e) for _, e in replacements))\n"
        "    gradient = jax.grad(gradient)  # the program of the k-th derivative\n"
        "    jaxpr_sizes.append(len(jax.make_jaxpr(gradient)(1.0).jaxpr.eqns))\n"
        "    print(order, symbolic_sizes[-1], shared_sizes[-1], jaxpr_sizes[-1])\n",
    )


def _sympy_helpers(tree: Node) -> list[str]:
    used = functions_used(tree)
    return [
        f"def {name}(x):\n    return sp.log(x, {base})\n"
        for name, base in (("log10", 10), ("log2", 2))
        if name in used
    ]


def _helper_blocks(parsed: ParsedExpression, namespace: str) -> list[str]:
    """The helpers (cot, sec, csc) the expression needs, one definition each."""
    helpers = helper_source(parsed, namespace)
    return [block.strip("\n") + "\n" for block in helpers.split("\n\n\n")] if helpers else []
