"""The Explorer's view as a notebook: f and its derivatives by JAX, SymPy and NumPy.

The cells are the Explorer's own "code behind it" (core.explorer.code_view), generated
from the validated tree, with what the page adds around them: the values at x0, each
order's finite difference with the page's step, the figure of every method, and the
tangent and Taylor sections when the link opens them (core.notebooks.explorer_sections).
"""

from __future__ import annotations

from core.engines.finite_differences import (
    SCHEMES,
    default_step,
    fd_coefficients_exact,
    stencil_offsets,
)
from core.explorer.code_view import jax_code, sympy_code
from core.explorer.derivatives import GRID_SIZE
from core.explorer.examples import EXAMPLES
from core.figures.plotting import order_name
from core.language.numeric_source import (
    expression_source,
    helper_source,
    parameter_lines,
    python_names,
)
from core.notebooks import explorer_sections
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import function_of_x
from core.notebooks.query import Query

PAGE = "explorer"
START_F, START_RANGE = EXAMPLES[1].text, (-4.0, 4.0)
METHODS = {"AD (JAX)": "ad", "Symbolic (SymPy)": "sym", "Finite differences": "fd"}
CODES = {code: code for code in METHODS.values()}  # older links named the methods so
STEPS = ["auto"] + [f"1e-{k}" for k in range(1, 17)]
ACCURACIES = {"2": 2, "4": 4, "6": 6, "8": 8}


def notebook(query: Query, parsers: Parsers) -> str:
    """The Explorer's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    # As the page does: an unreadable f is said, and its first f shown instead.
    parsed, note = function_of_x(parsers, query.text("f", START_F), START_F)
    params = {name: query.number(f"p_{name}", 1.0, -10.0, 10.0) for name in parsed.parameters}
    view = {
        "max_order": query.integer("n", 4, 1, 10),
        "x_range": query.pair("range", START_RANGE, -10.0, 10.0, old=True),
        "x0": query.number("x0", 0.5),
        "scheme": query.option("scheme", SCHEMES, "central"),
        "accuracy": query.option("acc", ACCURACIES, 2),
        "step": query.option("h", STEPS, "auto"),
        "methods": query.options("show", METHODS, list(METHODS.values()), codes=CODES),
        "panels": query.switch("panels", True, old=True),
    }
    book = Notebook()
    title(
        book, "Explorer", None, query.link(PAGE),
        f"f(x) = {quoted(parsed.text)}, its derivatives up to order {view['max_order']} "
        "by automatic differentiation (JAX's Taylor mode), symbolic algebra (SymPy) and "
        f"finite differences (NumPy), and their values at x₀ = {view['x0']!r}.{note}",
    )  # fmt: skip
    step = None if view["step"] == "auto" else float(view["step"])
    book.code(
        "import numpy as np\nimport plotly.graph_objects as go\n"
        "from plotly.subplots import make_subplots\n\n"
        + settings(
            {
                "f_text": parsed.text,
                **{k: view[k] for k in ("max_order", "x_range", "x0", "scheme", "accuracy")},
                "step": step,
                "parameters": params,
                "methods": view["methods"],
                "panels": view["panels"],
            },
            {
                "f_text": "f(x), as the app reads it",
                "step": "None: the near-optimal step of each order",
                "methods": "ad: JAX, sym: SymPy, fd: finite differences",
            },
        )
        + f"grid = np.linspace(x_range[0], x_range[1], {GRID_SIZE})  # the page's grid\n"
        + f"order_names = {[order_name(k) for k in range(view['max_order'] + 1)]!r}\n"
    )
    _ad_cells(book, parsed, view, params)
    if "sym" in view["methods"]:
        _sympy_cells(book, parsed, view)
    _fd_cells(book, parsed, view, params)
    _figure_cells(book, view)
    explorer_sections.add(book, query, parsed, view, params)
    return finish(book)


def _ad_cells(book: Notebook, parsed, view, params) -> None:
    order = view["max_order"]
    book.markdown(
        "## Automatic differentiation (JAX, Taylor mode)\n\nOne pass of `jax.experimental.jet` "
        "pushes the series x + t through f: the output's terms are f′, f″, … on the whole grid."
    )
    book.code(
        jax_code(parsed, order, view["x_range"], params)
        + "ad_curves = np.array([np.broadcast_to(row, x.shape) for row in [value, *derivatives]])"
        + "\nf_jax = f  # kept: the SymPy cell below names its expression f\n"
        + "\n# the same at x0 alone: the page's table of values\n"
        + "at_x0 = jnp.array([x0])\n"
        + f"value_x0, derivatives_x0 = jet.jet(f, (at_x0,), ([jnp.ones(1)] + [jnp.zeros(1)] * "
        f"{order - 1},))\n"
        + "ad_at_x0 = [float(np.ravel(row)[0]) for row in [value_x0, *derivatives_x0]]\n"
        + "for order, number in enumerate(ad_at_x0):\n"
        + '    shown[f"{order_names[order]}(x₀) by AD"] = number\n'
    )


def _sympy_cells(book: Notebook, parsed, view) -> None:
    symbols = ", ".join(
        f'sp.Symbol("{name}", real=True)' for name in (*parsed.variables, *parsed.parameters)
    )
    book.markdown(
        "## Symbolic derivatives (SymPy)\n\n`sp.diff` once per order; the formulas are then "
        "evaluated with NumPy on the grid and at x₀."
    )
    book.code(
        sympy_code(parsed, view["max_order"])
        + "\nfor order, derivative in enumerate(derivatives):\n"
        + "    print(order, derivative)\n\n"
        + f"evaluate = sp.lambdify([{symbols}], derivatives, modules='numpy')\n"
        + "with np.errstate(all='ignore'):\n"
        + "    symbolic_curves = np.array(\n"
        + "        [np.broadcast_to(np.asarray(row, dtype=float), grid.shape)\n"
        + "         for row in evaluate(grid, *parameters.values())]\n"
        + "    )\n"
        + "    symbolic_at_x0 = [float(row) for row in evaluate(x0, *parameters.values())]\n"
        + "for order, number in enumerate(symbolic_at_x0):\n"
        + '    shown[f"{order_names[order]}(x₀) by SymPy"] = number\n'
    )


def _fd_cells(book: Notebook, parsed, view, params) -> None:
    scheme, accuracy = view["scheme"], view["accuracy"]
    names = python_names(parsed, reserved={"f", "h"})
    stencils, steps = [], []
    for order in range(1, view["max_order"] + 1):
        if scheme == "complex" and order == 1:
            continue
        this = "central" if scheme == "complex" else scheme
        offsets = stencil_offsets(order, this, accuracy)
        weights = ", ".join(repr(float(w)) for w in fd_coefficients_exact(order, offsets))
        stencils.append(f"    {order}: ({offsets}, [{weights}]),")
        steps.append(f"    {order}: {default_step(order, accuracy, this)!r},")
    complex_step = scheme == "complex"
    first = 2 if complex_step else 1
    head = parameter_lines(parsed, params, names) + helper_source(parsed, "np")
    lines = [
        "import numpy as np\n\n"
        + (head.strip("\n") + "\n\n\n" if head.strip() else "")
        + f"def f(x):\n    return {expression_source(parsed, 'np', names)}\n\n",
        "# order -> the stencil's offsets (multiples of h) and its weights (Fornberg's, exact)",
        "stencils = {\n" + "\n".join(stencils) + "\n}" if stencils else "stencils = {}",
        "# order -> the near-optimal relative step in float64, used when `step` is None:",
        "# h = relative step * max(1, |x|), balancing truncation against rounding",
        "relative_steps = {\n" + "\n".join(steps) + "\n}" if steps else "relative_steps = {}",
        "\n\ndef finite_difference(points, order):",
        "    offsets, weights = stencils[order]",
        "    relative = step if step is not None else relative_steps[order] * np.maximum(1.0, "
        "np.abs(points))",
        "    h = (points + relative) - points  # rounded, so that x + h is exactly representable",
        "    with np.errstate(all='ignore'):",
        "        total = sum(w * f(points + k * h) for k, w in zip(offsets, weights) if w)",
        "        values = np.broadcast_to(f(points), points.shape)",
        "        return np.where(np.isnan(values), np.nan, total / h**order)  # nan outside f's "
        "domain",
        "\n",
    ]
    if complex_step:
        lines += [
            "def complex_step(points):  # f′ = Im f(x + ih) / h: no subtraction, no rounding",
            "    h = step if step is not None else 1e-20",
            "    with np.errstate(all='ignore'):",
            "        values = np.broadcast_to(f(points), points.shape)",
            "        return np.where(np.isnan(values), np.nan, np.imag(f(points + 1j * h)) / h)",
            "\n",
            "fd_curves = {1: complex_step(grid)}",
            "fd_at_x0 = {1: float(complex_step(np.array([x0]))[0])}",
        ]
    else:
        lines += ["fd_curves, fd_at_x0 = {}, {}"]
    lines += [
        f"for order in range({first}, max_order + 1):",
        "    fd_curves[order] = finite_difference(grid, order)",
        "    fd_at_x0[order] = float(finite_difference(np.array([x0]), order)[0])",
        "for order, number in fd_at_x0.items():",
        '    shown[f"{order_names[order]}(x₀) by finite differences"] = number',
        "f_numpy = f  # kept for the sections below",
    ]
    what = (
        "the complex step for f′ and central differences for the higher orders"
        if complex_step
        else f"{scheme} differences of accuracy order {accuracy} (error ∝ h^{accuracy})"
    )
    book.markdown(f"## Finite differences (NumPy)\n\nEach order by {what}, with the page's step.")
    book.code("\n".join(lines) + "\n")


def _figure_cells(book: Notebook, view) -> None:
    methods = view["methods"]
    curves = [
        (label, name)
        for code, label, name in (("ad", "AD", "ad_curves"), ("sym", "SymPy", "symbolic_curves"))
        if code in methods
    ]
    reference = "symbolic_curves" if "sym" in methods else "ad_curves"
    against = "SymPy" if "sym" in methods else "AD"
    lines = [
        "rows = max_order + 1 if panels else 1",
        "fig = make_subplots(rows=rows, cols=1, shared_xaxes=True,",
        "                    subplot_titles=order_names if panels else None)",
        "for order in range(max_order + 1):",
        "    row = order + 1 if panels else 1",
        *(
            f"    fig.add_scatter(x=grid, y={name}[order], name=f'{{order_names[order]}} "
            f"{label}', row=row, col=1)"
            for label, name in curves
        ),
    ]
    if "fd" in methods:
        lines += [
            "    if order in fd_curves:",
            "        fig.add_scatter(x=grid, y=fd_curves[order], name=f'{order_names[order]} FD',",
            "                        line={'dash': 'dot'}, row=row, col=1)",
        ]
    lines += [
        "fig.add_vline(x=x0, line={'color': 'grey', 'dash': 'dash'})",
        "fig.update_layout(height=220 * rows + 100, title='f and its derivatives')",
    ]
    book.markdown(
        "## The figure\n\nEach order by every method chosen (one panel per order, or all on "
        "one axis), and below it where they disagree, on a log scale."
    )
    book.code("\n".join(lines) + "\n" + figure_lines("fig"))
    errors = [
        "errors = go.Figure()",
        "with np.errstate(all='ignore'):",
        "    for order in range(max_order + 1):",
    ]
    if "sym" in methods:  # as the page: AD against SymPy whenever SymPy is drawn
        errors += [
            "        difference = np.abs(ad_curves[order] - symbolic_curves[order])",
            "        errors.add_scatter(x=grid, y=np.maximum(difference, 1e-17),",
            "                           name=f'{order_names[order]} |AD − SymPy|')",
        ]
    if "fd" in methods:
        errors += [
            "        if order in fd_curves:",
            f"            difference = np.abs(fd_curves[order] - {reference}[order])",
            "            errors.add_scatter(x=grid, y=np.maximum(difference, 1e-17),",
            f"                               name=f'{{order_names[order]}} |FD − {against}|',",
            "                               line={'dash': 'dot'})",
        ]
    if len(errors) == 3:
        errors.append("        pass  # no two methods chosen to compare")
    errors.append("errors.update_yaxes(type='log', title='absolute difference')")
    book.code(
        "# where the methods disagree (0 is drawn at 1e-17, the log axis's floor)\n"
        + "\n".join(errors)
        + "\n"
        + figure_lines("errors")
    )
