"""Descent trajectories: optimizers racing on 2-D surfaces, with and without exact derivatives."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import ExpressionError
from core.descent.figures import contour_figure, loss_figure
from core.descent.optimizers import ALGORITHMS
from core.descent.scipy_methods import SCIPY_METHODS
from core.descent.surfaces import SURFACE_NAMES, surface
from core.descent.trajectory import Trajectory
from ui import charts, instructor, old_links
from ui import descent_cached as cached
from ui.animation import animate
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.widgets import expression_error

P = "descent_"  # the keys of what is not in the link: the animation, the chart, the last good f
CUSTOM = "your own f(x, y)"
CUSTOM_DEFAULT = "(x - 1)^2 + 3(y + x^2/2)^2"
CONDITIONS = [1, 3, 10, 30, 100, 1000, 10000]
RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5]
RATE_KEYS = ("g_gd", "g_mr", "g_ar")
NEEDS_HESSIAN = ("Newton-CG", "trust-ncg", "dogleg")
METHOD_NAMES = [*ALGORITHMS, *SCIPY_METHODS]
DEFAULT_METHODS = ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]
# The view is in the link: each control is bound under its URL name (its key), and a value
# equal to its default is left out. persist_state="session": the chosen surface, start,
# optimizers and settings are still there after a visit to another page and back, and a
# typed f after another surface and back.
BOUND = {"bind": "query-params", "persist_state": "session"}

# Links written before the binding: a typed surface as "custom" (the picker shows and
# writes its option), the optimizers as "gd,adam" (the name now repeats), switches as 1/0.
old_links.upgrade(
    {
        "g_s": old_links.codes({"custom": CUSTOM}),
        "g_m": old_links.listed(),
        "g_exact": old_links.SWITCH,
        "g_fit": old_links.SWITCH,
    }
)


def _start_of(name: str) -> tuple[float, float]:
    """The surface's own start point (a typed f starts where Rosenbrock does)."""
    start = surface("rosenbrock" if name == CUSTOM else name).start
    return float(start[0]), float(start[1])


def _reset_start() -> None:
    """A new surface starts at its own start point, shown finished; the start inputs'
    default is that point too, so the start leaves the link."""
    st.session_state["g_x"], st.session_state["g_y"] = _start_of(st.session_state["g_s"])
    st.session_state.pop(f"{P}animation_step", None)


def _start_at_click() -> None:
    """Start where the contour plot was clicked. A callback runs before any widget of the run
    exists, so it may set the start inputs' values (and with them the link), whichever
    rerun brings the click."""
    points = st.session_state[f"{P}contour"].selection.points
    if points:
        st.session_state["g_x"] = round(float(points[0]["x"]), 3)
        st.session_state["g_y"] = round(float(points[0]["y"]), 3)
        st.session_state[f"{P}clicked"] = True


def _fit_switched() -> None:
    """Fitted steps turned off: the fitted values become the person's own, in the link
    (while fitted, the step sliders are not bound: fitted steps follow f, not the link)."""
    if not st.session_state["g_fit"]:
        for key in RATE_KEYS:
            st.session_state[key] = st.session_state[key]


def _including(bounds: tuple[float, float], value: float) -> tuple[float, float]:
    """`bounds` widened, where needed, to show `value` with a tenth of the width to spare."""
    low, high = bounds
    spare = 0.1 * (high - low)
    return min(low, value - spare), max(high, value + spare)


def _report_endings(results: dict[str, Trajectory], max_iter: int) -> None:
    """Why each unfinished run stopped: one line for every run the iteration cap stopped
    (the usual ending on a hard surface, not an alarm), a notice for each other ending."""
    capped = {
        label: t for label, t in results.items() if not t.converged and t.nit >= max_iter
    }  # fmt: skip
    if capped:
        names = ", ".join(f"{label} (final f {t.values[-1]:.3g})" for label, t in capped.items())
        st.info(
            f"Stopped at the iteration cap ({max_iter:,} steps) before converging: {names}. "
            "A larger cap or step size (Settings) lets them go on; Play shows how far each got.",
            icon=":material/info:",
        )
    for label, trajectory in results.items():
        if not trajectory.converged and label not in capped:
            st.warning(f"**{label}**: {trajectory.message}", icon=":material/info:")


st.title("Descent trajectories")
st.caption(
    "Optimizers follow the gradient (and some the Hessian) downhill. All of them start at "
    "the same point; click anywhere on the contour plot to start there instead."
)
c1, c2, c3 = st.columns([2, 2, 3])
name = c1.selectbox(
    "Surface", [*SURFACE_NAMES, CUSTOM], key="g_s", on_change=_reset_start, **BOUND
)  # fmt: skip
# κ is drawn for every surface (disabled but the bowl's), in the link only for the bowl.
condition = c2.select_slider(
    "Condition number κ (bowl)", CONDITIONS, value=10, key="g_k", on_change=_reset_start,
    disabled=name != "bowl", bind="query-params" if name == "bowl" else None,
    persist_state="session",
)  # fmt: skip
base = surface("rosenbrock" if name == CUSTOM else name, float(condition))
text = base.text
if name == CUSTOM:
    text = c3.text_input(
        "f(x, y) =", CUSTOM_DEFAULT, key="g_f", max_chars=500, on_change=_reset_start, **BOUND
    )  # fmt: skip
else:
    c3.markdown(f"**f(x, y) =** `{base.text}`  \n{base.note}")


def _typed(text: str):
    """The typed f, or None after saying what is wrong with it."""
    try:
        parsed = parse_typed(text, ("x", "y"))
        show_reading(parsed)
        if parsed.parameters:
            raise ExpressionError(
                f"Use only x and y here; replace {', '.join(parsed.parameters)} by numbers.", None
            )
    except ExpressionError as error:
        expression_error(text, error)
        return None
    return parsed


# A typo keeps the last f that worked (as the Explorer does): every widget below stays
# drawn with its value, however many typos come before the next good f.
parsed = _typed(text)
if parsed is None:
    good = st.session_state.get(f"{P}last_good", CUSTOM_DEFAULT)
    st.caption(f"Still showing the last function that worked: `{good}`")
    parsed = parse_typed(good, ("x", "y"))
elif name == CUSTOM:
    st.session_state[f"{P}last_good"] = text

d1, d2, d3 = st.columns([1, 1, 4])
# The default start is the surface's own: a link that names only the surface starts there,
# and a start point (typed or clicked) is in the link only where it differs.
x0 = d1.number_input(
    "Start x", value=float(base.start[0]), key="g_x", step=0.1, format="%.3f", **BOUND
)  # fmt: skip
y0 = d2.number_input(
    "Start y", value=float(base.start[1]), key="g_y", step=0.1, format="%.3f", **BOUND
)  # fmt: skip
chosen = d3.multiselect("Optimizers", METHOD_NAMES, DEFAULT_METHODS, key="g_m", **BOUND)
# A typed f has no window or tuned steps of its own: both are fitted to it, from the
# surface's usual start (so a click elsewhere does not move the window under the mouse).
fit = cached.fitted_view(parsed.text, base.start, tuple(RATES)) if name == CUSTOM else None
with st.expander("Settings", icon=":material/tune:"):
    fitted = fit is not None and st.toggle(
        "Step sizes fitted to f (from its curvature)", True, key="g_fit",
        on_change=_fit_switched, help="Off: choose the step sizes yourself.", **BOUND,
    )  # fmt: skip
    if fitted:
        for rate_key, rate in zip(
            RATE_KEYS, (fit.learning_rate, fit.learning_rate, fit.adaptive_rate), strict=True
        ):
            st.session_state[rate_key] = rate
    # Fitted steps follow f, not the link: while fitted, the step sliders are not bound.
    rates = {"bind": None if fitted else "query-params", "persist_state": "session"}
    e = st.columns(5)
    gd_rate = e[0].select_slider(
        "GD / BB step", RATES, value=1e-3, key="g_gd", disabled=fitted, **rates
    )  # fmt: skip
    momentum_rate = e[1].select_slider(
        "Momentum / Nesterov step", RATES, value=1e-3, key="g_mr", disabled=fitted, **rates
    )  # fmt: skip
    momentum = e[2].slider("Momentum β", 0.0, 0.99, 0.9, key="g_mb", **BOUND)
    adam_rate = e[3].select_slider(
        "Adam / RMSProp step", RATES, value=3e-2, key="g_ar", disabled=fitted, **rates
    )  # fmt: skip
    max_iter = e[4].slider("Iteration cap", 10, 5000, 1000, key="g_n", **BOUND)
    exact = st.toggle(
        "SciPy methods get JAX's exact gradient (and Hessian where used)", True, key="g_exact",
        **BOUND,
    )  # fmt: skip
if fit is not None:
    st.caption(fit.sentence + ("" if fitted else " (Fitted steps are off: yours are used.)"))

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
if fit is None:
    x_range, y_range, known_minima = base.x_range, base.y_range, base.minima
else:
    x_range, y_range = _including(fit.x_range, start[0]), _including(fit.y_range, start[1])
    known_minima = () if fit.minimum is None else (fit.minimum,)
xs, ys, z = cached.grid(parsed.text, x_range, y_range)
longest = max((len(t.points) for t in results.values()), default=1) - 1


def render(step: int) -> None:
    left, right = st.columns([3, 2])
    with left:
        charts.show(
            contour_figure(
                xs, ys, z, {k: t.points for k, t in results.items()}, step,
                known_minima, base.log_contours,
            ),
            on_select=_start_at_click, selection_mode="points", key=f"{P}contour",
        )  # fmt: skip
    with right:
        charts.show(loss_figure({k: t.values for k, t in results.items()}, step), key=f"{P}loss")
    if st.session_state.get(f"{P}clicked"):
        st.rerun(scope="app")  # a click reruns only this fragment: the whole page must follow


if st.session_state.pop(f"{P}clicked", False):
    st.session_state.pop(f"{P}animation_step", None)  # a new start: show its run finished
# Play: about 25 frames for the whole run (Step: one iteration; the speed is adjustable).
animate(f"{P}animation", max(longest, 1), render, stride=max(1, longest // 25))

minima = np.asarray(known_minima, dtype=np.float64).reshape(-1, 2)


def _distance(point: np.ndarray) -> str:
    if not len(minima):
        return "—"
    return f"{np.min(np.linalg.norm(minima - point, axis=1)):.2e}"


instructor.table(
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
_report_endings(results, int(max_iter))

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
    instructor.table(
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
