"""Noise amplification: how each method's error moves with the noise and the spacing.

Differentiating data amplifies its noise. A difference quotient (y[i+1] - y[i-1]) /
(2h) of values with independent noise of size sigma has noise of size about
sigma / (sqrt(2) h): halving the spacing doubles it, while the truncation error
shrinks like h^2. So with noisy data a finer grid first helps, then hurts. Fits and
smoothing splines average many points and resist it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.data.derivatives import Settings, derivative_matrix, estimate, rms_error
from core.data.samples import exact_values, sample_grid
from core.language.expression import ParsedExpression

NOISE_LEVELS = tuple(float(s) for s in np.logspace(-6, -1, 11))  # half-decades
# Up to 1,000: the smoothing spline's automatic (GCV) choice costs ~0.5 ms a point in
# SciPy, and 1,000 points already show the noise taking over.
SAMPLE_COUNTS = (20, 40, 80, 160, 320, 640, 1000)


class Sweep(NamedTuple):
    """RMS derivative error of one method along a sweep.

    Attributes:
        method: key of METHODS.
        noise: sigma at each point of the sweep.
        counts: n at each point of the sweep.
        spacing: mean sample spacing (x-range / (n - 1)) at each point.
        rms: root-mean-square error of dy/dx against the true f' (ends included).
    """

    method: str
    noise: np.ndarray
    counts: np.ndarray
    spacing: np.ndarray
    rms: np.ndarray


def noise_sweep(
    parsed: ParsedExpression,
    method: str,
    settings: Settings,
    n: int,
    x_range: tuple[float, float],
    grid: str = "uniform",
    seed: int = 0,
    noise_levels=NOISE_LEVELS,
) -> Sweep:
    """RMS error of `method` at a fixed grid of n samples as the noise sigma grows.

    One standard-normal draw z is scaled by each sigma (y = f + sigma z), so the curve
    shows the effect of sigma alone, not of a new draw at each point.
    """
    rng = np.random.default_rng(seed)
    x = sample_grid(n, x_range, grid, rng)
    values, truth = exact_values(parsed, x)
    z = rng.standard_normal(n)
    matrix = derivative_matrix(x) if method == "fd_matrix" else None
    rms = [
        rms_error(estimate(method, x, values + sigma * z, settings, matrix)[0], truth)
        for sigma in noise_levels
    ]
    noise = np.asarray(noise_levels, dtype=np.float64)
    spacing = np.full(len(noise), (x[-1] - x[0]) / (n - 1))
    return Sweep(method, noise, np.full(len(noise), n), spacing, np.array(rms))


def spacing_sweep(
    parsed: ParsedExpression,
    method: str,
    settings: Settings,
    noise: float,
    x_range: tuple[float, float],
    grid: str = "uniform",
    seed: int = 0,
    counts=SAMPLE_COUNTS,
) -> Sweep:
    """RMS error of `method` at a fixed noise sigma as the grid gets finer (n grows).

    Each n has its own grid and noise, drawn from `default_rng([seed, n])`, so a sweep
    is reproducible and its points are independent.
    """
    rngs = [np.random.default_rng([seed, n]) for n in counts]
    grids = [sample_grid(n, x_range, grid, rng) for n, rng in zip(counts, rngs, strict=True)]
    # One autodiff call over every grid at once (padded to whole chunks), not one per n.
    values, truth = exact_values(parsed, np.concatenate(grids))
    rms, start = [], 0
    for x, rng in zip(grids, rngs, strict=True):
        stop = start + len(x)
        y = values[start:stop] + noise * rng.standard_normal(len(x))
        rms.append(rms_error(estimate(method, x, y, settings)[0], truth[start:stop]))
        start = stop
    counts = np.asarray(counts)
    spacing = (float(x_range[1]) - float(x_range[0])) / (counts - 1)
    return Sweep(method, np.full(len(counts), float(noise)), counts, spacing, np.array(rms))


def noise_floor(noise: float, spacing: np.ndarray) -> np.ndarray:
    """sigma / (sqrt(2) h): the noise in a central difference of independent samples."""
    return noise / (np.sqrt(2.0) * np.asarray(spacing))
