"""The steps of a derivative as a page shows them: LaTeX, written in the SymPy worker.

Printing a large SymPy expression can take long, so, like the steps themselves, it
runs in the killable worker (`core.engines.symbolic.run_in_worker`), which imports this
module by name: SymPy only, never JAX or Streamlit. A derivative still to be worked out
is printed as d/dx(u), with the parentheses a student writes, and an expression too long
to read is summarised, as the symbolic engine's LaTeX is.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> print(step_latex(sympy.Derivative(x**2 * sympy.sin(x), x, evaluate=False)))
    \\frac{d}{dx} \\left(x^{2} \\sin{\\left(x \\right)}\\right)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sympy
from sympy.printing.latex import LatexPrinter

from core.engines.symbolic_worker import LATEX_LIMIT, TERMS_SHOWN


class StepShown(NamedTuple):
    """One step as the page writes it.

    Attributes:
        rule: the rule's name ("product rule", ..., "simplify").
        latex: the step as one equation, d/dx(u) = what the rule makes of it.
        explanation: the rule's formula and what u and v stand for, in one sentence.
    """

    rule: str
    latex: str
    explanation: str


class _StepPrinter(LatexPrinter):
    """SymPy's LaTeX, with d/dx(u) for a pending first derivative."""

    def _print_Derivative(self, expr):
        if len(expr.variable_count) != 1 or expr.variable_count[0][1] != 1:
            return super()._print_Derivative(expr)
        inner, (variable,) = expr.expr, expr.variables
        body = self._print(inner)
        if not (inner.is_Symbol or inner.is_Function):  # d/dx x, d/dx sin(x); else d/dx(u)
            body = rf"\left({body}\right)"
        return rf"\frac{{d}}{{d{self._print(variable)}}} {body}"


def step_latex(expr: sympy.Expr, limit: int = LATEX_LIMIT) -> str:
    """LaTeX of one side of a step, summarised when longer than `limit` characters.

    A long sum shows its first terms and how many more there are; anything else too
    long shows its size instead of a wall of symbols.
    """
    printer = _StepPrinter()
    text = printer.doprint(expr)
    if len(text) <= limit:
        return text
    if isinstance(expr, sympy.Add):
        head = printer.doprint(sympy.Add(*expr.args[:TERMS_SHOWN], evaluate=False))
        if len(head) <= limit:
            return rf"{head} + \cdots \text{{ ({len(expr.args) - TERMS_SHOWN} more terms)}}"
    size = f"{sympy.count_ops(expr):,} operations, {len(text):,} characters of LaTeX"
    return rf"\text{{(an expression too long to show: {size})}}"


def write_steps(steps: Sequence) -> tuple[tuple[StepShown, ...], str]:
    """Worker: each step (`core.teaching.step_walk.Step`) as a StepShown, and the LaTeX
    of the last step's result (the derivative).

    Unbounded in time for huge expressions (SymPy's printer): run it only through
    `run_in_worker`.
    """
    shown = tuple(StepShown(step.rule, _equation(step), step.explanation) for step in steps)
    return shown, step_latex(steps[-1].after)


def _equation(step) -> str:
    after = step_latex(step.after)
    if step.before == step.after:  # "simplify" with nothing to simplify: say it once
        return after
    return f"{step_latex(step.before)} = {after}"
