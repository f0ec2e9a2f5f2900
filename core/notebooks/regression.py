"""The Regression page as a notebook: the tab its link opens (Linear, Polynomial, Logistic).

Every fit is what the page runs, written plainly: the data drawn from the same JAX keys
(the simulated samples from `jax.random.key(seed)`, QuantEcon's lecture data from
`PRNGKey(1234)` with JAX's older random bits), each loss differentiated by `jax.grad`,
gradient descent with a fixed or Barzilai–Borwein step and the page's stopping rules in a
plain loop (the page compiles the same loop into one `lax.while_loop`:
core.regression.gradient_descent), against `np.linalg.lstsq`, `np.polyfit`,
`np.linalg.pinv` or SciPy's BFGS. The Linear tab is here; the Polynomial and Logistic
tabs are in core.notebooks.regression_more.

An uploaded CSV file does not travel in a link: the Linear tab of a CSV view has no
notebook (a ValueError, as for the data page).
"""

from __future__ import annotations

from core.notebooks import regression_more
from core.notebooks.cells import Notebook, figure_lines, finish, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.query import Query
from core.notebooks.regression_cells import DESCENT, LECTURE_DATA, RECORD_FITS
from core.regression.many_features import MANY_FEATURES, MANY_SAMPLES, MANY_SIGMA

PAGE, NAME = "regression", "Regression"
TABS = {"linear": "Linear", "polynomial": "Polynomial", "logistic": "Logistic"}
STEPS = ["auto (1/L)"] + [f"{v:g}" for v in (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)]
TOLERANCES = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]
SOURCES = {"simulated": "simulated y = αx + β + σε", "quantecon": "QuantEcon's lecture data",
           "a CSV file": "a CSV file"}  # fmt: skip
STOPPING = {"gradient": "‖∇L‖ < tol", "relative_loss": "ΔL/L < tol"}
IMPORTS = (
    "import jax\nimport jax.numpy as jnp\nimport numpy as np\n"
    "import plotly.graph_objects as go\nfrom plotly.subplots import make_subplots\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)
CSV_REFUSAL = "A CSV file does not travel in a link: fit simulated or the lecture's data."


def notebook(query: Query, parsers: Parsers) -> str:  # noqa: ARG001  (no typed functions)
    """The page's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    tab = query.option("r_tab", list(TABS.values()), "Linear", TABS)
    book = Notebook()

    def heading(about: str) -> None:
        title(book, NAME, tab, query.link(PAGE), about)

    {"Linear": linear, "Polynomial": regression_more.polynomial,
     "Logistic": regression_more.logistic}[tab](book, query, heading)  # fmt: skip
    return finish(book)


def source_of(query: Query) -> str:
    """The Linear tab's data source, as the page reads its radio from the link."""
    return query.option("r_data", {v: k for k, v in SOURCES.items()}, "simulated",
                        {k: k for k in SOURCES})  # fmt: skip


def linear(book: Notebook, query: Query, heading) -> None:
    """The Linear tab: a line by fixed steps and by Barzilai–Borwein against the closed form,
    and (switched on) ten features by descent against the pseudo-inverse."""
    source = source_of(query)
    if source == "a CSV file":
        raise ValueError(CSV_REFUSAL)
    step_text = query.option("r_step", STEPS, STEPS[0], {"auto": STEPS[0]})
    view = {
        "samples": query.integer("r_n", 50, 5, 500),
        "alpha": query.number("r_alpha", 2.0, -5.0, 5.0),
        "beta": query.number("r_beta", -1.0, -5.0, 5.0),
        "sigma": query.number("r_sigma", 1.0, 0.0, 5.0),
        "seed": query.integer("r_seed", 0, 0, 10_000, whole=True),
        "step": None if step_text.startswith("auto") else float(step_text),
        "stopping": query.option("r_stop", {v: k for k, v in STOPPING.items()}, "gradient",
                                 {k: k for k in STOPPING}),
        "tol": query.number_option("r_tol", TOLERANCES, str, 1e-8),
        "cap": query.integer("r_cap", 2000, 10, 10_000),
    }  # fmt: skip
    many = query.switch("r_many", False, old=True)
    data = "QuantEcon's lecture data" if source == "quantecon" else "simulated data"
    heading(
        f"A line y ≈ αx + β fitted to {data} by gradient descent with a fixed step and with "
        "Barzilai–Borwein steps, from (0, 0), against the closed form (`lstsq`)"
        + (", then ten features by descent against the pseudo-inverse." if many else ".")
    )
    kept = {
        k: v
        for k, v in view.items()
        if source == "simulated" or k not in ("samples", "alpha", "beta", "sigma", "seed")
    }
    book.code(IMPORTS + settings(
        {"source": source, **kept, "ten_features": many},
        {"step": "None: 1/L, L the largest eigenvalue of the loss's Hessian",
         "stopping": "gradient: ‖∇L‖ ≤ tol; relative_loss: |ΔL|/L ≤ tol"},
    ) + "\n\n" + RECORD_FITS)  # fmt: skip
    book.markdown("## The data")
    book.code(LECTURE_DATA if source == "quantecon" else SIMULATED_LINE)
    book.markdown(
        "## Gradient descent, as the page runs it\n\nθ ← θ − t ∇L(θ), with t fixed or, after "
        "the first step, t = sᵀs / sᵀg (Barzilai–Borwein), until the stopping rule, "
        "divergence or the cap."
    )
    book.code(DESCENT)
    book.code(LINE_FITS + figure_lines("fig"))
    if many:
        book.markdown("## Ten features: descent against the pseudo-inverse")
        book.code(MANY_FEATURES_CELL)


SIMULATED_LINE = """\
# y = αx + β + σε with x ~ U(0, 5) and ε ~ N(0, 1), from jax.random.key(seed)
key_x, key_noise = jax.random.split(jax.random.key(seed))
x = np.asarray(jax.random.uniform(key_x, (samples,), minval=0.0, maxval=5.0))
noise = np.asarray(jax.random.normal(key_noise, (samples,)))
y = np.polyval([alpha, beta], x) + sigma * noise
"""

LINE_FITS = """\
def mse_loss(params, x, y):  # L(α, β) = mean((αx + β − y)²)
    return jnp.mean((params[0] * x + params[1] - y) ** 2)


loss_and_gradient = jax.jit(jax.value_and_grad(mse_loss))
design = np.column_stack([x, np.ones_like(x)])
closed_form = np.linalg.lstsq(design, y, rcond=None)[0]
L = 2 * np.linalg.norm(design, 2) ** 2 / len(x)  # λ_max of the Hessian (2/n) VᵀV
settings_of_descent = dict(step_size=1 / L if step is None else step, tol=tol,
                           stopping=stopping, max_iterations=cap, reference=closed_form)
fixed = gradient_descent(loss_and_gradient, (0.0, 0.0), (x, y), rule="fixed",
                         **settings_of_descent)
bb = gradient_descent(loss_and_gradient, (0.0, 0.0), (x, y), rule="bb", **settings_of_descent)
record("closed form α̂", closed_form[0])
record("closed form β̂", closed_form[1])
record("curvature bound L", L)
record_fit("fixed step", fixed)
record_fit("Barzilai–Borwein", bb)
if source == "quantecon":
    record("Barzilai–Borwein α̂", bb[0][-1][0])
    record("Barzilai–Borwein β̂", bb[0][-1][1])

fig = make_subplots(rows=1, cols=2, subplot_titles=["the fitted lines", "the loss"])
fig.add_scatter(x=x, y=y, mode="markers", name="data", row=1, col=1)
line_x = np.linspace(x.min(), x.max(), 2)
for name, (a, b) in (("closed form", closed_form), ("fixed step", fixed[0][-1]),
                     ("Barzilai–Borwein", bb[0][-1])):
    fig.add_scatter(x=line_x, y=a * line_x + b, name=name, row=1, col=1)
for name, result in (("fixed step", fixed), ("Barzilai–Borwein", bb)):
    fig.add_scatter(y=result[1], name=f"loss, {name}", row=1, col=2)
fig.update_yaxes(type="log", row=1, col=2)
"""

MANY_FEATURES_CELL = f"""\
key_x, key_w, key_noise = jax.random.split(jax.random.key(0), 3)
features = np.asarray(jax.random.normal(key_x, ({MANY_SAMPLES}, {MANY_FEATURES})))
truth = np.asarray(jax.random.normal(key_w, ({MANY_FEATURES},)))
targets = features @ truth + {MANY_SIGMA!r} * np.asarray(jax.random.normal(key_noise, \
({MANY_SAMPLES},)))
pinv = np.linalg.pinv(features) @ targets


def linear_loss(weights, features, y):  # L(w) = mean((X w − y)²)
    return jnp.mean((features @ weights - y) ** 2)


L_features = 2 * np.linalg.norm(features, 2) ** 2 / {MANY_SAMPLES}
many = gradient_descent(jax.jit(jax.value_and_grad(linear_loss)), np.zeros({MANY_FEATURES}),
                        (features, targets), 1 / L_features, max_iterations=5000, reference=pinv)
for k, (true, by_pinv, by_descent) in enumerate(zip(truth, pinv, many[0][-1])):
    record(f"w{{k + 1}}: true", true)
    record(f"w{{k + 1}}: np.linalg.pinv", by_pinv)
    record(f"w{{k + 1}}: gradient descent", by_descent)
record("relative difference to pinv", np.linalg.norm(many[0][-1] - pinv) / np.linalg.norm(pinv))
"""
