"""Two pages' keys cannot collide in one session.

A control's key is its URL name (Streamlit binds it to the link), and a bound widget keeps
its value across page switches: two pages giving a widget the same key would share one
value, and one page's link would set the other's control. So every key a page draws (its
controls, buttons, charts, each section's) is one of that page's own names or prefixes
(ui.navigate.PAGE_KEYS), and no two pages' names or prefixes overlap.
"""

from __future__ import annotations

import itertools

import pytest

from tests.page_links import choose_section, open_page
from ui.navigate import PAGE_KEYS, belongs

SECTION_PICKERS = {
    "views/several_variables.py": "v_s",
    "views/beyond_grad.py": "b_s",
    "views/teaching.py": "t_s",
}


def _keys(at) -> set[str]:
    """The keys of every element the page draws in its main area."""
    found = set()

    def walk(node):
        key = getattr(node, "key", None)
        if key:
            found.add(key)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found


def test_no_two_pages_share_a_name_or_a_prefix():
    for (one, names), (other, others) in itertools.combinations(PAGE_KEYS.items(), 2):
        for name, another in itertools.product(names, others):
            clash = (
                name == another
                or (name.endswith("_") and another.startswith(name))
                or (another.endswith("_") and name.startswith(another))
            )
            assert not clash, (one, name, other, another)


@pytest.mark.parametrize("view", list(PAGE_KEYS))
def test_every_key_a_page_draws_is_its_own(view):
    at = open_page(view)
    keys = _keys(at)
    picker = SECTION_PICKERS.get(view)
    if picker is not None:
        for option in at.button_group(key=picker).options:
            title = getattr(option, "content", option)
            keys |= _keys(choose_section(at, picker, title))
    assert keys, view
    assert sorted(key for key in keys if not belongs(key, view)) == [], view
