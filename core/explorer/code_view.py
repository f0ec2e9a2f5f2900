"""The code behind the Explorer: the same derivatives in JAX, SymPy and NumPy, as text.

Each snippet is generated from the validated tree (never from the typed text), runs on
its own, and computes what the page shows, so a student can paste it into a notebook.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.engines.finite_differences import default_step, fd_coefficients_exact, stencil_offsets
from core.language.expression import ParsedExpression
from core.language.numeric_source import (
    expression_source,
    functions_used,
    helper_source,
    parameter_lines,
    python_names,
)
from core.language.printer import to_text

_SYMPY = {"abs": "Abs", "ceil": "ceiling", "max": "Max", "min": "Min", "e": "E"}


def jax_code(parsed: ParsedExpression, max_order: int, x_range, params: Mapping[str, float]) -> str:
    """Every derivative 0..n in one Taylor-mode call, as the page computes them."""
    names = python_names(parsed, reserved={"f"})
    body = expression_source(parsed, "jnp", names, taylor_mode=True)
    return (
        "import jax\nimport jax.numpy as jnp\nfrom jax.experimental import jet\n\n"
        'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
        f"{parameter_lines(parsed, params, names)}{helper_source(parsed, 'jnp', True)}\n"
        f"def f(x):\n    return {body}\n\n\n"
        f"x = jnp.linspace({x_range[0]!r}, {x_range[1]!r}, 1001)\n"
        f"# Taylor mode: push the series x + t through f; the output terms are f', f'', ...\n"
        f"series = [jnp.ones_like(x)] + [jnp.zeros_like(x)] * {max_order - 1}\n"
        "value, derivatives = jet.jet(f, (x,), (series,))\n"
    )


def sympy_code(parsed: ParsedExpression, max_order: int) -> str:
    """The symbolic derivatives, with parameters kept as symbols."""
    names = {name: f"sp.{_SYMPY.get(name, name)}" for name in functions_used(parsed.tree)}
    names.update({"pi": "sp.pi", "e": "sp.E", "where": "sp.Piecewise"})
    if "log10" in names or "log2" in names:
        names.update({"log10": "log10", "log2": "log2"})
    helpers = ""
    if "log10" in functions_used(parsed.tree):
        helpers += "def log10(x):\n    return sp.log(x, 10)\n\n\n"
    if "log2" in functions_used(parsed.tree):
        helpers += "def log2(x):\n    return sp.log(x, 2)\n\n\n"
    symbols = "".join(
        f'{name} = sp.Symbol("{name}", real=True)\n'
        for name in (*parsed.variables, *parsed.parameters)
    )
    step = f"sp.diff(derivatives[-1], {parsed.variables[0]})"
    note = ""
    if functions_used(parsed.tree) & {"floor", "ceil", "sign"}:
        # What the app does (core.engines.symbolic_worker.differentiate), in one line.
        note = (
            "# floor, ceil and sign are constant between their jumps: their derivative is 0\n"
            "# there, which SymPy leaves as Subs(...) or Derivative(...) of an expression.\n"
        )
        step += ".replace(lambda e: isinstance(e, (sp.Subs, sp.Derivative)), lambda e: 0)"
    return (
        f"import sympy as sp\n\n{symbols}\n{helpers}f = {to_text(parsed.tree, names)}\n"
        f"{note}derivatives = [f]\n"
        f"for order in range({max_order}):\n"
        f"    derivatives.append({step})\n"
    )


def numpy_code(
    parsed: ParsedExpression,
    order: int,
    scheme: str,
    accuracy: int,
    x_range,
    params: Mapping[str, float],
) -> str:
    """The finite-difference stencil for the `order`-th derivative, written out."""
    if scheme == "complex":
        stencil = "complex step: Im f(x + ih) / h"
        method = "derivative = np.imag(f(x + 1j * h)) / h\n"
        step = "h = 1e-20  # no subtraction, so no round-off: any tiny h works\n"
    else:
        offsets = stencil_offsets(order, scheme, accuracy)
        weights = ", ".join(str(w) for w in fd_coefficients_exact(order, offsets))
        stencil = f"{scheme}, accuracy h^{accuracy}"
        step = f"h = {default_step(order, accuracy, scheme):.3g}  # near-optimal in float64\n"
        method = (
            f"offsets = {offsets}\nweights = [{weights}]  # exact, by Fornberg's algorithm\n"
            "derivative = sum(w * f(x + k * h) for k, w in zip(offsets, weights))"
            f" / h**{order}\n"
        )
    names = python_names(parsed, reserved={"f", "h"})
    return (
        f"import numpy as np\n\n{parameter_lines(parsed, params, names)}"
        f"{helper_source(parsed, 'np')}\n"
        f"def f(x):\n    return {expression_source(parsed, 'np', names)}\n\n\n"
        f"x = np.linspace({x_range[0]!r}, {x_range[1]!r}, 1001)\n{step}"
        f"# derivative of order {order} by finite differences ({stencil})\n{method}"
    )
