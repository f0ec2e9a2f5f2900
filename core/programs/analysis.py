"""Static facts about a program's syntax tree: returns, loop bounds, step counts, assigned names.

Read by the checker (which paths return), the parser (the normalised body and its
worst-case step count) and both compiled forms (the loop bounds, the names a branch
merges and a loop carries). Nothing here runs the program.
"""

from __future__ import annotations

import ast

MAX_INTEGER_POWER = 64  # `x**n` with a literal whole n uses exact repeated multiplication


def literal_integer(node: ast.expr, bound: int | None) -> int | None:
    """n when `node` is a whole-number literal, perhaps negated, with |n| <= bound
    (any size when bound is None); otherwise None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        sign, node = -1, node.operand
    if not (isinstance(node, ast.Constant) and type(node.value) is int):
        return None
    if bound is not None and node.value > bound:
        return None
    return sign * node.value


def integer_exponent(node: ast.expr) -> int | None:
    """n when `node` is a literal whole number (perhaps negated) small enough to expand."""
    return literal_integer(node, MAX_INTEGER_POWER)


def loop_bounds(node: ast.For) -> tuple[int, int]:
    """(start, stop) of a validated `for ... in range(...)`."""
    values = [literal_integer(argument, None) for argument in node.iter.args]
    return (0, values[0]) if len(values) == 1 else (values[0], values[1])


def always_returns(statements: list[ast.stmt]) -> bool:
    """Whether every path through the block ends in a `return`."""
    return any(
        isinstance(node, ast.Return)
        or (isinstance(node, ast.If) and always_returns(node.body) and always_returns(node.orelse))
        for node in statements
    )


def _contains_return(node: ast.stmt) -> bool:
    return any(isinstance(child, ast.Return) for child in ast.walk(node))


def close_returns(statements: list[ast.stmt]) -> list[ast.stmt] | None:
    """Move what follows an if-with-return into its branches that fall through.

    `if c: return a` then `return b` becomes `if c: return a else: return b`, so that
    every if containing a return ends its block and the rewrite can merge both
    branches' results with `where`. None when some path reaches the end without a return.
    """
    for index, node in enumerate(statements):
        if isinstance(node, ast.Return):
            return statements[: index + 1]
        if isinstance(node, ast.If) and _contains_return(node):
            rest = statements[index + 1 :]
            branches = []
            for branch in (node.body, node.orelse):
                closed = close_returns(branch if always_returns(branch) else [*branch, *rest])
                if closed is None:
                    return None
                branches.append(closed)
            merged = ast.copy_location(
                ast.If(test=node.test, body=branches[0], orelse=branches[1]), node
            )
            return [*statements[:index], merged]
    return None


def count_steps(statements: list[ast.stmt]) -> int:
    """Statements executed in the worst case: every loop pass, both sides of every if."""
    total = 0
    for node in statements:
        if isinstance(node, ast.For):
            start, stop = loop_bounds(node)
            total += 1 + (stop - start) * count_steps(node.body)
        elif isinstance(node, ast.If):
            total += 1 + count_steps(node.body) + count_steps(node.orelse)
        else:
            total += 1
    return total


def assignment(node: ast.Assign | ast.AugAssign) -> tuple[str, ast.expr]:
    """The name an assignment writes and the expression it stores: `y += v` as `y + v`."""
    if isinstance(node, ast.Assign):
        return node.targets[0].id, node.value
    name = node.target.id
    return name, ast.BinOp(left=ast.Name(id=name, ctx=ast.Load()), op=node.op, right=node.value)


def assigned_names(statements: list[ast.stmt]) -> set[str]:
    """Every name a block may assign, loop variables included."""
    names = set()
    for node in statements:
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
    return names


def definitely_assigned(statements: list[ast.stmt]) -> set[str]:
    """The names a block assigns on every path through it."""
    names = set()
    for node in statements:
        if isinstance(node, ast.Assign | ast.AugAssign):
            names.add(assignment(node)[0])
        elif isinstance(node, ast.For):
            names |= definitely_assigned(node.body) | {node.target.id}
        elif isinstance(node, ast.If):
            names |= definitely_assigned(node.body) & definitely_assigned(node.orelse)
    return names


def carried_names(node: ast.For, defined) -> list[str]:
    """The names a loop carries from pass to pass, sorted: those its body assigns (not its
    own variable) that are defined before it (in `defined`) or assigned on every pass."""
    fresh = definitely_assigned(node.body)
    assigned = assigned_names(node.body) - {node.target.id}
    return sorted(name for name in assigned if name in defined or name in fresh)
