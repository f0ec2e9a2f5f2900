"""The code behind the Several variables page's first derivatives, each as a snippet.

Every snippet is generated from the validated tree (never from the typed text), runs on
its own in a notebook, and computes what the page shows, in float64: the gradient by
`jax.value_and_grad` and D_u f = ∇f · u by `jax.jvp`; the Jacobian by `jax.jacfwd` (d JVPs,
its columns) and `jax.jacrev` (m VJPs, its rows); J v and uᵀJ by `jax.jvp` and `jax.vjp`;
and the gradient of f(x, y, z) in JAX and by PyTorch's `.backward()`, as text (PyTorch is
not a dependency). Parameters are constants at the top. The Hessian's and the change of
variables' snippets are in core.several_variables.code_hessians_and_areas; the pieces all
of them share, in core.several_variables.code_pieces.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from core.language.expression import ParsedExpression
from core.language.numeric_source import expression_source
from core.language.tree import names_in
from core.language.vector import ParsedVector
from core.several_variables.arguments import number_tuple
from core.several_variables.code_pieces import (
    HEADER,
    arguments_text,
    helpers_block,
    list_text,
    names_and_parameters,
    per_variable,
    point_definition,
    scalar_definition,
    snippet,
    tuple_text,
)
from core.several_variables.point_function import Function, require_function

# The timing sketch's maps have about this many outputs (tall) and inputs (wide), as the
# page's (core.several_variables.tall_and_wide.example_functions, size=100).
TIMING_SIZE = 100


def gradient_code(
    parsed: ParsedExpression,
    point: ArrayLike,
    params: Mapping[str, float] | None = None,
    direction: ArrayLike | None = None,
) -> str:
    """f(p) and ∇f(p) by `jax.value_and_grad`, D_u f by `jax.jvp`, checked by central differences.

    Args:
        parsed: f(x_1, ..., x_d), a scalar expression.
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        direction: the direction of the directional derivative, normalised to a unit
            vector u; (1, ..., 1)/√d when None.

    Returns:
        The snippet; for f = x² + y at (2, 3) it prints 7.0 4.0 1.0 first.

    Raises:
        ValueError: for a vector function, a point or direction of the wrong length, a
            zero direction or a bad parameter.

    Example:
        >>> from core import parse_expression
        >>> code = gradient_code(parse_expression("x^2 + y", ("x", "y")), [2, 3])
        >>> "value, (df_dx, df_dy) = jax.value_and_grad(f, argnums=(0, 1))(2.0, 3.0)" in code
        True
    """
    require_function(parsed, "gradient_code", ParsedExpression)
    names, values = names_and_parameters(parsed, params)
    d = len(parsed.variables)
    p = per_variable(parsed, point, "point")
    u = np.ones(d) if direction is None else np.array(per_variable(parsed, direction, "direction"))
    if not np.linalg.norm(u) > 0:
        raise ValueError("The direction must not be the zero vector: give it a length.")
    u = tuple(float(c) for c in u / np.linalg.norm(u))
    partials = [f"df_d{names[v]}" for v in parsed.variables]
    at, along = tuple_text(p), tuple_text(u)
    moved = {sign: ", ".join(f"{a!r} {sign} step * {b!r}" for a, b in zip(p, u, strict=True))
             for sign in "+-"}  # fmt: skip
    body = (
        f"# f and its partial derivatives at {at}, in one reverse sweep\n"
        f"value, ({', '.join(partials)}{',' * (d == 1)}) = "
        f"jax.value_and_grad(f, argnums={tuple_text(tuple(range(d)))})({arguments_text(p)})\n"
        f"print(value, {', '.join(partials)})\n\n"
        f"# the directional derivative along the unit vector u = {along}:\n"
        "# D_u f = ∇f · u in one forward sweep (jax.jvp pushes u through f)\n"
        f"direction = {along}\n"
        f"_, slope = jax.jvp(f, {at}, direction)\n\n"
        "# the same by central differences: (f(p + h u) - f(p - h u)) / 2h\n"
        f"step = 1e-5\nahead = f({moved['+']})\nbehind = f({moved['-']})\n"
        "print(slope, (ahead - behind) / (2 * step))\n"
    )
    definition = scalar_definition(parsed, names, arguments=True)
    return snippet(HEADER.format(more=""), parsed, values, names, definition, body)


def jacobian_code(
    vector: Function, point: ArrayLike, params: Mapping[str, float] | None = None
) -> str:
    """J by `jax.jacfwd` and `jax.jacrev`, and a timing sketch of tall against wide maps.

    Args:
        vector: f: R^d -> R^m, a vector function (or an expression, m = 1).
        point: p, d numbers ordered as `vector.variables`.
        params: values of the parameters; missing ones are 1.0.

    Returns:
        The snippet: both Jacobians (equal to rounding), then jitted timings of jacfwd
        and jacrev on the page's tall map R^d -> R^(Km), T(p) = (f(s_k p))_k, and wide
        map R^(Kd) -> R^m, the mean of f(q_k), with s_k from 0.9 to 1.1.
    """
    require_function(vector, "jacobian_code", ParsedExpression | ParsedVector)
    names, values = names_and_parameters(vector, params)
    d, m = len(vector.variables), _outputs(vector)
    k_tall, k_wide = TIMING_SIZE // m, TIMING_SIZE // d
    body = (
        f"point = jnp.array({list_text(per_variable(vector, point, 'point'))})\n"
        f"jacobian_forward = jax.jacfwd(f)(point)  # column by column: {d} JVPs, one per input\n"
        f"jacobian_reverse = jax.jacrev(f)(point)  # row by row: {m} VJPs, one per output\n"
        "print(jacobian_forward)\nprint(jacobian_reverse)\n\n"
        "# Which is cheaper depends on J's shape: jacfwd needs one JVP per input, jacrev one\n"
        "# VJP per output. Two maps built from f, as on the page, at scaled points s p:\n"
        f"tall_scales = jnp.linspace(0.9, 1.1, {k_tall})\n"
        f"wide_point = (jnp.linspace(0.9, 1.1, {k_wide})[:, None] * point).ravel()\n\n\n"
        f"def tall(point):  # R^{d} -> R^{k_tall * m}: T(p) stacks f(s p), few inputs\n"
        "    return jax.vmap(f)(tall_scales[:, None] * point).ravel()\n\n\n"
        f"def wide(points):  # R^{k_wide * d} -> R^{m}: W(q) is the mean of f(q_k), few outputs\n"
        f"    return jax.vmap(f)(points.reshape(-1, {d})).mean(axis=0)\n\n\n"
        'for name, function, argument in [("tall", tall, point), ("wide", wide, wide_point)]:\n'
        "    for mode in (jax.jacfwd, jax.jacrev):\n"
        "        compiled = jax.jit(mode(function))  # compiled, the rule shows on any CPU\n"
        "        compiled(argument).block_until_ready()  # compile once, outside the timing\n"
        "        calls = timeit.timeit(lambda: compiled(argument).block_until_ready(),"
        " number=100)\n"
        '        print(f"{name} {mode.__name__}: {calls / 100 * 1e6:.0f} µs per call")\n'
    )
    imports = "import timeit\n\n" + HEADER.format(more="")
    definition = point_definition(vector, names)
    return snippet(imports, vector, values, names, definition, body)


def jvp_vjp_code(
    vector: Function,
    point: ArrayLike,
    tangent: ArrayLike,
    cotangent: ArrayLike,
    params: Mapping[str, float] | None = None,
) -> str:
    """(f(p), J v) by `jax.jvp` and uᵀJ by `jax.vjp`, with J itself for comparison.

    Args:
        vector: f: R^d -> R^m, a vector function (or an expression, m = 1).
        point: p, d numbers ordered as `vector.variables`.
        tangent: v, d numbers (the input space).
        cotangent: u, m numbers (the output space).
        params: values of the parameters; missing ones are 1.0.
    """
    require_function(vector, "jvp_vjp_code", ParsedExpression | ParsedVector)
    names, values = names_and_parameters(vector, params)
    m = _outputs(vector)
    outputs = f"f has {m} component{'s' * (m != 1)}"
    body = (
        f"point = jnp.array({list_text(per_variable(vector, point, 'point'))})\n"
        f"tangent = jnp.array({list_text(per_variable(vector, tangent, 'tangent'))})"
        "  # v, a direction in the input space\n"
        f"cotangent = jnp.array({list_text(number_tuple(cotangent, m, 'cotangent', outputs))})"
        "  # u, on the output space\n\n"
        "# push v forward: f(p) and J v in one forward sweep; J itself is never built\n"
        "value, pushed_forward = jax.jvp(f, (point,), (tangent,))\n"
        "# pull u back: uᵀJ in one reverse sweep (jax.vjp returns the function that does it)\n"
        "value, pull_back = jax.vjp(f, point)\n(pulled_back,) = pull_back(cotangent)\n"
        "print(value, pushed_forward, pulled_back)\n\n"
        "jacobian = jax.jacfwd(f)(point)  # the same through the whole matrix, for comparison\n"
        "print(jacobian @ tangent, cotangent @ jacobian)\n"
    )
    definition = point_definition(vector, names)
    return snippet(HEADER.format(more=""), vector, values, names, definition, body)


def three_variables_code(
    parsed: ParsedExpression, point: ArrayLike, params: Mapping[str, float] | None = None
) -> tuple[str, str]:
    """The gradient of f(x, y, z) in JAX (`jax.grad`) and in PyTorch (`.backward()`), as text.

    The PyTorch snippet is for reading beside JAX's (PyTorch is not a dependency): leaf
    tensors with `requires_grad=True`, f built from them with torch's functions, one
    `f.backward()`, the partials in `.grad`. For x³ + 2y² - 3z + 1 at (1, 2, 3) both
    give 3, 8, -3.

    Returns:
        (JAX snippet, PyTorch snippet).

    Example:
        >>> from core import parse_expression
        >>> f = parse_expression("x^3 + 2y^2 - 3z + 1", ("x", "y", "z"))
        >>> print(three_variables_code(f, [1, 2, 3])[1].splitlines()[-3])
        f = x**3 + 2*y**2 - 3*z + 1
    """
    require_function(parsed, "three_variables_code", ParsedExpression)
    names, values = names_and_parameters(parsed, params)
    d = len(parsed.variables)
    p = per_variable(parsed, point, "point")
    variables = [names[v] for v in parsed.variables]
    partials = [f"df_d{v}" for v in variables]
    body = (
        f"# all {d} partial derivatives in one reverse sweep\n"
        f"{', '.join(partials)}{',' * (d == 1)} = "
        f"jax.grad(f, argnums={tuple_text(tuple(range(d)))})({arguments_text(p)})\n"
        f"print({', '.join(partials)})\n"
    )
    definition = scalar_definition(parsed, names, arguments=True)
    jax_snippet = snippet(HEADER.format(more=""), parsed, values, names, definition, body)

    expression = expression_source(parsed, "torch", names)
    tensors = "".join(
        f"{v} = torch.tensor({c!r}, requires_grad=True)\n"
        for v, c in zip(variables, p, strict=True)
    )
    absent = [names[v] for v in parsed.variables if v not in names_in(parsed.tree)]
    note = f"  # None for {', '.join(absent)}: f does not depend on it" if absent else ""
    math_import = "import math\n\n" if "math." in expression else ""
    parameters = "".join(f"{names[k]} = torch.tensor({values[k]!r})\n" for k in parsed.parameters)
    helpers = helpers_block(parsed, "torch")
    head = "\n".join(
        block
        for block in (
            f"{math_import}import torch\n",
            "torch.set_default_dtype(torch.float64)  # float64, as on the page\n",
            parameters,
        )
        if block
    )
    head += f"\n\n{helpers}" if helpers else "\n"
    torch_snippet = (
        f"{head}{tensors}f = {expression}\n"
        "f.backward()  # reverse mode: fills the .grad of every tensor that requires it\n"
        f"print({', '.join(f'{v}.grad' for v in variables)}){note}\n"
    )
    return jax_snippet, torch_snippet


def _outputs(f: Function) -> int:
    return len(f.components) if isinstance(f, ParsedVector) else 1
