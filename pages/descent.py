"""Descent trajectories: optimizers racing on 2-D surfaces, with and without exact derivatives."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import ExpressionError
from core.descent.figures import contour_figure, loss_figure
from core.descent.optimizers import ALGORITHMS
from core.descent.scipy_methods import SCIPY_METHODS
from core.descent.surfaces import SURFACE_NAMES, surface
from ui import descent_cached as cached
from ui.animation import animate
from ui.cached import parse as parse_typed
from ui.widgets import expression_error

P = "descent_"
CUSTOM = "your own f(x, y)"
RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5]
DEFAULT_CHOICE = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]
NEEDS_HESSIAN = ("Newton-CG", "trust-ncg", "dogleg")


def _reset_start() -> None:
    for key in (f"{P}x0", f"{P}y0", f"{P}animation_step"):
        st.session_state.pop(key, None)


st.title("Descent trajectories")
st.caption(
    "Optimizers follow the gradient (and some the Hessian) downhill. All of them start at "
    "the same point; click anywhere on the contour plot to start there instead."
)
c1, c2, c3 = st.columns([2, 2, 3])
name = c1.selectbox(
    "Surface", [*SURFACE_NAMES, CUSTOM], key=f"{P}surface", on_change=_reset_start
)  # fmt: skip
condition = c2.select_slider(
    "Condition number κ (bowl)", [1, 3, 10, 30, 100, 1000, 10000], 10, key=f"{P}kappa",
    on_change=_reset_start, disabled=name != "bowl",
)  # fmt: skip
base = surface("rosenbrock" if name == CUSTOM else name, float(condition))
text = base.text
if name == CUSTOM:
    text = c3.text_input(
        "f(x, y) =", "(x - 1)^2 + 3(y + x^2/2)^2", key=f"{P}custom", on_change=_reset_start
    )  # fmt: skip
else:
    c3.markdown(f"**f(x, y) =** `{base.text}`  \n{base.note}")
try:
    parsed = parse_typed(text, ("x", "y"))
    if parsed.parameters:
        raise ExpressionError(
            f"Use only x and y here; replace {', '.join(parsed.parameters)} by numbers.", None
        )
except ExpressionError as error:
    expression_error(text, error)
    st.stop()

st.session_state.setdefault(f"{P}x0", float(base.start[0]))
st.session_state.setdefault(f"{P}y0", float(base.start[1]))
d1, d2, d3 = st.columns([1, 1, 4])
x0 = d1.number_input("Start x", key=f"{P}x0", step=0.1, format="%.3f")
y0 = d2.number_input("Start y", key=f"{P}y0", step=0.1, format="%.3f")
chosen = d3.multiselect(
    "Optimizers", [*ALGORITHMS, *SCIPY_METHODS], DEFAULT_CHOICE, key=f"{P}methods"
)  # fmt: skip
with st.expander("Settings", icon=":material/tune:"):
    e = st.columns(5)
    gd_rate = e[0].select_slider("GD / BB step", RATES, 1e-3, key=f"{P}gd_rate")
    momentum_rate = e[1].select_slider("Momentum / Nesterov step", RATES, 1e-3, key=f"{P}m_rate")
    momentum = e[2].slider("Momentum β", 0.0, 0.99, 0.9, key=f"{P}momentum")
    adam_rate = e[3].select_slider("Adam / RMSProp step", RATES, 3e-2, key=f"{P}adam_rate")
    max_iter = e[4].slider("Iteration cap", 10, 5000, 1000, key=f"{P}max_iter")
    exact = st.toggle(
        "SciPy methods get JAX's exact gradient (and Hessian where used)", True, key=f"{P}exact"
    )  # fmt: skip

settings = {
    "gd": {"learning_rate": gd_rate},
    "bb": {"learning_rate": gd_rate},
    "momentum": {"learning_rate": momentum_rate, "momentum": momentum},
    "nesterov": {"learning_rate": momentum_rate, "momentum": momentum},
    "adam": {"learning_rate": adam_rate},
    "rmsprop": {"learning_rate": adam_rate},
}
methods = []
for method in chosen:
    options = dict(settings.get(method, {}))
    if method in SCIPY_METHODS:
        # Newton-CG, trust-ncg and dogleg cannot run without the exact gradient.
        options["use_grad"] = exact or method in NEEDS_HESSIAN
        options["use_hess"] = method in NEEDS_HESSIAN and (exact or method == "dogleg")
    methods.append((method, tuple(sorted(options.items()))))

start = (float(x0), float(y0))
results = cached.paths(parsed.text, start, tuple(methods), int(max_iter))
xs, ys, z = cached.grid(parsed.text, base.x_range, base.y_range)
longest = max((len(t.points) for t in results.values()), default=1) - 1


def render(step: int) -> None:
    left, right = st.columns([3, 2])
    event = left.plotly_chart(
        contour_figure(
            xs, ys, z, {k: t.points for k, t in results.items()}, step,
            base.minima if name != CUSTOM else (), base.log_contours,
        ),
        on_select="rerun", selection_mode="points", key=f"{P}contour",
    )  # fmt: skip
    right.plotly_chart(loss_figure({k: t.values for k, t in results.items()}, step))
    points = event.selection.points if event and event.selection else []
    if points:
        st.session_state[f"{P}x0"] = round(float(points[0]["x"]), 3)
        st.session_state[f"{P}y0"] = round(float(points[0]["y"]), 3)
        st.session_state.pop(f"{P}contour", None)
        st.rerun(scope="app")


animate(f"{P}animation", max(longest, 1), render, stride=max(1, longest // 60))

minima = np.asarray(base.minima if name != CUSTOM else [], dtype=np.float64)


def _distance(point: np.ndarray) -> str:
    if not len(minima):
        return "—"
    return f"{np.min(np.linalg.norm(minima - point, axis=1)):.2e}"


st.dataframe(
    [
        {"optimizer": label, "nit": t.nit, "nfev": t.nfev, "njev": t.njev, "nhev": t.nhev,
         "final f": f"{t.values[-1]:.6g}", "distance to minimum": _distance(t.points[-1]),
         "converged": "yes" if t.converged else "no"}
        for label, t in results.items()
    ],
    hide_index=True,
)  # fmt: skip
counts = "nit: steps taken; nfev, njev, nhev: evaluations of f, its gradient and its Hessian."
if any(label in SCIPY_METHODS for label in results):
    counts += (
        " For SciPy's methods these are SciPy's own counts, as its OptimizeResult prints them "
        "in a notebook. Left out: the app's check of the start point (f there, and the "
        "gradient where SciPy was given it) and, for the trust-region methods, the Hessian "
        "SciPy computes for its result."
    )
st.caption(counts)
for label, trajectory in results.items():
    if not trajectory.converged:
        st.warning(f"**{label}**: {trajectory.message}", icon=":material/info:")

# Only methods that can take either an exact or a differenced gradient: not Nelder-Mead
# (it uses no gradient), not the Hessian methods (they refuse to run without the exact one).
scipy_chosen = [
    m for m in chosen
    if m in SCIPY_METHODS and m not in NEEDS_HESSIAN and SCIPY_METHODS[m].uses_gradient
]  # fmt: skip
if scipy_chosen:
    st.subheader("The same SciPy method with and without exact derivatives")
    both = []
    for method in scipy_chosen:
        for use_grad in (True, False):
            label = f"{method} ({'JAX gradient' if use_grad else 'finite differences'})"
            both.append((label, (("method", method), ("use_grad", use_grad))))
    compared = cached.paths(parsed.text, start, tuple(both), int(max_iter))
    st.dataframe(
        [
            {"method": label, "nit": t.nit, "nfev": t.nfev, "njev": t.njev,
             "final f": f"{t.values[-1]:.6g}", "distance to minimum": _distance(t.points[-1])}
            for label, t in compared.items()
        ],
        hide_index=True,
    )  # fmt: skip
    st.caption(
        "Without the exact gradient SciPy estimates it by 2-point finite differences: "
        "2 more values of f per gradient (one per coordinate, here x and y), which SciPy "
        "counts in nfev; njev then counts the gradients it estimated."
    )
