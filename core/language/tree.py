"""The expression tree: the node types every typed expression becomes, and nothing else.

The parser (`core.language.syntax`) builds these; the SymPy, NumPy and JAX forms, the
printer and every rule engine walk them. Frozen dataclasses: a tree is a value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Number:
    value: int | float


@dataclass(frozen=True)
class Symbol:
    name: str


@dataclass(frozen=True)
class Constant:
    name: str  # "pi" or "e"


@dataclass(frozen=True)
class Call:
    function: str  # canonical name
    argument: Node


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: str  # one of + - * / ^
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    operator: str  # one of < <= > >= == !=
    left: Node
    right: Node


@dataclass(frozen=True)
class MultiCall:
    """max(a, b), min(a, b) or where(condition, a, b)."""

    function: str
    arguments: tuple[Node, ...]


Node = Number | Symbol | Constant | Call | Negate | Binary | Compare | MultiCall
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
MULTI_ARGUMENT = {"max": 2, "min": 2, "where": 3}


def names_in(node: Node) -> set[str]:
    """The symbols (variables and parameters) a tree mentions."""
    if isinstance(node, Symbol):
        return {node.name}
    if isinstance(node, Call):
        return names_in(node.argument)
    if isinstance(node, Negate):
        return names_in(node.operand)
    if isinstance(node, Binary | Compare):
        return names_in(node.left) | names_in(node.right)
    if isinstance(node, MultiCall):
        return set().union(*(names_in(argument) for argument in node.arguments))
    return set()


def depth(node: Node) -> int:
    """The tree's height (a leaf is 1), found without recursion: a chain typed as
    x·x·…·x is as deep as it is long, deeper than recursive walkers may go."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, Call):
            stack.append((current.argument, level + 1))
        elif isinstance(current, Negate):
            stack.append((current.operand, level + 1))
        elif isinstance(current, Binary | Compare):
            stack += [(current.left, level + 1), (current.right, level + 1)]
        elif isinstance(current, MultiCall):
            stack += [(argument, level + 1) for argument in current.arguments]
    return deepest
