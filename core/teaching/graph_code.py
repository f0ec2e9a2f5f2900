"""The code behind the computational graph: both sweeps as standalone JAX, node by node.

Each node becomes one line of Python printed from the validated tree (never from the
typed text): its primitive on the nodes it takes, constants written in place. Forward
mode pushes each node's tangent through `jax.jvp` of its primitive; reverse mode pulls
the adjoints back through `jax.vjp`, from the output to x; `jax.grad` and `jax.make_jaxpr`
of the whole f are printed beside them.
"""

from __future__ import annotations

import math

from core.language.numeric_source import (
    expression_source,
    helper_source,
    map_children,
    python_names,
)
from core.language.tree import Node, Symbol
from core.teaching.graph import ComputationalGraph

__all__ = ["graph_code"]

HEADER = (
    "import jax\nimport jax.numpy as jnp\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n'
)
_RESERVED = frozenset({"f", "x0", "jax", "jnp", "bar", "pullback", "name", "share", "cot",
                       "sec", "csc"})  # fmt: skip


def _filled(local: Node, arguments: dict[str, Node]) -> Node:
    """The primitive with its placeholders _0, _1, … replaced by the argument trees."""
    if isinstance(local, Symbol):
        return arguments.get(local.name, local)
    return map_children(local, lambda child: _filled(child, arguments))


def graph_code(graph: ComputationalGraph, x0: float) -> str:
    """Standalone JAX that reproduces the page's tables for `graph` at `x0`.

    Args:
        graph: from `computational_graph`.
        x0: the point, a finite number.

    Returns:
        The snippet; after it runs, `v0, v1, …` hold the values, `dv0, dv1, …` the
        tangents and `bar["v1"]` the adjoints.

    Raises:
        ValueError: for an x0 that is not a finite number.

    Example:
        >>> from core import parse_expression
        >>> from core.teaching.graph import computational_graph
        >>> code = graph_code(computational_graph(parse_expression("sin(x)*sin(x)")), 0.5)
        >>> "v1, dv1 = jax.jvp(lambda v0: jnp.sin(v0), (v0,), (dv0,))" in code
        True
    """
    x0 = float(x0)
    if not math.isfinite(x0):
        raise ValueError(f"x₀ must be a finite number, got {x0}.")
    tree = graph.nodes[graph.output].tree
    names = python_names(tree, reserved=_RESERVED)
    x = names.get(graph.variable, graph.variable)
    node_names: dict[int, str] = {}
    for index, node in enumerate(graph.nodes):
        if node.kind != "constant":
            node_names[index] = f"v{len(node_names)}"
    params = "".join(f"{names.get(n, n)} = {v!r}\n" for n, v in graph.params)
    body = expression_source(tree, "jnp", names)
    if not graph.depends_on_x(graph.output):
        body += f" + 0.0 * {x}  # a constant: f′ = 0"
    helpers = helper_source(tree, "jnp")
    definitions = [block.strip("\n") + "\n" for block in helpers.split("\n\n\n") if block.strip()]
    definitions.append(f"def f({x}):\n    return {body}\n")
    lines = [
        HEADER + "\n" + (f"{params}\n\n" if params else ""),
        "\n\n".join(definitions),
        f"\n\nx0 = {x0!r}\n\n",
        "# Forward mode: each node's value and tangent, one primitive at a time (jax.jvp)\n",
        "v0, dv0 = jnp.float64(x0), jnp.float64(1.0)  # the seed: dx/dx = 1\n",
    ]
    pulls = []
    for index, node in enumerate(graph.nodes):
        if node.kind != "operation":
            continue
        arguments = {
            f"_{p}": Symbol(node_names[j]) if j in node_names else graph.nodes[j].tree
            for p, j in enumerate(node.inputs)
        }
        taken = list(dict.fromkeys(node_names[j] for j in node.inputs if j in node_names))
        code = expression_source(_filled(node.local, arguments), "jnp", names)
        lambda_ = f"lambda {', '.join(taken)}: {code}"
        name = node_names[index]
        tuple_of = "({},)".format if len(taken) == 1 else "({})".format
        lines.append(
            f"{name}, d{name} = jax.jvp({lambda_}, {tuple_of(', '.join(taken))}, "
            f"{tuple_of(', '.join('d' + t for t in taken))})\n"
        )
        twice = [t for t in taken if sum(node_names.get(j) == t for j in node.inputs) > 1]
        note = f"  # {', '.join(twice)} used twice: its share is the sum" if twice else ""
        pulls.append(
            f"_, pullback = jax.vjp({lambda_}, {', '.join(taken)})\n"
            f"for name, share in zip({taken!r}, pullback(bar[{name!r}])):{note}\n"
            "    bar[name] += share\n"
        )
    output = node_names.get(graph.output)
    last = f"v{len(node_names) - 1}"
    lines.append(
        f'print("f′(x0) by forward mode:", d{last}, "  jax.jvp of f:", '
        f"jax.jvp(f, (jnp.float64(x0),), (jnp.float64(1.0),))[1])\n\n"
        if output
        else 'print("f does not depend on x: f′(x0) = 0; jax.grad:", jax.grad(f)(x0))\n\n'
    )
    lines.append(
        "# Reverse mode: every adjoint from the output back to x (jax.vjp of each primitive)\n"
        f"bar = {{name: jnp.float64(0.0) for name in {list(node_names.values())!r}}}\n"
    )
    if output:
        lines.append(f"bar[{output!r}] = jnp.float64(1.0)  # the seed: df/df = 1\n")
    lines.extend(reversed(pulls))
    lines.append(
        'print("f′(x0) by reverse mode:", bar["v0"], "  jax.grad of f:", '
        "jax.grad(f)(jnp.float64(x0)))\n\n"
        "# JAX's own graph of f: one equation per primitive (its jaxpr)\n"
        "print(jax.make_jaxpr(f)(jnp.float64(x0)))\n"
    )
    return "".join(lines)
