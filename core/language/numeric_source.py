"""Python source of a validated tree for NumPy, JAX or PyTorch: what the code views print.

The tree is printed by `core.language.printer.to_text` with the library's names put in
(sin -> jnp.sin, asin -> jnp.arcsin, pi -> jnp.pi), the functions a library lacks (cot,
sec, csc) are defined as small helpers, and parameters become numbered constants at the
top. Nothing here reads typed text: every snippet is rebuilt from the tree, so it shows
the canonical form (2*x**2 for a typed 2x²) and is valid Python by construction.
"""

from __future__ import annotations

import keyword
from collections.abc import Collection, Iterable, Mapping

from core.language.expression import ParsedExpression
from core.language.printer import to_text
from core.language.tree import (
    Binary,
    Call,
    Compare,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
    names_in,
)
from core.language.vector import ParsedVector

NAMESPACES = ("np", "jnp", "torch")  # how each snippet imports its library
_NUMERIC = {  # canonical name -> NumPy/JAX/PyTorch name, where they differ from the canonical one
    "asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
    "acosh": "arccosh", "atanh": "arctanh", "max": "maximum", "min": "minimum",
}  # fmt: skip
_SAME_NAME = ("sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "log10", "log2",
              "sqrt", "abs", "floor", "ceil", "sign", "where")  # fmt: skip
# NumPy, JAX and PyTorch have none of these: each becomes a helper of its own name
RECIPROCAL = {"cot": "tan", "sec": "cos", "csc": "sin", "sech": "cosh", "csch": "sinh",
              "coth": "tanh"}  # fmt: skip
# f(1/x) for each of these
OF_RECIPROCAL = {"asech": "arccosh", "acsch": "arcsinh", "acoth": "arctanh",
                 "asec": "arccos", "acsc": "arcsin", "acot": "arctan"}  # fmt: skip
# Taylor mode (jet) has no rule for tan, arcsin, arccos or arctan: the Explorer's JAX
# snippet writes them with sin, cos and arctan2, which it has, so it runs in a plain notebook.
_JAX_HELPERS = {
    "tan": "jnp.sin(x) / jnp.cos(x)",
    "cot": "jnp.cos(x) / jnp.sin(x)",
    "sec": "1 / jnp.cos(x)",
    "csc": "1 / jnp.sin(x)",
    "asin": "jnp.arctan2(x, jnp.sqrt(1 - x * x))",
    "acos": "jnp.arctan2(jnp.sqrt(1 - x * x), x)",
    "atan": "jnp.arctan2(x, jnp.ones_like(x))",
    **{name: f"1 / jnp.{base}(x)" for name, base in RECIPROCAL.items() if name.endswith("h")},
    **{name: f"jnp.{base}(1 / x)" for name, base in OF_RECIPROCAL.items()},
}
# ... and the same for asec, acsc, acot = acos, asin, atan of 1/x (atan2(1/x, 1), not
# atan2(1, x): acot's values are in (-pi/2, pi/2], core.language.functions.DOMAINS).
_JAX_TAYLOR_HELPERS = {
    "asec": "jnp.arctan2(jnp.sqrt(1 - 1 / (x * x)), 1 / x)",
    "acsc": "jnp.arctan2(1 / x, jnp.sqrt(1 - 1 / (x * x)))",
    "acot": "jnp.arctan2(1 / x, jnp.ones_like(x))",
}
_TENSOR = "torch.tensor"  # PyTorch's functions take tensors, never plain Python numbers

Source = ParsedExpression | ParsedVector | Node


def functions_used(node: Node) -> set[str]:
    """The canonical names of the functions a tree calls (max, min, where included).

    Example:
        >>> from core.language.expression import parse_expression
        >>> sorted(functions_used(parse_expression("sin(x) + max(x, log(x))").tree))
        ['log', 'max', 'sin']
    """
    if isinstance(node, Call):
        return {node.function} | functions_used(node.argument)
    if isinstance(node, MultiCall):
        return {node.function}.union(*(functions_used(a) for a in node.arguments))
    children = [getattr(node, name) for name in ("operand", "left", "right") if hasattr(node, name)]
    return set().union(*(functions_used(child) for child in children))


def numeric_names(namespace: str, taylor_mode: bool = False) -> dict[str, str]:
    """Canonical function and constant names -> their names in a snippet using `namespace`.

    Args:
        namespace: "np" (NumPy), "jnp" (jax.numpy) or "torch" (PyTorch; pi and e are
            `math.pi` and `math.e` there).
        taylor_mode: for JAX's `jet`: tan, asin, acos and atan become helpers too.

    Returns:
        A `names` mapping for `to_text`; cot, sec and csc map to helpers of the same name.

    Example:
        >>> names = numeric_names("jnp")
        >>> names["asin"], names["pi"], names["cot"]
        ('jnp.arcsin', 'jnp.pi', 'cot')
    """
    if namespace not in NAMESPACES:
        raise ValueError(f"namespace must be one of {', '.join(NAMESPACES)}, got {namespace!r}.")
    constants = "math" if namespace == "torch" else namespace
    names = {"pi": f"{constants}.pi", "e": f"{constants}.e"}
    for canonical in (*_NUMERIC, *_SAME_NAME):
        names[canonical] = f"{namespace}.{_NUMERIC.get(canonical, canonical)}"
    names.update({name: name for name in helper_definitions(namespace, taylor_mode)})
    return names


def helper_definitions(namespace: str, taylor_mode: bool = False) -> dict[str, str]:
    """Helper name -> its body in `x`, for the functions `namespace` lacks (see numeric_names)."""
    if namespace == "jnp":
        if taylor_mode:
            return {**_JAX_HELPERS, **_JAX_TAYLOR_HELPERS}
        return {name: _JAX_HELPERS[name] for name in (*RECIPROCAL, *OF_RECIPROCAL)}
    return {
        **{name: f"1 / {namespace}.{base}(x)" for name, base in RECIPROCAL.items()},
        **{name: f"{namespace}.{base}(1 / x)" for name, base in OF_RECIPROCAL.items()},
    }


def helper_source(functions: Source | Iterable[Source], namespace: str, taylor_mode=False) -> str:
    """The `def` of every helper the functions need, or "" when they need none.

    Args:
        functions: a parsed expression, a parsed vector function, a tree, or several.
        namespace: "np", "jnp" or "torch", as in `numeric_names`.
        taylor_mode: as in `numeric_names`.

    Returns:
        A newline, then the definitions separated by two blank lines (or "").
    """
    used = set().union(*(functions_used(tree) for tree in trees_of(functions)))
    lines = [
        f"def {name}(x):\n    return {body}\n"
        for name, body in helper_definitions(namespace, taylor_mode).items()
        if name in used
    ]
    return "\n" + "\n\n".join(lines) if lines else ""


def trees_of(functions: Source | Iterable[Source]) -> list[Node]:
    """The trees of a parsed expression, of each component of a vector function, or of several."""
    if isinstance(functions, ParsedExpression):
        return [functions.tree]
    if isinstance(functions, ParsedVector):
        return [component.tree for component in functions.components]
    if isinstance(functions, Node):
        return [functions]
    return [tree for item in functions for tree in trees_of(item)]


def python_names(functions: Source | Iterable[Source], reserved: Collection[str]) -> dict[str, str]:
    """Each variable and parameter -> the Python name a snippet gives it.

    A name stays as it is unless the snippet already uses it for something else (a
    parameter `f` beside `def f(x)`, `h` beside the step `h = ...`): then it gets
    trailing underscores until it is free.

    Raises:
        ValueError: for a name that cannot be a Python name.

    Example:
        >>> from core.language.expression import parse_expression
        >>> python_names(parse_expression("f*x + h"), reserved={"f", "h"})
        {'f': 'f_', 'h': 'h_', 'x': 'x'}
    """
    symbols = sorted(set().union(*(names_in(tree) for tree in trees_of(functions))))
    if isinstance(functions, ParsedExpression | ParsedVector):
        symbols = sorted({*symbols, *functions.variables})
    taken = set(reserved) | set(symbols)
    names = {}
    for name in symbols:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"{name!r} cannot be a name in Python code: rename the variable.")
        new = name
        if name in reserved:
            new = name + "_"
            while new in taken:
                new += "_"
            taken.add(new)
        names[name] = new
    return names


def parameter_lines(
    parsed: ParsedExpression | ParsedVector,
    params: Mapping[str, float] | None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One `name = value` line per parameter (missing ones are 1.0), values as float reprs.

    Example:
        >>> from core.language.expression import parse_expression
        >>> parameter_lines(parse_expression("a*x + b"), {"a": 2})
        'a = 2.0\\nb = 1.0\\n'
    """
    params, names = params or {}, names or {}
    return "".join(
        f"{names.get(name, name)} = {float(params.get(name, 1.0))!r}\n"
        for name in parsed.parameters
    )


def expression_source(
    parsed: ParsedExpression | Node,
    namespace: str,
    names_of_variables: Mapping[str, str] | None = None,
    taylor_mode: bool = False,
) -> str:
    """The expression as Python code for NumPy, JAX or PyTorch, from its tree.

    Args:
        parsed: a parsed expression or its tree.
        namespace: "np", "jnp" or "torch", as in `numeric_names`.
        names_of_variables: variable or parameter -> the text to print for it (from
            `python_names`, or e.g. ``{"x": "p[0]"}``); others print as they are.
        taylor_mode: as in `numeric_names`.

    Returns:
        One line of Python. For "torch", every argument of a function that holds no
        variable or parameter is wrapped in `torch.tensor(...)`.

    Example:
        >>> from core.language.expression import parse_expression
        >>> expression_source(parse_expression("2x^2 + asin(x)"), "jnp", {"x": "p[0]"})
        '2*p[0]**2 + jnp.arcsin(p[0])'
    """
    tree = parsed.tree if isinstance(parsed, ParsedExpression) else parsed
    if names_of_variables:
        tree = renamed(tree, names_of_variables)
    if namespace == "torch":
        tree = _tensor_arguments(tree)
    return to_text(tree, numeric_names(namespace, taylor_mode))


def renamed(node: Node, names: Mapping[str, str]) -> Node:
    """The tree with its symbols renamed by `names` (others kept)."""
    if isinstance(node, Symbol):
        return Symbol(names.get(node.name, node.name))
    return map_children(node, lambda child: renamed(child, names))


def _tensor_arguments(node: Node) -> Node:
    """Wrap the constant arguments of calls in torch.tensor: torch.sin(2.0) is a TypeError."""
    if isinstance(node, Call | MultiCall):
        wrap = node.function != _TENSOR

        def argument(child: Node) -> Node:
            if wrap and not names_in(child) and not isinstance(child, Compare):
                # A float, so that the tensor is float64 under torch's default dtype.
                child = Number(float(child.value)) if isinstance(child, Number) else child
                return Call(_TENSOR, child)
            return _tensor_arguments(child)

        if isinstance(node, Call):
            return Call(node.function, argument(node.argument))
        return MultiCall(node.function, tuple(argument(a) for a in node.arguments))
    return map_children(node, _tensor_arguments)


def map_children(node: Node, change) -> Node:
    """The node rebuilt with `change` applied to each child (a leaf as it is)."""
    if isinstance(node, Call):
        return Call(node.function, change(node.argument))
    if isinstance(node, MultiCall):
        return MultiCall(node.function, tuple(change(a) for a in node.arguments))
    if isinstance(node, Negate):
        return Negate(change(node.operand))
    if isinstance(node, Binary | Compare):
        return type(node)(node.operator, change(node.left), change(node.right))
    return node  # Number, Constant


_SYMPY = {"abs": "Abs", "ceil": "ceiling", "max": "Max", "min": "Min"}


def sympy_source(tree: Node, names: Mapping[str, str]) -> str:
    """The tree as SymPy code: sp.sin, sp.Abs, sp.Piecewise; exact integer quotients."""
    spelled = {f: f"sp.{_SYMPY.get(f, f)}" for f in functions_used(tree) - {"log10", "log2"}}
    spelled.update({"pi": "sp.pi", "e": "sp.E", "where": "sp.Piecewise"})
    return to_text(_exact_integers(renamed(tree, names)), spelled)


def _exact_integers(node: Node) -> Node:
    """Integer quotients and powers for SymPy to evaluate: 1/3 as sp.Integer(1)/3."""
    if isinstance(node, Binary):
        left, right = _exact_integers(node.left), _exact_integers(node.right)
        if node.operator in "/^" and _integers_only(node.left) and _integers_only(node.right):
            left = Call("sp.Integer", left)
        return Binary(node.operator, left, right)
    return map_children(node, _exact_integers)


def _integers_only(node: Node) -> bool:
    """Whether Python evaluates the subtree itself: integers, + - * / ^ and negation."""
    if isinstance(node, Number):
        return isinstance(node.value, int)
    if isinstance(node, Negate):
        return _integers_only(node.operand)
    return isinstance(node, Binary) and _integers_only(node.left) and _integers_only(node.right)
