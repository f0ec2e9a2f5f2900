"""Section: implicit differentiation of a root, and of a matrix inverse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.beyond_grad.code_typed import implicit_code
from core.beyond_grad.code_view import inverse_code
from core.beyond_grad.figures import root_figure
from ui import beyond_grad_cached as cached
from ui import charts, url_state
from ui.several_variables.inputs import scalar_function
from ui.widgets import code_behind, matrix_table, number

P = "bg_i_"
NAMES = ("x", "a")
DEFAULTS = {
    f"{P}f": "a x^3 - x - 2", f"{P}a": 2.0, f"{P}low": 1.0, f"{P}high": 2.0,
    **{f"{P}A{i}": v for i, v in enumerate((2.0, 1.0, 1.0, 3.0))},
    **{f"{P}dA{i}": v for i, v in enumerate((1.0, 0.0, 0.0, 0.0))},
}  # fmt: skip
FIELDS = [
    url_state.Field("b_if", f"{P}f", lambda text: text[:500]),
    *(
        url_state.Field(f"b_i{name}", f"{P}{name}", url_state.finite, url_state.write_number)
        for name in (
            "a",
            "low",
            "high",
            *(f"A{i}" for i in range(4)),
            *(f"dA{i}" for i in range(4)),
        )
    ),
]


def render() -> None:
    st.markdown(
        "A root x*(a) of F(x, a) = 0 found by a solver has no formula to differentiate. "
        "Differentiating F(x*(a), a) = 0 gives the implicit function theorem: "
        "dx*/da = −(∂F/∂a) / (∂F/∂x) at the root, with both partials by JAX."
    )
    c = st.columns([3, 1, 1, 1])
    text = c[0].text_input(
        "F(x, a) =", key=f"{P}f", help="e.g. a x^3 - x - 2, x^2 - a, cos(x) - a x"
    )
    a = c[1].number_input("a", key=f"{P}a", step=0.1, format="%.3f")
    low = c[2].number_input("bracket: x from", key=f"{P}low", step=0.1, format="%.3f")
    high = c[3].number_input("bracket: x to", key=f"{P}high", step=0.1, format="%.3f")
    parsed = scalar_function(text, NAMES, key=f"{P}f", default=DEFAULTS[f"{P}f"])
    if parsed is not None:
        bracket = (float(low), float(high))
        try:
            report = cached.root_report(parsed.text, float(a), bracket)
            curve = cached.root_curve(parsed.text, float(a), bracket)
        except ValueError as error:
            st.error(str(error), icon=":material/error:")
        else:
            _root(report, curve)
            code_behind(("JAX and SciPy: the root by brentq, its derivative by the theorem",
                         implicit_code(parsed, "x", "a", float(a), bracket)))  # fmt: skip
    _inverse()


def _root(report, curve) -> None:
    left, right = st.columns([2, 3])
    rows = [
        ("root x*(a) (scipy brentq)", report.root, ""),
        ("dx*/da: implicit function theorem", report.implicit,
         "−(∂F/∂a)/(∂F/∂x), exact up to rounding"),
        ("dx*/da: central difference of roots", report.finite_difference,
         f"step {report.fd_step:.1e} in a; error ~ step²"),
        ("dx*/da: AD through the bisection", report.through_bisection,
         f"jax.grad through {report.bisection_iterations} unrolled bisection steps: "
         "each iterate is a midpoint of constants, so the answer says nothing"),
        ("∂F/∂x at the root (JAX)", report.dF_dx, ""),
        ("∂F/∂a at the root (JAX)", report.dF_da, ""),
    ]  # fmt: skip
    left.table(
        pd.DataFrame(
            [
                {"": name, "value": number(value, ".15g" if i == 0 else ".10g"), "how": how}
                for i, (name, value, how) in enumerate(rows)
            ]
        ).set_index("")
    )
    with right:
        charts.show(root_figure(curve, report), key=f"{P}root")
    st.caption(
        "For the lecture's F = a x³ − x − 2 at a = 2 this is −0.2213991627 in float64; the "
        "lecture's float32 printout reads −0.22139914."
    )


def _inverse() -> None:
    st.subheader("The same idea for a matrix inverse")
    st.markdown(
        "Differentiating A A⁻¹ = I gives ∂(A⁻¹) = −A⁻¹ (∂A) A⁻¹: no need to differentiate "
        "through the solver that inverted A. Checked against jax.jacfwd(jnp.linalg.inv)."
    )
    c = st.columns(8)
    values = [
        float(c[i].number_input(label, key=f"{P}{key}", step=0.1, format="%.2f"))
        for i, (label, key) in enumerate(
            [(f"A{'₁₂'[k // 2]}{'₁₂'[k % 2]}", f"A{k}") for k in range(4)]
            + [(f"∂A{'₁₂'[k // 2]}{'₁₂'[k % 2]}", f"dA{k}") for k in range(4)]
        )
    ]
    A, dA = tuple(values[:4]), tuple(values[4:])
    try:
        result = cached.inverse_derivative(A, dA)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    columns = st.columns(3)
    for column, (title, matrix) in zip(
        columns,
        [("A⁻¹", result.inverse), ("−A⁻¹ (∂A) A⁻¹", result.formula),
         ("jax.jacfwd(jnp.linalg.inv)(A) · ∂A", result.by_jacfwd)],
        strict=True,
    ):  # fmt: skip
        with column:
            st.markdown(f"**{title}**")
            matrix_table(np.asarray(matrix), ["row 1", "row 2"], ["col 1", "col 2"])
    st.caption(f"max |formula − jacfwd| = {result.max_difference:.1e}")
    code_behind(("JAX: the derivative of the inverse two ways",
                 inverse_code(np.reshape(A, (2, 2)), np.reshape(dA, (2, 2)))))  # fmt: skip
