"""Section: three variables: the gradient of f(x, y, z), with JAX's and PyTorch's code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.several_variables.code_view import three_variables_code
from ui import several_variables_cached as cached
from ui import symbolic_jobs
from ui.several_variables.inputs import function_input, point_inputs, scalar_function
from ui.widgets import code_behind, difference, number

P = "v_t"  # the URL names: v_tf, v_tx, v_ty, v_tz
XYZ = cached.XYZ
DEFAULT_F = "x^3 + 2y^2 - 3z + 1"
OLD_LINKS = {}  # every value is written as old links wrote it


def render() -> None:
    st.markdown(
        "The PyTorch lecture's f(x, y) = x³ + 2y₀² − 3y₁ + 1 at x = 1, y = (2, 3): "
        "`.backward()` gives x.grad = 3 and y.grad = [8, −3]. With z for y₁ and y for y₀, "
        "it is f(x, y, z) below, and its gradient is (3, 8, −3)."
    )
    c = st.columns([3, 1, 1, 1])
    text = function_input(c[0], "f(x, y, z) =", f"{P}f", DEFAULT_F, "e.g. x^3 + 2y^2 - 3z + 1")
    point = point_inputs(c[1:], P, (1.0, 2.0, 3.0), XYZ)
    parsed = scalar_function(text, XYZ, key=f"{P}f", default=DEFAULT_F)
    try:
        partials = cached.partials_at(parsed.text, XYZ, point)
    except ValueError as error:
        st.error(str(error), icon=":material/error:")
        return
    job = cached.symbolic_partials_job(parsed, point)
    drawn = job.done  # read once: a job done later is polled, not lost
    exact = job.value() if drawn else None
    st.markdown(f"f{point} = **{number(partials.value)}**")
    rows = []
    for i, name in enumerate(XYZ):
        sym = None if exact is None or exact.gradient is None else float(exact.gradient[i])
        ad, fd = float(partials.ad[i]), float(partials.finite_differences[i])
        rows.append(
            {"": f"∂f/∂{name}", "AD (JAX)": number(ad), "symbolic (SymPy)": number(sym),
             "finite differences": number(fd), "AD − SymPy": difference(ad, sym),
             "FD − SymPy": difference(fd, sym)}
        )  # fmt: skip
    st.table(pd.DataFrame(rows).set_index(""))
    if exact is not None and exact.gradient_latex:
        # A table shows text, not TeX: SymPy's formulas are typeset here instead.
        st.latex(
            r",\qquad ".join(
                rf"\frac{{\partial f}}{{\partial {name}}} = {formula}"
                for name, formula in zip(XYZ, exact.gradient_latex, strict=True)
            )
        )
    if exact is not None and exact.message:
        st.info(exact.message, icon=":material/hourglass_disabled:")
    symbolic_jobs.when_pending([] if drawn else [job])
    jax_source, torch_source = three_variables_code(parsed, point)
    code_behind(
        ("JAX: jax.grad with argnums=(0, 1, 2)", jax_source),
        ("PyTorch (as text: not run here): .backward() fills .grad", torch_source),
    )
