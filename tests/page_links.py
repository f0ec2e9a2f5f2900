"""Opening a view from a link in AppTest, as a browser does: the query comes first."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_link(view: str, query: dict[str, str]) -> AppTest:
    """The router's page `view` (e.g. "views/descent.py") opened from a link with `query`."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(view).run()
    no_exception(at)
    return at
