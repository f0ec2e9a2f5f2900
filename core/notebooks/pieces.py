"""Pieces several notebooks share: the section a link chooses, a section's typed function
read as the page reads it, and SymPy's exact partial derivatives at a point as code.

A page of sections (ui.sections) names the section shown by its title in the link (older
links by a short code); a section whose notebook is not written yet is refused with a
ValueError naming it, never given a notebook that does not reproduce it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.errors import ExpressionError
from core.language.expression import ParsedExpression
from core.language.numeric_source import sympy_source
from core.language.vector import ParsedVector
from core.notebooks.cells import quoted
from core.notebooks.parsers import Parsers
from core.notebooks.query import Query

# A cell's helper: `record(name, values)` files each number under its name in `shown`.
RECORD = (
    "def record(name, values):  # the numbers the page shows, one entry each\n"
    "    for index, number in enumerate(np.ravel(np.asarray(values, dtype=float))):\n"
    '        shown[name if np.size(values) == 1 else f"{name}[{index}]"] = float(number)\n'
)


def chosen_section(
    query: Query,
    key: str,
    sections: Mapping[str, str],
    pending: Mapping[str, str],
    page: str,
) -> str:
    """The title of the section the link shows (the first one by default).

    Args:
        key: the section picker's URL name ("v_s").
        sections: code -> title of each section that has a notebook, in the page's order.
        pending: code -> title of each section that has none yet.
        page: the page's title, for the error.

    Raises:
        ValueError: for a section in `pending`.
    """
    every = {**sections, **pending}
    title = query.option(key, list(every.values()), next(iter(sections.values())), every)
    if title in pending.values():
        raise ValueError(f"There is no notebook for the {page} page's “{title}” section yet.")
    return title


def function_of_x(
    parsers: Parsers, text: str, default: str, verb: str = "shows"
) -> tuple[ParsedExpression, str]:
    """A page's typed f(x) as the page takes it (parameters allowed), and a note when it
    cannot: the page says why and goes on with its first function, and so does the notebook
    (`verb`: what the notebook does with it, "shows" or "samples")."""
    try:
        return parsers.expression(text, ("x",)), ""
    except ExpressionError as error:
        note = (
            f"\n\nThe link's f(x) = {quoted(text)} cannot be read "
            f"({quoted(error.message)}); like the page, this notebook {verb} its first "
            "function instead."
        )
        return parsers.expression(default, ("x",)), note


def section_function(
    parsers: Parsers,
    text: str,
    variables: Sequence[str],
    default: str,
    components: int | None = None,
    vector: bool = False,
) -> tuple[ParsedExpression | ParsedVector, str]:
    """A section's typed function as the page takes it, and a note when it does not.

    The page refuses a text it cannot read, a name that is not one of the section's
    variables, a vector where one function is needed, or the wrong number of components;
    it says why and goes on with its default (a link opened afresh has no other). So does
    the notebook: the note is a sentence for its title cell ("" when the text was used).
    """
    try:
        parsed = (parsers.vector if vector else parsers.expression)(text, tuple(variables))
        if parsed.parameters:
            raise ExpressionError(
                f"{', '.join(parsed.parameters)} is not one of the variables "
                f"{', '.join(variables)}",
                None,
            )
        if components is not None and len(parsed) != components:
            raise ExpressionError(f"the section needs {components} components", None)
    except ExpressionError as error:
        note = (
            f"\n\nThe link's function {quoted(text)} cannot be used here "
            f"({quoted(error.message)}); like the page, this notebook shows the section's "
            "first function instead."
        )
        return (parsers.vector if vector else parsers.expression)(default, tuple(variables)), note
    return parsed, ""


def sympy_partials(parsed: ParsedExpression | ParsedVector, point, second: bool = False) -> str:
    """Code: SymPy's partial derivatives of f, evaluated exactly at the point, then to floats.

    Defines `exact_gradient` (a list, for a scalar f) and, with `second`, `exact_hessian`;
    for a vector function, `exact_jacobian` (rows the components).
    """
    names = {v: v for v in parsed.variables}
    symbols = ", ".join(parsed.variables)
    at = ", ".join(
        f"{v}: sp.Rational({float(c)!r})" for v, c in zip(parsed.variables, point, strict=True)
    )
    lines = [
        "import sympy as sp\n",
        f"{symbols}{',' * (len(parsed.variables) == 1)} = "
        f'sp.symbols("{" ".join(parsed.variables)}", real=True)',
        f"at_point = {{{at}}}  # the point, exactly",
    ]
    if isinstance(parsed, ParsedVector):
        components = ", ".join(sympy_source(c.tree, names) for c in parsed.components)
        lines += [
            f"F = sp.Matrix([{components}])",
            f"jacobian_formula = F.jacobian([{symbols}])",
            "print(jacobian_formula)",
            "exact_jacobian = [[float(entry.subs(at_point)) for entry in row] for row in "
            "jacobian_formula.tolist()]",
        ]
    else:
        lines += [
            f"f_exact = {sympy_source(parsed.tree, names)}",
            f"gradient_formula = [sp.diff(f_exact, v) for v in ({symbols},)]",
            "print(gradient_formula)",
            "exact_gradient = [float(d.subs(at_point)) for d in gradient_formula]",
        ]
        if second:
            lines += [
                f"hessian_formula = sp.hessian(f_exact, ({symbols},))",
                "exact_hessian = [[float(entry.subs(at_point)) for entry in row] for row in "
                "hessian_formula.tolist()]",
            ]
    return "\n".join(lines) + "\n"


def numpy_definition(parsed: ParsedExpression, name: str = "f_numpy") -> str:
    """Code: `def f_numpy(x, y): return ...` in NumPy, as the pages' finite differences
    evaluate f (a JAX f would differ in the last bits, which a difference magnifies)."""
    return function_definition(parsed, name, "np")


def function_definition(parsed: ParsedExpression, name: str, namespace: str) -> str:
    """Code: the helpers f needs, then `def name(x, y): return ...` in NumPy ("np") or JAX
    ("jnp"), printed from the tree (its variables keep their names; no parameters)."""
    from core.language.numeric_source import expression_source, helper_source

    helpers = helper_source(parsed, namespace)
    return (
        (helpers.strip("\n") + "\n\n\n" if helpers else "")
        + f"def {name}({', '.join(parsed.variables)}):\n"
        f"    return {expression_source(parsed, namespace)}\n"
    )
