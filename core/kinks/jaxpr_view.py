"""What JAX sees: the jaxprs of f, of its JVP (forward mode) and of its grad (reverse mode).

`jax.make_jaxpr` traces a function into a jaxpr, JAX's list of primitive operations.
Comparing the three for the same f shows what each mode of autodiff adds: forward
mode one tangent operation beside each primal one; reverse mode the forward pass
followed by the transposed (backward) operations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax
from jax.extend.core import Jaxpr, jaxprs_in_params

from core.engines.autodiff import resolve_parameters
from core.language.expression import REFERENCE, ParsedExpression

MAX_JAXPR_LINES = 200


class JaxprEntry(NamedTuple):
    """One traced function.

    Attributes:
        name: what was traced, e.g. "f(x)".
        code: how it was traced, e.g. "jax.grad(f)".
        text: the printed jaxpr, cut to MAX_JAXPR_LINES with a note if longer.
        primitive_count: number of primitive operations, counting those inside
            sub-jaxprs (of `jit`, `cond`, ...) in place of the call that holds them.
        primitives: (primitive name, count) pairs, most frequent first.
        truncated: whether `text` was cut.
    """

    name: str
    code: str
    text: str
    primitive_count: int
    primitives: tuple[tuple[str, int], ...]
    truncated: bool


class JaxprReport(NamedTuple):
    """The jaxprs of f, its JVP and its grad, for the expression `expression`."""

    expression: str
    function: JaxprEntry
    jvp: JaxprEntry
    grad: JaxprEntry

    @property
    def entries(self) -> tuple[JaxprEntry, JaxprEntry, JaxprEntry]:
        return (self.function, self.jvp, self.grad)


def primitive_histogram(jaxpr: Jaxpr) -> Counter[str]:
    """Primitive names in `jaxpr` and, recursively, in every sub-jaxpr, with counts.

    An equation that holds sub-jaxprs (`jit`, `cond`, `custom_jvp_call`, ...) is a
    container: its contents are counted instead of it, so `jax.jit` around a function
    does not change its count. Both branches of a `cond` are counted.
    """
    counts: Counter[str] = Counter()
    for equation in jaxpr.eqns:
        inner = list(jaxprs_in_params(equation.params))
        if inner:
            for sub_jaxpr in inner:
                counts.update(primitive_histogram(sub_jaxpr))
        else:
            counts[equation.primitive.name] += 1
    return counts


def _truncate(text: str) -> tuple[str, bool]:
    lines = text.splitlines()
    if len(lines) <= MAX_JAXPR_LINES:
        return text, False
    hidden = len(lines) - MAX_JAXPR_LINES
    note = f"… {hidden} more lines not shown (the jaxpr has {len(lines)} lines)."
    return "\n".join([*lines[:MAX_JAXPR_LINES], note]), True


def _entry(name: str, code: str, function: Callable, *args) -> JaxprEntry:
    closed = jax.make_jaxpr(function)(*args)
    counts = primitive_histogram(closed.jaxpr)
    text, truncated = _truncate(str(closed))
    return JaxprEntry(
        name=name,
        code=code,
        text=text,
        primitive_count=sum(counts.values()),
        primitives=tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
        truncated=truncated,
    )


def scalar_function(
    parsed: ParsedExpression, params: Mapping[str, float] | None = None
) -> Callable[[jax.Array], jax.Array]:
    """f as a JAX function of a 0-d float64 array, its parameters fixed.

    Constants in the JAX form are built like `env[REFERENCE]` (`lax.full_like`), so
    the reference is x itself: a scalar.
    """
    if len(parsed.variables) != 1:
        raise ValueError("The jaxpr view shows functions of one variable.")
    variable = parsed.variables[0]
    values = resolve_parameters(parsed, params)

    def function(x):
        env = {REFERENCE: x, variable: x}
        env.update({name: lax.full_like(x, value) for name, value in values.items()})
        return parsed.jax(env)

    return function


def jaxpr_report(
    parsed: ParsedExpression, params: Mapping[str, float] | None = None
) -> JaxprReport:
    """Trace f, its JVP and its grad at a scalar x and count their operations.

    Args:
        parsed: an expression of one variable.
        params: values of its parameters (missing ones are 1.0); they appear in the
            jaxprs as constants.

    Returns:
        The three jaxprs with their primitive counts.

    Raises:
        ValueError: for an expression of several variables or an unknown parameter.

    Example:
        >>> from core import parse_expression
        >>> report = jaxpr_report(parse_expression("x*x + sin(x)"))
        >>> report.function.primitive_count
        3
    """
    function = scalar_function(parsed, params)
    x = jnp.asarray(1.0, dtype=jnp.float64)  # only its shape and dtype are traced
    return JaxprReport(
        expression=parsed.text,
        function=_entry("f(x)", "f", function, x),
        jvp=_entry(
            "JVP (forward mode)",
            "lambda x, t: jax.jvp(f, (x,), (t,))",
            lambda primal, tangent: jax.jvp(function, (primal,), (tangent,)),
            x,
            x,
        ),
        grad=_entry("grad (reverse mode)", "jax.grad(f)", jax.grad(function), x),
    )


def _times(count: int, base: int) -> str:
    return f" ({count / base:.1f}× those of f)" if base else ""


def _plural(count: int) -> str:
    return f"{count} primitive operation" + ("" if count == 1 else "s")


def explanation(report: JaxprReport) -> str:
    """A short paragraph on forward and reverse mode, with this example's counts."""
    f_count = report.function.primitive_count
    jvp_count, grad_count = report.jvp.primitive_count, report.grad.primitive_count
    if f_count == 0:
        return (
            f"f(x) = {report.expression} is no primitive operation at all: it returns x "
            "itself or a constant, so forward and reverse mode have nothing to add. Try "
            "an expression such as x*x + sin(x) to see them at work."
        )
    return (
        f"f(x) = {report.expression} is {_plural(f_count)}. "
        "Forward mode (jvp) carries a tangent alongside every value: each operation is "
        "followed by its derivative rule applied to the tangent, so the JVP has "
        f"{_plural(jvp_count)}{_times(jvp_count, f_count)}. "
        "Reverse mode (grad) first runs f forward, keeping the values the derivative "
        "rules need, and then walks the operations backwards, each one transposed, from "
        "the output's sensitivity 1.0 back to x; its jaxpr holds both passes: "
        f"{_plural(grad_count)}{_times(grad_count, f_count)}. "
        "With one input and one output, as here, both cost a small multiple of f. "
        "In general forward mode needs one pass per input and reverse mode one pass per "
        "output, so forward mode is cheaper when there are few inputs and reverse mode "
        "when there are few outputs, such as one loss of many parameters."
    )
