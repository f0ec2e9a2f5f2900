"""ui.url_state: a link's values are sent to the browser in a page's first runs, so a first
run cut short by the next (a slow first run on a busy server) cannot leave the browser
showing each widget's own default while the page computes with the link's values."""

from __future__ import annotations

from tests.page_links import open_link
from ui.url_state import EARLY_RUNS


def test_a_links_values_are_sent_again_in_the_first_runs_only():
    at = open_link("views/explorer.py", {"f": "tanh(x)"})
    sent = [at.text_input(key="explorer_expr").proto.set_value]
    for _ in range(EARLY_RUNS + 1):
        at.run()
        sent.append(at.text_input(key="explorer_expr").proto.set_value)
    assert sent == [True] * EARLY_RUNS + [False, False]
    assert at.text_input(key="explorer_expr").value == "tanh(x)"


def test_what_a_person_changed_in_an_early_run_is_kept():
    at = open_link("views/explorer.py", {"f": "tanh(x)"})
    at.text_input(key="explorer_expr").set_value("x^2").run()
    assert at.text_input(key="explorer_expr").proto.set_value  # run 2: sent again…
    assert at.text_input(key="explorer_expr").value == "x^2"  # …as the person's value
