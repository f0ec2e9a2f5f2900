"""Section: the computational graph of a typed f, and AD's two sweeps through it, one
node at a time (forward: tangents from x to f; reverse: adjoints from f back to x)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core import ExpressionError
from core.language.text_input import MAX_LENGTH
from core.teaching.graph_figure import graph_figure
from core.teaching.graph_rules import adjoint_of
from core.teaching.graph_sweeps import GraphSweeps, step_nodes
from ui import charts, old_links
from ui.cached import parse
from ui.reading import show_reading
from ui.teaching import BOUND
from ui.teaching import graph_cached as cached
from ui.widgets import code_behind, example_picker, expression_error, number

P = "t_g"  # keys: t_gf (f), t_gx (x₀), t_gm (the mode); t_g_... not in the link
STEP, STEP_FOR = f"{P}_step", f"{P}_step_for"  # the sweep's position, and what it is for
MODES = {"forward": "Forward (tangents)", "reverse": "Reverse (adjoints)"}  # code -> shown
DEFAULT_FUNCTION = "sin(x)*sin(x) + x^2"
EXAMPLES = {
    "sin(x)*sin(x) + x^2": "sin(x) is one node used twice; x is used twice too",
    "log(x) + x*x - sin(x)": "Baydin et al.'s survey example, with x₁ = x₂ = x",
    "exp(-x^2/2)*cos(3x)": "a product of two chains",
    "max(x, 1 - x)^2": "max takes one branch: the other sends back nothing",
    "log(x - 2)": "undefined at x₀ = 1.5: the nan flows through",
}
OLD_LINKS = {"t_gm": old_links.codes(MODES)}  # the mode was written by its code
WAITING = "…"


def render() -> None:
    st.markdown(
        "Automatic differentiation evaluates f as a graph of primitives and applies each "
        "one's local rule. **Forward mode** carries a tangent v̇ᵢ = dvᵢ/dx beside each value, "
        "from x to f. **Reverse mode** first computes every value, then carries an adjoint "
        "v̄ᵢ = ∂f/∂vᵢ back from f to x; a node used twice adds up what both uses send back. "
        "Repeated parts of f are one node. Press Step to take one node at a time."
    )
    c = st.columns([3, 3, 2])
    text = c[0].text_input(
        "f(x) =", DEFAULT_FUNCTION, MAX_LENGTH, key="t_gf",
        help="e.g. sin(x)*sin(x) + x^2, log(x) + x*x", **BOUND,
    )  # fmt: skip
    example_picker(c[1], EXAMPLES, P)  # types into P + "f", and is keyed P + "example"
    x0 = float(
        c[2].number_input("Point x₀", value=1.5, key="t_gx", step=0.1, format="%.3f", **BOUND)
    )
    label = st.radio("Mode", list(MODES.values()), key="t_gm", horizontal=True, **BOUND)
    mode = next(code for code, title in MODES.items() if title == label)
    try:
        parsed = parse(text)
    except ExpressionError as error:
        expression_error(text, error)
        return
    show_reading(parsed)
    outcome = cached.sweeps(parsed.text, x0)
    if isinstance(outcome, str):
        st.error(outcome, icon=":material/error:")
        return
    if parsed.parameters:
        names = ", ".join(parsed.parameters)
        st.caption(f"The parameters {names} are constant nodes, each set to 1 here.")
    if outcome.message:
        st.warning(outcome.message, icon=":material/warning:")
    if st.session_state.get(STEP_FOR) != (parsed.text, x0, mode):
        st.session_state[STEP_FOR] = (parsed.text, x0, mode)
        st.session_state[STEP] = 0
    _sweep(parsed.text, x0, mode)
    code_behind(
        ("JAX: both sweeps node by node, jax.grad and the jaxpr", cached.code(parsed.text, x0))
    )


def _move(to: int, total: int) -> None:
    st.session_state[STEP] = max(0, min(to, total))


@st.fragment
def _sweep(text: str, x0: float, mode: str) -> None:
    """The buttons, the sentence, the figure and the table: a step reruns only these."""
    sweeps = cached.sweeps(text, x0)
    order = step_nodes(sweeps, mode)
    total = len(order)
    step = max(0, min(int(st.session_state.get(STEP, 0)), total))
    # The buttons sit in one row right above the graph, and the sentence (whose length
    # changes each step) below it: on a phone (390 px) Step and the graph stay in view
    # together, and pressing Step moves neither (st.columns would stack four rows).
    b = st.container(horizontal=True, gap="small", key=f"{P}_buttons")
    b.button("Back", key=f"{P}_back", icon=":material/skip_previous:", on_click=_move,
             args=(step - 1, total), disabled=step == 0)  # fmt: skip
    b.button("Step", key=f"{P}_next", icon=":material/skip_next:", on_click=_move,
             args=(step + 1, total), disabled=step == total, type="primary")  # fmt: skip
    b.button("Reset", key=f"{P}_reset", icon=":material/replay:", on_click=_move,
             args=(0, total), disabled=step == 0)  # fmt: skip
    b.button("Show all", key=f"{P}_all", icon=":material/fast_forward:", on_click=_move,
             args=(total, total), disabled=step == total)  # fmt: skip
    charts.show(graph_figure(sweeps, mode, step), key=f"{P}_figure")
    st.markdown(_sentence(sweeps, mode, order, step))
    st.table(_table(sweeps, mode, order, step))
    constants = [n.name for n in sweeps.graph.nodes if n.kind == "constant"]
    if constants:
        st.caption(
            f"Constants ({', '.join(constants)}) are no step: their tangent is 0 and they "
            "take no adjoint."
        )
    if step == total:
        st.success(_verdict(sweeps, mode), icon=":material/check_circle:")


def _table(sweeps: GraphSweeps, mode: str, order: tuple[int, ...], step: int) -> pd.DataFrame:
    nodes, rows = sweeps.graph.nodes, []
    for k, index in enumerate(order):
        node, shown = nodes[index], k < step
        forward = sweeps.forward[index]
        row = {"node": node.name, "computes": f"{node.name} = {node.formula}"}
        if mode == "forward":
            row["value vᵢ"] = number(forward.value) if shown else WAITING
            row["tangent rule"] = forward.rule if shown else WAITING
            row["tangent v̇ᵢ"] = number(forward.tangent) if shown else WAITING
        else:
            reverse = sweeps.reverse[k]
            row["value vᵢ"] = number(forward.value)
            row["adjoint rule"] = reverse.rule if shown else WAITING
            row["adjoint v̄ᵢ"] = number(reverse.adjoint) if shown else WAITING
            row["sends back"] = _sends(reverse, node.kind) if shown else WAITING
        rows.append(row)
    return pd.DataFrame(rows).set_index("node")


def _sends(reverse, kind: str = "operation") -> str:
    if not reverse.contributions:
        return (
            "nothing: x is the input" if kind == "input" else "nothing (no derivative flows back)"
        )
    return "; ".join(f"{c.rule} (= {number(c.amount)})" for c in reverse.contributions)


def _sentence(sweeps: GraphSweeps, mode: str, order: tuple[int, ...], step: int) -> str:
    total = len(order)
    if step == 0:
        first = (
            "at the input x, with the seed v̇₀ = dx/dx = 1"
            if mode == "forward"
            else "at the output, with the seed v̄ = ∂f/∂f = 1 (the values are all computed first)"
        )
        return f"Press **Step** to begin {first}. {total} steps in all."
    index = order[step - 1]
    node = sweeps.graph.nodes[index]
    head = f"**Step {step} of {total}:** "
    if mode == "forward":
        row = sweeps.forward[index]
        if node.kind == "input":
            return (
                head + f"the input {node.name} = x = {number(row.value)}, seeded with {row.rule}."
            )
        return head + (
            f"{node.name} = {node.formula} = {number(row.value)}, and its tangent "
            f"{row.rule} = {number(row.tangent)}."
        )
    row = sweeps.reverse[step - 1]
    bar = adjoint_of(node.name)
    if index == sweeps.graph.output:
        text = f"the seed {row.rule.removeprefix(bar + ' = ')}: {bar} = ∂f/∂f at the output"
    elif len(row.received) > 1:
        parts = " + ".join(number(c.amount) for c in row.received)
        text = (
            f"all {len(row.received)} uses of {node.name} have sent their share, so "
            f"{row.rule.split(' (from')[0]} = {parts} = {number(row.adjoint)} is complete"
        )
    elif not row.received:
        text = f"{bar} = 0: no adjoint reaches {node.name} (f does not change with it)"
    else:
        text = f"{row.rule} = {number(row.adjoint)} is complete"
    if row.contributions:
        text += f"; it sends back {_sends(row)}"
    elif node.kind == "input":
        text += f": {bar} = ∂f/∂x = f′(x₀)"
    return head + text + "."


def _verdict(sweeps: GraphSweeps, mode: str) -> str:
    ours = sweeps.forward_derivative if mode == "forward" else sweeps.reverse_derivative
    theirs = sweeps.derivative
    if math.isnan(ours) and math.isnan(theirs):
        return "f′(x₀) is undefined here: the sweep gives nan, and so does jax.grad."
    if ours == theirs:
        return f"f′(x₀) = {number(ours)} — equal to jax.grad's {number(theirs)}."
    if math.isfinite(ours) and math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-300):
        return (
            f"f′(x₀) = {number(ours, '.17g')} — equal to jax.grad's {number(theirs, '.17g')} "
            f"to rounding (the last digits differ: the sums are added in another order)."
        )
    return f"f′(x₀) = {number(ours)} by this sweep, but jax.grad gives {number(theirs)}."
