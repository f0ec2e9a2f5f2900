"""A figure's traces as plain arrays, and its data as a table for a download.

`Series` is what `core.figures.text` reads to write a chart's sentence, and what
`figure_table` writes out in long form (one row a point). Figures are read through
`to_plotly_json()` (plain dicts): Plotly's attribute access cost about 50 µs a property,
most of the time of describing a figure of thirty traces.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MAX_ROWS = 20_000  # rows of a data download; longer traces are thinned evenly
HIDDEN = (False, "legendonly")
KINDS = {"bar": "bars", "heatmap": "heatmap", "contour": "contour map", "surface": "3-D surface",
         "histogram": "histogram", "table": "table"}  # fmt: skip
MODES = {"lines": "line", "markers": "points", "lines+markers": "line with points"}


class Series(NamedTuple):
    """One trace's data as plain arrays: numbers in float64 (nan and inf kept) or labels.

    For a grid (heatmap, contour, surface) z is 2-D with x along its columns and y along
    its rows; for a table, x holds the header and y the first column.
    """

    name: str
    group: str  # the legend group ("f′"), or the name
    member: str  # the name within its group ("AD")
    kind: str
    panel: str  # "x/y" (or "x2/y2") for 2-D axes, the scene's name for 3-D, "table"
    x: np.ndarray | None
    y: np.ndarray | None
    z: np.ndarray | None


def figure_table(figure: go.Figure, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The figure's data in long form, one row a point: trace, x, y (and z where there is one).

    Every trace that is not ``visible=False`` is included (a ``"legendonly"`` trace is data
    the reader can show). Heatmaps and surfaces give one row per grid cell. A figure of only
    a table trace gives that table. Past `max_rows`, each trace is thinned evenly (its first
    and last points kept) and ``attrs["thinned"]`` is True.
    """
    traces = [t.to_plotly_json() for t in figure.data]
    traces = [t for t in traces if t.get("visible") is not False]
    if traces and all(t.get("type") == "table" for t in traces):
        return _table_trace(traces[0])
    groups = group_labels(traces)
    series = [
        series_of(trace, i, groups)
        for i, trace in enumerate(traces)
        if trace.get("type") != "table"
    ]
    share = max(1, max_rows // max(1, len(series)))
    frames, thinned = [], False
    for one in series:
        frame = _long_form(one)
        if len(frame) > share:
            keep = np.unique(np.linspace(0, len(frame) - 1, share).round().astype(int))
            frame, thinned = frame.iloc[keep], True
        frames.append(frame)
    columns = ["trace", "x", "y"] + (["z"] if any("z" in f for f in frames) else [])
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    table = table.reindex(columns=columns)
    table.attrs["thinned"] = thinned
    return table


def figure_csv(figure: go.Figure, max_rows: int = MAX_ROWS) -> str:
    """`figure_table` as CSV text (a header row, then one row a point)."""
    return figure_table(figure, max_rows).to_csv(index=False)


# -- reading a trace -------------------------------------------------------------------


def invisible(trace: dict) -> bool:
    """Drawn fully transparent: a grid of points that only catches clicks, not data."""
    marker = trace.get("marker") or {}
    see_through = trace.get("opacity") == 0 or marker.get("opacity") == 0
    return see_through and (trace.get("mode") or "") == "markers"


def group_labels(traces: list[dict]) -> dict[str, str]:
    """What each legend group is called: its legend title ("f′", over "AD" and "symbolic"),
    else the name of its first trace when every other name extends it ("central (p=4)", over
    "central (p=4): model"), else the group's own id."""
    titles: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for trace in traces:
        group = trace.get("legendgroup")
        if group:
            title = plain(title_text({"title": trace.get("legendgrouptitle")}))
            titles[group] = titles.get(group) or title
            names.setdefault(group, []).append(plain(trace.get("name") or ""))
    labels = {}
    for group, members in names.items():
        first = members[0]
        extended = first and all(_extends(name, first) for name in members)
        labels[group] = titles[group] or (first if extended else plain(group))
    return labels


def _extends(name: str, prefix: str) -> bool:
    """Whether `name` is `prefix` or `prefix` and more words ("f′ AD", "f: model"; not "finite")."""
    return name == prefix or (name.startswith(prefix) and name[len(prefix)] in " :,(")


def series_of(trace: dict, index: int, groups: dict[str, str]) -> Series:
    kind = _kind(trace)
    name = plain(trace.get("name") or "") or f"series {index + 1}"
    group = groups.get(trace.get("legendgroup") or "", "")
    member = name
    if group and _extends(name, group):  # "central (p=4): model" in "central (p=4)"
        member = name[len(group) :].lstrip(" :,–—-") or name
    elif group:  # "AD" in "f′"
        name = f"{group} {name}"
    panel = _panel_of(trace)
    if trace.get("type") == "table":
        header = [plain(h) for h in trace.get("header", {}).get("values") or ()]
        first = (trace.get("cells", {}).get("values") or [()])[0]
        return Series(name, group or name, member, kind, panel, np.array(header, dtype=str),
                      np.array(first, dtype=str), None)  # fmt: skip
    x, y, z = (_values(trace.get(axis)) for axis in "xyz")
    if z is not None and z.ndim == 2:  # a grid: x along the columns, y along the rows
        x = x if x is not None else _implicit(trace, "x", z.shape[1])
        y = y if y is not None else _implicit(trace, "y", z.shape[0])
    elif x is None and y is not None:  # for_screen sends a uniform grid as x0 and dx
        x = _implicit(trace, "x", len(y))
    elif y is None and x is not None and trace.get("type") in ("bar", "histogram"):
        x, y = np.arange(len(x), dtype=np.float64), x
    return Series(name, group or name, member, kind, panel, x, y, z)


def _kind(trace: dict) -> str:
    kind = trace.get("type", "scatter")
    if kind in ("scatter", "scattergl", "scatter3d"):
        mode = trace.get("mode") or "lines"
        word = MODES.get(mode, "points" if "markers" in mode else "line")
        return f"3-D {word}" if kind == "scatter3d" else word
    return KINDS.get(kind, kind)


def _panel_of(trace: dict) -> str:
    kind = trace.get("type", "scatter")
    if kind in ("scatter3d", "surface", "mesh3d", "cone"):
        return trace.get("scene") or "scene"
    if kind == "table":
        return "table"
    return f"{trace.get('xaxis') or 'x'}/{trace.get('yaxis') or 'y'}"


def _values(values) -> np.ndarray | None:
    """Numbers as float64 (nan and inf kept), labels as strings, nothing as None."""
    if values is None:
        return None
    if isinstance(values, dict):  # Plotly's typed-array form {"dtype": ..., "bdata": ...}
        return None
    array = np.asarray(values)
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError):
        return array.astype(str)


def _implicit(trace: dict, axis: str, length: int) -> np.ndarray:
    start, step = trace.get(f"{axis}0"), trace.get(f"d{axis}")
    start = 0.0 if start is None or isinstance(start, str) else float(start)
    step = 1.0 if step is None else float(step)
    return start + step * np.arange(length, dtype=np.float64)


def title_text(container: dict) -> str:
    title = container.get("title")
    if isinstance(title, dict):
        return title.get("text") or ""
    return title or ""


def plain(text) -> str:
    """Plotly's label HTML (<b>, <sub>, <br>) as plain text."""
    text = re.sub(r"<br\s*/?>", " ", str(text), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


# -- the data table --------------------------------------------------------------------


def _long_form(one: Series) -> pd.DataFrame:
    if one.z is not None and one.z.ndim == 2:
        rows, columns = one.z.shape
        x = one.x if one.x.ndim == 2 else np.broadcast_to(one.x[:columns], (rows, columns))
        y = one.y if one.y.ndim == 2 else np.broadcast_to(one.y[:rows, None], (rows, columns))
        data = {"x": x.ravel(), "y": y.ravel(), "z": one.z.ravel()}
    elif one.y is None:
        data = {"x": np.array([]), "y": np.array([])}
    else:
        length = len(one.y) if one.x is None else min(len(one.x), len(one.y))
        x = np.full(length, np.nan) if one.x is None else one.x[:length]
        data = {"x": x, "y": one.y[:length]}
        if one.z is not None:
            data["z"] = one.z[:length]
    frame = pd.DataFrame({key: _decimal(value) for key, value in data.items()})
    frame.insert(0, "trace", one.name)
    return frame


def _decimal(values: np.ndarray) -> np.ndarray:
    """Values that fit float32 exactly (what for_screen sends) as their shortest decimal, so
    the CSV says 0.84147096 and not 0.8414709568023682."""
    if values.dtype.kind != "f" or values.size == 0:
        return values
    single = values.astype(np.float32)
    finite = np.isfinite(values)
    if np.array_equal(single[finite].astype(np.float64), values[finite]):
        return single.astype(str).astype(np.float64)
    return values


def _table_trace(trace: dict) -> pd.DataFrame:
    header = [plain(h) for h in trace.get("header", {}).get("values") or ()]
    cells = [list(column) for column in trace.get("cells", {}).get("values") or ()]
    header += [f"column {i + 1}" for i in range(len(header), len(cells))]
    length = max((len(c) for c in cells), default=0)
    padded = [[*column, *[""] * (length - len(column))] for column in cells]
    table = pd.DataFrame(dict(zip(header, padded, strict=False)))
    table.attrs["thinned"] = False
    return table
