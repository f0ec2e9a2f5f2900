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
    # the lectures' last gaps (issue 27): sparse Jacobians, Hessian-vector products, fixed points
    "sparse_jacobian": "core.several_variables.sparse_jacobian",
    "SparseJacobian": "core.several_variables.sparse_jacobian",
    "hessian_vector_product": "core.several_variables.hessian_vector",
    "fixed_point": "core.beyond_grad.fixed_point",
    "FixedPoint": "core.beyond_grad.fixed_point",
    "view_notebook": "core.notebooks",
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
    # live class (the DESIGN.md block; then the additions the Class page needs)
    "ClassError": "core.classroom",
    "class_store": "core.classroom",
    "start_class": "core.classroom",
    "join_class": "core.classroom",
    "push_view": "core.classroom",
    "class_view": "core.classroom",
    "ask": "core.classroom",
    "submit_answer": "core.classroom",
    "class_results": "core.classroom",
    "ClassStore": "core.classroom",
    "ClassKeys": "core.classroom",
    "ClassView": "core.classroom",
    "ClassResults": "core.classroom",
    "AnswerGroup": "core.classroom",
    "Question": "core.classroom",
    "Student": "core.classroom",
    "ExportRow": "core.classroom",
    "view_version": "core.classroom",
    "end_class": "core.classroom",
    "class_students": "core.classroom",
    "set_following": "core.classroom",
    "current_question": "core.classroom",
    "end_question": "core.classroom",
    "class_questions": "core.classroom",
    "last_answer": "core.classroom",
    "export_rows": "core.classroom",
    "export_csv": "core.classroom",
    "purge_expired": "core.classroom",
}

__all__ = [
    "AnswerCheck",
    "AnswerGroup",
    "BudgetExceeded",
    "ClassError",
    "ClassKeys",
    "ClassResults",
    "ClassStore",
    "ClassView",
    "ComputationalGraph",
    "ExportRow",
    "ExpressionError",
    "FixedPoint",
    "GraphSweeps",
    "ParsedExpression",
    "ParsedVector",
    "Question",
    "SparseJacobian",
    "Step",
    "Student",
    "Trajectory",
    "ad_derivatives",
    "ask",
    "check_answer",
    "class_questions",
    "class_results",
    "class_store",
    "class_students",
    "class_view",
    "computational_graph",
    "current_question",
    "derivative_steps",
    "end_class",
    "end_question",
    "export_csv",
    "export_rows",
    "fd_coefficients",
    "fd_derivative",
    "fixed_point",
    "gradient",
    "graph_sweeps",
    "hessian",
    "hessian_vector_product",
    "jacobian",
    "join_class",
    "jvp",
    "last_answer",
    "minimize_path",
    "parse_expression",
    "parse_vector",
    "purge_expired",
    "push_view",
    "root_derivative",
    "set_following",
    "sparse_jacobian",
    "start_class",
    "submit_answer",
    "symbolic_derivatives",
    "taylor_polynomial",
    "view_notebook",
    "view_version",
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
