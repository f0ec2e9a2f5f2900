"""Parse once, use three ways: typed text -> validated tree -> SymPy, NumPy and JAX.

Nothing here evaluates user text. The tree comes from our own parser (`core.language.syntax`),
and the SymPy expression (here) and the numeric functions (`core.language.numeric`) are
built from it node by node from an allow-list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy

from core.errors import ExpressionError
from core.language import functions
from core.language.constant_size import check_exact_numbers
from core.language.numeric import REFERENCE, build_function, numpy_function
from core.language.printer import to_text
from core.language.syntax import Parser
from core.language.text_input import MAX_LENGTH, normalise
from core.language.tokens import tokenize
from core.language.tree import (
    Call,
    Compare,
    Constant,
    MultiCall,
    Negate,
    Node,
    Number,
    Symbol,
    names_in,
)

# REFERENCE and build_function stay importable from here: `ParsedExpression.jax` is called
# with an env holding REFERENCE, and pages build a tree's forms through build_function.
__all__ = ["REFERENCE", "ParsedExpression", "build_function", "parse_expression", "to_sympy"]


@dataclass(frozen=True)
class ParsedExpression:
    """A validated expression and its three compiled forms.

    Attributes:
        text: canonical text (`2x^2` -> `2*x**2`); parsing it gives the same tree.
        variables: the variables it is a function of, as declared by the page.
        parameters: the other single-letter names in it, sorted (sliders on a page).
        sympy: the SymPy expression, built node by node from the tree.
        latex: LaTeX of `sympy`.
    """

    text: str
    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    sympy: sympy.Expr
    latex: str
    tree: Node = field(repr=False, compare=False)

    @functools.cached_property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {name: sympy.Symbol(name, real=True) for name in self.variables + self.parameters}

    def numpy(self, values: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """Evaluate with NumPy; `values` maps every variable and parameter to a value.

        Works on complex input too (for the complex-step derivative).
        """
        return numpy_function(self.tree)(values)

    @functools.cached_property
    def jax(self) -> Callable[[Mapping[str, object]], object]:
        """The expression as a JAX-traceable function of a name -> array mapping."""
        return build_function(self.tree, "jax")


def parse_expression(text: str, variables: Sequence[str] = ("x",)) -> ParsedExpression:
    """Parse typed maths into a validated expression.

    Args:
        text: what the person typed, e.g. ``"3sin(x) - e^(-x²)"``.
        variables: the names the expression is a function of; other single letters
            (except ``e``) become parameters.

    Returns:
        The parsed expression.

    Raises:
        ExpressionError: with one sentence and the position in `text` of the problem.

    Example:
        >>> parse_expression("2x^2").text
        '2*x**2'
    """
    if not isinstance(text, str):
        raise ExpressionError("The expression must be text.", None)
    variables = tuple(variables)
    if not text.strip():
        # Nothing typed has no position: a caret would point at nothing.
        raise ExpressionError(_empty_message(variables), None)
    ascii_text, origin = normalise(text)
    try:
        tree = Parser(tokenize(ascii_text), variables).parse()
    except ExpressionError as error:
        position = error.position
        raise ExpressionError(
            error.message, origin[min(position, len(origin) - 1)] if position is not None else None
        ) from None
    canonical = to_text(tree)
    if canonical != ascii_text:
        _check_written_out(canonical, variables)
    names = names_in(tree)
    parameters = tuple(sorted(names - set(variables)))
    symbols = {name: sympy.Symbol(name, real=True) for name in variables + parameters}
    try:
        expr = to_sympy(tree, symbols)
        if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ExpressionError(
                "The expression is undefined: it divides by zero or takes an undefined value.",
                None,
            )
        check_exact_numbers(expr)
        latex = _latex(expr)
    except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
        if isinstance(error, ExpressionError):
            raise
        # SymPy's own checks can fail on odd nestings (max(1, x^-2x) as an exponent
        # evaluates Max(1, zoo) at x = 0): one sentence for the person, not a traceback.
        raise ExpressionError(
            "SymPy cannot build this expression as written (it is undefined somewhere "
            "inside, or nested too deeply for it); simplify it.",
            None,
        ) from None
    return ParsedExpression(
        text=canonical,
        variables=variables,
        parameters=parameters,
        sympy=expr,
        latex=latex,
        tree=tree,
    )


def _empty_message(variables: tuple[str, ...]) -> str:
    """ "Type a function of x, for example x^2 + sin(x)." for the page's variables."""
    if len(variables) == 1:
        (v,) = variables
        return f"Type a function of {v}, for example {v}^2 + sin({v})."
    names = ", ".join(variables[:-1]) + f" and {variables[-1]}" if variables else "x"
    example = f"{variables[0]}^2 + sin({variables[-1]})" if variables else "x^2 + sin(x)"
    return f"Type a function of {names}, for example {example}."


def _check_written_out(canonical: str, variables: tuple[str, ...]) -> None:
    """Hold the canonical text to the limits the typed text met.

    Pages parse `ParsedExpression.text` again (ui/cached.py), so it must always be
    accepted, yet writing out `2x` as `2*x`, `x^2` as `x**2` or `--x` as `-(-x)` makes
    it longer and, for negations, deeper. An expression is therefore accepted only if
    it is within the limits both as typed and written out in full; then every
    accepted text's canonical text parses back to itself (it is its own canonical text).

    Raises:
        ExpressionError: with no position (the whole expression is too long or deep).
    """
    if len(canonical) > MAX_LENGTH:
        raise ExpressionError(
            f"Written out in full (2*x for 2x, x**2 for x^2) the expression is "
            f"{len(canonical):,} characters long; the limit is {MAX_LENGTH}. Shorten it.",
            None,
        )
    try:
        Parser(tokenize(canonical), variables).parse()
    except ExpressionError as error:
        message = error.message[0].lower() + error.message[1:]
        raise ExpressionError(f"Written out in full, {message}", None) from None


def _latex(expr: sympy.Expr) -> str:
    """`sympy.latex(expr)`, without the one step of it whose cost has no bound.

    To split a product into a fraction, SymPy's printer asks of every factor with a
    negative symbolic exponent whether that exponent is constant
    (`fraction(exact=True)` -> `is_constant()`), and that simplifies it: a nested
    exponent (x^-max(1, x^-2x) in a product) took minutes, or raised ValueError. Such
    factors are marked unevaluated first, innermost first; they then print as they
    are, in the numerator, which is what SymPy prints whenever the answer is "not
    constant".
    """
    with sympy.evaluate(False):
        guarded = _guard_factors(expr)
    return sympy.latex(guarded)


def _guard_factors(expr: sympy.Basic) -> sympy.Basic:
    if expr.is_Atom or not expr.args:
        return expr
    args = tuple(_guard_factors(arg) for arg in expr.args)
    if expr.is_Mul:
        args = tuple(
            sympy.UnevaluatedExpr(new) if _has_negative_symbolic_exponent(old) else new
            for old, new in zip(expr.args, args, strict=True)
        )
    return expr.func(*args) if args != expr.args else expr


def _has_negative_symbolic_exponent(factor: sympy.Expr) -> bool:
    if not (factor.is_Pow or isinstance(factor, sympy.exp)):
        return False
    exponent = factor.as_base_exp()[1]
    return bool(exponent.free_symbols) and exponent.is_negative is True


def to_sympy(node: Node, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """Build the SymPy expression of a tree from its nodes (no text is parsed)."""
    if isinstance(node, Number):
        return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Float(node.value)
    if isinstance(node, Symbol):
        return symbols[node.name]
    if isinstance(node, Constant):
        return functions.CONSTANTS[node.name][0]
    if isinstance(node, Call):
        return functions.sympy_function(node.function)(to_sympy(node.argument, symbols))
    if isinstance(node, Negate):
        return -to_sympy(node.operand, symbols)
    if isinstance(node, MultiCall):
        arguments = [to_sympy(argument, symbols) for argument in node.arguments]
        if node.function == "where":
            return sympy.Piecewise((arguments[1], arguments[0]), (arguments[2], True))
        return (sympy.Max if node.function == "max" else sympy.Min)(*arguments)
    left, right = to_sympy(node.left, symbols), to_sympy(node.right, symbols)
    if isinstance(node, Compare):
        return _SYMPY_COMPARISONS[node.operator](left, right)
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if node.operator == "/":
        return left / right
    return sympy.Pow(left, right)


_SYMPY_COMPARISONS = {
    "<": sympy.Lt,
    "<=": sympy.Le,
    ">": sympy.Gt,
    ">=": sympy.Ge,
    "==": sympy.Eq,
    "!=": sympy.Ne,
}
