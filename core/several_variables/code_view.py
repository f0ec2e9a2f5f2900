"""The code behind the Several variables page: each section's computation as a snippet.

Every snippet is generated from the validated tree (never from the typed text), runs on
its own in a notebook, and computes what the page shows, in float64: the gradient by
`jax.value_and_grad` and D_u f = ∇f · u by `jax.jvp`; the Jacobian by `jax.jacfwd` (d JVPs,
its columns) and `jax.jacrev` (m VJPs, its rows); J v and uᵀJ by `jax.jvp` and `jax.vjp`;
the Hessian by `jax.hessian` = jacfwd(jacrev(f)) and Newton's method on ∇f = 0; the area
∫∫ |det J| du dv of a map's image by `scipy.integrate.dblquad`; and PyTorch's `.backward()`
as text (PyTorch is not a dependency). Parameters are constants at the top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import sympy
from numpy.typing import ArrayLike

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
from core.several_variables.point_function import Function, require_function

_HEADER = (
    "import jax\nimport jax.numpy as jnp\n{more}\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n'
)
# Every name a snippet gives something: a parameter or variable of the same name is renamed.
_SNIPPET_NAMES = frozenset({
    "f", "T", "H", "jax", "jnp", "np", "math", "torch", "timeit", "dblquad", "point", "points",
    "tangent", "cotangent", "value", "slope", "direction", "step", "ahead", "behind", "tall_scales",
    "wide_point", "tall", "wide", "name", "function", "argument", "mode", "compiled", "calls",
    "jacobian_forward", "jacobian_reverse", "jacobian", "pushed_forward", "pull_back",
    "pulled_back", "eigenvalues", "newton_step", "xs", "ys", "low", "high", "gradients", "found",
    "stationary", "inside", "det_J", "area_uv", "area_xy", "error", "radius", "disc_area", "uv",
})  # fmt: skip
# The timing sketch's maps have about this many outputs (tall) and inputs (wide), as the
# page's (core.several_variables.jacobian_modes.example_functions, size=100).
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
    names, values = _names_and_parameters(parsed, params)
    d = len(parsed.variables)
    p = _numbers(point, d, "point", parsed)
    u = np.ones(d) if direction is None else np.array(_numbers(direction, d, "direction", parsed))
    if not np.linalg.norm(u) > 0:
        raise ValueError("The direction must not be the zero vector: give it a length.")
    u = tuple(float(c) for c in u / np.linalg.norm(u))
    partials = [f"df_d{names[v]}" for v in parsed.variables]
    at, along = _call(p), _call(u)
    moved = {sign: ", ".join(f"{a!r} {sign} step * {b!r}" for a, b in zip(p, u, strict=True))
             for sign in "+-"}  # fmt: skip
    body = (
        f"# f and its partial derivatives at {at}, in one reverse sweep\n"
        f"value, ({', '.join(partials)}{',' * (d == 1)}) = "
        f"jax.value_and_grad(f, argnums={_call(tuple(range(d)))})({_arguments(p)})\n"
        f"print(value, {', '.join(partials)})\n\n"
        f"# the directional derivative along the unit vector u = {along}:\n"
        "# D_u f = ∇f · u in one forward sweep (jax.jvp pushes u through f)\n"
        f"direction = {along}\n"
        f"_, slope = jax.jvp(f, {at}, direction)\n\n"
        "# the same by central differences: (f(p + h u) - f(p - h u)) / 2h\n"
        f"step = 1e-5\nahead = f({moved['+']})\nbehind = f({moved['-']})\n"
        "print(slope, (ahead - behind) / (2 * step))\n"
    )
    definition = _scalar_function(parsed, names, arguments=True)
    return _snippet(_HEADER.format(more=""), parsed, values, names, definition, body)


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
    names, values = _names_and_parameters(vector, params)
    d, m = len(vector.variables), _outputs(vector)
    k_tall, k_wide = TIMING_SIZE // m, TIMING_SIZE // d
    body = (
        f"point = jnp.array({_list(_numbers(point, d, 'point', vector))})\n"
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
    imports = "import timeit\n\n" + _HEADER.format(more="")
    definition = _point_function(vector, names)
    return _snippet(imports, vector, values, names, definition, body)


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
    names, values = _names_and_parameters(vector, params)
    d, m = len(vector.variables), _outputs(vector)
    outputs = f"f has {m} component{'s' * (m != 1)}"
    body = (
        f"point = jnp.array({_list(_numbers(point, d, 'point', vector))})\n"
        f"tangent = jnp.array({_list(_numbers(tangent, d, 'tangent', vector))})"
        "  # v, a direction in the input space\n"
        f"cotangent = jnp.array({_list(_numbers(cotangent, m, 'cotangent', phrase=outputs))})"
        "  # u, on the output space\n\n"
        "# push v forward: f(p) and J v in one forward sweep; J itself is never built\n"
        "value, pushed_forward = jax.jvp(f, (point,), (tangent,))\n"
        "# pull u back: uᵀJ in one reverse sweep (jax.vjp returns the function that does it)\n"
        "value, pull_back = jax.vjp(f, point)\n(pulled_back,) = pull_back(cotangent)\n"
        "print(value, pushed_forward, pulled_back)\n\n"
        "jacobian = jax.jacfwd(f)(point)  # the same through the whole matrix, for comparison\n"
        "print(jacobian @ tangent, cotangent @ jacobian)\n"
    )
    definition = _point_function(vector, names)
    return _snippet(_HEADER.format(more=""), vector, values, names, definition, body)


def hessian_code(
    parsed: ParsedExpression,
    point: ArrayLike,
    params: Mapping[str, float] | None = None,
    x_range: tuple[float, float] = (-2.0, 2.0),
    y_range: tuple[float, float] = (-2.0, 2.0),
) -> str:
    """H by `jax.hessian`, its eigenvalues, and Newton's method on ∇f = 0 from a grid of starts.

    Args:
        parsed: f(x_1, ..., x_d), a scalar expression.
        point: p, d numbers ordered as `parsed.variables`.
        params: values of the parameters; missing ones are 1.0.
        x_range, y_range: the box of the 7 × 7 starts (and of the points kept) for
            f(x, y); a function of other than two variables gets no search.
    """
    require_function(parsed, "hessian_code", ParsedExpression)
    names, values = _names_and_parameters(parsed, params)
    d = len(parsed.variables)
    body = (
        f"point = jnp.array({_list(_numbers(point, d, 'point', parsed))})\n"
        "H = jax.hessian(f)(point)  # = jax.jacfwd(jax.jacrev(f)): forward over reverse\n"
        "eigenvalues = np.linalg.eigvalsh(H)"
        "  # all > 0: minimum, all < 0: maximum, both signs: saddle\n"
        "print(H)\nprint(eigenvalues)\n"
    )
    if d == 2:
        low, high = zip(_interval(x_range, "x_range"), _interval(y_range, "y_range"), strict=True)
        body += (
            "\n\n# Stationary points (∇f = 0): Newton's method on the gradient from 7 × 7 starts\n"
            "@jax.jit\n@jax.vmap\n"
            "def newton_step(point):  # point - H⁻¹ ∇f, for every start at once\n"
            "    return point - jnp.linalg.solve(jax.hessian(f)(point), jax.grad(f)(point))\n\n\n"
            f"low, high = np.array({_list(low)}), np.array({_list(high)})\n"
            f"xs, ys = np.meshgrid(np.linspace({low[0]!r}, {high[0]!r}, 7), "
            f"np.linspace({low[1]!r}, {high[1]!r}, 7))\n"
            "points = jnp.stack([xs.ravel(), ys.ravel()], axis=1)\n"
            "for _ in range(40):  # as on the page\n    points = newton_step(points)\n"
            "gradients = jax.vmap(jax.grad(f))(points)\n"
            "inside = jnp.all((points >= low) & (points <= high), axis=1)\n"
            "found = inside & (jnp.linalg.norm(gradients, axis=1) < 1e-8)  # nan, inf: not found\n"
            "for stationary in np.unique(np.round(np.asarray(points[found]), 6), axis=0) + 0.0:\n"
            "    print(stationary, np.linalg.eigvalsh(jax.hessian(f)(jnp.array(stationary))))\n"
        )
    imports = _HEADER.format(more="import numpy as np\n")
    definition = _scalar_function(parsed, names, arguments=False)
    return _snippet(imports, parsed, values, names, definition, body)


def change_of_variables_code(
    mapping: ParsedVector,
    u_range: tuple[float, float],
    v_range: tuple[float, float],
    params: Mapping[str, float] | None = None,
) -> str:
    """det J of a map T(u, v) by AD, and the area of its image by `dblquad` of |det J|.

    For the polar map (ρ cos θ, ρ sin θ) over a full turn, 0 ≤ ρ_0 < ρ_1, the snippet also
    integrates over x, y with curved limits (the disc, or the annulus as a difference);
    on [0, 1] × [0, 2π] both print ≈ 3.141592653589793.

    Args:
        mapping: T, a vector function of two variables with two components.
        u_range, v_range: the box of the first and of the second variable.
        params: values of the parameters; missing ones are 1.0.

    Raises:
        ValueError: for a map that is not R² -> R², an empty or infinite range, or a
            bad parameter.
    """
    require_function(mapping, "change_of_variables_code", ParsedVector)
    if len(mapping.variables) != 2 or len(mapping) != 2:
        raise ValueError(
            f"A change of variables needs a map of two variables with two components; "
            f"{mapping.text} has {len(mapping)} component(s) of {len(mapping.variables)} "
            "variable(s)."
        )
    names, values = _names_and_parameters(mapping, params)
    (u0, u1), (v0, v1) = _interval(u_range, "u_range"), _interval(v_range, "v_range")
    u, v = (names[name] for name in mapping.variables)
    centre = _list(((u0 + u1) / 2, (v0 + v1) / 2))
    body = (
        "# det J of T by AD; jit, because dblquad calls it a few thousand times\n"
        "det_J = jax.jit(lambda uv: jnp.linalg.det(jax.jacfwd(T)(uv)))\n"
        f"print(det_J(jnp.array({centre})))  # at the centre of the box\n\n"
        "# the area of the image: ∫∫ |det J| du dv over the box. Mind the order:\n"
        "# dblquad(func, a, b, gfun, hfun) integrates func(inner, outer), here func(v, u)\n"
        f"area_uv, error = dblquad(lambda {v}, {u}: abs(float(det_J(jnp.array([{u}, {v}])))),\n"
        f"                         {u0!r}, {u1!r}, {v0!r}, {v1!r})\n"
    )
    if _is_polar(mapping) and u0 >= 0 and math.isclose(v1 - v0, 2 * math.pi, abs_tol=1e-12):
        outer = f"disc_area({u1!r})" + (f" - disc_area({u0!r})" if u0 > 0 else "")
        body += (
            "\n\n# the same region over x, y with curved limits: -r ≤ x ≤ r, |y| ≤ √(r² - x²)\n"
            "def disc_area(radius):\n"
            "    return dblquad(lambda y, x: 1.0, -radius, radius,\n"
            "                   lambda x: -np.sqrt(radius**2 - x**2),\n"
            "                   lambda x: np.sqrt(radius**2 - x**2))[0]\n\n\n"
            f"area_xy = {outer}\nprint(area_uv, area_xy)\n"
        )
    else:
        body += "print(area_uv)\n"
    imports = _HEADER.format(more="import numpy as np\nfrom scipy.integrate import dblquad\n")
    definition = _point_function(mapping, names, function_name="T", point_name="uv")
    return _snippet(imports, mapping, values, names, definition, body)


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
    names, values = _names_and_parameters(parsed, params)
    d = len(parsed.variables)
    p = _numbers(point, d, "point", parsed)
    variables = [names[v] for v in parsed.variables]
    partials = [f"df_d{v}" for v in variables]
    body = (
        f"# all {d} partial derivatives in one reverse sweep\n"
        f"{', '.join(partials)}{',' * (d == 1)} = "
        f"jax.grad(f, argnums={_call(tuple(range(d)))})({_arguments(p)})\n"
        f"print({', '.join(partials)})\n"
    )
    definition = _scalar_function(parsed, names, arguments=True)
    jax_snippet = _snippet(_HEADER.format(more=""), parsed, values, names, definition, body)

    expression = expression_source(parsed, "torch", names)
    tensors = "".join(
        f"{v} = torch.tensor({c!r}, requires_grad=True)\n"
        for v, c in zip(variables, p, strict=True)
    )
    absent = [names[v] for v in parsed.variables if v not in names_in(parsed.tree)]
    note = f"  # None for {', '.join(absent)}: f does not depend on it" if absent else ""
    math_import = "import math\n\n" if "math." in expression else ""
    parameters = "".join(f"{names[k]} = torch.tensor({values[k]!r})\n" for k in parsed.parameters)
    helpers = _helpers_block(parsed, "torch")
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


# -- pieces ------------------------------------------------------------------------------


def _snippet(imports: str, f: Function, values, names, definition: str, body: str) -> str:
    """Imports, parameters, helpers and f's definition, then the body, spaced as PEP 8 asks."""
    parameters = parameter_lines(f, values, names)
    parameters = f"{parameters}\n" if parameters else ""
    return f"{imports}\n{parameters}\n{_helpers_block(f, 'jnp')}{definition}\n\n{body}"


def _helpers_block(f, namespace: str) -> str:
    helpers = helper_source(f, namespace)
    return helpers[1:] + "\n\n" if helpers else ""


def _names_and_parameters(f: Function, params) -> tuple[dict[str, str], dict[str, float]]:
    values = resolve_parameters(f, params)
    bad = [name for name, value in values.items() if not math.isfinite(value)]
    if bad:
        raise ValueError(f"The parameter {bad[0]} must be a finite number; got {values[bad[0]]}.")
    return python_names(f, reserved=_SNIPPET_NAMES), values


def _scalar_function(parsed: ParsedExpression, names, arguments: bool) -> str:
    """def f(x, y): return ... (arguments) or def f(point): x, y = point; return ...."""
    variables = [names[v] for v in parsed.variables]
    body = _as_float_if_constant(parsed.tree, expression_source(parsed, "jnp", names))
    if arguments:
        return f"def f({', '.join(variables)}):\n    return {body}\n"
    return f"def f(point):\n    {_unpack(variables, 'point')}\n    return {body}\n"


def _point_function(f: Function, names, function_name="f", point_name="point") -> str:
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


def _as_float_if_constant(tree, text: str) -> str:
    # jax.grad needs a float output; f = 3 would return the integer 3.
    return text if names_in(tree) else f"jnp.asarray({text}, dtype=float)"


def _unpack(variables: list[str], point_name: str) -> str:
    if len(variables) == 1:
        return f"({variables[0]},) = {point_name}"
    return f"{', '.join(variables)} = {point_name}"


def _outputs(f: Function) -> int:
    return len(f.components) if isinstance(f, ParsedVector) else 1


def _is_polar(mapping: ParsedVector) -> bool:
    """Whether T(ρ, θ) = (ρ cos θ, ρ sin θ), however it was typed."""
    rho, theta = (mapping.components[0].symbols[name] for name in mapping.variables)
    polar = (rho * sympy.cos(theta), rho * sympy.sin(theta))
    return all(
        sympy.expand(c.sympy - target) == 0
        for c, target in zip(mapping.components, polar, strict=True)
    )


def _numbers(values, length: int, name: str, f=None, phrase: str | None = None) -> tuple:
    """`values` as `length` finite floats, or a ValueError that says what is wrong."""
    if phrase is None:
        d = len(f.variables)
        phrase = f"f is a function of {d} variable{'s' * (d != 1)} ({', '.join(f.variables)})"
    try:
        array = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"The {name} must be numbers, one per entry; got {values!r}.") from None
    if array.shape != (length,):
        raise ValueError(
            f"The {name} needs {length} number{'s' * (length != 1)} ({phrase}); got {array.size}."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"The {name} must be finite numbers; got {array.tolist()}.")
    return tuple(float(value) for value in array)


def _interval(bounds, name: str) -> tuple[float, float]:
    low, high = _numbers(bounds, 2, name, phrase="its lower and upper end")
    if not low < high:
        raise ValueError(f"{name} must have its lower end below its upper end; got {bounds}.")
    return low, high


def _arguments(values) -> str:
    """2.0, 3.0: the arguments of a call, floats as their repr."""
    return ", ".join(repr(value) for value in values)


def _call(values) -> str:
    """(2.0, 3.0), or (2.0,) for one: a tuple of the values, as Python writes it."""
    return f"({_arguments(values)}{',' * (len(values) == 1)})"


def _list(values) -> str:
    return "[" + ", ".join(repr(float(value)) for value in values) + "]"
