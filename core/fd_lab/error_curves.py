"""The finite-differences lab: error against step size, its models, and stencils.

Every formula is a stencil (offsets and exact weights in units of h), so the leading
error term, the truncation and round-off models and the optimal step follow from one
calculation. Richardson extrapolation of the central difference is a stencil too;
the complex step is the one formula that is not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from core.engines.autodiff import derivatives_at
from core.engines.finite_differences import fd_coefficients_exact, stencil_offsets
from core.language.expression import ParsedExpression

PRECISIONS = {"float64": np.float64, "float32": np.float32, "float16": np.float16}
COMPLEX = {"float64": np.complex128, "float32": np.complex64}  # NumPy has no complex32
STEPS = np.logspace(-16, 0, 161)  # float64's sweep; lower precisions start higher (steps_for)
STEPS_PER_DECADE = 10
MAX_LAB_ORDER = 4
# The best step is the one whose neighbourhood (this many steps either side, a third of a
# decade) errs least: in the round-off region single steps can be lucky (the rounded
# quotient happens to land near f′), and a lucky step says nothing about where to work.
BEST_STEP_WINDOW = 3


class Stencil(NamedTuple):
    """f^(m)(x) ~ sum_i weights_i f(x + offsets_i h) / h^m, with error C h^p f^(m+p)."""

    order: int
    offsets: tuple[Fraction, ...]
    weights: tuple[Fraction, ...]
    accuracy: int  # p
    error_coefficient: Fraction  # C


class Formula(NamedTuple):
    key: str
    label: str
    scheme: str  # "stencil", "richardson" or "complex"
    base_scheme: str = "central"
    accuracy: int = 2


FORMULAS = (
    Formula("forward", "forward (p=1)", "stencil", "forward", 1),
    Formula("backward", "backward (p=1)", "stencil", "backward", 1),
    Formula("central", "central (p=2)", "stencil", "central", 2),
    Formula("central4", "central (p=4)", "stencil", "central", 4),
    Formula("central6", "central (p=6)", "stencil", "central", 6),
    Formula("central8", "central (p=8)", "stencil", "central", 8),
    Formula("richardson", "Richardson of central (p=4)", "richardson", "central", 2),
    Formula("complex", "complex step (1st derivative)", "complex"),
)
FORMULA_BY_KEY = {formula.key: formula for formula in FORMULAS}


class Curve(NamedTuple):
    """One formula's error against h, with its model and what was read off it."""

    key: str
    label: str
    accuracy: int | None  # theoretical order p
    error: np.ndarray  # |estimate - exact| per h in the sweep's steps (nan where undefined)
    truncation: np.ndarray | None  # model |C f^(m+p)| h^p
    roundoff: np.ndarray | None  # model eps |f| sum|w| / h^m
    best_h: float | None  # where the measured error is least (best_step)
    best_error: float | None
    model_h: float | None  # where the two models cross (their sum's minimum)
    slope: float | None  # measured in the truncation-dominated region


class StepSweep(NamedTuple):
    """Every formula's error against h at x0, in one precision.

    Attributes:
        steps: the steps h swept, from where they stop meaning anything in this
            precision (steps_for) up to 1.
        rounding: |exact − exact rounded to `precision`|: no formula computing in that
            precision can come closer, as its answer is a number of that precision.
    """

    x0: float
    order: int
    precision: str
    epsilon: float
    exact: float
    steps: np.ndarray
    curves: tuple[Curve, ...]
    rounding: float | None = None


def steps_for(precision: str) -> np.ndarray:
    """The steps h swept in `precision`: from 1e-16 (float64) or eps/100 up to 1.

    Below about eps |x0| the step vanishes in the precision itself ((x0 + h) − x0 = 0), so
    float16's sweep starts at 1e-6 and float32's at 1e-9, instead of leaving most of a
    1e-16..1 axis empty.
    """
    epsilon = float(np.finfo(PRECISIONS[precision]).eps)
    low = max(-16, math.floor(math.log10(epsilon)) - 2)
    return np.logspace(low, 0, STEPS_PER_DECADE * -low + 1)


def rounding_of(value: float, precision: str) -> float | None:
    """|value − value rounded to `precision`|, or None when it overflows there."""
    with np.errstate(over="ignore"):
        rounded = float(PRECISIONS[precision](value))
    return abs(rounded - value) if math.isfinite(rounded) else None


def at_rounding(sweep: StepSweep, error: float | None) -> bool:
    """Whether `error` is, within a factor 1.5, the rounding of the exact value to the
    sweep's precision (float32 and float16; in float64 that rounding is far below the
    formulas' own errors)."""
    return (
        sweep.precision != "float64"
        and sweep.rounding is not None
        and error is not None
        and error <= 1.5 * sweep.rounding
    )


def best_step(error: np.ndarray) -> int | None:
    """The index of the step whose neighbourhood (BEST_STEP_WINDOW) errs least, or None.

    A step's score is the worst error within the window around it, so a single lucky
    step in the round-off noise is not taken for the optimum.
    """
    finite = np.isfinite(error)
    if not finite.any():
        return None
    worst = np.full(error.shape, np.inf)
    for index in np.flatnonzero(finite):
        window = error[max(index - BEST_STEP_WINDOW, 0) : index + BEST_STEP_WINDOW + 1]
        window = window[np.isfinite(window)]
        worst[index] = window.max()
    return int(np.argmin(worst))


def leading_error(
    order: int, offsets: Sequence[Fraction], weights: Sequence[Fraction], after: int = 0
):
    """(p, C) of the first nonzero moment: formula - f^(m) = C h^p f^(m+p) + ...

    With `after`, the first nonzero term of order above `after` (the next term).
    """
    for power in range(order + 1 + after, order + 40):
        moment = sum(w * o**power for w, o in zip(weights, offsets, strict=True))
        moment /= math.factorial(power)
        if moment != 0:
            return power - order, moment
    return 0, Fraction(0)


def make_stencil(order: int, offsets: Sequence[int | Fraction]) -> Stencil:
    """The stencil for `offsets` with its exact weights and leading error term."""
    offsets = tuple(Fraction(offset) for offset in offsets)
    weights = tuple(fd_coefficients_exact(order, offsets))
    accuracy, coefficient = leading_error(order, offsets, weights)
    return Stencil(order, offsets, weights, accuracy, coefficient)


def richardson_stencil(order: int, accuracy: int = 2) -> Stencil:
    """(2^p D(h/2) - D(h)) / (2^p - 1) for the central stencil D of accuracy p."""
    base = make_stencil(order, stencil_offsets(order, "central", accuracy))
    factor = Fraction(2**accuracy)
    combined: dict[Fraction, Fraction] = {}
    for offset, weight in zip(base.offsets, base.weights, strict=True):
        half = offset / 2  # D(h/2) = 2^m sum w f(x + (o/2) h) / h^m
        combined[half] = combined.get(half, 0) + factor * 2**order * weight / (factor - 1)
        combined[offset] = combined.get(offset, 0) - weight / (factor - 1)
    offsets = tuple(sorted(o for o, w in combined.items() if w != 0))
    weights = tuple(combined[o] for o in offsets)
    accuracy_out, coefficient = leading_error(order, offsets, weights)
    return Stencil(order, offsets, weights, accuracy_out, coefficient)


def formula_stencil(formula: Formula, order: int) -> Stencil | None:
    if formula.scheme == "complex":
        return None
    if formula.scheme == "richardson":
        return richardson_stencil(order, formula.accuracy)
    return make_stencil(order, stencil_offsets(order, formula.base_scheme, formula.accuracy))


def _apply(stencil: Stencil, function, x0: float, steps: np.ndarray, dtype) -> np.ndarray:
    """Stencil estimates at x0 for every step, computed in `dtype` throughout."""
    x = dtype(x0)
    h = (x + steps.astype(dtype)) - x  # the step actually taken in this precision
    total = np.zeros_like(h)
    with np.errstate(all="ignore"):
        for offset, weight in zip(stencil.offsets, stencil.weights, strict=True):
            if weight:
                points = x + dtype(float(offset)) * h
                total = total + dtype(float(weight)) * np.asarray(function(points), dtype=dtype)
        estimate = total / h**stencil.order
    return np.where(h > 0, estimate.astype(np.float64), np.nan)


def _complex_step(function, x0: float, steps: np.ndarray, precision: str) -> np.ndarray:
    complex_type = COMPLEX[precision]
    real_type = PRECISIONS[precision]
    h = steps.astype(real_type)
    with np.errstate(all="ignore"):
        values = np.asarray(function(real_type(x0) + 1j * h.astype(complex_type)))
        return (np.imag(values).astype(real_type) / h).astype(np.float64)


def _slope(steps, error, truncation, roundoff, next_term) -> float | None:
    """The log-log slope where the leading truncation term dominates the model.

    The region comes from the models alone, never from the measured curve: the leading
    term must exceed round-off 30-fold and the next Taylor term 10-fold.
    """
    if truncation is None:
        return None
    usable = (
        np.isfinite(error)
        & (error > 0)
        & (truncation > 30 * roundoff)
        & (truncation > 10 * next_term)
        & (truncation > 0)
    )
    if usable.sum() < 4:
        return None
    return float(np.polyfit(np.log10(steps[usable]), np.log10(error[usable]), 1)[0])


def error_against_step(
    parsed: ParsedExpression,
    x0: float,
    order: int,
    params: Mapping[str, float] | None = None,
    precision: str = "float64",
    formulas: Sequence[str] | None = None,
) -> StepSweep:
    """|FD - exact| for h from 1e-16 (or eps/100, steps_for) to 1 per formula, with models.

    The exact derivative comes from Taylor-mode AD in float64; the formulas compute in
    `precision`, so its epsilon sets the round-off floor.

    Raises:
        ValueError: for an order outside 1..4, an unknown precision or formula.
    """
    if not 1 <= order <= MAX_LAB_ORDER:
        raise ValueError(f"The lab covers derivative orders 1 to {MAX_LAB_ORDER}, got {order}.")
    if precision not in PRECISIONS:
        raise ValueError(f"Unknown precision {precision!r}; choose one of {list(PRECISIONS)}.")
    keys = list(formulas) if formulas is not None else [f.key for f in FORMULAS]
    unknown = [key for key in keys if key not in FORMULA_BY_KEY]
    if unknown:
        raise ValueError(f"Unknown formulas: {', '.join(unknown)}.")
    dtype = PRECISIONS[precision]
    epsilon = float(np.finfo(dtype).eps)
    steps = steps_for(precision)
    values = {name: float(v) for name, v in (params or {}).items()}
    derivatives = derivatives_at(parsed, x0, order + 12, values)
    exact = float(derivatives[order])
    variable = parsed.variables[0]

    def function(x):
        return parsed.numpy({variable: x, **{n: values.get(n, 1.0) for n in parsed.parameters}})

    curves = []
    for key in keys:
        formula = FORMULA_BY_KEY[key]
        if formula.scheme == "complex" and (order != 1 or precision not in COMPLEX):
            continue
        stencil = formula_stencil(formula, order)
        if stencil is None:
            estimate = _complex_step(function, x0, steps, precision)
            truncation = abs(derivatives[3]) / 6 * steps**2
            next_term = abs(derivatives[5]) / 120 * steps**4
            roundoff = np.full_like(steps, epsilon * max(abs(exact), epsilon))
            accuracy = 2
        else:
            estimate = _apply(stencil, function, x0, steps, dtype)
            accuracy = stencil.accuracy
            higher = derivatives[order + accuracy] if order + accuracy < len(derivatives) else 0.0
            truncation = abs(float(stencil.error_coefficient) * higher) * steps**accuracy
            next_p, next_c = leading_error(order, stencil.offsets, stencil.weights, accuracy)
            next_higher = derivatives[order + next_p] if order + next_p < len(derivatives) else 0
            next_term = abs(float(next_c) * next_higher) * steps**next_p
            weight_sum = sum(abs(float(w)) for w in stencil.weights)
            roundoff = epsilon * max(abs(derivatives[0]), epsilon) * weight_sum / steps**order
        error = np.abs(estimate - exact)
        best = best_step(error)
        total = truncation + roundoff
        model_h = float(steps[int(np.argmin(total))]) if np.all(np.isfinite(total)) else None
        curves.append(
            Curve(
                key=key,
                label=formula.label,
                accuracy=accuracy,
                error=error,
                truncation=truncation,
                roundoff=roundoff,
                best_h=None if best is None else float(steps[best]),
                best_error=None if best is None else float(error[best]),
                model_h=model_h,
                slope=_slope(steps, error, truncation, roundoff, next_term),
            )
        )
    return StepSweep(
        x0, order, precision, epsilon, exact, steps, tuple(curves), rounding_of(exact, precision)
    )
