"""Tab: logistic regression by Newton and by gradient descent against SciPy's BFGS, the
descent animated, and per-example gradients from vmap.

Every control is bound to the URL under its key (`r_...`, the names links used before).
"""

from __future__ import annotations

import streamlit as st

from core.regression.figures import (
    logistic_figure,
    logistic_loss_figure,
    per_example_table_figure,
)
from ui import charts, instructor, old_links
from ui import regression_cached as cached
from ui.animation import animate

PENALTIES = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
ANIMATED = {"newton": "newton", "gd": "gradient descent"}  # old link code -> option
BOUND = {"bind": "query-params"}
# Links written before the controls were bound named the animated method by its code and
# wrote λ = 1 as "1", where the select slider writes the option as it shows it ("1.0").
OLD_LINKS = {
    "r_anim": old_links.codes(ANIMATED),
    "r_lam": old_links.number_option(PENALTIES, str),
}


def render() -> None:
    """The logistic tab's controls, the animated fit, its table and per-example gradients."""
    c = st.columns(4)
    per_class = c[0].slider("Points per class", 5, 200, 40, key="r_per", **BOUND)
    separation = c[1].slider("Separation", 0.0, 6.0, 3.0, 0.25, key="r_sep", **BOUND)
    lam = c[2].select_slider("L2 penalty λ", PENALTIES, 1e-3, key="r_lam", **BOUND)
    method = c[3].radio("Animate", list(ANIMATED.values()), key="r_anim", horizontal=True, **BOUND)
    logistic, table = cached.logistic(per_class, separation, 0, lam)
    fit = logistic.newton if method == "newton" else logistic.gradient_descent

    def render_step(step: int) -> None:
        left, right = st.columns(2)
        with left:
            charts.show(logistic_figure(logistic, step, method), key="regression_chart_logistic")
        with right:
            charts.show(logistic_loss_figure(logistic), key="regression_chart_logistic_loss")

    # The animation's progress is not part of the link: a link opens on the finished run.
    animate("regression_logistic", fit.iterations, render_step, stride=max(1, fit.iterations // 40))
    instructor.table(
        [
            {"method": f.method, "iterations": f.iterations, "final loss": f"{f.final_loss:.8g}",
             "distance to BFGS": f"{f.distance:.2e}", "converged": "yes" if f.converged else "no"}
            for f in (logistic.newton, logistic.gradient_descent)
        ]
        + [{"method": "scipy BFGS (exact gradient)", "iterations": logistic.bfgs.iterations,
            "final loss": f"{logistic.bfgs.loss:.8g}", "distance to BFGS": "—",
            "converged": "yes" if logistic.bfgs.success else "no"}],
        hide_index=True,
    )  # fmt: skip
    st.markdown(
        "**Per-example gradients** — `jax.vmap(jax.grad(loss_of_one_example))` gives one "
        "gradient per point in one call; their mean is the full gradient."
    )
    charts.show(per_example_table_figure(table), key="regression_chart_per_example")
    st.page_link(
        "views/beyond_grad.py", label="More on per-example gradients and Hessians: Beyond grad",
        icon=":material/alt_route:", query_params={"b_s": "per_example"},
    )  # fmt: skip
