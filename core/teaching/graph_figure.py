"""The computational graph as a figure: a layered DAG, and how far a sweep has got.

Layers run left to right: the input x in layer 0, each operation one layer after its
deepest argument (the longest path from x), each constant just before its first use,
so the output is alone on the right. Within a layer, nodes are ordered by the mean
height of their neighbours (a few barycentre sweeps), which keeps crossings few for
the 5-40 nodes a person can follow.

A node's state is shown three ways at once, never by colour alone: done nodes are
filled, the current node is larger with a thick black outline, nodes still to do are
hollow; edges already swept are solid, the current node's edges thick, the others
dotted. Forward mode's arrows point from argument to result (tangents flow right);
reverse mode's point back (adjoints flow left). Okabe-Ito colours.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.figures.plotting import figure_from_traces
from core.teaching.graph import ComputationalGraph
from core.teaching.graph_rules import adjoint_of, tangent_of
from core.teaching.graph_sweeps import GraphSweeps, adjoints_after, step_nodes

__all__ = ["graph_figure", "layout"]

MODE_COLOURS = {"forward": "#0072B2", "reverse": "#009E73"}  # blue, bluish green
CURRENT_COLOUR = "#D55E00"  # vermillion
PENDING_COLOUR = "#999999"
SYMBOLS = {"input": "diamond", "constant": "square", "operation": "circle"}
NODE_SIZE, CURRENT_SIZE = 34, 46
ROW_HEIGHT = 120  # pixels per node in the fullest layer: the node and three label lines
COMPACT_FROM = 9  # nodes in a layer from which labels shrink to a name and one number
COMPACT_ROW_HEIGHT, COMPACT_SIZE = 76, 26
WIDTH = 760  # the width it is drawn for (a wide column), to stop arrows at a node's edge
_TIP_GAP = 21  # pixels between an arrow's tip and the centre of the node it points to
LABEL_FONT = {"size": 14, "color": "#1A1A1A"}  # readable on a projector: 14 px, near black
LABEL_BACKGROUND = "rgba(255, 255, 255, 0.92)"  # the label hides the edges behind it
LABEL_GAP = 4  # pixels between a node's marker and the top of its label


def layout(graph: ComputationalGraph) -> dict[int, tuple[float, float]]:
    """Each node's (x, y): x its layer, y its place in the layer (centred on 0).

    Example:
        >>> from core import parse_expression
        >>> from core.teaching.graph import computational_graph
        >>> layout(computational_graph(parse_expression("sin(x) + x")))
        {0: (0.0, 0.0), 1: (1.0, 0.0), 2: (2.0, 0.0)}
    """
    nodes = graph.nodes
    layer: dict[int, int] = {}
    for index, node in enumerate(nodes):
        if node.kind == "input":
            layer[index] = 0
        elif node.kind == "operation":
            layer[index] = 1 + max(layer[j] for j in node.inputs if graph.depends_on_x(j))
    consumers = _consumers(graph)
    for index, node in enumerate(nodes):
        if node.kind == "constant":
            uses = [layer[i] for i in consumers[index]]
            layer[index] = max(0, min(uses) - 1) if uses else 1
    layers: dict[int, list[int]] = {}
    for index in range(len(nodes)):
        layers.setdefault(layer[index], []).append(index)
    rank = {i: float(k) for members in layers.values() for k, i in enumerate(members)}
    neighbours = {i: [*set(nodes[i].inputs), *consumers[i]] for i in range(len(nodes))}
    for _ in range(6):  # barycentre ordering
        for members in layers.values():
            centre = {
                i: np.mean([rank[j] for j in neighbours[i]]) if neighbours[i] else rank[i]
                for i in members
            }
            members.sort(key=lambda i: (centre[i], rank[i]))
            rank.update({i: float(k) for k, i in enumerate(members)})
    return {
        i: (float(layer[i]), (len(layers[layer[i]]) - 1) / 2 - rank[i]) for i in range(len(nodes))
    }


def _consumers(graph: ComputationalGraph) -> dict[int, list[int]]:
    used: dict[int, list[int]] = {i: [] for i in range(len(graph.nodes))}
    for index, node in enumerate(graph.nodes):
        for j in dict.fromkeys(node.inputs):
            used[j].append(index)
    return used


def _edge_points(start, end, bend: float, backwards: bool, scale: tuple[float, float]):
    """Points along an edge (a quadratic curve when `bend` is not 0), pointing at `end`
    (or at `start` when `backwards`), the tip stopped short of the node: `scale` is
    pixels per unit of x and of y."""
    (x0, y0), (x1, y1) = start, end
    t = np.linspace(0.0, 1.0, 9 if bend else 2)
    mx, my = (x0 + x1) / 2 - bend * (y1 - y0), (y0 + y1) / 2 + bend * (x1 - x0)
    xs = (1 - t) ** 2 * x0 + 2 * t * (1 - t) * mx + t**2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * t * (1 - t) * my + t**2 * y1
    if backwards:
        xs, ys = xs[::-1], ys[::-1]
    dx, dy = xs[-1] - xs[-2], ys[-1] - ys[-2]
    pixels = float(np.hypot(dx * scale[0], dy * scale[1])) or 1.0
    cut = min(_TIP_GAP / pixels, 0.45 if bend == 0 else 0.9)  # of the last segment
    xs[-1] -= cut * dx
    ys[-1] -= cut * dy
    return list(xs), list(ys)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if np.isnan(value):
        return "nan"
    return f"{value:.4g}".replace("-", "−").replace("inf", "∞")


def _edge_state(target: int, done: set[int], current: int | None, to_constant: bool) -> str:
    if to_constant:  # reverse mode sends nothing to a constant
        return "pending"
    if target == current:
        return "current"
    return "swept" if target in done else "pending"


def graph_figure(sweeps: GraphSweeps, mode: str = "forward", steps: int | None = None) -> go.Figure:
    """The graph with the first `steps` steps of the `mode` sweep done (None: all).

    Args:
        sweeps: from `graph_sweeps`.
        mode: "forward" or "reverse".
        steps: how many steps are done; the last of them is the current node.

    Returns:
        A Plotly figure: edge traces named "swept", "this step" and "not yet swept",
        node traces "done", "this step", "to do" and "constant" (if any), and each
        node's name and numbers as a layout annotation under it (in node order), 14 px
        near-black on a white box, so edges passing behind never cross the text.
    """
    graph, order = sweeps.graph, step_nodes(sweeps, mode)
    steps = len(order) if steps is None else max(0, min(int(steps), len(order)))
    done, current = set(order[:steps]), order[steps - 1] if steps else None
    where = layout(graph)
    colour, backwards = MODE_COLOURS[mode], mode == "reverse"
    x_range = _range([p[0] for p in where.values()], 0.6, 0.6)
    y_range = _range([p[1] for p in where.values()], 0.85, 0.4)
    rows = max(_layer_sizes(where))
    compact = rows >= COMPACT_FROM
    height = max(330, (COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT) * rows + 90)
    scale = (WIDTH / (x_range[1] - x_range[0]), (height - 40) / (y_range[1] - y_range[0]))
    edges = {"swept": ([], [], []), "current": ([], [], []), "pending": ([], [], [])}
    for index, node in enumerate(graph.nodes):
        seen: dict[int, int] = {}
        for j in node.inputs:
            repeat = seen[j] = seen.get(j, -1) + 1
            bend = 0.0 if node.inputs.count(j) == 1 else (0.18 if repeat == 0 else -0.18)
            to_constant = backwards and not graph.depends_on_x(j)
            state = _edge_state(index, done, current, to_constant)
            arrow = state != "pending"
            xs, ys = _edge_points(where[j], where[index], bend, backwards and arrow, scale)
            bucket = edges[state]
            bucket[0].extend([*xs, None])
            bucket[1].extend([*ys, None])
            bucket[2].extend([0] * (len(xs) - 1) + [13 if arrow else 0, 0])
    styles = {
        "swept": ("swept", colour, "solid", 2.5),
        "current": ("this step", CURRENT_COLOUR, "solid", 4.5),
        "pending": ("not yet swept" if mode == "forward" else "nothing sent (yet)",
                    PENDING_COLOUR, "dot", 1.5),
    }  # fmt: skip
    traces = []
    for state, (xs, ys, sizes) in edges.items():
        name, line_colour, dash, width = styles[state]
        traces.append(
            {"type": "scatter", "x": xs, "y": ys, "mode": "lines+markers", "name": name,
             "legendgroup": "edges", "legendgrouptitle": {"text": "edges"},
             "line": {"color": line_colour, "dash": dash, "width": width},
             "marker": {"symbol": "arrow", "angleref": "previous", "size": sizes,
                        "color": line_colour}, "hoverinfo": "skip", "connectgaps": False}
        )  # fmt: skip
    node_traces, labels = _node_traces(sweeps, mode, steps, where, (done, current), compact)
    traces.extend(node_traces)
    return figure_from_traces(
        traces,
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        plot_bgcolor="white",
        xaxis={"visible": False, "range": x_range, "fixedrange": True},
        yaxis={"visible": False, "range": y_range, "fixedrange": True},
        hovermode="closest",
        annotations=[
            _label(text, where[i], node, i == current, compact)
            for i, (text, node) in enumerate(zip(labels, graph.nodes, strict=True))
        ],
    )


def _label(text: str, point, node, is_current: bool, compact: bool) -> dict:
    """A node's label: under its marker, dark text on a white box."""
    size = (COMPACT_SIZE if compact else NODE_SIZE) - (6 if node.kind == "constant" else 0)
    size = CURRENT_SIZE if is_current and node.kind != "constant" else size
    return {
        "x": point[0], "y": point[1], "xref": "x", "yref": "y", "text": text,
        "showarrow": False, "yanchor": "top", "yshift": -(size / 2 + LABEL_GAP),
        "font": LABEL_FONT, "bgcolor": LABEL_BACKGROUND, "borderpad": 2, "align": "center",
    }  # fmt: skip


def _layer_sizes(where) -> list[int]:
    counts: dict[float, int] = {}
    for x, _ in where.values():
        counts[x] = counts.get(x, 0) + 1
    return list(counts.values())


def _range(values: list[float], below: float, above: float) -> list[float]:
    return [min(values) - below, max(values) + above]


def _node_state(index: int, kind: str, done: set[int], current) -> str:
    if kind == "constant":
        return "constant"
    if index == current:
        return "current"
    return "done" if index in done else "pending"


def _node_traces(sweeps: GraphSweeps, mode, steps, where, progress, compact):
    """The node traces, and each node's label text (in node order)."""
    graph, (done, current) = sweeps.graph, progress
    adjoints = adjoints_after(sweeps, steps) if mode == "reverse" else {}
    groups: dict[str, list[int]] = {"done": [], "current": [], "pending": [], "constant": []}
    labels, hovers = [], []
    for index, node in enumerate(graph.nodes):
        groups[_node_state(index, node.kind, done, current)].append(index)
        row = sweeps.forward[index]
        lines = [f"<b>{node.name}</b> = {node.formula}"]
        hover = [f"{node.name} = {node.formula}", f"computes {node.label}"]
        if mode == "reverse" or index in done:
            lines.append(f"{node.name} = {_number(row.value)}")
            hover.append(f"value {node.name} = {_number(row.value)}")
        if mode == "forward" and index in done:
            lines.append(f"{tangent_of(node.name)} = {_number(row.tangent)}")
            hover.append(f"tangent {tangent_of(node.name)} = {_number(row.tangent)}")
        if mode == "reverse" and index in adjoints:
            complete = "" if index in done else " so far"
            lines.append(f"{adjoint_of(node.name)} = {_number(adjoints[index])}{complete}")
            hover.append(f"adjoint {adjoint_of(node.name)} = {_number(adjoints[index])}{complete}")
        if node.kind == "constant":
            value = _number(node.constant)
            lines = [] if value == node.name else [f"{node.name} = {value}"]  # a parameter
            hover = [f"constant {node.name} = {value}", f"{node.label}: tangent 0, no adjoint"]
        if compact and node.kind != "constant":  # its name and its latest number
            lines = [f"<b>{node.name}</b>", *lines[2:][-1:]]
        labels.append("<br>".join(lines))
        hovers.append("<br>".join(hover))
    colour = MODE_COLOURS[mode]
    size = COMPACT_SIZE if compact else NODE_SIZE
    styles = {  # name, fill, size, outline colour, outline width, text colour
        "done": ("done", colour, size, "white", 1, "white"),
        "current": ("this step", CURRENT_COLOUR, CURRENT_SIZE, "black", 3.5, "white"),
        "pending": ("to do", "white", size, PENDING_COLOUR, 2, "black"),
        "constant": ("constant", "#E8E8E8", size - 6, PENDING_COLOUR, 1, "black"),
    }
    traces = []
    for state, members in groups.items():
        if state == "constant" and not members:
            continue
        name, fill, size, outline, width, text_colour = styles[state]
        traces.append(  # the legend's entry: a marker of the state's look (the nodes' own
            # first marker may be the input's diamond)
            {"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name,
             "legendgroup": "nodes", "legendgrouptitle": {"text": "nodes"},
             "marker": {"color": fill, "size": 14, "line": {"color": outline, "width": width},
                        "symbol": "square" if state == "constant" else "circle"}}
        )  # fmt: skip
        traces.append(
            {"type": "scatter", "x": [where[i][0] for i in members],
             "y": [where[i][1] for i in members], "mode": "markers+text", "name": name,
             "showlegend": False,
             "text": [_short(graph.nodes[i]) for i in members], "textposition": "middle center",
             "textfont": {"color": text_colour, "size": 10 if compact else 13},
             "marker": {"color": fill, "size": size,
                        "symbol": [SYMBOLS[graph.nodes[i].kind] for i in members],
                        "line": {"color": outline, "width": width}},
             "hovertext": [hovers[i] for i in members], "hoverinfo": "text",
             "customdata": members}
        )  # fmt: skip
    return traces, labels


def _short(node) -> str:
    """What is written inside a node's marker: its operation, or a constant's value."""
    if node.kind == "input":
        return "x"
    if node.kind == "constant":
        text = node.name
        return text if len(text) <= 4 else text[:3] + "…"
    return {"neg": "−"}.get(node.operation, node.operation)
