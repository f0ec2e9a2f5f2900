"""What a person sees of the language's messages on the pages (issue 21, item 8): an empty
box gets a plain sentence without a caret block, and the last good f is shown in LaTeX,
not as Python (2*cos(3*x)*e**-x**2)."""

from __future__ import annotations

import pytest

from tests.page_links import choose_section, errors, no_exception, open_page


@pytest.fixture(scope="module")
def explorer():
    return open_page("views/explorer.py")


def _type(at, key: str, text: str):
    at.text_input(key=key).set_value(text).run()
    no_exception(at)
    return at


def test_the_fallback_line_shows_the_last_good_f_in_latex(explorer):
    _type(explorer, "f", "2cos(3x)e^(-x^2)")
    _type(explorer, "f", "2cos(3x)e^(-x^2) +")
    (caption,) = [c.value for c in explorer.caption if "Still showing" in c.value]
    assert r"\cos{\left(3 x \right)}" in caption
    assert caption.count("$") == 2  # one inline formula
    assert "*" not in caption


def test_an_empty_box_gets_a_sentence_without_a_caret():
    page = choose_section(open_page("views/teaching.py"), "t_s", "Check your answer")
    _type(page, "t_cf", "")
    assert errors(page) == []
    infos = [info.value for info in page.info]
    assert "Type a function of x, for example x^2 + sin(x)." in infos
    assert not [text for text in infos if "```" in text]


def test_a_typo_still_gets_its_caret():
    page = choose_section(open_page("views/teaching.py"), "t_s", "Check your answer")
    _type(page, "t_cf", "sin(x")
    (error,) = errors(page)
    assert "```text\nsin(x\n     ^\n```" in error
