"""The Step by step page as a notebook: the rules' steps, an answer checked, or the graph.

Rules, step by step: the steps are the page's own (core.teaching: a rule engine of the
app, run under its time budget when the notebook is written), written into the notebook
as the page shows them, since no library shows steps; the code cell is the page's SymPy
snippet, whose f′ the steps arrive at. Check your answer: the page's verdict as it
reads, then its snippet (SymPy simplifies f⁽ⁿ⁾ − answer, then the numbers at random
points). Computational graph: the page's snippet, every node's value and tangent by
`jax.jvp` of its primitive and every adjoint by `jax.vjp`, with `jax.grad` beside them.
"""

from __future__ import annotations

from core.errors import ExpressionError
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import chosen_section
from core.notebooks.query import Query
from core.teaching.check_code import check_code, steps_code
from core.teaching.graph import computational_graph
from core.teaching.graph_code import graph_code
from core.teaching.page_jobs import checked_answer, shown_steps

PAGE, NAME = "teaching", "Step by step"
SECTIONS = {"steps": "Rules, step by step", "check": "Check your answer",
            "graph": "Computational graph"}  # fmt: skip
MODES = {"Forward (tangents)": "forward", "Reverse (adjoints)": "reverse"}
X = ("x",)


def notebook(query: Query, parsers: Parsers) -> str:
    """The section the link shows, as nbformat-4 JSON (see `core.view_notebook`)."""
    section = chosen_section(query, "t_s", SECTIONS, {}, NAME)
    write = {SECTIONS["steps"]: _steps, SECTIONS["check"]: _check, SECTIONS["graph"]: _graph}
    book = Notebook()
    write[section](book, query, parsers, lambda about: title(book, NAME, section,
                                                              query.link(PAGE), about))  # fmt: skip
    return finish(book)


def _parsed(parsers: Parsers, text: str, what: str):
    """f as the section reads it: a text it cannot read shows nothing else on the page."""
    try:
        return parsers.expression(text, X)
    except ExpressionError as error:
        raise ValueError(
            f"The {what} section shows nothing for f(x) = {text[:80]!r}, so neither does its "
            f"notebook: {error.message}"
        ) from None


def _steps(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    parsed = _parsed(parsers, query.text("t_rf", "x^2*sin(x)"), "steps")
    shown = shown_steps(parsed)
    heading(
        f"The derivative of f(x) = {quoted(parsed.text)} worked out as by hand, one named rule "
        "at a time, then SymPy's f′, which the steps arrive at."
    )
    if shown.message:
        raise ValueError(f"The page shows no steps for this f: {shown.message}")
    lines = [f"**{k}. {step.rule}** — {step.explanation}\n\n$$\n{step.latex}\n$$"
             for k, step in enumerate(shown.steps, start=1)]  # fmt: skip
    book.markdown("## The steps\n\n" + "\n\n".join(lines))
    book.markdown(f"**Result**\n\n$$\nf'(x) = {shown.derivative}\n$$")
    book.code("shown = {}\n\n" + steps_code(parsed))
    book.code(
        "# the result at a few points, to compare with the steps' f′\n"
        "for point in (0.5, 1.0, 2.0):\n"
        "    value = derivative.subs({x: point}) if derivative.free_symbols else derivative\n"
        '    shown[f"f′({point})"] = float(value)\n'
    )


def _check(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    parsed = _parsed(parsers, query.text("t_cf", "sin(x)^2"), "check")
    order = query.integer("t_cn", 1, 1, 6, whole=True)
    text = query.text("t_ca", "sin(2x)")
    if not text.strip():
        raise ValueError(
            "The page checks nothing for an empty answer: type one in the link's t_ca."
        )
    try:
        answer = parsers.expression(text, X)
    except ExpressionError as error:
        raise ValueError(f"The page checks no answer it cannot read: {error.message}") from None
    new = [name for name in answer.parameters if name not in parsed.parameters]
    if new:
        raise ValueError(f"The page checks no answer that uses {', '.join(new)}, which f lacks.")
    verdict = checked_answer(parsed, answer.text, order)
    heading(
        f"Is {quoted(answer.text)} the derivative of order {order} of f(x) = "
        f"{quoted(parsed.text)}? SymPy simplifies the difference; then the two are compared at "
        "random points."
    )
    said = verdict.message if verdict.check is None else verdict.check.message
    book.markdown(f"## The page's verdict\n\n{said}")
    book.code("shown = {}\n\n" + check_code(parsed, answer, order))
    book.code(
        "# proven equal when SymPy simplifies the difference to 0\n"
        'shown["SymPy: the difference is 0"] = float(difference == 0)\n'
        "if not np.isnan(gaps).all():\n"
        '    shown["largest difference at the random points"] = float(gaps[worst])\n\n'
        "grid = np.linspace(-5, 5, 801)\n"
        "import plotly.graph_objects as go\n"
        f'exact_curve = sp.lambdify({parsed.variables[0]}, derivative.subs(values) if "values" in '
        'globals() else derivative, "numpy")\n'
        f'answer_curve = sp.lambdify({parsed.variables[0]}, answer.subs(values) if "values" in '
        'globals() else answer, "numpy")\n'
        "with np.errstate(all='ignore'):\n"
        "    fig = go.Figure([go.Scatter(x=grid, y=np.broadcast_to(exact_curve(grid), "
        "grid.shape).astype(float), name='f⁽ⁿ⁾'),\n"
        "                     go.Scatter(x=grid, y=np.broadcast_to(answer_curve(grid), "
        "grid.shape).astype(float), name='your answer', line={'dash': 'dash'})])\n"
        + figure_lines("fig")
    )


def _graph(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    parsed = _parsed(parsers, query.text("t_gf", "sin(x)*sin(x) + x^2"), "graph")
    x0 = query.number("t_gx", 1.5)
    mode = query.option("t_gm", MODES, "forward", {code: code for code in MODES.values()})
    try:
        graph = computational_graph(parsed)
    except ValueError as error:
        raise ValueError(f"The page draws no graph for this f: {error}") from None
    heading(
        f"f(x) = {quoted(parsed.text)} as a graph of primitives at x₀ = {x0!r}: forward mode "
        "carries each node's tangent from x to f, reverse mode each node's adjoint back from f "
        f"to x (the link shows {mode} mode; both are here)."
    )
    shown_names = [node.name for node in graph.nodes if node.kind != "constant"]  # v₀, v₁, …
    names = {f"v{k}": name for k, name in enumerate(shown_names)}  # as the code names them
    book.code("import numpy as np\n\n" + settings({"f_text": parsed.text, "x0": x0, "mode": mode}))
    book.code(graph_code(graph, x0))
    book.code(
        f"names = {names!r}  # each node's name in the code -> on the page\n"
        "for name, label in names.items():\n"
        '    shown[f"{label} value"] = float(globals()[name])\n'
        '    shown[f"{label} tangent"] = float(globals()["d" + name])\n'
        '    shown[f"{label} adjoint"] = float(bar[name])\n'
        'shown["f′(x0) by jax.grad"] = float(jax.grad(f)(jnp.float64(x0)))\n'
    )
    book.code(
        "import plotly.graph_objects as go\n\n"
        f"nodes = {shown_names!r}\n"
        "fig = go.Figure(go.Bar(x=nodes, y=[shown[f'{name} ' + ('tangent' if mode == 'forward' "
        "else 'adjoint')] for name in nodes]))\n"
        'fig.update_layout(title=f\'each node’s {"tangent" if mode == "forward" else '
        '"adjoint"} at x0\')\n' + figure_lines("fig")
    )
