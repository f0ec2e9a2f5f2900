"""Every chart the way pages draw it, with its text alternative and its data.

`show` draws a Plotly figure (through `for_screen` when given `points`, and through
`core.figures.projector.for_projector` in the projector style), named for screen readers by what it
shows in words (generated from the drawn data by `core.figures.text.describe`). Under it, a
small "Chart description" toggle holds the same words and a button that downloads the drawn
data as CSV: a paragraph under every chart doubled a page's length. The CSV is built only
when the button is clicked (a callable `data`, run by Streamlit on a separate thread), so a
rerun pays only for the sentence; `on_click="ignore"` keeps a click from rerunning the page.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from core.figures.plotting import for_screen
from core.figures.projector import for_projector
from core.figures.text import describe, figure_csv
from ui import instructor

PREFIX = "Chart: "
DESCRIPTION_LABEL = "Chart description and data"
DOWNLOAD_LABEL = "Download the data (CSV)"


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
    if points:
        figure = for_screen(figure, points=points)
    text = describe(figure)
    plotly_chart_kwargs.setdefault("alt", text)  # the chart's accessible name: all of it
    shown = for_projector(figure) if instructor.projector_on() else figure
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
