"""Whether two expressions are equal: SymPy simplifies their difference; values are compared.

The step-by-step view checks its result against SymPy's derivative with these, and the
answer checker checks a student's answer against f^(n). The functions named "worker"
below run in a killable SymPy worker (`core.engines.symbolic.run_in_worker`), which imports
this module by name: it uses SymPy and NumPy only, never JAX or Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import sympy

from core.engines.symbolic_worker import evaluate

SAMPLES = 96  # a fixed count, so JAX reuses the primitives it compiled for this shape
SEED = 20_240_531  # fixed: the same question gets the same verdict every time
RELATIVE_TOLERANCE = 1e-7
ABSOLUTE_TOLERANCE = 1e-9  # times the typical size of the values compared
MINIMUM_POINTS = 8  # fewer points where both sides are defined decide nothing


class Simplified(NamedTuple):
    """What SymPy made of a difference a − b.

    Attributes:
        kind: "zero" (a = b proven), "constant" (a − b is the nonzero number `value`),
            or "unknown" (SymPy's simplified difference is not 0, which proves nothing:
            simplification can miss a zero, and may differ only at isolated points).
        value: the constant for kind "constant", else None.
        operations: SymPy's operation counts of a and of b.
    """

    kind: str
    value: float | None
    operations: tuple[int, int]


def simplify_difference(left: sympy.Expr, right: sympy.Expr) -> Simplified:
    """Worker: simplify left − right and say whether it is 0, a constant or unknown.

    Unbounded in time (SymPy's `simplify`): run it only through `run_in_worker`.
    """
    operations = (int(sympy.count_ops(left)), int(sympy.count_ops(right)))
    difference = left - right
    if difference != 0:
        # doit() resolves what the engines leave unevaluated, e.g. Subs(0, ξ, u) = 0
        try:
            difference = sympy.simplify(difference.doit())
        except (ValueError, TypeError, ArithmeticError, NotImplementedError, RecursionError):
            # SymPy's own failures, e.g. simplify of max(x, max(x, x/a))'s derivative
            # compares a nan inside Max ("not comparable"): nothing is proven then.
            return Simplified("unknown", None, operations)
    if difference == 0:
        return Simplified("zero", None, operations)
    if difference.is_number and not difference.has(sympy.nan, sympy.zoo):
        value = complex(difference.evalf())
        if value.imag == 0 and np.isfinite(value.real) and value.real != 0:
            return Simplified("constant", value.real, operations)
    return Simplified("unknown", None, operations)


def values_at(
    expressions: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol], values: Sequence
) -> list[np.ndarray | None]:
    """Worker: each expression's real values at the points (nan where not real).

    None for an expression NumPy cannot evaluate (e.g. an unevaluated `Subs`).
    """
    results: list[np.ndarray | None] = []
    for expression in expressions:
        try:
            results.append(evaluate(expression, list(symbols), list(values)))
        except Exception:  # SymPy's printer or NumPy rejects it: no values, not a crash
            results.append(None)
    return results


def sample_points(count: int = SAMPLES, seed: int = SEED) -> np.ndarray:
    """Sorted points where expressions are compared, reproducible from `seed`.

    A third each: uniform in [−5, 5]; ±10^t with t uniform in [−2, 1.3] (0.01 to 20 in
    size); uniform in [−20, 20]. So domains such as x > 10 or |x| < 0.1 get points too.
    """
    rng = np.random.default_rng(seed)
    third = count // 3
    near = rng.uniform(-5.0, 5.0, third)
    sizes = rng.choice([-1.0, 1.0], third) * 10.0 ** rng.uniform(-2.0, 1.3, third)
    wide = rng.uniform(-20.0, 20.0, count - 2 * third)
    return np.sort(np.concatenate([near, sizes, wide]))


class Comparison(NamedTuple):
    """Values of an expected and an actual function at the same points.

    Attributes:
        points: how many points both are defined (finite) at.
        agree: whether they agree at all of them, within the tolerances (False when
            `points` is 0); see `decided` for whether there were enough points.
        worst_point: the point of the largest difference, or None when `points` is 0.
        difference: the largest absolute difference (0.0 when `points` is 0).
        undefined_at: a point where the expected value is finite and the actual one is
            nan (the one nearest 0), or None. Points where the actual value is ±inf
            (overflow, or a pole) are left out, not counted as undefined.
    """

    points: int
    agree: bool
    worst_point: float | None
    difference: float
    undefined_at: float | None

    @property
    def decided(self) -> bool:
        """Whether enough points were compared for `agree` to mean something."""
        return self.points >= MINIMUM_POINTS


def compare_values(expected: np.ndarray, actual: np.ndarray, xs: np.ndarray) -> Comparison:
    """Compare two arrays of values at the points `xs`.

    They agree at a point where |a − e| ≤ 1e-7·max(|a|, |e|) + 1e-9·s, with s the median
    size of the expected values (at least 1), so rounding never decides a verdict.
    """
    expected, actual = np.broadcast_arrays(
        np.asarray(expected, dtype=np.float64), np.asarray(actual, dtype=np.float64)
    )
    defined = np.isfinite(expected)
    missing = defined & np.isnan(actual)
    undefined_at = float(xs[missing][np.argmin(np.abs(xs[missing]))]) if missing.any() else None
    both = defined & np.isfinite(actual)
    count = int(both.sum())
    if count == 0:
        return Comparison(0, False, None, 0.0, undefined_at)
    e, a, x = expected[both], actual[both], xs[both]
    gap = np.abs(a - e)
    scale = max(1.0, float(np.median(np.abs(e))))
    close = (
        gap <= RELATIVE_TOLERANCE * np.maximum(np.abs(a), np.abs(e)) + ABSOLUTE_TOLERANCE * scale
    )
    worst = int(np.argmax(gap))
    return Comparison(count, bool(close.all()), float(x[worst]), float(gap[worst]), undefined_at)
