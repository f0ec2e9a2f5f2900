"""The Regression page's Polynomial and Logistic tabs, in its notebook (the Linear tab and
the shared descent loop are in core.notebooks.regression).

Polynomial: the simulated cubic (or QuantEcon's lecture data) fitted by descent with the
step 1/L on raw x and on x scaled to [−1, 1], each against `np.polyfit` on the same
features, with the Vandermonde matrix's condition numbers; for the lecture's data, also
the lecture's own float32 loop (a first step of 0.1, then Barzilai–Borwein, stopping once
no coefficient moves by more than 1e-5). Logistic: two Gaussian blobs fitted by Newton's
method with Armijo halvings, by gradient descent, and by SciPy's BFGS with the exact
gradient; and per-example gradients by `vmap(grad)`, the five that pull hardest on w.
"""

from __future__ import annotations

from core.notebooks.cells import Notebook, figure_lines, settings
from core.notebooks.query import Query
from core.notebooks.regression_cells import (
    DESCENT,
    LECTURE_DATA,
    LOGISTIC_CELL,
    POLYNOMIAL_CELL,
    RECORD_FITS,
)

IMPORTS = (
    "import warnings\n\nimport jax\nimport jax.numpy as jnp\nimport numpy as np\n"
    "import plotly.graph_objects as go\nfrom plotly.subplots import make_subplots\n"
    "from scipy.optimize import minimize\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)
DATA = {"curve": "simulated cubic", "quantecon": "QuantEcon's lecture data"}
RULES = {"fixed": "fixed 1/L", "bb": "Barzilai–Borwein"}
PENALTIES = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]


def polynomial(book: Notebook, query: Query, heading) -> None:
    """The Polynomial tab: descent on raw and on scaled features, and why they differ."""
    data = query.option("r_pdata", {v: k for k, v in DATA.items()}, "curve",
                        {k: k for k in DATA})  # fmt: skip
    degree = query.integer("r_deg", 3, 1, 12)
    sigma = query.number("r_psigma", 0.5, 0.0, 3.0)
    rule = query.option("r_rule", {v: k for k, v in RULES.items()}, "fixed",
                        {k: k for k in RULES})  # fmt: skip
    cap = query.integer("r_pcap", 2000, 100, 10_000)
    heading(
        f"A polynomial of degree {degree} fitted to {DATA[data]} by descent ({RULES[rule]}) "
        "on raw x and on x scaled to [−1, 1], against `np.polyfit`: the Vandermonde matrix's "
        "conditioning decides how far descent gets."
    )
    values = {"data": data, "degree": degree, "rule": rule, "cap": cap}
    if data == "curve":
        values["sigma"] = sigma
    book.code(IMPORTS + settings(values) + "\n\n" + RECORD_FITS)
    book.markdown("## The data")
    book.code(LECTURE_DATA if data == "quantecon" else SIMULATED_CUBIC)
    book.code(DESCENT)
    book.markdown(
        "## Raw against scaled features\n\nEach descent starts at c = 0 with the step 1/L, "
        "L = λ_max((2/n) VᵀV) of its own features: on raw powers of x, L is huge and 1/L "
        "crawls along the directions of small curvature."
    )
    book.code(POLYNOMIAL_CELL + figure_lines("fig"))
    if data == "quantecon":
        book.markdown("## The lecture's own loop (float32)")
        book.code(LECTURE_LOOP)


def logistic(book: Notebook, query: Query, heading) -> None:
    """The Logistic tab: Newton, gradient descent and BFGS, and per-example gradients."""
    per_class = query.integer("r_per", 40, 5, 200)
    separation = query.number("r_sep", 3.0, 0.0, 6.0)
    lam = query.number_option("r_lam", PENALTIES, str, 1e-3)
    heading(
        f"Logistic regression on two blobs of {per_class} points, {separation!r} apart, with "
        f"the L2 penalty λ = {lam!r}: Newton's method and gradient descent against SciPy's "
        "BFGS, and per-example gradients by `jax.vmap(jax.grad(...))`."
    )
    book.code(
        IMPORTS
        + settings({"per_class": per_class, "separation": separation, "lam": lam})
        + "\n\n"
        + RECORD_FITS
    )
    book.code(DESCENT)
    book.code(LOGISTIC_CELL + figure_lines("fig"))


SIMULATED_CUBIC = """\
# y = 0.05x³ − 0.8x² + 3x + 1 + σε, x ~ U(0, 10), 60 points, from jax.random.key(0)
truth = np.array([0.05, -0.8, 3.0, 1.0])
key_x, key_noise = jax.random.split(jax.random.key(0))
x = np.asarray(jax.random.uniform(key_x, (60,), minval=0.0, maxval=10.0))
y = np.polyval(truth, x) + sigma * np.asarray(jax.random.normal(key_noise, (60,)))
"""

LECTURE_LOOP = """\
def sum_of_squares(coefficients, x, y):
    return jnp.sum((y - jnp.polyval(coefficients, x)) ** 2)


@jax.jit
def lecture_step(p, gradient, step, x, y):
    new_p = p - step * gradient
    new_gradient = jax.grad(sum_of_squares)(new_p, x, y)
    dp, dg = new_p - p, new_gradient - gradient
    return new_p, new_gradient, jnp.abs(dp @ dg) / (dg @ dg), jnp.max(jnp.abs(dp))


p = jnp.zeros(degree + 1, jnp.float32)
gradient = jax.grad(sum_of_squares)(p, x32, y32)
step, moved, steps = jnp.float32(0.1), 1.0, 0
while moved > 1e-5 and steps < 1000:
    p, gradient, step, moved = lecture_step(p, gradient, step, x32, y32)
    moved, steps = float(moved), steps + 1
record("the lecture's loop: steps", steps)
for k, coefficient in enumerate(np.asarray(p)):
    record(f"the lecture's loop: coefficient {k}", coefficient)
"""
