"""Data to differentiate: noisy samples of a typed function, or an uploaded CSV file.

Samples of a function carry its exact values and derivative (by JAX autodiff), so
every method can be scored; a CSV file's true derivative is unknown.
"""

from __future__ import annotations

import csv
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import ad_derivatives
from core.language.expression import ParsedExpression

GRIDS = ("uniform", "random")
MIN_SAMPLES = 5  # a smoothing spline needs five points; so does a useful comparison
MAX_SAMPLES = 2000
MAX_CSV_BYTES = 200_000
MAX_CSV_ROWS = 10_000
# Autodiff runs eagerly on arrays of this length (padded), the Explorer's warmed grid
# size: JAX compiles each primitive once per array length, so every sample count
# reuses the same compiled primitives instead of compiling for each new length.
AD_CHUNK = 1001


class DataError(ValueError):
    """Data that cannot be differentiated; the message is one sentence saying why."""


class Samples(NamedTuple):
    """Points (x, y) sorted by x, with the truth when it is known.

    Attributes:
        x: strictly increasing sample positions.
        y: sampled values (noisy for a function with noise > 0).
        exact: f(x) without noise, or None for a file.
        true_derivative: f'(x) by automatic differentiation, or None for a file.
        note: a remark for the page (e.g. columns ignored), or "".
    """

    x: np.ndarray
    y: np.ndarray
    exact: np.ndarray | None
    true_derivative: np.ndarray | None
    note: str = ""


def sample_grid(n: int, x_range: tuple[float, float], grid: str, rng: np.random.Generator):
    """n sorted, distinct points from x_range[0] to x_range[1] (both included).

    A "random" grid has gaps drawn uniformly from 0.25 to 1.75 times the mean gap: truly
    non-uniform, yet no two points crowd together (a near-duplicate x would make any
    difference quotient of noisy data explode, which is a lesson for another day).
    """
    low, high = (float(v) for v in x_range)
    if grid not in GRIDS:
        raise ValueError(f"Unknown grid {grid!r}; choose one of {', '.join(GRIDS)}.")
    if not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ValueError(f"n must be between {MIN_SAMPLES} and {MAX_SAMPLES}, got {n}.")
    if not low < high:
        raise ValueError(f"The x-range must have low < high, got {low}, {high}.")
    if grid == "uniform":
        return np.linspace(low, high, n)
    positions = np.concatenate([[0.0], np.cumsum(rng.uniform(0.25, 1.75, n - 1))])
    x = low + (high - low) * positions / positions[-1]
    x[-1] = high
    return x


def exact_values(parsed: ParsedExpression, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) by JAX autodiff (parameters at 1.0), evaluated in fixed-size chunks.

    Raises:
        DataError: where f or f' is not finite at a sample (a pole, log of a negative).
    """
    x = np.asarray(x, dtype=np.float64)
    padded = np.concatenate([x, np.full(-len(x) % AD_CHUNK, x[-1])])
    rows = np.concatenate(
        [ad_derivatives(parsed, chunk, 1) for chunk in padded.reshape(-1, AD_CHUNK)], axis=1
    )[:, : len(x)]
    if not np.all(np.isfinite(rows)):
        bad = x[~np.all(np.isfinite(rows), axis=0)][0]
        raise DataError(
            f"{parsed.text} or its derivative is not finite at x = {bad:.4g}: "
            "choose an x-range where the function is smooth."
        )
    return rows[0], rows[1]


def sample_function(
    parsed: ParsedExpression,
    n: int,
    x_range: tuple[float, float],
    grid: str = "uniform",
    noise: float = 0.0,
    seed: int = 0,
) -> Samples:
    """n samples of `parsed` with Gaussian noise: y = f(x) + noise * z, z ~ N(0, 1).

    Args:
        parsed: an expression of x.
        n: number of samples, MIN_SAMPLES to MAX_SAMPLES.
        x_range: (low, high), both sampled.
        grid: "uniform" or "random" (see `sample_grid`).
        noise: standard deviation sigma of the noise, >= 0.
        seed: seed of `numpy.random.default_rng`; the same seed gives the same data.

    Raises:
        ValueError: for a bad n, range, grid or noise level.
        DataError: where f is not finite on the range.
    """
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"The noise level must be 0 or more, got {noise}.")
    rng = np.random.default_rng(seed)
    x = sample_grid(n, x_range, grid, rng)
    values, derivative = exact_values(parsed, x)
    y = values + noise * rng.standard_normal(n)
    return Samples(x, y, values, derivative)


def _number(cell: str) -> float:
    return float(cell.strip().replace("\u2212", "-"))


def _short(cell: str) -> str:
    cell = cell.strip()
    return repr(cell if len(cell) <= 20 else cell[:17] + "...")


def _delimiter(line: str) -> str | None:
    for delimiter in (",", ";", "\t"):
        if delimiter in line:
            return delimiter
    return None  # whitespace-separated


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank line."""
    lines = [(k, line) for k, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise DataError("The file is empty: it needs two columns of numbers, x and y.")
    delimiter = _delimiter(lines[0][1])
    if delimiter is None:
        return [(k, line.split()) for k, line in lines]
    reader = csv.reader([line for _, line in lines], delimiter=delimiter)
    return [(k, cells) for (k, _), cells in zip(lines, reader, strict=True)]


def read_csv(data: bytes) -> Samples:
    """Read x, y pairs from CSV bytes: two numeric columns, an optional header line.

    Commas, semicolons, tabs or spaces separate the columns; columns after the second
    are ignored; rows are sorted by x.

    Raises:
        DataError: with one sentence for a file that is too big, not UTF-8 text, empty,
            has fewer than two columns, a non-numeric or non-finite cell (naming the
            row), fewer than MIN_SAMPLES rows, too many rows, or a repeated x.
    """
    if len(data) > MAX_CSV_BYTES:
        raise DataError(
            f"The file is {len(data) / 1000:.0f} kB; the limit is {MAX_CSV_BYTES // 1000} kB."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(
            "The file is not UTF-8 text: save it as CSV (comma-separated values) and retry."
        ) from None
    rows = _rows(text)
    first_line, first = rows[0]
    if len(first) < 2:
        raise DataError(
            f"Row {first_line} has only one column: the file needs two columns, x and y."
        )
    try:
        _number(first[0]), _number(first[1])
    except ValueError:
        rows = rows[1:]  # a header line
    if len(rows) > MAX_CSV_ROWS:
        raise DataError(f"The file has {len(rows)} rows; the limit is {MAX_CSV_ROWS}.")
    points = []
    for line, cells in rows:
        if len(cells) < 2:
            raise DataError(f"Row {line} has only one column: every row needs x and y.")
        try:
            x, y = _number(cells[0]), _number(cells[1])
        except ValueError:
            cell = next(c for c in cells[:2] if not _is_number(c))
            raise DataError(f"Row {line} is not numeric: {_short(cell)} is not a number.") from None
        if not (np.isfinite(x) and np.isfinite(y)):
            raise DataError(f"Row {line} has a value that is not finite (nan or inf).")
        points.append((x, y, line))
    if len(points) < MIN_SAMPLES:
        raise DataError(f"The file has {len(points)} data rows; at least {MIN_SAMPLES} are needed.")
    points.sort()
    x = np.array([p[0] for p in points])
    y = np.array([p[1] for p in points])
    repeated = np.flatnonzero(np.diff(x) == 0)
    if len(repeated):
        k = repeated[0]
        a, b = sorted((points[k][2], points[k + 1][2]))
        raise DataError(f"x = {x[k]:g} appears twice (rows {a} and {b}): every x must be distinct.")
    extra = max(len(cells) for _, cells in rows)
    note = f"Used the first two of {extra} columns." if extra > 2 else ""
    return Samples(x, y, None, None, note)


def _is_number(cell: str) -> bool:
    try:
        _number(cell)
    except ValueError:
        return False
    return True
