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
from ui import charts, instructor, url_state
from ui import descent_cached as cached
from ui.animation import animate
from ui.cached import parse as parse_typed
from ui.reading import show_reading
from ui.widgets import expression_error

P = "descent_"
CUSTOM = "your own f(x, y)"
CONDITIONS = [1, 3, 10, 30, 100, 1000, 10000]
RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5]
NEEDS_HESSIAN = ("Newton-CG", "trust-ncg", "dogleg")
METHOD_NAMES = [*ALGORITHMS, *SCIPY_METHODS]
SURFACES = {**{name: name for name in SURFACE_NAMES}, "custom": CUSTOM}  # URL code -> option
# The start point's default is the surface's own start: it is set below, once the surface is known.
DEFAULTS = {
    f"{P}surface": SURFACE_NAMES[0],
    f"{P}kappa": 10,
    f"{P}custom": "(x - 1)^2 + 3(y + x^2/2)^2",
    f"{P}methods": ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"],
    f"{P}gd_rate": 1e-3,
    f"{P}m_rate": 1e-3,
    f"{P}momentum": 0.9,
    f"{P}adam_rate": 3e-2,
    f"{P}max_iter": 1000,
    f"{P}exact": True,
    f"{P}fit": True,
}
RATE_KEYS = (f"{P}gd_rate", f"{P}m_rate", f"{P}adam_rate")
METHODS = {name: name for name in METHOD_NAMES}
read_rate = url_state.number_in(RATES)
# The view in the link; a value at its default is left out (see `_save`).
FIELDS = {
    "surface": url_state.Field(
        "g_s", f"{P}surface", url_state.label_of(SURFACES), url_state.write_label(SURFACES)
    ),
    "kappa": url_state.Field(
        "g_k", f"{P}kappa", url_state.number_in(CONDITIONS), url_state.write_number
    ),
    "custom": url_state.Field("g_f", f"{P}custom", lambda text: text[:500]),
    "x0": url_state.Field("g_x", f"{P}x0", url_state.finite, url_state.write_number),
    "y0": url_state.Field("g_y", f"{P}y0", url_state.finite, url_state.write_number),
    "methods": url_state.Field(
        "g_m", f"{P}methods", url_state.subset_of(METHODS), url_state.write_subset(METHODS)
    ),
    "gd_rate": url_state.Field("g_gd", f"{P}gd_rate", read_rate, url_state.write_number),
    "m_rate": url_state.Field("g_mr", f"{P}m_rate", read_rate, url_state.write_number),
    "momentum": url_state.Field(
        "g_mb", f"{P}momentum", url_state.number_between(0.0, 0.99, 0.01), url_state.write_number
    ),
    "adam_rate": url_state.Field("g_ar", f"{P}adam_rate", read_rate, url_state.write_number),
    "max_iter": url_state.Field("g_n", f"{P}max_iter", url_state.integer_between(10, 5000)),
    "exact": url_state.Field("g_exact", f"{P}exact", url_state.switch, url_state.write_switch),
    "fit": url_state.Field("g_fit", f"{P}fit", url_state.switch, url_state.write_switch),
}
url_state.restore("descent", list(FIELDS.values()), DEFAULTS)


def _reset_start() -> None:
    for key in (f"{P}x0", f"{P}y0", f"{P}animation_step"):
        st.session_state.pop(key, None)


def _start_at_click() -> None:
    """Start where the contour plot was clicked. A callback runs before any widget of the run
    exists, so it may set the start inputs' values, whichever rerun brings the click."""
    points = st.session_state[f"{P}contour"].selection.points
    if points:
        st.session_state[f"{P}x0"] = round(float(points[0]["x"]), 3)
        st.session_state[f"{P}y0"] = round(float(points[0]["y"]), 3)
        st.session_state[f"{P}clicked"] = True


def _save(name: str, start: tuple[float, float], fitted: bool) -> None:
    """Put the view in the URL: only what differs from the defaults, and the condition
    number, the typed f and its fitted step sizes only where the surface uses them."""
    unused = {"kappa"} if name != "bowl" else set()
    unused |= {"custom", "fit"} if name != CUSTOM else set()
    unused |= {"gd_rate", "m_rate", "adam_rate"} if fitted else set()
    fields = [field for key, field in FIELDS.items() if key not in unused]
    defaults = {**DEFAULTS, f"{P}x0": start[0], f"{P}y0": start[1]}
    url_state.save(fields, defaults=defaults)


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
    "Surface", list(SURFACES.values()), key=f"{P}surface", on_change=_reset_start
)  # fmt: skip
condition = c2.select_slider(
    "Condition number κ (bowl)", CONDITIONS, key=f"{P}kappa", on_change=_reset_start,
    disabled=name != "bowl",
)  # fmt: skip
base = surface("rosenbrock" if name == CUSTOM else name, float(condition))
text = base.text
if name == CUSTOM:
    text = c3.text_input("f(x, y) =", key=f"{P}custom", on_change=_reset_start)
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
    good = st.session_state.get(f"{P}last_good", DEFAULTS[f"{P}custom"])
    st.caption(f"Still showing the last function that worked: `{good}`")
    parsed = parse_typed(good, ("x", "y"))
elif name == CUSTOM:
    st.session_state[f"{P}last_good"] = text

st.session_state.setdefault(f"{P}x0", float(base.start[0]))
st.session_state.setdefault(f"{P}y0", float(base.start[1]))
d1, d2, d3 = st.columns([1, 1, 4])
x0 = d1.number_input("Start x", key=f"{P}x0", step=0.1, format="%.3f")
y0 = d2.number_input("Start y", key=f"{P}y0", step=0.1, format="%.3f")
chosen = d3.multiselect("Optimizers", METHOD_NAMES, key=f"{P}methods")
# A typed f has no window or tuned steps of its own: both are fitted to it, from the
# surface's usual start (so a click elsewhere does not move the window under the mouse).
fit = cached.fitted_view(parsed.text, base.start, tuple(RATES)) if name == CUSTOM else None
with st.expander("Settings", icon=":material/tune:"):
    fitted = fit is not None and st.toggle(
        "Step sizes fitted to f (from its curvature)", key=f"{P}fit",
        help="Off: choose the step sizes yourself.",
    )  # fmt: skip
    if fitted:
        for rate_key, rate in zip(
            RATE_KEYS, (fit.learning_rate, fit.learning_rate, fit.adaptive_rate), strict=True
        ):
            st.session_state[rate_key] = rate
    e = st.columns(5)
    gd_rate = e[0].select_slider("GD / BB step", RATES, key=f"{P}gd_rate", disabled=fitted)
    momentum_rate = e[1].select_slider(
        "Momentum / Nesterov step", RATES, key=f"{P}m_rate", disabled=fitted
    )  # fmt: skip
    momentum = e[2].slider("Momentum β", 0.0, 0.99, key=f"{P}momentum")
    adam_rate = e[3].select_slider(
        "Adam / RMSProp step", RATES, key=f"{P}adam_rate", disabled=fitted
    )  # fmt: skip
    max_iter = e[4].slider("Iteration cap", 10, 5000, key=f"{P}max_iter")
    exact = st.toggle(
        "SciPy methods get JAX's exact gradient (and Hessian where used)", key=f"{P}exact"
    )  # fmt: skip
_save(name, base.start, fitted)
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
