"""Every chart the way pages draw it, with its text alternative and its data.

`show` draws a Plotly figure (through `for_screen` when given `points`, and through
`core.figures.projector.for_projector` in the projector style), named for screen readers by what it
shows in words (generated from the drawn data by `core.figures.text.describe`). Under it, a
small "Chart description" toggle holds the same words and a button that downloads the drawn
data as CSV: a paragraph under every chart doubled a page's length. The CSV is built only
when the button is clicked (a callable `data`, run by Streamlit on a separate thread), so a
rerun pays only for the sentence; `on_click="ignore"` keeps a click from rerunning the page.

`draw` is `show` for a figure a function builds from its arguments: the figure is built,
thinned, described and serialised once per (function, arguments, style), in a bounded
cache every session shares, and a rerun that changed nothing in it only hands Streamlit the
prepared dictionary (building and serialising the Explorer's two charts were about half of
its rerun's CPU).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import NamedTuple

import plotly.graph_objects as go
import plotly.io
import streamlit as st

from core.figures.plotting import for_screen
from core.figures.projector import for_projector
from core.figures.text import describe, figure_csv
from ui import instructor

PREFIX = "Chart: "
DESCRIPTION_LABEL = "Chart description and data"
DOWNLOAD_LABEL = "Download the data (CSV)"
PREPARED = 128  # charts kept ready: a class's current views, each in both styles


def show(figure: go.Figure, *, key: str, points: int | None = None, **plotly_chart_kwargs):
    """Draw `figure`, its description and a CSV download of its data, in the current container.

    Args:
        figure: the page's figure; changed in place by `for_screen` when `points` is given.
        key: the chart's widget key (page-prefixed); the download button's key and file name
            derive from it.
        points: thin each long line to about this many points (`for_screen`); None sends the
            figure as it is (3-D figures already in float32, short curves).
        **plotly_chart_kwargs: passed to st.plotly_chart (on_select, selection_mode, config,
            width, ...).

    Returns:
        What st.plotly_chart returns: the element, or its selection state when on_select is
        set.
    """
    figure, shown, text = _ready(figure, points, instructor.projector_on())
    return _chart(shown, figure, text, key, plotly_chart_kwargs)


def _ready(figure: go.Figure, points: int | None, projector: bool):
    """(the figure as drawn, as sent, its description): thinned by `for_screen` when
    `points` is given, in the projector style when asked."""
    if points:
        figure = for_screen(figure, points=points)
    return figure, for_projector(figure) if projector else figure, describe(figure)


class _Serialised(go.Figure):
    """A figure that hands Streamlit its dictionary as prepared by `draw`: Streamlit asks
    a Figure for `to_dict()` and serialises that; a dictionary whose arrays are already
    Plotly's typed-array specs (base64) serialises as plain JSON, with no copy."""

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


class Prepared(NamedTuple):
    figure: go.Figure  # as drawn (thinned), for the CSV download
    shown: _Serialised  # as sent (in the projector style when asked)
    text: str  # its description


def draw(
    build: Callable[..., go.Figure],
    *args,
    key: str,
    points: int | None = None,
    chart: dict | None = None,
    **kwargs,
):
    """`show(build(*args, **kwargs), key=key, points=points, **chart)`, with the figure
    built, thinned, described and serialised once for the same arguments and style, for
    every session (see the module's docstring).

    Args:
        build: a function of its arguments only (no session state), returning a new figure.
        *args, **kwargs: its arguments: hashable by Streamlit's cache (numbers, strings,
            tuples, lists, NumPy arrays, None).
        key, points: as for `show`.
        chart: passed to st.plotly_chart, as `show`'s keyword arguments.
    """
    name = f"{build.__module__}.{build.__qualname__}"
    ready = _prepared(name, build, args, kwargs, points, instructor.projector_on())
    return _chart(ready.shown, ready.figure, ready.text, key, dict(chart or {}))


@st.cache_resource(max_entries=PREPARED, show_spinner=False)
def _prepared(
    name: str,  # noqa: ARG001  (the cache's key: `_build` is not hashed)
    _build: Callable,
    args: tuple,
    kwargs: dict,
    points: int | None,
    projector: bool,
) -> Prepared:
    """The chart `_build` (called `name`) draws from these arguments, ready to send."""
    figure, shown, text = _ready(_build(*args, **kwargs), points, projector)
    spec = json.loads(plotly.io.to_json(shown, validate=False))  # arrays as typed specs
    return Prepared(figure, _Serialised(spec), text)


def _chart(shown: go.Figure, figure: go.Figure, text: str, key: str, plotly_chart_kwargs: dict):
    plotly_chart_kwargs.setdefault("alt", text)  # the chart's accessible name: all of it
    chart = st.plotly_chart(shown, key=key, **plotly_chart_kwargs)
    with st.expander(DESCRIPTION_LABEL, type="compact", icon=":material/description:"):
        st.caption(PREFIX + _escape_markdown(text))
        st.download_button(
            DOWNLOAD_LABEL,
            data=lambda: figure_csv(figure),
            file_name=f"{_file_stem(key)}.csv",
            mime="text/csv",
            key=f"{key}_csv",
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
    return chart


def _escape_markdown(text: str) -> str:
    """The sentence as literal text: a trace named `x_1*` or `$y$` must not turn into
    italics or LaTeX in the caption."""
    return re.sub(r"([\\`*_{}\[\]<>#+!|~$:])", r"\\\1", text)


def _file_stem(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", key).strip("_") or "chart"
