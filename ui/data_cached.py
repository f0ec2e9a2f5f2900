"""Cached, bounded wrappers around the derivatives-of-data engine (plain arguments only).

Sweeps are cached per method, and with only the settings that method uses, so turning
one method on or changing the polynomial degree recomputes only what changed.
"""

from __future__ import annotations

import streamlit as st

from core.data.derivatives import DataView, Settings, data_view
from core.data.samples import Samples, read_csv, sample_function
from core.data.sweeps import Sweep, noise_sweep, spacing_sweep
from ui.cached import parse


@st.cache_data(max_entries=64, show_spinner=False)
def function_samples(
    text: str, n: int, x_range: tuple[float, float], grid: str, noise: float, seed: int
) -> Samples:
    return sample_function(parse(text), n, x_range, grid, noise, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def file_samples(data: bytes) -> Samples:
    return read_csv(data)


@st.cache_data(max_entries=64, show_spinner=False)
def function_estimates(
    text: str,
    n: int,
    x_range: tuple[float, float],
    grid: str,
    noise: float,
    seed: int,
    methods: tuple[str, ...],
    degree: int,
    smoothness: float | None,
) -> DataView:
    """Every chosen method on samples of a function, with what the page shows of them."""
    samples = function_samples(text, n, x_range, grid, noise, seed)
    return data_view(samples, methods, Settings(degree, smoothness))


@st.cache_data(max_entries=16, show_spinner=False)
def file_estimates(
    data: bytes, methods: tuple[str, ...], degree: int, smoothness: float | None
) -> DataView:
    """Every chosen method on an uploaded file's samples, with what the page shows."""
    return data_view(file_samples(data), methods, Settings(degree, smoothness))


def _relevant(method: str, degree: int, smoothness: float | None) -> tuple[int, float | None]:
    """Only the settings `method` uses, the others at their defaults (one cache entry)."""
    default = Settings()
    return (
        degree if method == "polynomial" else default.degree,
        smoothness if method == "smoothing_spline" else default.smoothness,
    )


@st.cache_data(max_entries=128, show_spinner=False)
def _noise_sweep(text, method, degree, smoothness, n, x_range, grid, seed) -> Sweep:
    return noise_sweep(parse(text), method, Settings(degree, smoothness), n, x_range, grid, seed)


@st.cache_data(max_entries=128, show_spinner=False)
def _spacing_sweep(text, method, degree, smoothness, noise, x_range, grid, seed) -> Sweep:
    return spacing_sweep(
        parse(text), method, Settings(degree, smoothness), noise, x_range, grid, seed
    )


def noise_sweeps(
    text: str,
    methods: tuple[str, ...],
    degree: int,
    smoothness: float | None,
    n: int,
    x_range: tuple[float, float],
    grid: str,
    seed: int,
) -> list[Sweep]:
    """RMS error against the noise sigma at n samples, one sweep per method."""
    return [
        _noise_sweep(text, m, *_relevant(m, degree, smoothness), n, x_range, grid, seed)
        for m in methods
    ]


def spacing_sweeps(
    text: str,
    methods: tuple[str, ...],
    degree: int,
    smoothness: float | None,
    noise: float,
    x_range: tuple[float, float],
    grid: str,
    seed: int,
) -> list[Sweep]:
    """RMS error against the sample count at a fixed noise sigma, one sweep per method."""
    return [
        _spacing_sweep(text, m, *_relevant(m, degree, smoothness), noise, x_range, grid, seed)
        for m in methods
    ]
