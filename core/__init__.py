"""Derivative Explorer's engine: parsing, three derivative engines and figures.

Plain Python: nothing here imports Streamlit.
"""

from core.errors import BudgetExceeded, ExpressionError
from core.expression import ParsedExpression, parse_expression

__all__ = [
    "BudgetExceeded",
    "ExpressionError",
    "ParsedExpression",
    "parse_expression",
]
