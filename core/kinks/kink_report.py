"""What each method answers at a kink, and the NaN-gradient trap of `where`.

At a point where f has no derivative, every method still returns a number, each by
its own convention: finite differences look at neighbours, SymPy evaluates a formula
with generalised functions (sign, Heaviside, DiracDelta), and JAX applies each
primitive's derivative rule at exactly that point.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from core.engines.autodiff import ad_derivatives
from core.engines.finite_differences import fd_derivative
from core.engines.symbolic import symbolic_report
from core.kinks.jaxpr_view import scalar_function
from core.language.expression import ParsedExpression, parse_expression

STEP = 1e-5  # second-order one-sided differences: error ~h^2 away from the kink


class KinkExample(NamedTuple):
    label: str
    text: str
    x0: float


KINK_EXAMPLES = (
    KinkExample("|x| at 0", "|x|", 0.0),
    KinkExample("ReLU max(x, 0) at 0", "max(x, 0)", 0.0),
    KinkExample("floor(x) at 1", "floor(x)", 1.0),
    KinkExample("piecewise at 0", "where(x < 0, -x^2, x + x^2)", 0.0),
    KinkExample("sqrt(x) at 0", "sqrt(x)", 0.0),
    KinkExample("sin(x)/x at 0", "sin(x)/x", 0.0),
)

NAIVE_WHERE = "where(x > 0, sqrt(x), 0)"
DOUBLE_WHERE = "where(x > 0, sqrt(where(x > 0, x, 1)), 0)"


class Answer(NamedTuple):
    method: str
    value: float
    explanation: str


class KinkReport(NamedTuple):
    x0: float
    value: float
    left: float
    right: float
    symbolic_latex: str | None
    answers: tuple[Answer, ...]


def reverse_derivative(parsed: ParsedExpression, x0: float) -> float:
    """jax.grad (reverse mode) at one point."""
    return float(jax.grad(scalar_function(parsed))(jnp.asarray(float(x0))))


def _number(value: float) -> str:
    if math.isnan(value):
        return "undefined (nan)"
    if math.isinf(value):
        return "infinite"
    return f"{value:.6g}"


def _close(a: float, b: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-4 * max(1.0, abs(a))


def kink_report(parsed: ParsedExpression, x0: float) -> KinkReport:
    """Left and right derivatives at x0, and what each method returns there, explained."""
    variable = parsed.variables[0]
    points = np.array([float(x0)])

    def f(x):
        return np.asarray(parsed.numpy({variable: x}), dtype=np.float64) * np.ones_like(x)

    with np.errstate(all="ignore"):
        value = float(f(points)[0])
        left = float(fd_derivative(f, points - 1e-9, 1, h=STEP, scheme="backward")[0])
        right = float(fd_derivative(f, points + 1e-9, 1, h=STEP, scheme="forward")[0])
        central = float(fd_derivative(f, points, 1, h=STEP, scheme="central")[0])
    forward_mode = float(ad_derivatives(parsed, points, 1)[1, 0])
    reverse_mode = reverse_derivative(parsed, x0)
    symbolic = symbolic_report(parsed, 1, points)
    exact = None
    latex = None
    if len(symbolic.derivatives) > 1 and symbolic.values is not None:
        exact = float(symbolic.values[1, 0])
        latex = symbolic.latex[1]
    with np.errstate(all="ignore"):
        before, after = (float(v) for v in f(points + np.array([-1e-9, 1e-9])))
    jump = math.isfinite(before) and math.isfinite(after) and not _close(before, after)
    kink = jump or not _close(left, right)
    if jump:
        sides = (
            f"f jumps at x₀ (from {_number(before)} to {_number(after)}): it is not "
            "continuous there, so it has no derivative, whatever the slopes beside it."
        )
    elif not (math.isfinite(left) and math.isfinite(right)):
        sides = "The slope blows up: the tangent at x₀ is vertical or f is undefined nearby."
    elif kink:
        sides = "They differ, so f has no derivative at x₀: every answer below is a convention."
    elif not math.isfinite(value):
        sides = (
            "They agree, but f itself is undefined at x₀ (0/0 here): the gap can be filled, "
            "yet any method that evaluates f at exactly x₀ gets nan."
        )
    else:
        sides = "They agree, so f is differentiable at x₀."
    answers = [
        Answer(
            "slope from the left", left, f"Backward differences tend to {_number(left)}. {sides}"
        ),
        Answer("slope from the right", right, f"Forward differences tend to {_number(right)}."),
        Answer(
            "central difference",
            central,
            _central_sentence(jump, kink),
        ),
        Answer(
            "SymPy",
            exact if exact is not None else math.nan,
            _symbolic_sentence(latex, exact),
        ),
        Answer(
            "JAX forward mode (jvp/jet)",
            forward_mode,
            "JAX applies each primitive's derivative rule at exactly x₀ and never looks at "
            "both sides; at a kink the rule's convention picks the value.",
        ),
        Answer(
            "JAX reverse mode (grad)",
            reverse_mode,
            "The same rules, run backwards: usually the same value; where a branch not taken "
            "is non-finite, reverse mode can turn 0 × inf into nan (see the where trap).",
        ),
    ]
    return KinkReport(float(x0), value, left, right, latex, tuple(answers))


def _central_sentence(jump: bool, kink: bool) -> str:
    if jump:
        return (
            "It straddles the jump and reads it as a slope of jump/(2h): it grows without "
            "bound as h shrinks."
        )
    if kink:
        return "It averages the two sides, (left + right)/2, a slope f does not have."
    return "It agrees with both sides."


def _symbolic_sentence(latex: str | None, value: float | None) -> str:
    if latex is None or value is None:
        return "SymPy could not give a derivative within its budget."
    notes = []
    if "operatorname{sign}" in latex:
        notes.append("it writes d|x|/dx as sign(x), and sign(0) = 0 by convention")
    if "theta" in latex or "Heaviside" in latex:
        notes.append("its Heaviside step takes the value 1/2 at 0")
    if "delta" in latex:
        notes.append("its derivative holds a DiracDelta, which has no value at its spike")
    if "Piecewise" in latex or "begin{cases}" in latex:
        notes.append("it differentiates each piece and keeps the condition")
    detail = "; ".join(notes) if notes else "it evaluates its derivative formula at x₀"
    return f"SymPy gives {_number(value)}: {detail}."


class WhereTrap(NamedTuple):
    xs: np.ndarray
    naive_reverse: np.ndarray  # jax.grad of where(x > 0, sqrt(x), 0) at each x
    fixed_reverse: np.ndarray  # jax.grad of the double-where form
    naive_at_zero: float
    fixed_at_zero: float
    naive_forward_at_zero: float


def where_trap(x_range: tuple[float, float] = (-1.0, 1.0), points: int = 201) -> WhereTrap:
    """jax.grad of where(x > 0, sqrt(x), 0) is nan at 0; the double where fixes it.

    Reverse mode multiplies the unused branch's derivative (sqrt'(0) = inf) by a zero
    cotangent: 0 × inf = nan. Feeding the unused branch a safe input (the inner where)
    keeps its derivative finite, so the zero stays zero.
    """
    xs = np.linspace(*x_range, points)
    if not np.any(xs == 0):
        xs = np.sort(np.append(xs, 0.0))
    naive, fixed = parse_expression(NAIVE_WHERE), parse_expression(DOUBLE_WHERE)
    grad_naive = jax.vmap(jax.grad(scalar_function(naive)))
    grad_fixed = jax.vmap(jax.grad(scalar_function(fixed)))
    naive_values = np.asarray(grad_naive(jnp.asarray(xs)))
    fixed_values = np.asarray(grad_fixed(jnp.asarray(xs)))
    zero = int(np.flatnonzero(xs == 0)[0])
    return WhereTrap(
        xs=xs,
        naive_reverse=naive_values,
        fixed_reverse=fixed_values,
        naive_at_zero=float(naive_values[zero]),
        fixed_at_zero=float(fixed_values[zero]),
        naive_forward_at_zero=float(ad_derivatives(naive, [0.0], 1)[1, 0]),
    )
