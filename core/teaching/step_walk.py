"""The walk over the tree that applies one rule per node: what runs in the SymPy worker.

`derivative_steps` (`core.teaching.steps`) runs `differentiate_in_steps` in a killable
worker, so no expression can hold the server's interpreter, however it swells; the
worker imports this module by name, so it uses SymPy and NumPy only (no JAX, no
Streamlit). The walk is depth first, outermost rule first: a step leaves the
derivatives of its parts pending, and the steps that follow work them out in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import sympy

from core.engines import symbolic_worker
from core.errors import BudgetExceeded
from core.language.expression import to_sympy
from core.language.tree import Node
from core.teaching.equality import values_at
from core.teaching.step_rules import rule_for


class Step(NamedTuple):
    """One application of a rule: ``before = after``.

    Attributes:
        rule: the rule's name, e.g. "product rule", "power rule + chain rule", "simplify".
        before: the unevaluated derivative the rule acts on, d/dx(u) (for "simplify",
            the rules' whole result).
        after: what the rule turns it into; derivatives still to be worked out stay
            unevaluated, as d/dx(part).
        explanation: the rule's formula with what u and v stand for, in one sentence.
    """

    rule: str
    before: sympy.Expr
    after: sympy.Expr
    explanation: str

    @property
    def latex(self) -> str:
        """The step as one LaTeX equation."""
        return f"{sympy.latex(self.before)} = {sympy.latex(self.after)}"


class Walked(NamedTuple):
    """What the worker sends back.

    Attributes:
        steps: the rules' steps, outermost first (without the "simplify" step).
        rules_result: the derivative the rules built.
        sympys_result: the symbolic engine's derivative (`derivative_step`, unchanged).
        values: values of f, of the rules' result and of SymPy's at the sample points
            (each None when NumPy cannot evaluate it).
        operations: SymPy's operation counts of the two results.
    """

    steps: list[Step]
    rules_result: sympy.Expr
    sympys_result: sympy.Expr
    values: list[np.ndarray | None]
    operations: tuple[int, int]


def differentiate_in_steps(
    tree: Node,
    variable: str,
    symbols: Mapping[str, sympy.Symbol],
    limits: tuple[int, int],
    samples: tuple[Sequence[sympy.Symbol], Sequence],
) -> Walked:
    """Worker: the steps for d/d`variable` of `tree`, SymPy's derivative, and their values.

    Args:
        tree: the validated expression tree.
        variable: the name to differentiate by.
        symbols: name -> SymPy symbol of every name in the tree.
        limits: (maximum number of steps, maximum nodes of any intermediate result).
        samples: (symbols, values) of the points where to evaluate f and both results.

    Raises:
        BudgetExceeded: beyond either limit.
    """
    steps: list[Step] = []
    rules_result = _derive(tree, variable, symbols, steps, limits)
    f = to_sympy(tree, symbols)
    sympys_result, _latex, _values = symbolic_worker.derivative_step(
        f, symbols[variable], True, [], None
    )
    values = values_at([f, rules_result, sympys_result], *samples)
    operations = (int(sympy.count_ops(rules_result)), int(sympy.count_ops(sympys_result)))
    return Walked(steps, rules_result, sympys_result, values, operations)


def _derive(node: Node, variable: str, symbols, steps: list[Step], limits) -> sympy.Expr:
    """Record the step for `node`, then its parts' steps; return d/dx of `node`."""
    max_steps, max_size = limits
    if len(steps) >= max_steps:
        raise BudgetExceeded(
            f"This derivative takes more than {max_steps} steps, too many to follow one by "
            "one: ask for the steps of a part of the expression."
        )
    x = symbols[variable]
    rule = rule_for(node, variable, symbols)
    pending = [sympy.Derivative(to_sympy(part, symbols), x, evaluate=False) for part in rule.parts]
    before = sympy.Derivative(to_sympy(node, symbols), x, evaluate=False)
    steps.append(Step(rule.name, before, rule.combine(pending), rule.explanation))
    result = rule.combine([_derive(part, variable, symbols, steps, limits) for part in rule.parts])
    if _size(result, max_size) > max_size:
        raise BudgetExceeded(
            f"The derivative grows past {max_size:,} terms and symbols, too large to show "
            "step by step: ask for the steps of a part of the expression."
        )
    return result


def _size(expr: sympy.Expr, limit: int) -> int:
    """Nodes of SymPy's tree of `expr`; counting stops just past `limit`."""
    count = 0
    for count, _ in enumerate(sympy.preorder_traversal(expr), start=1):
        if count > limit:
            break
    return count
