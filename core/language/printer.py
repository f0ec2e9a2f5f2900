"""Canonical text of a tree: what `ParsedExpression.text` shows and the code views print.

Explicit `*`, `**` for powers and the fewest parentheses that keep the tree: parsing
the text again gives the same tree (tests/language checks it, limits included).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.language.tree import (
    Binary,
    Call,
    Compare,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
)

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}
_NEGATE, _ATOM = 3, 5


def precedence(node: Node) -> int:
    """How tightly a node binds: sums 1, products 2, negation 3, powers 4, atoms 5."""
    if isinstance(node, Binary):
        return _PRECEDENCE[node.operator]
    if isinstance(node, Negate):
        return _NEGATE
    return _ATOM


def to_text(node: Node, names: Mapping[str, str] | None = None) -> str:
    """Canonical text of a tree: explicit `*`, `**` for powers, minimal parentheses.

    `parse(to_text(tree))` gives back the same tree. With `names`, functions and
    constants are renamed (e.g. sin -> jnp.sin, pi -> jnp.pi), which turns the text
    into Python code for a library; `names["where"] == "sp.Piecewise"` writes SymPy's
    Piecewise((a, condition), (b, True)) form.
    """
    names = names or {}
    if isinstance(node, Number):
        return repr(node.value)
    if isinstance(node, Symbol):
        return node.name
    if isinstance(node, Constant):
        return names.get(node.name, node.name)
    if isinstance(node, Call):
        return f"{names.get(node.function, node.function)}({to_text(node.argument, names)})"
    if isinstance(node, MultiCall):
        arguments = [to_text(a, names) for a in node.arguments]
        if node.function == "where" and names.get("where") == "sp.Piecewise":
            return f"sp.Piecewise(({arguments[1]}, {arguments[0]}), ({arguments[2]}, True))"
        return f"{names.get(node.function, node.function)}({', '.join(arguments)})"
    if isinstance(node, Compare):
        return f"{to_text(node.left, names)} {node.operator} {to_text(node.right, names)}"
    if isinstance(node, Negate):
        return "-" + _wrap(node.operand, precedence(node.operand) < 4, names)
    op = node.operator
    level = _PRECEDENCE[op]
    if op == "^":
        left = _wrap(node.left, precedence(node.left) < _ATOM, names)
        right = _wrap(node.right, precedence(node.right) < _NEGATE, names)
        return f"{left}**{right}"
    left = _wrap(node.left, precedence(node.left) < level, names)
    right_level = precedence(node.right)
    right = _wrap(node.right, right_level <= level or isinstance(node.right, Negate), names)
    joiner = f" {op} " if level == 1 else op
    return f"{left}{joiner}{right}"


def _wrap(node: Node, parenthesise: bool, names: Mapping[str, str]) -> str:
    text = to_text(node, names)
    return f"({text})" if parenthesise else text
