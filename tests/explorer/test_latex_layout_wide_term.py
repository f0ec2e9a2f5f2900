"""A sum whose first term is a wide product, as the readable f″ of sin(x) − 2cos(3x)e^(−x²) is.

Seen in the screenshots of issue 21: that term kept one line and ran off the column's edge.
"""

import sympy

from core.explorer.latex_layout import LINE_WIDTH, equation, visible_width

x = sympy.Symbol("x")
# (… three terms …)·e^(−x²) − sin(x): two top-level terms, the first far wider than a line
SUM = -8 * x**2 * sympy.cos(3 * x) - 24 * x * sympy.sin(3 * x) + 22 * sympy.cos(3 * x)
SECOND = SUM * sympy.exp(-(x**2)) - sympy.sin(x)


def _lines(shown: str, left: str) -> list[str]:
    body = shown.removeprefix(rf"\begin{{aligned}} {left} &= ").removesuffix(r" \end{aligned}")
    return body.split(r" \\ &\quad ")


def test_a_wide_product_term_of_a_sum_is_broken_inside_its_parentheses():
    latex = sympy.latex(SECOND)
    shown = equation("f''(x)", latex)
    lines = _lines(shown, "f''(x)")
    budget = LINE_WIDTH - visible_width("f''(x) = ")
    assert len(lines) >= 3
    assert all(visible_width(line) <= budget + 1 for line in lines), lines
    # KaTeX needs each line of an aligned block to balance its \left … \right
    for line in lines:
        assert line.count(r"\left") == line.count(r"\right")
    assert lines[-1].endswith(r"\sin{\left(x \right)}")
