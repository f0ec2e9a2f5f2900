"""The change-of-variables figure: a grid over the (u, v) rectangle and its image under F.

Side by side, each with equal axis scales, so the stretching is what one sees: under
the polar map the equal cells of the (ρ, θ) rectangle become thin wedges near ρ = 0
and wide ones at ρ = 1, in proportion to |det J| = ρ. Optionally both panels are
coloured by |det J|: a heatmap over (u, v) on the left, each image cell filled with
|det J| at its centre on the right, on one colour scale.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from scipy.interpolate import RegularGridInterpolator

from core.figures.plotting import figure_from_traces, masked
from core.several_variables.maps import DeterminantGrid, GridImage

U_COLOUR = "#0072B2"  # blue: lines of constant u (circles under the polar map)
V_COLOUR = "#D55E00"  # vermillion: lines of constant v (rays under the polar map)
COLOUR_SCALE = "Viridis"
LEVELS = 8  # colours for the image cells: |det J| from 0 to its 99th percentile
MAX_TRACE_POINTS = 480  # below core.figures.plotting.for_screen's thinning, which would join gaps
HEIGHT = 460


def change_figure(
    image: GridImage,
    determinant: DeterminantGrid | None = None,
    *,
    uv_title: str = "(u, v)",
    xy_title: str = "(x, y) = F(u, v)",
    u_title: str = "u",
    v_title: str = "v",
    u_name: str = "u",
    v_name: str = "v",
) -> go.Figure:
    """The (u, v) rectangle with its grid lines (left) and their images in (x, y) (right).

    Args:
        image: from `grid_image`.
        determinant: from `determinant_grid` over the same rectangle, to colour both
            panels by |det J|; None for lines only.
        uv_title, xy_title: the panels' titles, e.g. "(u, v) = (ρ, θ)" for polar.
        u_title, v_title: the left panel's axis titles, e.g. "u = ρ" and "v = θ".
        u_name, v_name: the variables' names in the legend ("ρ = const").

    Returns:
        Two panels on axes (x, y) and (x2, y2); the image's (right) at equal scales.
    """
    us, vs = image.us, image.vs
    traces = []
    if determinant is not None:
        size, top = _absolute(determinant)
        traces.append(
            {"type": "heatmap", "x": determinant.us, "y": determinant.vs, "z": size,
             "colorscale": COLOUR_SCALE, "zmin": 0.0, "zmax": top, "name": "|det J|",
             "colorbar": {"title": {"text": "|det J|"}, "len": 0.8},
             "hovertemplate": f"{u_name} = %{{x:.3g}}, {v_name} = %{{y:.3g}}: "
                              "|det J| = %{z:.4g}<extra></extra>"}
        )  # fmt: skip
        traces.extend(_cell_traces(image, determinant, size, top))
    constant_u = f"{u_name} = const"
    constant_v = f"{v_name} = const"
    traces.append(
        _line_trace(_segments(us, vs[0], vs[-1], vertical=True), constant_u, U_COLOUR, "x", "y")
    )
    traces.append(
        _line_trace(_segments(vs, us[0], us[-1], vertical=False), constant_v, V_COLOUR, "x", "y")
    )
    for lines, name, colour in ((image.u_lines, constant_u, U_COLOUR),
                                (image.v_lines, constant_v, V_COLOUR)):  # fmt: skip
        for curve in lines:
            trace = _line_trace(curve, name, colour, "x2", "y2")
            trace["showlegend"] = False
            traces.append(trace)
    return figure_from_traces(
        traces, height=HEIGHT, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"domain": [0.0, 0.4], "title": {"text": u_title}, "constrain": "domain"},
        # The (u, v) box fills its panel (ρ ∈ [0, 1] against θ ∈ [0, 2π] at equal scales
        # would be a sliver); the image keeps equal scales, where the stretching is read.
        yaxis={"title": {"text": v_title}},
        xaxis2={"domain": [0.52, 0.92], "title": {"text": "x"}, "anchor": "y2",
                "constrain": "domain"},
        yaxis2={"title": {"text": "y"}, "anchor": "x2", "scaleanchor": "x2", "scaleratio": 1,
                "constrain": "domain"},
        annotations=[_panel_title(uv_title, "x", "y"), _panel_title(xy_title, "x2", "y2")],
        legend={"orientation": "h", "y": -0.18}, uirevision="change-of-variables",
    )  # fmt: skip


# -- pieces ----------------------------------------------------------------------------


def _line_trace(points: np.ndarray, name: str, colour: str, xaxis: str, yaxis: str) -> dict:
    return {
        "type": "scatter", "x": masked(points[:, 0]), "y": masked(points[:, 1]),
        "mode": "lines", "name": name, "legendgroup": name,
        "line": {"color": colour, "width": 1.5}, "xaxis": xaxis, "yaxis": yaxis,
        "hovertemplate": f"{name}: (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    }  # fmt: skip


def _segments(values: np.ndarray, low: float, high: float, vertical: bool) -> np.ndarray:
    """Straight lines at `values`, from low to high, in one array with nan gaps."""
    rows = []
    for value in values:
        ends = [[value, low], [value, high]] if vertical else [[low, value], [high, value]]
        rows.extend([*ends, [np.nan, np.nan]])
    return np.array(rows, dtype=np.float64)


def _panel_title(text: str, xaxis: str, yaxis: str) -> dict:
    return {
        "text": text, "showarrow": False, "x": 0.5, "y": 1.0, "xref": f"{xaxis} domain",
        "yref": f"{yaxis} domain", "xanchor": "center", "yanchor": "bottom",
        "font": {"size": 14},
    }  # fmt: skip


def _absolute(determinant: DeterminantGrid) -> tuple[np.ndarray, float]:
    """|det J| with inf as nan, and the top of the colour scale (its 99th percentile)."""
    size = masked(np.abs(determinant.determinant))
    finite = size[np.isfinite(size)]
    top = float(np.percentile(finite, 99)) if finite.size else 1.0
    return size, top if top > 0 else 1.0


def _cell_traces(
    image: GridImage, determinant: DeterminantGrid, size: np.ndarray, top: float
) -> list[dict]:
    """Each image cell filled with the colour of |det J| at its (u, v) centre.

    One trace per colour level holds its cells as closed shapes separated by gaps
    (`fill: toself` fills each), split so that no trace is long enough to be thinned.
    """
    us, vs, step = image.us, image.vs, image.step
    centre_u, centre_v = np.meshgrid(0.5 * (us[:-1] + us[1:]), 0.5 * (vs[:-1] + vs[1:]))
    interpolate = RegularGridInterpolator(
        (determinant.vs, determinant.us), size, bounds_error=False, fill_value=np.nan
    )
    at_centres = interpolate(np.stack([centre_v.ravel(), centre_u.ravel()], axis=1))
    level = np.minimum((at_centres / top * LEVELS).astype(int, copy=False), LEVELS - 1)
    colours = sample_colorscale(COLOUR_SCALE, (np.arange(LEVELS) + 0.5) / LEVELS)
    shapes: dict[int, list[list[np.ndarray]]] = {}
    columns = len(us) - 1
    for index, value in enumerate(at_centres):
        if not np.isfinite(value):
            continue
        j, i = divmod(index, columns)  # cell between u-lines i, i+1 and v-lines j, j+1
        piece = slice(i * step, (i + 1) * step + 1)
        across = slice(j * step, (j + 1) * step + 1)
        outline = np.concatenate([
            image.v_lines[j][piece], image.u_lines[i + 1][across],
            image.v_lines[j + 1][piece][::-1], image.u_lines[i][across][::-1],
            [[np.nan, np.nan]],
        ])  # fmt: skip
        chunks = shapes.setdefault(int(level[index]), [[]])
        if sum(len(c) for c in chunks[-1]) + len(outline) > MAX_TRACE_POINTS:
            chunks.append([])
        chunks[-1].append(outline)
    traces = []
    for lvl, chunks in sorted(shapes.items()):
        for chunk in chunks:
            points = np.concatenate(chunk)
            traces.append(
                {"type": "scatter", "x": masked(points[:, 0]), "y": masked(points[:, 1]),
                 "mode": "lines", "fill": "toself", "fillcolor": colours[lvl],
                 "line": {"width": 0, "color": colours[lvl]}, "opacity": 0.85,
                 "name": "|det J|", "showlegend": False, "hoverinfo": "skip",
                 "xaxis": "x2", "yaxis": "y2"}
            )  # fmt: skip
    return traces
