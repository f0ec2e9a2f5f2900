"""A figure restyled for a projector: bigger markers, thicker lines, larger text.

The projector style must change what Plotly draws, not how the browser paints it: a CSS
`transform: scale()` on Plotly's markers replaced Plotly's own `transform: translate()`
and piled every marker into its panel's corner, and CSS font sizes made legend entries
overlap, as Plotly lays a legend out from the font size it knows. So the sizes go into
the figure itself, and Plotly lays everything out with them.

    >>> import plotly.graph_objects as go
    >>> figure = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker={"size": 5}))
    >>> for_projector(figure).data[0].marker.size
    8.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import LEGEND_HEIGHT

FONT_SCALE = 1.4  # 12 px ticks -> about 17 px: readable from the back of a room
LINE_SCALE = 1.6  # a 2.5 px curve -> 4 px
MARKER_SCALE = 1.6
HEIGHT_SCALE = 1.3  # room for the larger ticks and titles, so the plot keeps its size
# A legend of larger text wraps into more rows: measured 1.6-1.8 times as tall in Chromium.
LEGEND_GROWTH = 1.9
# Plotly's own defaults, for what a figure leaves unset (plotly.js 2.x/3.x).
DEFAULT_FONT_SIZE = 12.0
DEFAULT_LINE_WIDTH = 2.0
DEFAULT_MARKER_SIZE = 6.0
_SCATTERS = {"scatter", "scattergl", "scatter3d", "scatterpolar", "scatterpolargl"}
_FONT_KEYS = {"font", "tickfont", "titlefont", "textfont", "insidetextfont", "outsidetextfont"}
_NOT_FONTS = {"x", "y", "z", "template", "customdata", "text"}  # nothing to scale in them
_SHORT_TRACE = 20  # Plotly draws a scatter of at most this many points with markers too


def for_projector(figure: go.Figure) -> go.Figure:
    """A copy of `figure` for a room: every font, line and marker larger, positions untouched.

    Sizes that the figure sets are multiplied; sizes it leaves to Plotly's defaults are set
    to those defaults multiplied, so every curve and marker grows alike. Data (x, y, z) and
    every position (domains, ranges, anchors) stay as they are.

    Args:
        figure: the page's figure; left unchanged.

    Returns:
        A new figure with fonts x FONT_SCALE, line widths x LINE_SCALE, marker sizes x
        MARKER_SCALE; a set height grows by HEIGHT_SCALE, and the part of it that the figure
        says is its legend's (layout.meta[LEGEND_HEIGHT]) by LEGEND_GROWTH.
    """
    # Each part's own deep copy: arrays stay NumPy arrays (Figure.to_dict encodes them).
    layout = figure.layout.to_plotly_json()
    traces = [trace.to_plotly_json() for trace in figure.data]
    _scale_fonts(layout)
    font = layout.setdefault("font", {})
    font.setdefault("size", round(DEFAULT_FONT_SIZE * FONT_SCALE, 1))
    if _is_number(layout.get("height")):
        layout["height"] = _projector_height(layout["height"], _legend_height(layout))
    for shape in layout.get("shapes", ()):
        line = shape.setdefault("line", {})
        line["width"] = round(_number(line.get("width"), DEFAULT_LINE_WIDTH) * LINE_SCALE, 1)
    for trace in traces:
        _scale_trace(trace)
    return go.Figure(data=traces, layout=layout, _validate=False)


def _scale_trace(trace: dict) -> None:
    """Fonts, line width and marker size of one trace (a plain dict), in place."""
    _scale_fonts(trace)
    drawn = _drawn_parts(trace)
    line, marker = trace.get("line"), trace.get("marker")
    if "lines" in drawn or (isinstance(line, Mapping) and "width" in line):
        line = trace.setdefault("line", {})
        line["width"] = round(_number(line.get("width"), DEFAULT_LINE_WIDTH) * LINE_SCALE, 1)
    if "markers" in drawn or (isinstance(marker, Mapping) and "size" in marker):
        marker = trace.setdefault("marker", {})
        marker["size"] = _scaled_size(marker.get("size"))
        outline = marker.get("line")
        if isinstance(outline, Mapping) and isinstance(outline.get("width"), int | float):
            outline["width"] = round(outline["width"] * LINE_SCALE, 1)


def _drawn_parts(trace: Mapping) -> set[str]:
    """What a scatter trace draws ("lines", "markers", "text"), Plotly's default included."""
    if trace.get("type", "scatter") not in _SCATTERS:
        return set()
    mode = trace.get("mode")
    if mode is None:
        y = trace.get("y")
        points = 0 if y is None else len(y)
        mode = "lines+markers" if 0 < points <= _SHORT_TRACE else "lines"
    return set(str(mode).split("+"))


def _scaled_size(size: Any):
    """A marker size (a number, or one per point) times MARKER_SCALE."""
    if size is None:
        return round(DEFAULT_MARKER_SIZE * MARKER_SCALE, 1)
    if isinstance(size, int | float):
        return round(size * MARKER_SCALE, 1)
    return (np.asarray(size, dtype=np.float64) * MARKER_SCALE).tolist()


def _scale_fonts(node: Any) -> None:
    """Every `size` of a font (font, tickfont, textfont, ...) under `node`, in place."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in _FONT_KEYS and isinstance(value, Mapping) and _is_number(value.get("size")):
                value["size"] = round(value["size"] * FONT_SCALE, 1)
            if isinstance(value, Mapping | list | tuple) and key not in _NOT_FONTS:
                _scale_fonts(value)
    elif isinstance(node, list | tuple):
        for item in node:
            if isinstance(item, Mapping | list | tuple):
                _scale_fonts(item)


def _projector_height(height: float, legend: float) -> int:
    """The figure's height when its legend (`legend` pixels of `height`) grows LEGEND_GROWTH
    times and the rest HEIGHT_SCALE times; a plot at least as tall as its legend stays so
    (the rest then grows with the legend, as far as 1.2 legends)."""
    rest = height - legend
    grown = max(rest * HEIGHT_SCALE, min(rest, 1.2 * legend) * LEGEND_GROWTH)
    return round(legend * LEGEND_GROWTH + grown)


def _legend_height(layout: Mapping) -> float:
    """The pixels the figure's builder gave its legend (layout.meta), or 0 when not said."""
    meta = layout.get("meta")
    value = meta.get(LEGEND_HEIGHT) if isinstance(meta, Mapping) else None
    return float(value) if _is_number(value) else 0.0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) else default
