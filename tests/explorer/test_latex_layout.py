"""Long formulas on several lines (`core.explorer.latex_layout`)."""

from __future__ import annotations

import re

import pytest
import sympy

from core.explorer.latex_layout import LINE_WIDTH, equation, top_level_terms, visible_width

x = sympy.Symbol("x", real=True)
FOURTH = sympy.diff(sympy.sin(x) - 2 * sympy.cos(3 * x) * sympy.exp(-(x**2)), x, 4)


def test_terms_are_cut_only_at_top_level_operators():
    latex = sympy.latex(sympy.sin(x + 1) * (x - 2) - x / (3 * (x + 1)))
    terms = top_level_terms(latex)
    assert len(terms) == 2
    assert terms[1].startswith("+ ")
    assert " ".join(terms) == latex
    for term in terms:  # nothing inside a brace or a \left ... \right pair was cut
        assert term.count("{") == term.count("}")
        assert term.count(r"\left") == term.count(r"\right")


def test_a_leading_minus_and_exponents_are_not_cut():
    latex = sympy.latex(-8 * x**2 * sympy.exp(-(x**2)))
    assert top_level_terms(latex) == [latex]


@pytest.mark.parametrize("order", range(5))
def test_terms_join_back_to_sympys_latex(order):
    latex = sympy.latex(sympy.diff(FOURTH, x, order))
    terms = top_level_terms(latex)
    assert " ".join(terms) == latex
    assert all(term[:2] in ("+ ", "- ") for term in terms[1:])


def test_a_short_equation_stays_on_one_line():
    assert equation("f'(x)", r"3 x^{2} - \sin{\left(x \right)}") == (
        r"f'(x) = 3 x^{2} - \sin{\left(x \right)}"
    )


def test_a_long_sum_is_aligned_on_lines_that_fit():
    latex = sympy.latex(FOURTH)
    assert visible_width(latex) > 2 * LINE_WIDTH
    shown = equation("f^{(4)}(x)", latex)
    assert shown.startswith(r"\begin{aligned} f^{(4)}(x) &= ")
    assert shown.endswith(r"\end{aligned}")
    body = shown.removeprefix(r"\begin{aligned} f^{(4)}(x) &= ").removesuffix(r" \end{aligned}")
    lines = body.split(r" \\ &\quad ")
    assert len(lines) >= 3
    assert " ".join(lines) == latex  # every term, in SymPy's order, nothing lost
    for line in lines:
        assert visible_width(line) <= LINE_WIDTH or len(top_level_terms(line)) == 1


def test_visible_width_counts_what_is_printed():
    assert visible_width(r"\sin{\left(x \right)}") == pytest.approx(visible_width("sin(x)"), abs=1)
    assert visible_width(r"\frac{1}{2}") < visible_width(r"\operatorname{sign}{\left(x \right)}")
    assert visible_width(r"e^{- x^{2}}") < len(re.sub(r"\s", "", "e^{- x^{2}}"))
