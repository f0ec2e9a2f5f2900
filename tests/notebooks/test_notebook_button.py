"""The "Download as notebook" button: drawn in the sidebar of every page with a notebook,
for the view as its link stands, and written only when clicked."""

from __future__ import annotations

import json

import pytest

from tests.page_links import open_link
from ui import notebook_button


def _buttons(at) -> list:
    return [b for b in at.sidebar.get("download_button") if b.proto.label == "Download as notebook"]


def test_the_explorer_offers_its_view_as_a_notebook_written_on_click():
    at = open_link("views/explorer.py", {"f": "x^3", "n": "2"})
    (button,) = _buttons(at)
    # Deferred: the page sends a placeholder, and the notebook is written on the click.
    assert button.proto.HasField("deferred_file_id")
    book = json.loads(notebook_button._notebook("explorer", "f=x%5E3&n=2"))
    assert book["nbformat"] == 4
    assert "x**3" in "".join(book["cells"][1]["source"])


@pytest.mark.parametrize(
    ("view", "query"),
    [("views/several_variables.py", {"v_s": "Sparse Jacobians"}),
     ("views/beyond_grad.py", {"b_s": "Fixed points"})],
)  # fmt: skip
def test_a_section_without_a_notebook_says_so_instead(view, query):
    at = open_link(view, query)
    assert not _buttons(at)
    assert any("no notebook yet" in caption.value for caption in at.sidebar.caption)


def test_a_page_without_notebooks_draws_nothing():
    at = open_link("views/kinks.py", {})  # its notebook is not written yet
    assert [t.value for t in at.title] == ["Kinks and programs"]
    assert not _buttons(at)
