"""Text alternatives for charts: what a figure shows in a few sentences, and its data as a table.

Everything is generated from the figure's data, not from what a page means to draw, so the
sentence cannot drift from the chart: for each visible trace its name, kind, the range of x
and y and where the lowest and highest values are; heatmaps, contours and 3-D surfaces by the
range of z and where its extremes lie; one clause per panel when the figure has subplots.
Hidden traces (``visible=False`` or ``"legendonly"``) are left out of the sentence; nan and
infinite values are counted, never used as an extreme. Many traces are told more briefly,
down to one range per legend group, so the text stays short enough to listen to.

    >>> import numpy as np, plotly.graph_objects as go
    >>> xs = np.linspace(0.0, 2.0, 5)
    >>> describe(go.Figure(go.Scatter(x=xs, y=xs**2, name="f", mode="lines")))
    'Chart of 1 series. f (line, 5 points): x from 0 to 2; y from 0 (at x = 0) to 4 (at x = 2).'
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from core.figures.series import (
    HIDDEN,
    Series,
    figure_csv,
    figure_table,
    group_labels,
    invisible,
    plain,
    series_of,
    title_text,
)

__all__ = ["MAX_CHARACTERS", "describe", "figure_csv", "figure_table"]

MAX_CHARACTERS = 600  # a paragraph a screen reader reads in about half a minute


class _Stats(NamedTuple):
    """What the sentence says about one series, computed once."""

    series: Series
    size: str  # "500 points", "40×30 grid"
    axis: str  # the axis of the values: "y", or "z" for grids and 3-D
    low: tuple[float, str] | None  # (value, where) of the lowest finite value
    high: tuple[float, str] | None
    x_range: str | None
    missing: int  # values that are nan or infinite
    empty: bool
    path: tuple[str, str] | None = None  # where a path in the plane starts and ends


def describe(figure: go.Figure, max_characters: int = MAX_CHARACTERS) -> str:
    """A few sentences of what `figure` shows, from its data.

    Args:
        figure: any Plotly figure (lines, markers, bars, heatmaps, contours, surfaces,
            3-D lines, tables), with subplots or not, thinned by `for_screen` or not.
        max_characters: the longest text returned; many traces are told more briefly
            (without where the extremes are, then one range per legend group, then names
            and "and N more") to fit.

    Returns:
        Plain text (no HTML), at most `max_characters` long.
    """
    layout = figure.layout.to_plotly_json()
    traces = [t.to_plotly_json() for t in figure.data]
    visible = [t for t in traces if t.get("visible") not in HIDDEN and not invisible(t)]
    hidden = sum(t.get("visible") in HIDDEN for t in traces)
    panels: dict[str, list[_Stats]] = {}
    groups = group_labels(traces)
    for index, trace in enumerate(visible):
        one = series_of(trace, index, groups)
        panels.setdefault(one.panel, []).append(_stats(one))
    title = plain(title_text(layout))
    head = (f"{title}. " if title else "") + f"Chart of {_count(len(visible), 'series')}"
    head += f" in {len(panels)} panels." if len(panels) > 1 else "."
    tail = f" {_count(hidden, 'hidden series')} not described." if hidden else ""
    if not visible:
        return _fit(head + " It has no data to show." + tail, max_characters)
    axes = {panel: _panel_axes(layout, panel) for panel in panels}
    labels = {panel: _panel_label(layout, panel, axes[panel]) for panel in panels}
    several = len(panels) > 1
    for detail in (3, 2, 1, 0, -1):
        clauses = [
            _panel_clause(labels[p] if several else None, axes[p], members, detail)
            for p, members in panels.items()
        ]
        text = " ".join([head, *clauses]) + tail
        if len(text) <= max_characters:
            return text
    groups = list(dict.fromkeys(s.series.group for m in panels.values() for s in m))
    return _fit(_names_only(head, groups, max_characters - len(tail)) + tail, max_characters)


# -- the numbers the sentence tells ----------------------------------------------------


def _stats(one: Series) -> _Stats:
    values = one.z if one.z is not None else one.y
    grid = values is not None and values.ndim == 2
    axis = "z" if grid or one.kind.startswith("3-D") else "y"
    if one.kind == "table":
        return _Stats(one, _count(len(one.y), "row"), axis, None, None, None, 0, False)
    if values is None or values.size == 0:
        return _Stats(one, "no data", axis, None, None, None, 0, True)
    size = f"{values.shape[1]}×{values.shape[0]} grid" if grid else _count(values.size, "point")
    x_range = None if grid or one.x is None or one.x.size == 0 else _range(one.x)
    if values.dtype.kind != "f":
        return _Stats(one, size, axis, None, None, x_range, 0, False)
    finite = np.isfinite(values)
    missing = values.size - int(finite.sum())
    if not finite.any():
        return _Stats(one, size, axis, None, None, x_range, missing, False)
    flat = np.where(finite, values, np.nan).ravel()
    low, high = int(np.nanargmin(flat)), int(np.nanargmax(flat))
    low = (float(flat[low]), _where(one, values.shape, low))
    high = (float(flat[high]), _where(one, values.shape, high))
    return _Stats(one, size, axis, low, high, x_range, missing, False, _path(one))


def _path(one: Series) -> tuple[str, str] | None:
    """A line whose x goes back and forth is a path in the plane (an optimizer's iterates),
    not a function's graph: what matters is where it starts and ends. A single point is
    where it is."""
    if one.z is not None or one.x is None or one.y is None or one.x.dtype.kind != "f":
        return None
    keep = np.isfinite(one.x) & np.isfinite(one.y)
    x, y = one.x[keep], one.y[keep]
    if len(x) == 1:
        return (_point(x[0], y[0]), "")
    steps = np.diff(x)
    if len(x) < 3 or one.kind == "points" or not ((steps > 0).any() and (steps < 0).any()):
        return None
    return (_point(x[0], y[0]), _point(x[-1], y[-1]))


def _point(x: float, y: float) -> str:
    return f"({_number(x)}, {_number(y)})"


def _where(one: Series, shape: tuple[int, ...], flat: int) -> str:
    """Where the flat index `flat` of the drawn values is, in the chart's coordinates."""
    if len(shape) == 2:
        row, column = (int(i) for i in np.unravel_index(flat, shape))
        return f"x = {_at(one.x, row, column, column)}, y = {_at(one.y, row, column, row)}"
    if one.z is not None:  # a 3-D line: z over (x, y)
        return f"x = {_at(one.x, 0, flat, flat)}, y = {_at(one.y, 0, flat, flat)}"
    return f"x = {_at(one.x, 0, flat, flat)}"


def _at(coordinates, row: int, column: int, index: int) -> str:
    if coordinates is None:
        return "?"
    if coordinates.ndim == 2:
        value = coordinates[row, column]
    elif index < len(coordinates):
        value = coordinates[index]
    else:
        return "?"
    return _number(value) if coordinates.dtype.kind == "f" else plain(str(value))


def _range(values: np.ndarray) -> str:
    if values.dtype.kind != "f":
        return f"{plain(str(values.flat[0]))} to {plain(str(values.flat[-1]))}"
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return "no finite values"
    return f"{_number(finite.min())} to {_number(finite.max())}"


# -- writing the sentence --------------------------------------------------------------


def _panel_clause(label: str | None, axes: list[tuple[str, str, bool]], members, detail: int):
    """One panel (`label`: its name when the figure has several): its axes, then its series,
    at `detail` 3 (everything) down to 0 (one range per legend group)."""
    own_group = {s.series.group for s in members} == {label}
    named = label and not (detail <= 0 and own_group)  # "Panel f: f (AD, symbolic)" says f twice
    words = [f"{_PANEL_WORDS.get(label, 'Panel ' + str(label))}:" if named else ""]
    titles = [f"{axis} axis {title}" for axis, title, _ in axes if title and title != label]
    if titles and detail >= 2:
        words.append("; ".join(titles) + ".")
    logs = [axis for axis, _, log in axes if log]
    if logs:
        words.append(f"Log scale on {' and '.join(logs)}.")
    x_ranges = {s.x_range for s in members}
    shared = len(members) > 1 and len(x_ranges) == 1 and None not in x_ranges
    if shared and detail >= 1:
        words.append(f"x from {x_ranges.pop()}.")
    if detail <= 0:
        words += _group_clauses(members, with_members=detail == 0)
    else:
        words += [_series_clause(s, detail, show_x=not shared) for s in members]
    return " ".join(w for w in words if w)


def _series_clause(stats: _Stats, detail: int, show_x: bool) -> str:
    one = stats.series
    head = f"{one.name} ({one.kind}, {stats.size})" if detail >= 2 else one.name
    if one.kind == "table":
        return f"{head}: columns {', '.join(one.x) or 'none'}."
    if stats.empty:
        return f"{one.name} ({one.kind}): no data."
    if stats.path and not stats.path[1]:
        return f"{head}: at {stats.path[0]}."
    if stats.path:
        return f"{head}: from {stats.path[0]} to {stats.path[1]}."
    parts = []
    if show_x and stats.x_range and detail >= 2:
        parts.append(f"x from {stats.x_range}")
    if stats.low is None:
        parts.append("no finite values" if stats.missing else "labels only")
    elif detail >= 3:
        parts.append(f"{stats.axis} from {_number(stats.low[0])} (at {stats.low[1]}) "
                     f"to {_number(stats.high[0])} (at {stats.high[1]})")  # fmt: skip
    else:
        parts.append(f"{stats.axis} from {_number(stats.low[0])} to {_number(stats.high[0])}")
    if stats.missing and stats.low is not None and detail >= 2:
        parts.append(f"{stats.missing} not finite")
    return f"{head}: {'; '.join(parts)}."


def _group_clauses(members: list[_Stats], with_members: bool) -> list[str]:
    """One clause per legend group: "f′ (AD, symbolic): −0.57 to 1" (or "f′: −0.57 to 1")."""
    groups: dict[str, list[_Stats]] = {}
    for stats in members:
        groups.setdefault(stats.series.group, []).append(stats)
    clauses = []
    for group, stats in groups.items():
        names = [s.series.member for s in stats if s.series.member != group]
        label = f"{group} ({', '.join(names)})" if names and with_members else group
        lows = [s.low[0] for s in stats if s.low]
        highs = [s.high[0] for s in stats if s.high]
        span = f"{_number(min(lows))} to {_number(max(highs))}" if lows else "no finite values"
        clauses.append(f"{label}: {span}.")
    return clauses


def _panel_axes(layout: dict, panel: str) -> list[tuple[str, str, bool]]:
    """The panel's axes: (letter, title, log scale) for x and y, or x, y and z of a scene."""
    if panel == "table":
        return []
    if "/" not in panel:
        scene = layout.get(panel, {})
        return [_axis(a, scene.get(f"{a}axis", {})) for a in "xyz"]
    return [_axis(name[0], layout.get(_axis_name(name), {})) for name in panel.split("/")]


def _axis(letter: str, axis: dict) -> tuple[str, str, bool]:
    return letter, plain(title_text(axis)), axis.get("type") == "log"


def _axis_name(reference: str) -> str:
    return f"{reference[0]}axis{reference[1:]}"


_PANEL_WORDS = {"table": "Table", "scene": "3-D view"}


def _panel_label(layout: dict, panel: str, axes: list[tuple[str, str, bool]]) -> str:
    """What names a panel: its subplot title, else its y-axis title, else its axes."""
    if panel == "table" or "/" not in panel:
        return panel
    y_title = next((title for letter, title, _ in axes if letter == "y"), "")
    return _subplot_title(layout, panel) or y_title or panel


def _subplot_title(layout: dict, panel: str) -> str:
    """A title make_subplots put above this panel (an annotation in paper coordinates)."""
    x_axis, y_axis = (layout.get(_axis_name(n), {}) for n in panel.split("/"))
    x_low, x_high = x_axis.get("domain") or (0, 1)
    top = (y_axis.get("domain") or (0, 1))[1]
    for note in layout.get("annotations") or ():
        x, y, text = note.get("x"), note.get("y"), note.get("text")
        in_paper = note.get("xref") == "paper" and note.get("yref") == "paper"
        if not (in_paper and text) or x is None or y is None:
            continue
        if x_low <= x <= x_high and top - 0.01 <= y <= top + 0.08:
            return plain(text)
    return ""


def _names_only(head: str, names: list[str], limit: int) -> str:
    text, shown = head, 0
    for name in names:
        rest = len(names) - shown - 1
        ending = "." if rest == 0 else ","
        if len(text) + len(name) + 2 + len(f" and {rest} more.") > limit:
            break
        text, shown = f"{text} {name}{ending}", shown + 1
    if shown < len(names):
        text = text.rstrip(",") + f" and {len(names) - shown} more."
    return text


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    """3 significant digits, written as read: −1.57, 2.5e−8, ∞."""
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value + 0.0:.3g}"  # + 0.0: −0.0 is written 0
    if 1e3 <= abs(value) < 1e6:  # 1060, not 1.06e3
        text = f"{float(text):.0f}"
    text = re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("" if m[1] == "+" else "-") + m[2], text)
    return text.replace("-", "−")


def _count(count: int, noun: str) -> str:
    plural = noun if noun.endswith("series") else f"{noun}s"
    return f"{count} {noun if count == 1 else plural}"
