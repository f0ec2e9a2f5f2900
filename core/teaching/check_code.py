"""The code behind the Step-by-step page's rules and answer check, as SymPy text.

Each snippet prints f (and the student's answer) from its validated tree, never from the
typed text: functions as SymPy's (sp.sin, sp.Abs, sp.Piecewise), and integer quotients
and powers exact (Python would compute 1/3 or 2**(1/2) in floats, and SymPy could then
not simplify a right answer's difference to 0). It runs on its own in a notebook.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.language.expression import ParsedExpression
from core.language.numeric_source import functions_used, python_names, sympy_source
from core.language.tree import Node

_RESERVED = frozenset({"sp", "np", "f", "answer", "derivative", "difference", "gap", "gaps",
                       "xs", "values", "worst", "log10", "log2"})  # fmt: skip
SAMPLES = 96


def steps_code(parsed: ParsedExpression) -> str:
    """SymPy's f′: the result the steps end with (SymPy itself shows no steps).

    Example:
        >>> from core import parse_expression
        >>> "derivative = sp.diff(f, x)" in steps_code(parse_expression("x^2*sin(x)"))
        True
    """
    names = python_names(parsed, reserved=_RESERVED)
    x = names[parsed.variables[0]]
    return (
        f"import sympy as sp\n\n{_symbols(parsed, names)}\n{_helpers(parsed.tree)}"
        f"f = {sympy_source(parsed.tree, names)}\n"
        f"derivative = sp.diff(f, {x})  # the result only: SymPy does not show its steps\n"
        "print(sp.latex(derivative))\n"
    )


def check_code(
    parsed: ParsedExpression,
    answer: ParsedExpression,
    order: int,
    params: Mapping[str, float] | None = None,
) -> str:
    """Whether `answer` is f^(order): SymPy simplifies the difference, then the numbers.

    Args:
        parsed: f; answer: the student's derivative (a function of the same variable,
            with no parameter f lacks).
        order: n, the derivative checked.
        params: the parameters' values for the numbers (1.0 when not given).

    Example:
        >>> from core import parse_expression
        >>> f, answer = parse_expression("sin(x)^2"), parse_expression("sin(2x)")
        >>> "answer = sp.sin(2*x)" in check_code(f, answer, 1)
        True
    """
    names = python_names([parsed, answer], reserved=_RESERVED)
    x = names[parsed.variables[0]]
    given = params or {}
    values = ", ".join(f"{names[p]}: {float(given.get(p, 1.0))!r}" for p in parsed.parameters)
    gap = f'gap = sp.lambdify({x}, derivative - answer, "numpy")\n'
    if parsed.parameters:
        gap = (
            f"values = {{{values}}}  # the parameters, as in the plot\n"
            f'gap = sp.lambdify({x}, (derivative - answer).subs(values), "numpy")\n'
        )
    derivative = f"sp.diff(f, {x})" if order == 1 else f"sp.diff(f, {x}, {int(order)})"
    return (
        f"import numpy as np\nimport sympy as sp\n\n{_symbols(parsed, names)}\n"
        f"{_helpers(parsed.tree, answer.tree)}"
        f"f = {sympy_source(parsed.tree, names)}\n"
        f"answer = {sympy_source(answer.tree, names)}\n\n"
        f"derivative = {derivative}\n"
        "difference = sp.simplify(derivative - answer)\n"
        'print("SymPy: derivative - answer =", difference)  # 0: proven equal\n\n'
        "# By the numbers, at random points (nan outside f's domain):\n"
        f"{gap}"
        f"xs = np.random.default_rng(0).uniform(-5, 5, {SAMPLES})\n"
        'with np.errstate(all="ignore"):\n'
        "    gaps = np.abs(np.broadcast_to(gap(xs), xs.shape).astype(float))\n"
        "if np.isnan(gaps).all():\n"
        '    print("f is undefined at all these points: choose others")\n'
        "else:\n"
        "    worst = np.nanargmax(gaps)\n"
        '    print(f"largest difference {gaps[worst]:.3g} at x = {xs[worst]:.4g}")\n'
    )


def _symbols(parsed: ParsedExpression, names: Mapping[str, str]) -> str:
    return "".join(
        f'{names[name]} = sp.Symbol("{name}", real=True)\n'
        for name in (*parsed.variables, *parsed.parameters)
    )


def _helpers(*trees: Node) -> str:
    used = set().union(*(functions_used(tree) for tree in trees))
    return "".join(
        f"def {name}(x):\n    return sp.log(x, {base})\n\n\n"
        for name, base in (("log10", 10), ("log2", 2))
        if name in used
    )
