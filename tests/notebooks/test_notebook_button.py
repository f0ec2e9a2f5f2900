"""The "Download as notebook" button: drawn in the sidebar of every page view, for the view as
its link stands, written only when clicked; a sentence instead where the view has none."""

from __future__ import annotations

import json

import nbformat

from tests.page_links import open_link, open_page
from ui import notebook_button
from ui.navigate import PAGE_KEYS, belongs


def _buttons(at) -> list:
    return [b for b in at.sidebar.get("download_button") if b.proto.label == notebook_button.LABEL]


def test_a_page_offers_its_view_as_a_notebook_written_on_click():
    at = open_link("views/kinks.py", {"k_f": "max(x, 0)", "k_x0": "0.5"})
    (button,) = _buttons(at)
    assert button.key == notebook_button.KEY
    # Deferred: the page sends a placeholder, and the notebook is written at the click.
    assert button.proto.HasField("deferred_file_id")
    assert not button.proto.url
    assert notebook_button.KEY not in at.query_params  # it writes nothing into the link
    book = nbformat.reads(notebook_button.notebook_bytes("kinks", "k_f=max%28x%2C+0%29"), 4)
    nbformat.validate(book)
    assert "f_text = 'max(x, 0)'" in book.cells[1].source


def test_a_csv_view_says_why_it_has_no_notebook_instead():
    at = open_link("views/regression.py", {"r_data": "a CSV file"})  # no file, no fit
    assert not _buttons(at)
    assert any("CSV file does not travel" in c.value for c in at.sidebar.caption)


def test_a_view_refused_while_written_downloads_a_notebook_that_says_why():
    query = "b_s=Fixed+points&b_ff=a+exp%28z%29&b_fa=1"
    book = json.loads(notebook_button.notebook_bytes("beyond_grad", query))
    (cell,) = book["cells"]
    assert cell["cell_type"] == "markdown"
    assert "No fixed point" in "".join(cell["source"])


def test_the_buttons_key_is_no_pages_name():
    assert not any(belongs(notebook_button.KEY, view) for view in PAGE_KEYS)


def test_the_class_page_says_it_has_no_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVATIVE_EXPLORER_CLASS_STORE", f"sqlite:///{tmp_path}/class.sqlite3")
    from ui.classroom import membership

    membership.store.clear()  # a store of this test's own, as tests/classroom do
    at = open_page("views/classroom.py")  # from the sidebar, as tests/classroom open it
    assert [t.value for t in at.title] == ["Class"]
    assert not _buttons(at)
    assert any("live lesson" in c.value for c in at.sidebar.caption)
