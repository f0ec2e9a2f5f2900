"""The computational graph of a typed f(x) and its two sweeps, node by node.

Automatic differentiation never writes a formula for f′: it evaluates f as a sequence
of primitives (the evaluation trace of Griewank & Walther, and of Baydin et al.'s survey,
"Automatic differentiation in machine learning", 2018, tables 2 and 3) and applies
each primitive's local rule.

- Forward mode carries a tangent v̇ᵢ = dvᵢ/dx beside every value, from the input
  (v̇₀ = 1) to the output: v̇ᵢ = Σⱼ ∂vᵢ/∂vⱼ · v̇ⱼ over the node's arguments vⱼ.
- Reverse mode first evaluates every value, then carries an adjoint v̄ᵢ = ∂f/∂vᵢ back
  from the output (v̄ = 1) to the input: each node, once its adjoint is complete, adds
  v̄ᵢ · ∂vᵢ/∂vⱼ to the adjoint of each argument, so a node used twice collects the
  sum of both contributions.

The graph is a DAG: identical sub-expressions are one node (sin(x)·sin(x) computes
sin(x) once), and every part that does not depend on x (numbers, π, parameters, 2·a)
is one constant node. Each node's value and tangent come from `jax.jvp` of its own
primitive, and each contribution from `jax.vjp`, with the primitives JAX uses for the
whole f (core.language.numeric), so the last tangent and the input's adjoint are
jax.grad's f′(x₀) to rounding.

    >>> from core import parse_expression
    >>> graph = computational_graph(parse_expression("sin(x)*sin(x) + x^2"))
    >>> [f"{node.name} = {node.formula}" for node in graph.nodes]
    ['v₀ = x', 'v₁ = sin(v₀)', 'v₂ = v₁·v₁', 'v₃ = v₀²', 'v₄ = v₂ + v₃']
    >>> from core.teaching.graph_sweeps import graph_sweeps
    >>> sweeps = graph_sweeps(graph, 1.5)
    >>> sweeps.forward[2].rule, sweeps.reverse[2].contributions[0].rule
    ('v̇₂ = v₁·v̇₁ + v₁·v̇₁', 'v̄₁ += v̄₂·v₁')
    >>> abs(sweeps.forward[-1].tangent - sweeps.derivative) < 1e-12
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from core.engines.autodiff import resolve_parameters  # sets float64 for JAX
from core.language.expression import REFERENCE, ParsedExpression, build_function
from core.language.numeric_source import renamed
from core.language.printer import to_text
from core.language.tree import Binary, Call, Compare, MultiCall, Negate, Node, Number, Symbol
from core.teaching.graph_rules import power_text, subscript

__all__ = ["MAX_NODES", "ComputationalGraph", "GraphNode", "computational_graph"]

MAX_NODES = 60  # a graph a person can follow on a screen
PI = {"pi": "π"}
_BINARY = {"+": "+", "-": "−", "*": "×", "/": "/", "^": "^"}


class GraphNode(NamedTuple):
    """One node of the computational graph.

    Attributes:
        name: "v₀" for the input x, then "v₁", "v₂", … for the operations in evaluation
            order; a constant is named by its own text ("2", "π", "a", "2·a").
        kind: "input", "constant" or "operation".
        operation: "x", "const", a function's name ("sin"), "+", "−", "×", "/", "neg",
            "^2" (a power with a constant exponent), "^", "max", "min" or "where".
        inputs: the indices of the argument nodes, one per argument (twice for v₁·v₁).
        formula: the node's value in terms of its arguments: "sin(v₀)", "v₁·v₁".
        label: the sub-expression of f it computes, as text: "sin(x)".
        tree: that sub-expression.
        local: the primitive on its arguments named "_0", "_1", … (None for an input or
            a constant).
        constant: a constant's value (parameters at their values); None otherwise.
        detail: a constant exponent ("2" for "^2"), where's comparison ("<"), or "".
    """

    name: str
    kind: str
    operation: str
    inputs: tuple[int, ...]
    formula: str
    label: str
    tree: Node
    local: Node | None
    constant: float | None
    detail: str = ""


class ComputationalGraph(NamedTuple):
    """f as a DAG of primitives, in evaluation order: x, the constants, the operations.

    The output, f itself, is the last node.
    """

    nodes: tuple[GraphNode, ...]
    text: str
    variable: str
    params: tuple[tuple[str, float], ...]

    @property
    def output(self) -> int:
        return len(self.nodes) - 1

    def depends_on_x(self, index: int) -> bool:
        return self.nodes[index].kind != "constant"


def pretty(text: str) -> str:
    """Canonical text as a table shows it: x**2 -> x^2, 2*x -> 2·x, typographic minus."""
    return text.replace("**", "^").replace("*", "·").replace("-", "−")


def _placeholder(position: int) -> Symbol:
    return Symbol(f"_{position}")  # the parser never makes a name starting with "_"


def _constant_exponent(node: Node) -> bool:
    return isinstance(node, Number) or (
        isinstance(node, Negate) and isinstance(node.operand, Number)
    )


def _split(node: Node) -> tuple[str, list[Node], Node, str]:
    """(operation, argument sub-trees, the primitive on placeholders, detail) of a node."""
    if isinstance(node, Call):
        return node.function, [node.argument], Call(node.function, _placeholder(0)), ""
    if isinstance(node, Negate):
        return "neg", [node.operand], Negate(_placeholder(0)), ""
    if isinstance(node, MultiCall) and node.function == "where":
        condition, if_true, if_false = node.arguments
        local = MultiCall(
            "where",
            (Compare(condition.operator, _placeholder(0), _placeholder(1)),
             _placeholder(2), _placeholder(3)),
        )  # fmt: skip
        arguments = [condition.left, condition.right, if_true, if_false]
        return "where", arguments, local, condition.operator
    if isinstance(node, MultiCall):
        local = MultiCall(node.function, (_placeholder(0), _placeholder(1)))
        return node.function, list(node.arguments), local, ""
    if not isinstance(node, Binary):
        raise ValueError(f"The graph has no node for {type(node).__name__}.")
    if node.operator == "^" and _constant_exponent(node.right):
        exponent = to_text(node.right)
        local = Binary("^", _placeholder(0), node.right)
        return f"^{pretty(exponent)}", [node.left], local, exponent
    local = Binary(node.operator, _placeholder(0), _placeholder(1))
    return _BINARY[node.operator], [node.left, node.right], local, ""


def _depends(node: Node, variable: str, memo: dict) -> bool:
    if node not in memo:
        if isinstance(node, Symbol):
            memo[node] = node.name == variable
        else:
            children = [getattr(node, a) for a in ("argument", "operand", "left", "right")
                        if hasattr(node, a)] + list(getattr(node, "arguments", ()))  # fmt: skip
            memo[node] = any(_depends(child, variable, memo) for child in children)
    return memo[node]


class _Builder:
    def __init__(self, variable: str):
        self.variable = variable
        self.found: dict[Node, int] = {}  # sub-tree -> its node (one node per distinct tree)
        self.raw: list[tuple] = []  # (kind, tree, operation, argument trees, local, detail)
        self.depends: dict[Node, bool] = {}

    def visit(self, node: Node) -> None:
        if node in self.found:
            return
        if not _depends(node, self.variable, self.depends):
            entry = ("constant", node, "const", [], None, "")
        elif isinstance(node, Symbol):
            entry = ("input", node, "x", [], None, "")
        else:
            operation, arguments, local, detail = _split(node)
            for argument in arguments:
                self.visit(argument)
            entry = ("operation", node, operation, arguments, local, detail)
        self.found[node] = len(self.raw)
        self.raw.append(entry)
        if len(self.raw) > MAX_NODES:
            raise ValueError(
                f"This expression's computational graph has more than {MAX_NODES} nodes "
                f"(counting repeated parts once); the page follows at most {MAX_NODES}. "
                "Type a shorter expression."
            )


def computational_graph(
    parsed: ParsedExpression, params: Mapping[str, float] | None = None
) -> ComputationalGraph:
    """The DAG of primitives that evaluates `parsed`, repeated sub-expressions shared.

    Args:
        parsed: f, an expression of one variable.
        params: values of its parameters (constant nodes); missing ones are 1.0.

    Returns:
        The graph: the input first, then the constants, then the operations in an
        evaluation (topological) order; the output last.

    Raises:
        ValueError: for an expression of several variables, an unknown parameter, or a
            graph of more than MAX_NODES nodes.
    """
    if not isinstance(parsed, ParsedExpression):
        raise TypeError(f"computational_graph needs a parsed expression, got {type(parsed)}.")
    if len(parsed.variables) != 1:
        raise ValueError("The computational graph here is of a function of one variable.")
    values = resolve_parameters(parsed, params)
    variable = parsed.variables[0]
    builder = _Builder(variable)
    builder.visit(Symbol(variable))
    builder.visit(parsed.tree)
    kinds = ("input", "constant", "operation")
    order = sorted(range(len(builder.raw)), key=lambda i: kinds.index(builder.raw[i][0]))
    if order[-1] != builder.found[parsed.tree]:  # f is a constant: it goes last
        order.remove(builder.found[parsed.tree])
        order.append(builder.found[parsed.tree])
    new_index = {old: new for new, old in enumerate(order)}
    nodes: list[GraphNode] = []
    computed = 0  # the input and the operations are v₀, v₁, …
    for old in order:
        kind, tree, operation, arguments, local, detail = builder.raw[old]
        inputs = tuple(new_index[builder.found[argument]] for argument in arguments)
        if kind == "constant":
            name = pretty(to_text(tree, PI))
        else:
            name, computed = f"v{subscript(computed)}", computed + 1
        formula = _formula(kind, local, inputs, nodes, tree, variable)
        constant = _constant_value(tree, values) if kind == "constant" else None
        nodes.append(
            GraphNode(name, kind, operation, inputs, formula, pretty(to_text(tree, PI)), tree,
                      local, constant, detail)
        )  # fmt: skip
    return ComputationalGraph(tuple(nodes), parsed.text, variable, tuple(sorted(values.items())))


def _formula(kind, local, inputs, nodes, tree, variable) -> str:
    if kind == "input":
        return variable
    if kind == "constant":
        return pretty(to_text(tree, PI))
    shown = {f"_{p}": argument_text(nodes[j]) for p, j in enumerate(inputs)}
    if isinstance(local, Binary) and local.operator == "^" and _constant_exponent(local.right):
        return power_text(shown["_0"], float(to_text(local.right)))
    return pretty(to_text(renamed(local, shown)))


def argument_text(node: GraphNode) -> str:
    """How a node is written as an argument: its name, or a constant's text (in
    parentheses when it is not a single number or name)."""
    if node.kind != "constant" or node.name.replace(".", "").isalnum() or node.name == "π":
        return node.name
    return f"({node.name})"


def _constant_value(tree: Node, params: Mapping[str, float]) -> float:
    """The value of a sub-expression without x, by the same JAX form as the whole f."""
    env = {REFERENCE: jnp.zeros(1), **{n: jnp.full(1, v) for n, v in params.items()}}
    return float(np.asarray(build_function(tree, "jax")(env))[0])
