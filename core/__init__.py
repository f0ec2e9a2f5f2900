"""Derivative Explorer's engine: parsing, three derivative engines and figures.

Plain Python: nothing here imports Streamlit.
"""

from core.errors import BudgetExceeded, ExpressionError
from core.expression import ParsedExpression, parse_expression

__all__ = [
    "BudgetExceeded",
    "ExpressionError",
    "ParsedExpression",
    "Trajectory",
    "minimize_path",
    "parse_expression",
]


def __getattr__(name: str):
    # The optimizers import JAX (seconds); parsing alone must not pay for that.
    if name in ("minimize_path", "Trajectory"):
        from core import optimizers

        return getattr(optimizers, name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
