"""Validating what the page passes in: points, vectors, ranges, counts.

Each check turns one argument into the plain value a computation needs (a float64
vector of one number per variable or component, a unit vector u = v / |v|, a pair
low < high, a whole number in [low, high]) or raises a ValueError with one sentence
that says what is wrong and what to give instead; the page shows that sentence as it is.
The last few functions write numbers and points for such sentences.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from core.several_variables.point_function import Function


def variables_phrase(f: Function) -> str:
    """What a point of f needs, for a message: "f is a function of 2 variables (x, y)".

    Example:
        >>> from core import parse_expression
        >>> variables_phrase(parse_expression("x", ("x",)))
        'f is a function of 1 variable (x)'
    """
    d = len(f.variables)
    return f"f is a function of {d} variable{'s' * (d != 1)} ({', '.join(f.variables)})"


def point_vector(values, length: int, name: str, phrase: str) -> np.ndarray:
    """`values` as a finite float64 vector of `length` numbers, or a ValueError saying why.

    Args:
        values: the numbers (a single number where `length` is 1).
        length: how many numbers are needed.
        name: what they are, for the message ("point", "tangent").
        phrase: why that many, for the message (see `variables_phrase`).

    Returns:
        float64 array of shape (length,).

    Example:
        >>> point_vector([2, 3], 2, "point", "f is a function of 2 variables (x, y)").tolist()
        [2.0, 3.0]
    """
    array = _float_array(values, name)
    if array.ndim == 0 and length == 1:
        array = array.reshape(1)
    if array.shape != (length,):
        got = "a single number" if array.ndim == 0 else f"shape {array.shape}"
        raise ValueError(
            f"The {name} needs {length} number{'s' * (length != 1)} ({phrase}); got {got}."
        )
    return _finite(array, name)


def number_tuple(values, length: int, name: str, phrase: str) -> tuple[float, ...]:
    """`values`, in any nesting, as `length` finite floats: the numbers a code snippet shows.

    Like `point_vector`, but the numbers are flattened first and a wrong count is said
    as a count ("got 3").
    """
    array = _float_array(values, name).reshape(-1)
    if array.shape != (length,):
        raise ValueError(
            f"The {name} needs {length} number{'s' * (length != 1)} ({phrase}); got {array.size}."
        )
    return tuple(float(value) for value in _finite(array, name))


def unit_vector(direction: ArrayLike, variables: tuple[str, ...]) -> np.ndarray:
    """u = v / |v| for a direction v of one finite number per variable, not all zero.

    Example:
        >>> unit_vector([3, 4], ("x", "y")).tolist()
        [0.6, 0.8]
    """
    d = len(variables)
    try:
        vector = np.asarray(direction, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The direction must be {d} numbers, got {direction!r}.") from None
    if vector.ndim == 0 and d == 1:
        vector = vector.reshape(1)
    if vector.shape != (d,) or not np.isfinite(vector).all():
        raise ValueError(
            f"The direction must be {d} finite numbers, one per variable "
            f"({', '.join(variables)}); got {np.asarray(vector).tolist()}."
        )
    length = float(np.linalg.norm(vector))
    if length == 0:
        raise ValueError(
            "The direction must not be the zero vector: it has no direction to differentiate "
            "along, so give it a nonzero component."
        )
    return vector / length


def value_range(values, name: str) -> tuple[float, float]:
    """(low, high) as two finite floats with low < high, as a window or box side needs.

    Example:
        >>> value_range((0, 2), "x_range")
        (0.0, 2.0)
    """
    try:
        low, high = (float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (low, high); got {values!r}.") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"{name} must be two finite numbers with low < high; got ({low}, {high}).")
    return low, high


def is_whole_number(value, low: int, high: int) -> bool:
    """Whether `value` is an int (not a bool, not a float like 3.0) from low to high."""
    return (
        not isinstance(value, bool) and isinstance(value, int | np.integer) and low <= value <= high
    )


def whole_number(value, name: str, low: int, high: int) -> int:
    """`value` as an int from low to high (a count of points, starts, iterations).

    Example:
        >>> whole_number(7, "starts", 2, 15)
        7
    """
    if not is_whole_number(value, low, high):
        raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}.")
    return int(value)


def short_number(x: float) -> str:
    """x to 4 significant digits, for a sentence; -0 is written 0.

    Example:
        >>> short_number(-0.0), short_number(3.14159)
        ('0', '3.142')
    """
    return f"{float(x) + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0


def numbers_text(values) -> str:
    """(v_1, ..., v_d) to 6 significant digits, for a sentence."""
    return "(" + ", ".join(f"{float(v):.6g}" for v in values) + ")"


def point_label(variables: tuple[str, ...], p: np.ndarray) -> str:
    """Where p is, for a sentence: "x = 2" or "(x, y) = (1, 2.5)"."""
    if len(variables) == 1:
        return f"{variables[0]} = {float(p[0]):.6g}"
    return f"({', '.join(variables)}) = {numbers_text(p)}"


def _float_array(values, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The {name} must be numbers, one per entry; got {values!r}.") from None


def _finite(array: np.ndarray, name: str) -> np.ndarray:
    if not np.isfinite(array).all():
        raise ValueError(f"The {name} must be finite numbers; got {array.tolist()}.")
    return array
