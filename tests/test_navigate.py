"""ui.navigate: a view opened on the page shown, through the hidden page — also when
another run of that page comes between the two steps (a fragment's poll queued before)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.page_links import APP, no_exception
from ui.navigate import PENDING

EXPLORER = "views/explorer.py"


def _explorer() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    no_exception(at)
    assert at.text_input(key="f").value != "sin(3x)"
    return at


def test_a_run_of_the_page_between_the_two_steps_still_opens_the_view():
    """The first step set the pending view; the next run is the Explorer's own (its `f` is
    bound again): the view still opens, with no error about a bound name."""
    at = _explorer()
    at.session_state[PENDING] = (EXPLORER, {"f": "sin(3x)", "n": "2"})
    at.run()
    no_exception(at)
    assert at.text_input(key="f").value == "sin(3x)"
    assert at.slider(key="n").value == 2
    assert PENDING not in at.session_state


def test_a_run_of_another_page_between_the_two_steps_drops_the_view():
    at = _explorer()
    at.switch_page("views/fd_lab.py")
    at.session_state[PENDING] = (EXPLORER, {"f": "sin(3x)"})
    at.run()
    no_exception(at)
    assert PENDING not in at.session_state
    assert at.title[0].value != "Derivative Explorer"  # still the page the person chose
