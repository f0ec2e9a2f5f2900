"""Long formulas that used to run off their column: Tₙ's plain parentheses and a simplified
derivative that is one product (`core.explorer.latex_layout.equation`)."""

from __future__ import annotations

import re

from core.explorer.latex_layout import LINE_WIDTH, equation, top_level_terms, visible_width
from core.explorer.tangents import polynomial_latex

T8 = [0.36925, 5.6489, -4.3499, -10.056, 10.272, 3.1, -2.2, 100.5, -4500.2]
# SymPy's readable f″ of sin(x) − 2cos(3x)e^(−x²): one product, no top-level + or −.
PRODUCT = (
    r"\left(- 8 x^{2} \cos{\left(3 x \right)} - 24 x \sin{\left(3 x \right)} "
    r"- e^{x^{2}} \sin{\left(x \right)} + 22 \cos{\left(3 x \right)}\right) e^{- x^{2}}"
)


def _lines(aligned: str) -> list[str]:
    body = aligned.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    return [re.sub(r"^\s*&=?\s*(\\quad)?", "", line).strip() for line in body.split(r"\\")]


def test_a_taylor_polynomial_is_cut_between_its_terms_not_inside_x_minus_x0():
    latex = polynomial_latex(T8, 0.5)
    terms = top_level_terms(latex)
    assert len(terms) == 9  # one per coefficient: (x - 0.5) is never cut
    assert all(term.count("(") == term.count(")") for term in terms)
    shown = equation("T_{8}(x)", latex, 44)
    lines = _lines(shown)
    assert len(lines) >= 3
    assert all(line.count("(") == line.count(")") for line in lines)
    assert all(visible_width(line) <= 44 for line in lines[1:])


def test_a_long_product_is_cut_inside_its_parentheses_with_balanced_lines():
    shown = equation("f''(x)", PRODUCT)
    lines = _lines(shown)
    assert len(lines) >= 3
    for line in lines:  # KaTeX needs each line's \left and \right to pair up
        assert line.count(r"\left") == line.count(r"\right")
    assert lines[0].startswith(r"f''(x) &= \left(- 8 x^{2}")
    assert lines[-1].endswith(r"\right) e^{- x^{2}}")
    assert all(visible_width(line) <= LINE_WIDTH + 6 for line in lines)


def test_a_short_product_stays_on_one_line():
    latex = r"2 \left(x + 1\right) e^{x}"
    assert equation("f'(x)", latex) == f"f'(x) = {latex}"
