"""The code behind the fixed-point section: z* = f(a, z*) by Anderson acceleration, and
dz*/da by the implicit function theorem as a `jax.custom_vjp` rule, against `jax.grad`
through K unrolled iterations and a central difference.

The map is printed from its validated tree, never from the typed text (as in
core.beyond_grad.code_typed). The snippet's solver is the page's Anderson acceleration
(memory 2) without its safeguards, then Newton's method on z − f(a, z) to polish; where the
page found z* it finds the same one from the same start.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.beyond_grad.code_view import HEADER, layout
from core.beyond_grad.fixed_point import fixed_point_problem
from core.beyond_grad.fixed_point_methods import (
    MAX_ANDERSON_ITERATIONS,
    MAX_NEWTON_ITERATIONS,
    MEMORY,
    TOLERANCE,
)
from core.beyond_grad.fixed_point_views import FD_STEP, _steps
from core.language.expression import ParsedExpression
from core.language.numeric_source import expression_source, helper_source, python_names

_NAMES = frozenset({
    "f", "jax", "jnp", "np", "solve", "fixed_point", "fixed_point_fwd", "fixed_point_bwd",
    "unrolled", "start", "K", "h", "z_star", "slope", "through_iterations", "central",
    "points", "residuals", "dz", "dg", "gamma", "step", "z_bar", "df_da", "df_dz", "df",
    "memory", "cot", "sec", "csc", "float", "abs", "max", "range", "print",
})  # fmt: skip


def fixed_point_code(
    equation: ParsedExpression,
    unknown: str,
    parameter: str,
    value: float,
    start: float,
    params: Mapping[str, float] | None = None,
    iterations: int = 40,
) -> str:
    """z* = f(a, z*) and dz*/da three ways, as a standalone snippet.

    Args:
        equation: f, the right-hand side of z = f(a, z), printed from its tree.
        unknown: the name solved for, z; parameter: the name a it depends on.
        value: the value of a.
        start: the first iterate z₀.
        params: values of f's other names; missing ones are 1.0.
        iterations: K, the plain iterations `jax.grad` differentiates through (1 to 500).

    Returns:
        The snippet; its last line prints z*, dz*/da by the theorem (`jax.grad` of the
        custom_vjp `fixed_point`), dz_K/da through K iterations and the central difference.

    Raises:
        ValueError: as `core.fixed_point`'s checks of its arguments (a name not in f, the
            same name twice, a number that is not finite), or a bad `iterations`.

    Example:
        >>> from core import parse_expression
        >>> f = parse_expression("a cos(z)", ("z", "a"))
        >>> "return a*jnp.cos(z)" in fixed_point_code(f, "z", "a", 1.0, 0.0)
        True
    """
    problem = fixed_point_problem(equation, unknown, parameter, value, start, params)
    iterations = _steps(iterations, "The number of iterations")
    names = python_names(equation, reserved=_NAMES)
    z, a = names[unknown], names[parameter]
    constants = "".join(f"{names[n]} = {v!r}\n" for n, v in problem.fixed.items())
    helpers = helper_source(equation, "jnp")
    definitions = [block.strip("\n") + "\n" for block in helpers.split("\n\n\n")] if helpers else []
    definitions += [
        f"def f({a}, {z}):\n    return {expression_source(equation, 'jnp', names)}\n",
        _solver(a, z),
        "@jax.custom_vjp\n"
        f"def fixed_point({a}):\n"
        f"    return jnp.asarray(solve({a}, start))  # runs in Python: call it outside jax.jit\n",
        f"def fixed_point_fwd({a}):\n    z_star = fixed_point({a})\n"
        f"    return z_star, ({a}, z_star)\n",
        f"def fixed_point_bwd(residuals, z_bar):\n"
        f"    {a}, z_star = residuals\n"
        f"    # differentiate z* = f({a}, z*) in {a}: d{z}*/d{a} = ∂f/∂{a} + ∂f/∂{z} · d{z}*/d{a}\n"
        f"    df_da, df_dz = jax.grad(f, argnums=(0, 1))({a}, z_star)\n"
        "    return (z_bar * df_da / (1.0 - df_dz),)  # the implicit function theorem\n",
        f"def unrolled({a}):\n"
        f'    """{z}_K after K plain iterations {z} ← f({a}, {z}) from the start."""\n'
        f"    {z} = jnp.asarray(start)\n    for _ in range(K):\n        {z} = f({a}, {z})\n"
        f"    return {z}\n",
    ]
    fd_step = FD_STEP * max(1.0, abs(problem.value))
    return layout(
        HEADER.format(more="import numpy as np\n"),
        constants,
        definitions,
        "fixed_point.defvjp(fixed_point_fwd, fixed_point_bwd)\n\n"
        f"{a}, start, K = {problem.value!r}, {problem.start!r}, {iterations}\n"
        f"z_star = fixed_point({a})\n"
        f"slope = jax.grad(fixed_point)({a})  # d{z}*/d{a} by the theorem, no iterations\n"
        f"through_iterations = jax.grad(unrolled)({a})  # differentiates all K iterations\n"
        f"h = {fd_step!r}  # ∛ε · max(1, |{a}|)\n"
        f"central = (solve({a} + h, z_star) - solve({a} - h, z_star)) / (2 * h)\n"
        "print(float(z_star), float(slope), float(through_iterations), central)\n",
    )


def _solver(a: str, z: str) -> str:
    return (
        f"def solve({a}, {z}, memory={MEMORY}):\n"
        f'    """z* = f({a}, z*) by Anderson acceleration from {z} (the page\'s, without its\n'
        f'    safeguards), then Newton\'s method on {z} − f({a}, {z}) to polish it."""\n'
        f"    {a}, {z} = float({a}), float({z})\n"
        f"    points, residuals = [{z}], [float(f({a}, {z})) - {z}]\n"
        f"    for _ in range({MAX_ANDERSON_ITERATIONS + 1}):\n"
        f"        if abs(residuals[-1]) <= {TOLERANCE!r} * max(1.0, abs(points[-1])):\n"
        "            break\n"
        "        # the last `memory` differences of iterates and residuals f(z) − z\n"
        "        dz = np.diff(points[-memory - 1 :])\n"
        "        dg = np.diff(residuals[-memory - 1 :])\n"
        "        gamma = dg * residuals[-1] / (dg @ dg) if dg @ dg > 0 else 0 * dg\n"
        "        points.append(points[-1] + residuals[-1] - float((dz + dg) @ gamma))\n"
        f"        residuals.append(float(f({a}, points[-1])) - points[-1])\n"
        "    else:\n"
        '        raise RuntimeError("Anderson acceleration did not converge")\n'
        f"    {z} = points[-1]\n"
        f"    df = jax.grad(f, argnums=1)\n"
        f"    for _ in range({MAX_NEWTON_ITERATIONS}):\n"
        f"        step = (float(f({a}, {z})) - {z}) / (1.0 - float(df({a}, {z})))\n"
        f"        {z} += step\n"
        f"        if abs(step) <= {TOLERANCE!r} * max(1.0, abs({z})):\n"
        "            break\n"
        f"    return {z}\n"
    )
