"""Common JAX autodiff mistakes, each run for real: the error JAX raises, and the fix.

The code shown for each gotcha is text for display; what runs is the plain Python
function beside it in `Gotcha`, written to do exactly what the text says (nothing
here executes text).
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

import core.engines.autodiff  # noqa: F401  (turns on float64, which the precision gotcha compares)

MESSAGE_LINES = 3


def _code(text: str) -> str:
    return textwrap.dedent(text).strip()


@dataclass(frozen=True)
class Gotcha:
    """One mistake: code that fails, code that works, and why.

    Attributes:
        key: short identifier for `run_gotcha`.
        title: one line for a heading.
        broken_code, fixed_code: Python shown to the reader (display only).
        explanation: why the broken code fails and why the fix works.
        error_type: name of the exception the broken code raises, or None when it
            runs but gives a wrong answer.
        broken, fixed: the functions that do what the code texts say.
    """

    key: str
    title: str
    broken_code: str
    fixed_code: str
    explanation: str
    error_type: str | None
    broken: Callable[[], object] = field(repr=False, compare=False)
    fixed: Callable[[], object] = field(repr=False, compare=False)


class GotchaResult(NamedTuple):
    """What running a gotcha produced.

    Attributes:
        error_type: name of the exception the broken code raised (None if it ran).
        error_message: its first lines, exactly as JAX wrote them ("" if none).
        broken_result: what the broken code returned when it did not raise.
        fixed_result: what the fixed code returned, as text.
        warnings: warnings emitted while running either, as text.
    """

    error_type: str | None
    error_message: str
    broken_result: str | None
    fixed_result: str
    warnings: tuple[str, ...]


# --- integer input to grad -------------------------------------------------------


def _square(x):
    return x**2


def _integer_broken():
    return jax.grad(_square)(3)


def _integer_fixed():
    return jax.grad(_square)(3.0)


# --- a list instead of an array --------------------------------------------------


def _total(v):
    return jnp.sum(jnp.sin(v))


def _list_broken():
    return jax.grad(_total)([1.0, 2.0, 3.0])


def _list_fixed():
    return jax.grad(_total)(jnp.array([1.0, 2.0, 3.0]))


# --- a non-scalar output to grad -------------------------------------------------


def _vector_broken():
    xs = jnp.array([0.0, 1.0, 2.0])
    return jax.grad(jnp.sin)(xs)


def _vector_fixed():
    xs = jnp.array([0.0, 1.0, 2.0])
    return {
        "jax.vmap(jax.grad(jnp.sin))(xs)": jax.vmap(jax.grad(jnp.sin))(xs),
        "jnp.diag(jax.jacfwd(jnp.sin)(xs))": jnp.diag(jax.jacfwd(jnp.sin)(xs)),
    }


# --- float32 against float64 -----------------------------------------------------


def _central_difference(dtype):
    x = jnp.asarray(1.0, dtype=dtype)
    h = jnp.asarray(1e-8, dtype=dtype)
    return (jnp.sin(x + h) - jnp.sin(x - h)) / (2 * h)


def _precision_broken():
    return _central_difference(jnp.float32)


def _precision_fixed():
    return {
        "central difference, float64": _central_difference(jnp.float64),
        "jax.grad(jnp.sin)(jnp.float32(1.0))": jax.grad(jnp.sin)(jnp.float32(1.0)),
        "exact cos(1)": math.cos(1.0),
    }


GOTCHAS: tuple[Gotcha, ...] = (
    Gotcha(
        key="integer-input",
        title="An integer input to grad",
        broken_code=_code(
            """
            import jax

            def f(x):
                return x**2

            jax.grad(f)(3)  # 3 is an integer
            """
        ),
        fixed_code="jax.grad(f)(3.0)  # a float: 6.0",
        explanation=(
            "A derivative is a limit over small changes of x, and an integer cannot change "
            "by a small amount: grad differentiates only with respect to float (or complex) "
            "inputs. Write 3.0, or convert with jnp.asarray(x, dtype=float)."
        ),
        error_type="TypeError",
        broken=_integer_broken,
        fixed=_integer_fixed,
    ),
    Gotcha(
        key="list-input",
        title="A Python list instead of an array",
        broken_code=_code(
            """
            import jax
            import jax.numpy as jnp

            def total(v):
                return jnp.sum(jnp.sin(v))

            jax.grad(total)([1.0, 2.0, 3.0])
            """
        ),
        fixed_code="jax.grad(total)(jnp.array([1.0, 2.0, 3.0]))  # cos of each",
        explanation=(
            "To grad, a list is a container of three separate scalars, and jax.numpy "
            "functions refuse lists (converting one element by element would be slow and "
            "silent). Make one array with jnp.array(...) before calling grad; the gradient "
            "then comes back as one array too."
        ),
        error_type="TypeError",
        broken=_list_broken,
        fixed=_list_fixed,
    ),
    Gotcha(
        key="non-scalar-output",
        title="grad of a function whose output is not a scalar",
        broken_code=_code(
            """
            import jax
            import jax.numpy as jnp

            xs = jnp.array([0.0, 1.0, 2.0])
            jax.grad(jnp.sin)(xs)  # sin(xs) has three outputs
            """
        ),
        fixed_code=_code(
            """
            jax.vmap(jax.grad(jnp.sin))(xs)  # the derivative at each point
            jnp.diag(jax.jacfwd(jnp.sin)(xs))  # or the whole Jacobian's diagonal
            """
        ),
        explanation=(
            "grad is the gradient of one number with respect to its inputs; sin(xs) is "
            "three numbers, whose derivative is a 3x3 Jacobian. For an elementwise "
            "function, vmap the scalar derivative over the points; jacfwd (or jacrev) "
            "gives the full Jacobian, which here is diagonal."
        ),
        error_type="TypeError",
        broken=_vector_broken,
        fixed=_vector_fixed,
    ),
    Gotcha(
        key="float32-precision",
        title="float32 against float64: a finite difference that returns 0",
        broken_code=_code(
            """
            import jax.numpy as jnp

            x = jnp.asarray(1.0, dtype=jnp.float32)
            h = jnp.asarray(1e-8, dtype=jnp.float32)
            (jnp.sin(x + h) - jnp.sin(x - h)) / (2 * h)  # d/dx sin at 1 is cos(1)
            """
        ),
        fixed_code=_code(
            """
            x = jnp.asarray(1.0, dtype=jnp.float64)
            h = jnp.asarray(1e-8, dtype=jnp.float64)
            (jnp.sin(x + h) - jnp.sin(x - h)) / (2 * h)  # close to cos(1)

            jax.grad(jnp.sin)(jnp.float32(1.0))  # or autodiff: no h at all
            """
        ),
        explanation=(
            "No error is raised: the answer is silently wrong. float32 resolves about 7 "
            "digits (machine epsilon 1.2e-7), so 1 + 1e-8 rounds to exactly 1, the two "
            "sines are equal and the difference quotient is 0. In float64 (epsilon 2.2e-16) "
            "the same formula is right to about 8 digits. JAX computes in float32 unless "
            "jax_enable_x64 is set, as this app does at start-up. Autodiff needs no step h "
            "and is accurate to the precision of its dtype even in float32."
        ),
        error_type=None,
        broken=_precision_broken,
        fixed=_precision_fixed,
    ),
)

_BY_KEY = {gotcha.key: gotcha for gotcha in GOTCHAS}


def describe(value: object) -> str:
    """A result as short text: arrays as their values and dtype, one line per entry."""
    if isinstance(value, Mapping):
        return "\n".join(f"{label} = {describe(item)}" for label, item in value.items())
    if isinstance(value, float):
        return repr(value)
    array = np.asarray(value)
    # str of a NumPy scalar is the shortest text that reads back to it in its own dtype.
    items = [str(item) for item in array.ravel()]
    shown = items[0] if array.ndim == 0 else f"[{', '.join(items)}]"
    return f"{shown} ({array.dtype})"


def _first_lines(error: Exception) -> str:
    return "\n".join(str(error).strip().splitlines()[:MESSAGE_LINES])


def run_gotcha(key: str) -> GotchaResult:
    """Run a gotcha's broken code, catching the error JAX raises, then its fix.

    Args:
        key: one of the `key`s in GOTCHAS.

    Returns:
        The error's type name and first lines (or the wrong result, when the broken
        code runs), and the fixed code's result.

    Raises:
        ValueError: for an unknown key.
    """
    if key not in _BY_KEY:
        raise ValueError(f"Unknown gotcha {key!r}; the gotchas are: {', '.join(_BY_KEY)}.")
    gotcha = _BY_KEY[key]
    error_type, error_message, broken_result = None, "", None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # shown to the reader, not raised by a strict runner
        try:
            broken_result = describe(gotcha.broken())
        except Exception as error:  # any error at all is the point of the demo
            error_type, error_message = type(error).__name__, _first_lines(error)
        fixed_result = describe(gotcha.fixed())
    return GotchaResult(
        error_type=error_type,
        error_message=error_message,
        broken_result=broken_result,
        fixed_result=fixed_result,
        warnings=tuple(f"{w.category.__name__}: {w.message}" for w in caught),
    )
