"""Opening a view from a link in AppTest, as a browser does: the query comes first."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def open_link(view: str, query: dict[str, str], timeout: float = 120) -> AppTest:
    """The router's page `view` (e.g. "views/descent.py") opened from a link with `query`
    (`timeout`: seconds each run may take)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(view).run()
    no_exception(at)
    return at


def open_page(view: str) -> AppTest:
    """The router's page `view`, opened from the sidebar (the app's first run, then the page)."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(view).run()
    no_exception(at)
    return at


def choose_section(at: AppTest, key: str, title: str) -> AppTest:
    """Click section `title` of a page's section picker (ui/sections.py), whose key is `key`."""
    at.button_group(key=key).set_value(title).run()
    no_exception(at)
    return at


def table(at: AppTest, index: int = 0):
    """The `index`-th st.table on the page, as a DataFrame of the texts shown."""
    return at.table[index].value


def errors(at: AppTest) -> list[str]:
    """The bodies of the page's st.error boxes."""
    return [e.value for e in at.error]


def shown_number(text: str) -> float:
    """A number as a table shows it (with a typographic minus)."""
    return float(text.replace("−", "-"))


def click(at: AppTest, x: float, y: float, chart: int = 0) -> None:
    """A click on the `chart`-th Plotly chart at (x, y), as the browser reports it (AppTest
    has no Plotly widget)."""
    states = at._tree.get_widget_states()
    selection = {"points": [{"x": x, "y": y}], "point_indices": [0], "box": [], "lasso": []}
    proto_id = at.get("plotly_chart")[chart].proto.id
    states.widgets.append(
        WidgetState(id=proto_id, string_value=json.dumps({"selection": selection}))
    )
    at._run(states)
    no_exception(at)
