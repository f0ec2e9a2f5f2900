"""Why the Explorer's curves have gaps: outside the domain, overflow, a pole, or undefined.

A point of a derivative row is not finite for one of four reasons, and a teacher
needs the right one (x^x^x^x^x is not "a pole"; it exceeds float64):

- **outside the domain**: f itself is nan there (log of a negative number); every
  derivative is undefined too (`core.engines.domain`);
- **overflow**: the true value is a finite number beyond float64's ±1.8·10³⁰⁸. On a
  grid it shows as a run of non-finite values whose finite neighbours are already
  huge (x^x^x^x^x beyond x ≈ 1.94, e^(e^(x²)) for |x| > 2.6, 1/x^400 near 0), or that
  fills the whole range (a run whose neighbours are outside the domain is not);
- **infinite**: a pole hit exactly (1/x at 0, log at 0) or a vertical tangent
  (sqrt′(0)), whose neighbours are ordinary numbers;
- **undefined at isolated points**: 0/0, a jump or a kink (the derivative of sign
  at 0), or a real f with no real derivative (x^x at x = −1), where f is finite.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core.engines.domain import outside_domain
from core.figures.plotting import order_name

# A finite value this large next to a run of infinities means the run is overflow: the
# values were on their way past float64's range (1.8e308), not dividing by zero.
HUGE = 1e100


class NotFinite(NamedTuple):
    """Counts of grid points per reason, per order (order -> count, only orders with any)."""

    outside_domain: int  # points where f is nan: every order is undefined there
    overflow: dict[int, int]
    infinite: dict[int, int]
    undefined: dict[int, int]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of consecutive True values."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _overflow_points(row: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Points of `candidates` (non-finite in `row`) that belong to an overflowing run."""
    overflow = np.zeros_like(candidates)
    for start, stop in _runs(candidates):
        neighbours = [row[i] for i in (start - 1, stop) if 0 <= i < len(row)]
        finite = [abs(v) for v in neighbours if np.isfinite(v)]
        whole_row = start == 0 and stop == len(row)  # e^1000 + x: nothing finite at all
        if whole_row or (finite and max(finite) >= HUGE):
            overflow[start:stop] = True
    return overflow


def classify(rows: np.ndarray) -> NotFinite:
    """Count the non-finite points of rows 0..n (row 0 = f, on one grid) by reason.

    Example:
        >>> rows = np.array([[np.nan, 1.0, np.inf, 2.0], [np.nan, np.nan, 1.0, 1.0]])
        >>> classify(rows)
        NotFinite(outside_domain=1, overflow={}, infinite={0: 1}, undefined={1: 1})
    """
    rows = np.asarray(rows, dtype=np.float64)
    outside = outside_domain(rows[0])
    overflow, infinite, undefined = {}, {}, {}
    f_overflow = _overflow_points(rows[0], ~np.isfinite(rows[0]) & ~outside)
    for order, row in enumerate(rows):
        bad = ~np.isfinite(row) & ~outside
        over = bad & (_overflow_points(row, bad) | f_overflow)
        rest = bad & ~over
        for counts, flags in (
            (overflow, over),
            (infinite, rest & np.isinf(row)),
            (undefined, rest & np.isnan(row)),
        ):
            if flags.any():
                counts[order] = int(flags.sum())
    return NotFinite(int(outside.sum()), overflow, infinite, undefined)


def _listed(counts: dict[int, int]) -> str:
    def points(n: int) -> str:
        return f"{n} point{'s' * (n != 1)}"

    if len(set(counts.values())) == 1 and len(counts) > 1:
        names = ", ".join(order_name(k) for k in counts)
        return f"{names} at {points(next(iter(counts.values())))} each"
    return ", ".join(f"{order_name(k)} at {points(n)}" for k, n in counts.items())


def not_finite_sentences(rows: np.ndarray) -> list[str]:
    """One sentence per reason the curves have gaps (an empty list when they have none).

    Args:
        rows: AD's rows 0..n on the page's grid (row 0 = f).
    """
    report = classify(rows)
    sentences = []
    if report.outside_domain:
        n = report.outside_domain
        sentences.append(
            f"**Outside f's domain** at {n} point{'s' * (n != 1)} (f is not a real number "
            "there, as log of a negative number): every derivative is undefined there too."
        )
    if report.overflow:
        sentences.append(
            f"**Overflow**: {_listed(report.overflow)} exceed float64's range (±1.8·10³⁰⁸) — "
            "the true values are finite but too large to store, not a pole."
        )
    if report.infinite:
        sentences.append(
            f"**Infinite** (a pole, as 1/x at 0, or a vertical tangent, as sqrt′(0)): "
            f"{_listed(report.infinite)}."
        )
    if report.undefined:
        sentences.append(
            f"**Undefined** at isolated points (0/0, a jump or kink, or no real derivative "
            f"of a real f, as x^x at x = −1): {_listed(report.undefined)}."
        )
    return sentences
