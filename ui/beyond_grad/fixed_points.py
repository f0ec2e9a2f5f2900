"""Section: a fixed point z* = f(a, z*), found by Anderson acceleration, and dz*/da by the
implicit function theorem, against differentiating through the unrolled iterations."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.beyond_grad.fixed_point_code import fixed_point_code
from core.beyond_grad.fixed_point_figures import iterates_figure, unrolled_error_figure
from core.language.text_input import MAX_LENGTH
from ui import beyond_grad_cached as cached
from ui import charts, instructor
from ui.beyond_grad import BOUND
from ui.several_variables.inputs import scalar_function
from ui.widgets import code_behind, number

# keys: b_ff (f), b_fa (a), b_fz0 (z₀), b_fk (K); b_f_... not in the link
F, A, Z0, K = "b_ff", "b_fa", "b_fz0", "b_fk"
DEFAULT = ("a cos(z)", 1.0, 0.0)  # the Dottie number 0.739085 at a = 1
MAX_K = 300
# shown in the picker -> (f, a, z₀)
EXAMPLES = {
    "a cos(z) at a = 1: the plain iteration contracts (|∂f/∂z| = 0.67)": DEFAULT,
    "a cos(z) at a = 5: |∂f/∂z| = 4.8, the plain iteration never settles": ("a cos(z)", 5.0, 0.0),
    "2z + a: |∂f/∂z| = 2, z* = −a all the same": ("2z + a", 1.0, 0.0),
    "a z (1 - z) at a = 3.2: the logistic map's 2-cycle": ("a z (1 - z)", 3.2, 0.5),
    "sqrt(z) + a at a = 1: z* = φ² = 2.618…": ("sqrt(z) + a", 1.0, 1.0),
    "a exp(z) at a = 0.2: two fixed points, the lower one found": ("a exp(z)", 0.2, 0.0),
    "a exp(z) at a = 1: no fixed point at all (eᶻ > z)": ("a exp(z)", 1.0, 0.0),
}  # fmt: skip
OLD_LINKS = {}  # a new section: its values are written as the widgets write them


def render() -> None:
    st.markdown(
        "A fixed point z* = f(a, z*) is what an iteration z ← f(a, z) settles on, when it "
        "settles. Differentiating z*(a) = f(a, z*(a)) in a gives the implicit function theorem: "
        "dz*/da = (∂f/∂a) / (1 − ∂f/∂z) at z*, with both partials by JAX, however z* was found."
    )
    c = st.columns([3, 3])
    text = c[0].text_input(
        "f(a, z) =", DEFAULT[0], MAX_LENGTH, key=F,
        help="the map z ↦ f(a, z), e.g. a cos(z), sqrt(z) + a, a z (1 - z)", **BOUND,
    )  # fmt: skip
    c[1].selectbox(
        "Examples", list(EXAMPLES), index=None, placeholder="Choose an example…",
        key="b_f_example", on_change=_use_example,
    )  # fmt: skip
    c = st.columns([1, 1, 2])
    box = {"step": 0.1, "format": "%.3f", **BOUND}
    a = float(c[0].number_input("a", value=DEFAULT[1], key=A, **box))
    start = float(c[1].number_input("start z₀", value=DEFAULT[2], key=Z0, **box))
    steps = int(c[2].slider("unrolled iterations K", 1, MAX_K, 40, key=K, **BOUND))
    # after a typo, the last f that worked (the default at first): never None
    parsed = scalar_function(text, cached.FIXED_NAMES, key=F, default=DEFAULT[0])
    try:
        report = cached.fixed_point_report(parsed.text, a, start, steps)
    except ValueError as error:
        _no_fixed_point(parsed.text, a, start, steps, error)
        return
    _numbers(report, steps)
    _contraction(report, steps)
    left, right = st.columns(2)
    with left:
        st.markdown("**The iterates: plain and Anderson**")
        charts.show(iterates_figure(report.plain, report.anderson, report.point), key="b_f_iter")
    with right:
        st.markdown("**Differentiating through K iterations: the error**")
        figure = unrolled_error_figure(
            report.unrolled, report.derivative, report.by_unknown, report.finite_difference
        )
        charts.show(figure, key="b_f_unrolled")
    st.caption(
        "dz₀/da = 0, and each unrolled step dₖ₊₁ = ∂f/∂a + ∂f/∂z · dₖ multiplies the error by "
        f"about ∂f/∂z = {number(report.by_unknown, '.4g')} while the iterates stay near z*: on "
        f"the log axis a line of slope log₁₀|∂f/∂z| = {_log_rate(report.by_unknown)} per step. "
        "The theorem needs none of the iterations; the unrolled derivative costs K evaluations "
        "of f and their adjoints, and is only as good as the iteration's convergence."
    )
    _iterates_table(report.plain, report.anderson)
    code_behind(("JAX: the fixed point with a custom_vjp rule (the theorem) and unrolled",
                 fixed_point_code(parsed, "z", "a", a, start, iterations=steps)))  # fmt: skip


def _use_example() -> None:
    choice = st.session_state.get("b_f_example")
    if choice in EXAMPLES:
        st.session_state[F], st.session_state[A], st.session_state[Z0] = EXAMPLES[choice]


def _numbers(report, steps: int) -> None:
    if report.method == "anderson":
        found = f"Anderson acceleration, {len(report.anderson) - 1} iterations, polished by Newton"
    else:
        found = "Newton's method on z − f(a, z): Anderson acceleration did not converge"
    unrolled = float(report.unrolled[-1])
    rows = [
        ("z*: f(a, z*) = z*", report.point, None, found),
        ("dz*/da: implicit function theorem", report.derivative, None,
         "(∂f/∂a)/(1 − ∂f/∂z), exact up to rounding"),
        (f"dz*/da: through K = {steps} unrolled iterations", unrolled,
         unrolled - report.derivative, "jax.jacfwd through z ← f(a, z) K times"),
        ("dz*/da: central difference of fixed points", report.finite_difference,
         report.finite_difference - report.derivative,
         f"step {report.fd_step:.1e} in a; error ~ step²"),
        ("∂f/∂z at z* (JAX)", report.by_unknown, None, "the contraction rate"),
        ("∂f/∂a at z* (JAX)", report.by_parameter, None, ""),
    ]  # fmt: skip
    table = pd.DataFrame(
        [
            {"": name, "value": number(value, ".15g" if i == 0 else ".10g"),
             "− the theorem's": "" if gap is None else number(gap, ".1e"), "how": how}
            for i, (name, value, gap, how) in enumerate(rows)
        ]
    )  # fmt: skip
    st.table(table.set_index(""))


def _contraction(report, steps: int) -> None:
    """Why the plain iteration and the unrolled derivative do or do not reach z*."""
    rate = abs(report.by_unknown)
    method = "Anderson acceleration" if report.method == "anderson" else "Newton's method"
    if rate < 1:
        took = f" in {len(report.anderson) - 1} steps" if report.method == "anderson" else ""
        st.caption(
            f"|∂f/∂z| = {rate:.4g} < 1 at z*: the plain iteration contracts near z*, each "
            f"step shrinking its error by about that factor; {method} got there{took}, "
            f"while the plain iteration, once near z*, needs {_steps_to_rounding(rate)}."
        )
        return
    st.warning(
        f"|∂f/∂z| = {rate:.4g} ≥ 1 at z* = {report.point:.10g}: the plain iteration "
        "z ← f(a, z) does not contract there, so it never settles on z* (each step multiplies "
        f"its error by about {rate:.3g}), and neither does the derivative through its unrolled "
        f"iterations (K = {steps} gives {number(float(report.unrolled[-1]), '.4g')}). "
        f"{method} found z* all the same, and the implicit function theorem gives dz*/da "
        "from z* alone.",
        icon=":material/warning:",
    )


def _no_fixed_point(text: str, a: float, start: float, steps: int, error: ValueError) -> None:
    st.error(str(error), icon=":material/error:")
    try:
        plain, anderson = cached.fixed_point_iterates(text, a, start, steps)
    except ValueError:
        return  # the sentence above says what is wrong with the numbers
    st.caption("Where the plain iteration and Anderson acceleration went from z₀:")
    charts.show(iterates_figure(plain, anderson), key="b_f_iter")
    _iterates_table(plain, anderson)


def _iterates_table(plain, anderson) -> None:
    with st.expander("The iterates, step by step", icon=":material/table_rows:"):
        rows = max(len(plain), len(anderson))
        columns = {
            name: [number(points[k], ".15g") if k < len(points) else "" for k in range(rows)]
            for name, points in (("plain z_k", plain), ("Anderson z_k", anderson))
        }
        table = pd.DataFrame(columns, index=pd.RangeIndex(rows, name="k"))
        instructor.table(table, height=min(38 + 35 * rows, 400))  # st.table on a projector


def _log_rate(by_unknown: float) -> str:
    return "−∞" if by_unknown == 0 else f"{math.log10(abs(by_unknown)):.3g}"


def _steps_to_rounding(rate: float) -> str:
    """The plain iterations that gain 16 digits at this rate, as words."""
    if rate == 0:
        return "one step"
    return f"about {math.ceil(-16 / math.log10(rate))} steps to gain 16 digits"
