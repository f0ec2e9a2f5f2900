"""The pieces every code snippet of the Several variables page is built from.

A snippet is: imports, the parameters as constants, helpers for the functions a library
lacks (cot, sec, csc), f's definition written from the validated tree (never from the
typed text), then its body. The names a snippet gives things are reserved, so that a
parameter called f, H or T is renamed (f_) rather than overwritten, and the numbers it
shows are validated first, with the same sentences as the page's computations.
"""

from __future__ import annotations

import math

from core.engines.autodiff import resolve_parameters
from core.language.expression import ParsedExpression
from core.language.numeric_source import (
    expression_source,
    helper_source,
    parameter_lines,
    python_names,
    trees_of,
)
from core.language.tree import names_in
from core.language.vector import ParsedVector
from core.several_variables.arguments import number_tuple, variables_phrase
from core.several_variables.point_function import Function

HEADER = (
    "import jax\nimport jax.numpy as jnp\n{more}\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n'
)
# Every name a snippet gives something: a parameter or variable of the same name is renamed.
SNIPPET_NAMES = frozenset({
    "f", "T", "H", "jax", "jnp", "np", "math", "torch", "timeit", "dblquad", "point", "points",
    "tangent", "cotangent", "value", "slope", "direction", "step", "ahead", "behind", "tall_scales",
    "wide_point", "tall", "wide", "name", "function", "argument", "mode", "compiled", "calls",
    "jacobian_forward", "jacobian_reverse", "jacobian", "pushed_forward", "pull_back",
    "pulled_back", "eigenvalues", "newton_step", "xs", "ys", "low", "high", "gradients", "found",
    "stationary", "inside", "det_J", "area_uv", "area_xy", "error", "radius", "disc_area", "uv",
})  # fmt: skip


def snippet(imports: str, f: Function, values, names, definition: str, body: str) -> str:
    """Imports, parameters, helpers and f's definition, then the body, spaced as PEP 8 asks.

    Args:
        imports: the import lines (HEADER, formatted).
        f: the function the snippet defines.
        values, names: from `names_and_parameters`.
        definition: f's definition (`scalar_definition` or `point_definition`).
        body: what the snippet computes with it.
    """
    parameters = parameter_lines(f, values, names)
    parameters = f"{parameters}\n" if parameters else ""
    return f"{imports}\n{parameters}\n{helpers_block(f, 'jnp')}{definition}\n\n{body}"


def helpers_block(f: Function, namespace: str) -> str:
    """The definitions of the helpers f needs in `namespace` ("jnp", "torch"), spaced."""
    helpers = helper_source(f, namespace)
    return helpers[1:] + "\n\n" if helpers else ""


def names_and_parameters(f: Function, params) -> tuple[dict[str, str], dict[str, float]]:
    """The Python name of each variable and parameter of f, and the parameters' values.

    Raises:
        ValueError: for a parameter f does not have, or one that is not finite.
    """
    values = resolve_parameters(f, params)
    bad = [name for name, value in values.items() if not math.isfinite(value)]
    if bad:
        raise ValueError(f"The parameter {bad[0]} must be a finite number; got {values[bad[0]]}.")
    return python_names(f, reserved=SNIPPET_NAMES), values


def scalar_definition(parsed: ParsedExpression, names, arguments: bool) -> str:
    """def f(x, y): return ... (arguments) or def f(point): x, y = point; return ...."""
    variables = [names[v] for v in parsed.variables]
    body = _as_float_if_constant(parsed.tree, expression_source(parsed, "jnp", names))
    if arguments:
        return f"def f({', '.join(variables)}):\n    return {body}\n"
    return f"def f(point):\n    {_unpack(variables, 'point')}\n    return {body}\n"


def point_definition(f: Function, names, function_name="f", point_name="point") -> str:
    """def f(point): x, y = point; return jnp.array([f_1, ..., f_m])."""
    components = f.components if isinstance(f, ParsedVector) else (f,)
    texts = ", ".join(expression_source(c, "jnp", names) for c in components)
    constant = not any(names_in(tree) & set(f.variables) for tree in trees_of(f))
    dtype = ", dtype=float" if constant else ""  # [2, 3] would be an integer array
    return (
        f"def {function_name}({point_name}):\n"
        f"    {_unpack([names[v] for v in f.variables], point_name)}\n"
        f"    return jnp.array([{texts}]{dtype})\n"
    )


def per_variable(f: Function, values, name: str) -> tuple[float, ...]:
    """`values` as one finite float per variable of f, or a ValueError saying why.

    Example:
        >>> from core import parse_expression
        >>> per_variable(parse_expression("x*y", ("x", "y")), [2, 3], "point")
        (2.0, 3.0)
    """
    return number_tuple(values, len(f.variables), name, variables_phrase(f))


def bounds(values, name: str) -> tuple[float, float]:
    """(low, high) of a box's side as two finite floats with low < high.

    Raises:
        ValueError: one sentence naming `name`.
    """
    low, high = number_tuple(values, 2, name, "its lower and upper end")
    if not low < high:
        raise ValueError(f"{name} must have its lower end below its upper end; got {values}.")
    return low, high


def arguments_text(values) -> str:
    """2.0, 3.0: the arguments of a call, floats as their repr."""
    return ", ".join(repr(value) for value in values)


def tuple_text(values) -> str:
    """(2.0, 3.0), or (2.0,) for one: a tuple of the values, as Python writes it."""
    return f"({arguments_text(values)}{',' * (len(values) == 1)})"


def list_text(values) -> str:
    """[2.0, 3.0]: a list of the values as floats."""
    return "[" + ", ".join(repr(float(value)) for value in values) + "]"


def _as_float_if_constant(tree, text: str) -> str:
    # jax.grad needs a float output; f = 3 would return the integer 3.
    return text if names_in(tree) else f"jnp.asarray({text}, dtype=float)"


def _unpack(variables: list[str], point_name: str) -> str:
    if len(variables) == 1:
        return f"({variables[0]},) = {point_name}"
    return f"{', '.join(variables)} = {point_name}"
