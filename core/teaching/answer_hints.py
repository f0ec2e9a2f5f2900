"""What to tell a student whose derivative is wrong: the one hint the numbers support.

The checks, in order: the answer is another derivative of f (the wrong order), it is
off by a constant, it is a constant multiple of f^(n) (the wrong sign, or a factor such
as the chain rule's inner derivative missing), or simply where it differs most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from core.engines.symbolic import ordinal
from core.teaching.equality import RELATIVE_TOLERANCE, Comparison, compare_values

if TYPE_CHECKING:  # JAX stays out of what imports only the hints
    from core.teaching.answer_grid import PlottedGap

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_PRIMES = {1: "f′", 2: "f″", 3: "f‴"}


class Numbers(NamedTuple):
    """What the numeric check found.

    Attributes:
        order: n, the derivative asked for.
        xs: the random points.
        comparison: f^(n) (by AD) against the answer, at `xs`.
        rows: f, f′, ... f^(n+1) by AD at `xs` (row k is f^(k)).
        answer: the answer's values at `xs`.
        elsewhere: (parameter values, comparison) where the answer fails for other
            values of f's parameters, or None.
        plotted: the largest gap on the plotted grid (`core.teaching.answer_grid.
            PlottedGap`: .worst_point, .difference), which the hint reports when given.
    """

    order: int
    xs: np.ndarray
    comparison: Comparison
    rows: np.ndarray
    answer: np.ndarray
    elsewhere: tuple[dict[str, float], Comparison] | None
    plotted: PlottedGap | None = None


def label(order: int) -> str:
    """f′, f″, f‴, f⁽⁴⁾, ... as a student writes the n-th derivative."""
    if order == 0:
        return "f"
    return _PRIMES.get(order, f"f⁽{str(order).translate(_SUPERSCRIPT)}⁾")


def hint(numbers: Numbers) -> str:
    """One sentence on how the answer differs from f^(n); the numbers disagree."""
    return (
        _wrong_order(numbers)
        or _constant_offset(numbers)
        or _constant_factor(numbers)
        or _largest_difference(numbers)
    )


def _wrong_order(numbers: Numbers) -> str | None:
    order = numbers.order
    for k, row in enumerate(numbers.rows):
        if k == order:
            continue
        comparison = compare_values(row, numbers.answer, numbers.xs)
        if not (comparison.decided and comparison.agree and comparison.undefined_at is None):
            continue
        asked = f"the {ordinal(order)} derivative {label(order)}" if order > 1 else "f′"
        if k == 0:
            return f"Not quite: your answer is f itself, not {asked}."
        if k < order:
            return (
                f"Not quite: your answer is {label(k)}, the {ordinal(k)} derivative, not {asked}."
            )
        return (
            f"Not quite: your answer is {label(k)}, the {ordinal(k)} derivative: you "
            "differentiated once more than asked."
        )
    return None


def _both_defined(numbers: Numbers) -> tuple[np.ndarray, np.ndarray]:
    expected = numbers.rows[numbers.order]
    both = np.isfinite(expected) & np.isfinite(numbers.answer)
    return expected[both], numbers.answer[both]


def _is_constant(values: np.ndarray) -> bool:
    size = float(np.max(np.abs(values)))
    return float(np.ptp(values)) <= 100 * RELATIVE_TOLERANCE * max(1.0, size)


def _constant_offset(numbers: Numbers) -> str | None:
    expected, answer = _both_defined(numbers)
    offset = answer - expected
    if not _is_constant(offset):
        return None
    c = float(np.median(offset))
    sign = "+" if c > 0 else "−"
    return (
        f"Not quite: your answer is {label(numbers.order)} {sign} {abs(c):.4g} everywhere: "
        "a constant is off."
    )


def _constant_factor(numbers: Numbers) -> str | None:
    expected, answer = _both_defined(numbers)
    scale = float(np.max(np.abs(expected)))
    away_from_zero = np.abs(expected) > 1e-6 * scale
    if scale == 0 or away_from_zero.sum() < 2:
        return None
    ratio = answer[away_from_zero] / expected[away_from_zero]
    if not _is_constant(ratio):
        return None
    r = float(np.median(ratio))
    what = label(numbers.order)
    if abs(r + 1) <= 1e-6:
        return f"Not quite: your answer is −{what}: check the signs."
    return (
        f"Not quite: your answer is {r:.4g} times {what}: check the constant factors, such "
        "as the inner derivative of the chain rule."
    )


def _largest_difference(numbers: Numbers) -> str:
    return f"Not quite: your answer {difference_phrase(numbers)}."


def difference_phrase(numbers: Numbers) -> str:
    """ "differs from f′ by up to D on the plotted −R ≤ x ≤ R (at x = X)": the gap the
    figure draws, or at the random points when no plotted grid shows one."""
    what = label(numbers.order)
    gap = numbers.plotted
    if gap is None:
        comparison = numbers.comparison
        return (
            f"differs from {what} by up to {comparison.difference:.4g} (at x = "
            f"{_number(comparison.worst_point)})"
        )
    half = f"{gap.half_width:g}"
    return (
        f"differs from {what} by up to {gap.difference:.4g} on the plotted −{half} ≤ x ≤ "
        f"{half} (at x = {_number(gap.worst_point)})"
    )


def _number(value: float) -> str:
    return f"{value:.4g}".replace("-", "−")
