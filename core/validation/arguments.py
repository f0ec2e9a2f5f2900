"""Checks of the arguments every page package takes: a finite number.

Each raises a ValueError of one sentence naming the argument, which a page shows as it is.
"""

from __future__ import annotations

import math


def finite_number(number, label: str) -> float:
    """`number` as a finite float, or a ValueError naming it by `label` ("x", "The value of a").

    Example:
        >>> finite_number("2.5", "h")
        2.5
    """
    try:
        number = float(number)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number, got {number!r}.") from None
    if not math.isfinite(number):
        raise ValueError(f"{label} must be finite, got {number}.")
    return number
