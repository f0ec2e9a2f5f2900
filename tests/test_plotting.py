"""What figures send to the browser (`core.figures.plotting.for_screen`): fewer points."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from core.figures.plotting import SCREEN_POINTS, for_screen


def _figure(xs, ys, **trace) -> go.Figure:
    return go.Figure(data=[{"type": "scatter", "x": xs, "y": ys, **trace}])


def test_a_long_curve_on_a_uniform_grid_keeps_both_ends_and_its_shape():
    xs = np.linspace(-4.0, 4.0, 1001)
    (trace,) = for_screen(_figure(xs, np.sin(xs), mode="lines")).data
    assert trace.x is None
    assert trace.x0 == -4.0
    assert trace.dx == 8.0 / 500
    assert len(trace.y) == SCREEN_POINTS + 1
    np.testing.assert_allclose(trace.y, np.sin(xs[::2]), atol=1e-7)  # float32: 7 digits
    assert trace.y.dtype == np.float32
    assert trace.x0 + trace.dx * (len(trace.y) - 1) == 4.0


def test_markers_and_short_traces_keep_every_point():
    xs = np.linspace(0.0, 1.0, 1001)
    markers = for_screen(_figure(xs, xs**2, mode="markers")).data[0]
    assert len(markers.y) == 1001
    short = for_screen(_figure(xs[:50], xs[:50], mode="lines")).data[0]
    assert len(short.y) == 50


def test_values_beyond_float32_stay_float64_and_gaps_stay_gaps():
    xs = np.linspace(0.0, 1.0, 11)
    ys = np.array([1e300, np.nan, *range(9)], dtype=np.float64)
    (trace,) = for_screen(_figure(xs, ys)).data
    assert trace.y.dtype == np.float64
    assert trace.y[0] == 1e300
    assert np.isnan(trace.y[1])


def test_an_uneven_grid_is_sent_as_its_points():
    xs = np.array([0.0, 0.1, 0.5, 2.0])
    (trace,) = for_screen(_figure(xs, xs)).data
    np.testing.assert_array_equal(trace.x, xs.astype(np.float32))
    assert trace.x0 is None


def test_the_message_is_several_times_smaller():
    xs = np.linspace(-4.0, 4.0, 1001)
    rows = [np.sin(k * xs) for k in range(10)]

    def size(figure: go.Figure) -> int:
        return len(pio.to_json(figure.to_dict(), validate=False))

    full = size(go.Figure(data=[{"type": "scatter", "x": xs, "y": y} for y in rows]))
    small = size(for_screen(go.Figure(data=[{"type": "scatter", "x": xs, "y": y} for y in rows])))
    assert small < full / 6
    decoded = json.loads(pio.to_json(for_screen(_figure(xs, rows[3])).to_dict()))["data"][0]
    assert decoded["x0"] == -4.0
    assert "x" not in decoded


def test_thinning_keeps_the_last_point_when_a_stride_divides_the_grid():
    xs = np.linspace(-4.0, 4.0, 1001)
    (trace,) = for_screen(_figure(xs, xs, mode="lines"), points=200).data
    assert len(trace.y) == 201
    assert trace.y[-1] == 4.0
    (trace,) = for_screen(_figure(xs, xs, mode="lines"), points=300).data
    assert len(trace.y) == 251  # 1000 / 4: the stride 4 keeps both ends
    assert trace.y[-1] == 4.0
