"""The forward and reverse sweeps through a computational graph at a point x₀.

Forward mode, in evaluation order: vᵢ and v̇ᵢ = dvᵢ/dx by `jax.jvp` of node i's own
primitive at its arguments' values and tangents (v̇₀ = 1 for the input, 0 for a
constant). Reverse mode, from the output back: once every use of node i has sent its
share, v̄ᵢ = ∂f/∂vᵢ is complete, and `jax.vjp` of its primitive sends v̄ᵢ · ∂vᵢ/∂vⱼ to
each argument j (one contribution per use: v₁·v₁ sends two to v₁). Constants take no
adjoint, as JAX gives them none.

    >>> from core import parse_expression
    >>> from core.teaching.graph import computational_graph
    >>> sweeps = graph_sweeps(computational_graph(parse_expression("sin(x)*sin(x)")), 0.5)
    >>> [row.rule for row in sweeps.reverse]
    ['v̄₂ = 1 (the seed)', 'v̄₁ = v̄₂·v₁ + v̄₂·v₁ (from its 2 uses)', 'v̄₀ = v̄₁·cos(v₀)']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from core.engines.domain import mask_by_value
from core.language.expression import REFERENCE, build_function, parse_expression
from core.language.functions import FUNCTION_NAMES
from core.teaching import graph_rules
from core.teaching.graph import ComputationalGraph, argument_text, computational_graph

__all__ = ["Contribution", "ForwardRow", "GraphSweeps", "ReverseRow", "adjoints_after",
           "graph_sweeps", "step_nodes", "warm_up"]  # fmt: skip


class ForwardRow(NamedTuple):
    """One node of the forward sweep: its value, its tangent and the rule that made it."""

    node: int
    value: float
    tangent: float
    rule: str  # "v̇₁ = cos(v₀)·v̇₀"


class Contribution(NamedTuple):
    """What node `source` sends back to its argument `target` (at argument `position`)."""

    source: int
    target: int
    position: int
    rule: str  # "v̄₀ += v̄₁·cos(v₀)"
    amount: float


class ReverseRow(NamedTuple):
    """One node of the reverse sweep: its complete adjoint and what it sends back."""

    node: int
    adjoint: float
    rule: str  # how the adjoint was summed: "v̄₁ = v₁ + v₁ (from its 2 uses)"
    received: tuple[Contribution, ...]
    contributions: tuple[Contribution, ...]


class GraphSweeps(NamedTuple):
    """Both sweeps of a graph at x₀, and jax.grad's f′(x₀) to compare them with.

    Attributes:
        forward: one row per node, in evaluation order.
        reverse: one row per node that depends on x, from the output back to x.
        value: f(x₀), by the whole f in JAX.
        derivative: jax.grad(f)(x₀).
        message: why a value or derivative is undefined, or "".
    """

    graph: ComputationalGraph
    x0: float
    forward: tuple[ForwardRow, ...]
    reverse: tuple[ReverseRow, ...]
    value: float
    derivative: float
    message: str

    @property
    def forward_derivative(self) -> float:
        """The output's tangent: f′(x₀) by forward mode."""
        return self.forward[-1].tangent

    @property
    def reverse_derivative(self) -> float:
        """The input's adjoint: f′(x₀) by reverse mode."""
        return self.reverse[-1].adjoint


NO_DERIVATIVE = frozenset({"floor", "ceil", "sign"})  # JAX's derivative is a symbolic zero


def differentiable(graph: ComputationalGraph, index: int) -> list[int]:
    """The argument positions of node `index` that an adjoint flows back through: those
    that depend on x, except where's comparison and the arguments of floor, ceil and sign.

    JAX's derivatives of comparisons, floor, ceil and sign are symbolic zeros, which it
    never propagates: an argument reached only through them gets no adjoint at all, not
    0·(its local derivative), which is nan where that derivative is infinite (1/x at 0).
    """
    node = graph.nodes[index]
    if node.operation in NO_DERIVATIVE:
        return []
    skip = (0, 1) if node.operation == "where" else ()
    return [p for p, j in enumerate(node.inputs) if graph.depends_on_x(j) and p not in skip]


def _local(
    graph: ComputationalGraph, index: int, values: list, varying: list[int] | None = None
) -> tuple[Callable, list[int]]:
    """Node `index`'s primitive as a function of its arguments at `varying` (by default
    those that depend on x); the others are closed over, so JAX gives them no tangent."""
    node = graph.nodes[index]
    function = build_function(node.local, "jax")
    if varying is None:
        varying = [p for p, j in enumerate(node.inputs) if graph.depends_on_x(j)]
    fixed = {REFERENCE: values[0]}  # constants inside the primitive (x^0.5) take its shape
    fixed.update({f"_{p}": values[j] for p, j in enumerate(node.inputs) if p not in varying})

    def local(*arguments):
        return function({**fixed, **{f"_{p}": a for p, a in zip(varying, arguments, strict=True)}})

    return local, varying


def _texts(graph: ComputationalGraph, index: int, values: list[float]) -> tuple[str, ...]:
    node = graph.nodes[index]
    arguments = [argument_text(graph.nodes[j]) for j in node.inputs]
    return graph_rules.partials(
        node.operation, arguments, node.name, [values[j] for j in node.inputs], node.detail
    )


def graph_sweeps(graph: ComputationalGraph, x0: float) -> GraphSweeps:
    """Every node's value, tangent and adjoint at x0, each from JAX's rule for its primitive.

    Args:
        graph: from `computational_graph`.
        x0: the point, a finite number.

    Returns:
        The two sweeps; their last tangent and the input's adjoint equal jax.grad's
        f′(x₀) to rounding (nan where f′ is undefined, with `message` saying why).

    Raises:
        ValueError: for an x0 that is not a finite number.
    """
    x0 = float(x0)
    if not math.isfinite(x0):
        raise ValueError(f"x₀ must be a finite number, got {x0}.")
    arrays, tangents, values, rows = [], [], [], []
    for index, node in enumerate(graph.nodes):
        if node.kind != "operation":
            value = x0 if node.kind == "input" else node.constant
            arrays.append(jnp.full(1, value, dtype=jnp.float64))
            tangents.append(jnp.full(1, 1.0 if node.kind == "input" else 0.0))
            rule = (
                f"{graph_rules.tangent_of(node.name)} = 1 (the seed: dx/dx)"
                if node.kind == "input"
                else "0 (a constant)"
            )
        else:
            local, varying = _local(graph, index, arrays)
            argument = [arrays[node.inputs[p]] for p in varying]
            value, tangent = jax.jvp(local, tuple(argument),
                                     tuple(tangents[node.inputs[p]] for p in varying))  # fmt: skip
            arrays.append(value)
            tangents.append(tangent)
            texts = _texts(graph, index, values)
            shown = [graph.nodes[j].name if graph.depends_on_x(j) else None for j in node.inputs]
            rule = graph_rules.forward_rule(node.name, texts, shown)
        values.append(_float(arrays[-1]))
        tangent = float(mask_by_value(values[-1], _float(tangents[-1])))
        rows.append(ForwardRow(index, values[-1], tangent, rule))
    reverse = _reverse(graph, arrays, values)
    value, derivative = _whole(graph, x0)
    return GraphSweeps(graph, x0, tuple(rows), reverse, value, derivative, _message(graph, rows))


def _float(array) -> float:
    return float(np.asarray(array)[0])  # indexing a JAX array dispatches an operation


def _reverse(graph: ComputationalGraph, arrays: list, values: list[float]):
    received: dict[int, list[Contribution]] = {i: [] for i in range(len(graph.nodes))}
    order = [i for i in reversed(range(len(graph.nodes))) if graph.depends_on_x(i)]
    rows = []
    for index in order:
        node = graph.nodes[index]
        bar = graph_rules.adjoint_of(node.name)
        if index == graph.output:
            adjoint, rule = 1.0, f"{bar} = 1 (the seed)"
        else:
            adjoint = math.fsum(c.amount for c in received[index])
            rule = _sum_rule(bar, received[index])
        sent = []
        positions = differentiable(graph, index) if node.kind == "operation" else []
        if positions and (received[index] or index == graph.output):
            local, varying = _local(graph, index, arrays, positions)
            _, back = jax.vjp(local, *(arrays[node.inputs[p]] for p in varying))
            texts = _texts(graph, index, values)
            cotangents = back(jnp.full(1, adjoint, dtype=jnp.float64))
            for position, cotangent in zip(varying, cotangents, strict=True):
                target = node.inputs[position]
                text = graph_rules.reverse_rule(
                    node.name, texts[position], graph.nodes[target].name
                )
                sent.append(Contribution(index, target, position, text, _float(cotangent)))
                received[target].append(sent[-1])
        rows.append(ReverseRow(index, adjoint, rule, tuple(received[index]), tuple(sent)))
    return tuple(rows)


def _sum_rule(bar: str, received: list[Contribution]) -> str:
    if not received:
        return f"{bar} = 0 (no adjoint reaches it)"
    terms = [_sent(c) for c in received]
    body = " + ".join(terms).replace("+ −", "− ")
    uses = f" (from its {len(received)} uses)" if len(received) > 1 else ""
    return f"{bar} = {body}{uses}"


def _sent(contribution: Contribution) -> str:
    """The right side of a contribution's rule, with its sign: 'v̄₁·cos(v₀)', '−v̄₂'."""
    left, right = contribution.rule.split("= ", 1)
    return ("−" if left.endswith("−") else "") + right


MODES = ("forward", "reverse")


def step_nodes(sweeps: GraphSweeps, mode: str) -> tuple[int, ...]:
    """The node each step of a sweep works on, the nodes that depend on x: from the
    input to the output (forward), or from the output back to the input (reverse).
    Constants are no step: their tangent is 0 and they take no adjoint."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'forward' or 'reverse', got {mode!r}.")
    if mode == "reverse":
        return tuple(row.node for row in sweeps.reverse)
    return tuple(row.node for row in sweeps.forward if sweeps.graph.depends_on_x(row.node))


def adjoints_after(sweeps: GraphSweeps, steps: int) -> dict[int, float]:
    """The adjoints as they stand after the first `steps` reverse steps: complete for the
    nodes done, partial sums for the others (only the nodes that have received any)."""
    known: dict[int, float] = {}
    for row in sweeps.reverse[:steps]:
        known[row.node] = row.adjoint
        for contribution in row.contributions:
            known[contribution.target] = known.get(contribution.target, 0.0) + contribution.amount
    return known


def _whole(graph: ComputationalGraph, x0: float) -> tuple[float, float]:
    """f(x₀) and jax.grad(f)(x₀) of the whole expression (the page's oracle)."""
    function = build_function(graph.nodes[graph.output].tree, "jax")
    params = dict(graph.params)

    def f(x):
        env = {n: lax.full_like(x, v) for n, v in params.items()}
        env.update({REFERENCE: x, graph.variable: x})
        return lax.add(function(env), lax.full_like(x, 0.0))

    x = jnp.float64(x0)
    value = float(f(x))
    # Where f(x0) is not a real number neither is f'(x0), though log's local rule u'/u
    # still gives one (core.engines.domain: one rule for every engine).
    return value, float(mask_by_value(value, float(jax.grad(f)(x))))


def _message(graph: ComputationalGraph, rows: list[ForwardRow]) -> str:
    for row in rows:
        node = graph.nodes[row.node]
        if not all(math.isfinite(rows[j].value) for j in node.inputs):
            continue
        arguments = [(graph.nodes[j].name, rows[j].value) for j in node.inputs
                     if graph.depends_on_x(j)]  # fmt: skip
        if not math.isfinite(row.value):
            return graph_rules.undefined_message(
                node.name, node.formula, node.operation, arguments, row.value,
                output=rows[-1].value,
            )  # fmt: skip
        if not math.isfinite(row.tangent) and all(
            math.isfinite(rows[j].tangent) for j in node.inputs
        ):
            return graph_rules.undefined_message(
                node.name, node.formula, node.operation, arguments, row.value, row.tangent
            )
    if not graph.depends_on_x(graph.output):
        return f"f = {graph.text} does not depend on {graph.variable}: f′ is 0 everywhere."
    return ""


WARM_UP_EXPRESSIONS = (
    # Every function once, in two sums: one sum of them all is past the 60-node limit.
    *(
        " + ".join(f"{name}(x)" for name in half)
        for half in (FUNCTION_NAMES[:17], FUNCTION_NAMES[17:])
    ),
    "max(x, 0.5) - min(x, 0.5) + where(x < 0.5, x, 1)*x/(x^2 + x^0.5 + x^-2 + 2^x + x^x) - -x",
)


def warm_up() -> None:
    """Run every primitive's jvp and vjp once (eager JAX compiles each on first use:
    a few hundred ms for a new expression's worth), so a person's first graph does not."""
    for text in WARM_UP_EXPRESSIONS:
        graph_sweeps(computational_graph(parse_expression(text)), 0.7)
