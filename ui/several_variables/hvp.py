"""Section: Hessian-vector products by forward-over-reverse: checked, timed, used by Newton-CG."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.several_variables.hvp_figures import cost_figure
from core.several_variables.hvp_newton import BFGS_LIMIT, DIMENSIONS, START
from ui import charts
from ui import several_variables_cached as cached
from ui.several_variables.inputs import (
    SECTION_WIDGET,
    coordinate_input,
    function_input,
    point_inputs,
    scalar_function,
)
from ui.widgets import example_picker, matrix_table, number

P = "v_hv"  # the URL names: v_hvf, v_hvx, v_hvy, v_hvz (p), v_hvvx, v_hvvy, v_hvvz (v), v_hvd (d)
XYZ = cached.XYZ
DEFAULT_F = "100(y - x^2)^2 + (1 - x)^2 + 100(z - y^2)^2 + (1 - y)^2"
EXAMPLES = {
    DEFAULT_F: "extended Rosenbrock, 3 variables: H v = (402, 202, −200) at p = v = (1, 1, 1)",
    "x y z": "H has zeros on its diagonal: H v = (z v₂ + y v₃, …)",
    "exp(x + 2y) - z^3": "H v = e^(x+2y) (v₁ + 2v₂) (1, 2, 0) − 6z v₃ e₃",
}
DEFAULT_D = 100
OLD_LINKS = {}  # no link was written before this section


def render() -> None:
    st.markdown(
        "Reverse mode gives ∇f in one sweep; a forward sweep through that sweep along v gives "
        "its directional derivative, d/dt ∇f(p + t v) = H(p) v: `jax.jvp(jax.grad(f), (p,), "
        "(v,))`. H is never formed, so the cost stays a small multiple of evaluating f, "
        "whatever the number of variables."
    )
    c = st.columns([3, 1, 1, 1])
    text = function_input(
        c[0], "f(x, y, z) =", f"{P}f", DEFAULT_F, "e.g. 100(y - x^2)^2 + (1 - x)^2 + z^2"
    )
    point = point_inputs(c[1:], P, (1.0, 1.0, 1.0), XYZ)
    d = st.columns([3, 1, 1, 1])
    example_picker(d[0], EXAMPLES, P)
    vector = tuple(
        float(coordinate_input(column, f"Vector v: v{sub}", f"{P}v{name}", 1.0))
        for column, name, sub in zip(d[1:], XYZ, "₁₂₃", strict=True)
    )
    parsed = scalar_function(text, XYZ, key=f"{P}f", default=DEFAULT_F)
    st.latex(rf"f(x, y, z) = {parsed.latex}")
    try:
        product, hessian = cached.hessian_times_vector(parsed.text, point, vector)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
    else:
        if not _product(product, hessian, vector):
            st.error(
                f"f or its second derivatives are not defined at p = {point}: H v is "
                "undefined there. Choose a point inside f's domain.",
                icon=":material/error:",
            )
    _cost()
    _newton()


def _product(product: np.ndarray, hessian: np.ndarray, vector: tuple[float, ...]) -> bool:
    """The HVP beside H v; False (and a sentence) where f or H is undefined at p."""
    formed = hessian @ np.asarray(vector)
    if not (np.isfinite(product).all() and np.isfinite(formed).all()):
        return False
    gap = float(np.max(np.abs(product - formed)))
    left, right = st.columns([3, 2])
    with left:
        st.table(
            pd.DataFrame(
                {"H v (forward-over-reverse)": [number(v) for v in product],
                 "H formed (core.hessian), then H @ v": [number(v) for v in formed]},
                index=["x", "y", "z"],
            )
        )  # fmt: skip
    with right:
        st.markdown("**H** (formed, d² numbers: for checking)")
        matrix_table(hessian, ["∂/∂x", "∂/∂y", "∂/∂z"], ["∂x", "∂y", "∂z"])
    st.caption(
        f"max |HVP − H v| = {gap:.1e}: the same vector, up to rounding. The HVP took one "
        "forward-over-reverse sweep; forming H took d = 3 of them (one per column)."
    )
    return True


def _cost() -> None:
    st.subheader("The cost: n against n²")
    cost = cached.hvp_cost_measured()
    charts.show(cost_figure(cost), key=f"{P}_cost")
    rows = [
        {"n": f"{p.n:,}", "HVP (ms)": f"{1e3 * p.product_seconds:.3g}",
         "form H, then H v (ms)": "—" if np.isnan(p.formed_seconds)
         else f"{1e3 * p.formed_seconds:.3g}",
         "H would take": _bytes(8.0 * p.n * p.n),
         "max |HVP − H v|": "—" if np.isnan(p.max_difference) else f"{p.max_difference:.1e}"}
        for p in sorted(cost.points)
    ]  # fmt: skip
    st.table(pd.DataFrame(rows).set_index("n"))
    st.caption(
        "On the extended Rosenbrock f(x) = Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² of n "
        "variables, at p spread over [−1, 1] and v = (1, …, 1), compiled with jax.jit, "
        "measured on this server once (the median of the second and later calls). Fitted "
        f"slopes on log-log axes: HVP **{cost.product_slope:.2f}** over n = "
        f"{_sizes(cost.product_fit)} (≈ 1: time ∝ n), forming H **{cost.formed_slope:.2f}** "
        f"over n = {_sizes(cost.formed_fit)} (≈ 2: ∝ n²). At small n both lines are flat: "
        "a call's fixed cost hides the arithmetic."
    )


def _newton() -> None:
    st.subheader("Newton-CG from Hessian-vector products only")
    d = st.select_slider(
        "Variables d of the extended Rosenbrock", DIMENSIONS, value=DEFAULT_D, key=f"{P}d",
        **SECTION_WIDGET,
    )  # fmt: skip
    result = cached.newton_against_bfgs(int(d))
    start = f"{START:g}".replace("-", "−")
    rows = [_run_row(result.newton_cg, "none: H v from forward-over-reverse")]
    if result.bfgs is not None:
        rows.append(_run_row(result.bfgs, f"a {d} × {d} inverse-Hessian estimate"))
    st.table(pd.DataFrame(rows).set_index("method"))
    st.caption(
        'scipy.optimize.minimize(method="Newton-CG", jac=True, hessp=HVP): each Newton step '
        "H s = −∇f is solved by conjugate gradients, which need only products H v. From "
        f"x₀ = ({start}, …, {start}) to x* = (1, …, 1); times measured on this server, "
        "compiled functions warm. "
        + (
            f"BFGS is run up to d = {BFGS_LIMIT}: SciPy updates its d × d matrix by matrix "
            "products, d³ operations an iteration, and it needs several iterations per "
            "variable here."
            if result.bfgs is None
            else "BFGS needs no Hessian but stores and updates a dense d × d matrix."
        )
    )


def _run_row(run, stored: str) -> dict:
    return {
        "method": run.method, "iterations": run.iterations, "f and ∇f evaluations":
        run.gradient_calls, "HVP calls": run.hvp_calls, "matrix stored": stored,
        "max |x − 1| at the end": f"{run.error:.1e}",
        "converged": "yes" if run.converged else f"no: {run.message}",
        "time (ms)": f"{1e3 * run.seconds:.0f}",
    }  # fmt: skip


def _bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.0f} B"


def _sizes(sizes: tuple[int, ...]) -> str:
    return ", ".join(f"{n:,}" for n in sizes)
