"""Derivative Explorer's engine: the public contract of `core` (see DESIGN.md), nothing else.

Plain Python: nothing here imports Streamlit. Parsing is imported at once; every name
whose module imports JAX, SymPy's worker pool or SciPy is imported on first use, so
`import core` and parsing stay fast (a student's notebook and the SymPy workers pay
only for what they call).

    >>> import core
    >>> f = core.parse_expression("x^2 + sin(x)")
    >>> core.ad_derivatives(f, [0.0], 2)[:, 0].tolist()
    [0.0, 1.0, 2.0]
"""

from __future__ import annotations

import importlib

from core.engines import xla_flags  # noqa: F401  (XLA_FLAGS, before any JAX computation)
from core.errors import BudgetExceeded, ExpressionError
from core.language.expression import ParsedExpression, parse_expression

# name -> the module that defines it, imported on first access
_LAZY = {
    # the three engines
    "ad_derivatives": "core.engines.autodiff",
    "symbolic_derivatives": "core.engines.symbolic",
    "fd_derivative": "core.engines.finite_differences",
    "fd_coefficients": "core.engines.finite_differences",
    # descent trajectories
    "minimize_path": "core.descent.optimizers",
    "Trajectory": "core.descent.trajectory",
    # several variables
    "parse_vector": "core.language.vector",
    "ParsedVector": "core.language.vector",
    "gradient": "core.several_variables.derivatives",
    "jacobian": "core.several_variables.derivatives",
    "hessian": "core.several_variables.derivatives",
    "jvp": "core.several_variables.derivatives",
    "vjp": "core.several_variables.derivatives",
    # beyond grad
    "root_derivative": "core.beyond_grad.implicit",
    # teaching
    "taylor_polynomial": "core.teaching.taylor",
    "derivative_steps": "core.teaching.steps",
    "Step": "core.teaching.steps",
    "check_answer": "core.teaching.answer_check",
    "AnswerCheck": "core.teaching.answer_check",
    "computational_graph": "core.teaching.graph",
    "ComputationalGraph": "core.teaching.graph",
    "graph_sweeps": "core.teaching.graph_sweeps",
    "GraphSweeps": "core.teaching.graph_sweeps",
}

__all__ = [
    "AnswerCheck",
    "BudgetExceeded",
    "ComputationalGraph",
    "ExpressionError",
    "GraphSweeps",
    "ParsedExpression",
    "ParsedVector",
    "Step",
    "Trajectory",
    "ad_derivatives",
    "check_answer",
    "computational_graph",
    "derivative_steps",
    "fd_coefficients",
    "fd_derivative",
    "gradient",
    "graph_sweeps",
    "hessian",
    "jacobian",
    "jvp",
    "minimize_path",
    "parse_expression",
    "parse_vector",
    "root_derivative",
    "symbolic_derivatives",
    "taylor_polynomial",
    "vjp",
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
