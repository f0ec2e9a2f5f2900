"""The Derivatives of data page as a notebook: noisy samples of f, differentiated six ways.

The cells draw the page's samples (the same NumPy generator, seed and order of draws,
so the same data), take the truth f′ by `jax.grad`, differentiate the samples by
`np.gradient`, the three-point derivative matrix D, a polynomial fit, a cubic and a
smoothing spline (SciPy), and sweep the noise and the sample count as the page does.
The page's side is core.data (samples, derivatives, sweeps). A CSV file cannot travel
in a link, so only the sampled function has a notebook.
"""

from __future__ import annotations

from core.data.derivatives import FALLBACK_SMOOTHNESS, MAX_DEGREE, MAX_SMOOTHNESS, METHODS
from core.data.samples import MAX_SAMPLES, DataError, sample_function
from core.data.sweeps import SAMPLE_COUNTS
from core.language.numeric_source import expression_source, helper_source, python_names
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import function_of_x
from core.notebooks.query import Query

PAGE = "data"
SOURCES = ["A function", "A CSV file"]
GRIDS = {"Uniform": "uniform", "Random": "random"}
NOISE_LEVELS = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 0.003, 0.01, 0.03, 0.1, 0.3]
DEFAULT_F, DEFAULT_RANGE = "sin(2x) + x/2", (-3.0, 3.0)
LABELS = {label: key for key, label in METHODS.items()}


def _noise(value: float) -> str:
    return f"{value:g}"  # as the page's select sliders show a noise level


SAMPLES = """
rng = np.random.default_rng(seed)
low, high = x_range
if grid == "uniform":
    x = np.linspace(low, high, n)
else:  # gaps drawn from 0.25 to 1.75 times the mean gap: uneven, yet no two points crowd
    positions = np.concatenate([[0.0], np.cumsum(rng.uniform(0.25, 1.75, n - 1))])
    x = low + (high - low) * positions / positions[-1]
    x[-1] = high
exact = np.asarray(f_jax(jnp.asarray(x)))
truth = np.asarray(jax.vmap(jax.grad(f_jax))(jnp.asarray(x)))  # the true f′, by AD
y = exact + noise * rng.standard_normal(n)
print(n, "samples; first", x[:3], y[:3])
"""

METHOD_CODE = '''
def derivative_matrix(x):
    """D with D @ y ≈ dy/dx: each row the three-point weights of its neighbours (one-sided at
    the ends): exactly what np.gradient(y, x, edge_order=2) computes, as a matrix."""
    n = len(x)
    rows, columns, values = [], [], []
    for i in range(n):
        start = min(max(i - 1, 0), n - 3)
        a, b, c = x[start] - x[i], x[start + 1] - x[i], x[start + 2] - x[i]  # offsets
        # the parabola through the three points, differentiated at x[i]: L_j′(0) for each
        weights = [
            -(b + c) / ((a - b) * (a - c)),
            -(a + c) / ((b - a) * (b - c)),
            -(a + b) / ((c - a) * (c - b)),
        ]
        rows += [i] * 3
        columns += [start, start + 1, start + 2]
        values += weights
    return scipy.sparse.csr_array((values, (rows, columns)), shape=(n, n))


def smoothing_lambda(x, smoothness):
    """The penalty λ of make_smoothing_spline for a smoothness from 0 to 10: wiggles shorter
    than about 2π (λ h)^(1/4) are smoothed away; s sets that length on a log scale."""
    if smoothness <= 0:
        return 0.0
    span = float(x[-1] - x[0])
    length = span * 10 ** ((smoothness - MAX_SMOOTHNESS) / 3)
    return length**4 / (span / (len(x) - 1))


def estimate(method, x, y, matrix=None):
    """dy/dx at the samples by one method."""
    if method == "gradient1":
        return np.gradient(y, x, edge_order=1)
    if method == "gradient2":
        return np.gradient(y, x, edge_order=2)
    if method == "fd_matrix":
        return (derivative_matrix(x) if matrix is None else matrix) @ y
    if method == "polynomial":
        fit = Polynomial.fit(x, y, min(degree, len(x) - 1), full=True)[0]
        return fit.deriv()(x)
    if method == "cubic_spline":
        return CubicSpline(x, y)(x, 1)
    if smoothness is not None:  # the smoothing spline
        return make_smoothing_spline(x, y, lam=smoothing_lambda(x, smoothness)).derivative()(x)
    try:  # λ chosen by generalized cross-validation (GCV)
        return make_smoothing_spline(x, y).derivative()(x)
    except (ValueError, np.linalg.LinAlgError):
        lam = smoothing_lambda(x, FALLBACK_SMOOTHNESS)
        return make_smoothing_spline(x, y, lam=lam).derivative()(x)


def rms(values, reference):
    return float(np.sqrt(np.mean((values - reference) ** 2)))


derivatives = {method: estimate(method, x, y) for method in methods}
for method, values in derivatives.items():
    error = np.abs(values - truth)
    first, last, inside = float(error[0]), float(error[-1]), float(np.median(error[1:-1]))
    print(f"{labels[method]:28} first {first:.1e}  last {last:.1e}  inside {inside:.1e}"
          f"  end/inside {max(first, last) / max(inside, 1e-300):.0f}×")
    shown[f"{labels[method]}: |error| first"] = first
    shown[f"{labels[method]}: |error| last"] = last
    shown[f"{labels[method]}: |error| inside (median)"] = inside
    shown[f"{labels[method]}: RMS error"] = rms(values, truth)

corner = derivative_matrix(x[: min(len(x), 8)]).toarray()[:6, :6]  # D's top-left 6×6
print(np.array2string(corner, precision=3))
for (i, j), weight in np.ndenumerate(corner):
    if weight:
        shown[f"D[{i}, {j}]"] = float(weight)
'''

SWEEPS = """
# RMS error as the noise grows: σ from 1e-6 to 1e-1 times one draw z, on the same n samples
rng = np.random.default_rng(seed)
if grid == "uniform":
    sweep_x = np.linspace(low, high, n)
else:
    positions = np.concatenate([[0.0], np.cumsum(rng.uniform(0.25, 1.75, n - 1))])
    sweep_x = low + (high - low) * positions / positions[-1]
    sweep_x[-1] = high
z = rng.standard_normal(n)
noise_levels = np.logspace(-6, -1, 11)
noise_rms = {
    method: [rms(estimate(method, sweep_x, exact + sigma * z), truth) for sigma in noise_levels]
    for method in methods
}

# RMS error as the grid gets finer: n from 20 to 1,000 at σ = sweep_noise, each n its own draw
sample_counts = SAMPLE_COUNTS
count_rms = {method: [] for method in methods}
for count in sample_counts:
    count_rng = np.random.default_rng([seed, count])
    if grid == "uniform":
        count_x = np.linspace(low, high, count)
    else:
        positions = np.concatenate([[0.0], np.cumsum(count_rng.uniform(0.25, 1.75, count - 1))])
        count_x = low + (high - low) * positions / positions[-1]
        count_x[-1] = high
    count_exact = np.asarray(f_jax(jnp.asarray(count_x)))
    count_truth = np.asarray(jax.vmap(jax.grad(f_jax))(jnp.asarray(count_x)))
    count_y = count_exact + sweep_noise * count_rng.standard_normal(count)
    for method in methods:
        count_rms[method].append(rms(estimate(method, count_x, count_y), count_truth))
for method in methods:
    for sigma, value in zip(noise_levels, noise_rms[method]):
        shown[f"{labels[method]}: RMS at σ = {sigma:.3g}"] = value
    for count, value in zip(sample_counts, count_rms[method]):
        shown[f"{labels[method]}: RMS at n = {count}"] = value
"""


def notebook(query: Query, parsers: Parsers) -> str:
    """The page's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    if query.option("d_src", SOURCES, SOURCES[0]) != SOURCES[0]:
        raise ValueError(
            "There is no notebook for a CSV file's view: an uploaded file does not travel "
            "in a link. Sample a function (the page's “A function”) to get one."
        )
    parsed, note = function_of_x(parsers, query.text("d_f", DEFAULT_F), DEFAULT_F, "samples")
    view = {
        "n": query.integer("d_n", 100, 10, MAX_SAMPLES),
        "x_range": query.pair("d_range", DEFAULT_RANGE, -10.0, 10.0, old=True),
        "grid": query.option("d_grid", GRIDS, "uniform", codes={v: v for v in GRIDS.values()}),
        "noise": query.number_option("d_noise", NOISE_LEVELS, _noise, 0.01),
        "seed": query.integer("d_seed", 0, 0, 2**31 - 1, whole=True),
    }
    chosen = query.options("d_methods", LABELS, list(METHODS), codes={k: k for k in METHODS})
    methods = [key for key in METHODS if key in chosen]
    auto = query.switch("d_auto", True, old=True)
    smoothness = None if auto else query.number("d_smooth", 4.0, 0.0, MAX_SMOOTHNESS)
    degree = query.integer("d_degree", 12, 1, MAX_DEGREE)
    sweep_noise = query.option("d_sweep", {_noise(v): v for v in NOISE_LEVELS[1:]}, 1e-3)
    try:  # the page's own check: it shows no data where f or f′ is not finite
        sample_function(parsed, view["n"], view["x_range"], view["grid"], 0.0, view["seed"])
    except DataError as error:
        raise ValueError(f"The page shows no data for this link: {error}") from None
    book = Notebook()
    title(
        book, "Derivatives of data", None, query.link(PAGE),
        f"{view['n']} samples of f(x) = {quoted(parsed.text)} with Gaussian noise σ = "
        f"{view['noise']:g}, differentiated by each method chosen, against the true f′."
        + (" Parameters are set to 1, as on the page." if parsed.parameters else "") + note,
    )  # fmt: skip
    names = python_names(parsed, reserved={"f_jax", "y", "n", "z"})
    helpers = helper_source(parsed, "jnp")
    book.code(
        "import jax\nimport jax.numpy as jnp\nimport numpy as np\nimport plotly.graph_objects as "
        "go\nimport scipy.sparse\nfrom numpy.polynomial import Polynomial\n"
        "from plotly.subplots import make_subplots\n"
        "from scipy.interpolate import CubicSpline, make_smoothing_spline\n\n"
        'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
        + settings(
            {
                "f_text": parsed.text,
                **view,
                "methods": methods,
                "degree": degree,
                "smoothness": smoothness,
                "sweep_noise": sweep_noise,
            },
            {
                "smoothness": "None: chosen by generalized cross-validation",
                "sweep_noise": "σ of the sample-count sweep",
            },
        )
        + f"labels = {METHODS!r}\n"
        f"MAX_SMOOTHNESS, FALLBACK_SMOOTHNESS = {MAX_SMOOTHNESS!r}, {FALLBACK_SMOOTHNESS!r}\n"
        f"SAMPLE_COUNTS = {SAMPLE_COUNTS!r}\n"
        + "".join(f"{names[p]} = 1.0\n" for p in parsed.parameters)
        + (helpers + "\n" if helpers else "")
        + f"\n\ndef f_jax(x):\n    return {expression_source(parsed, 'jnp', names)}\n"
    )
    book.markdown("## The samples\n\ny = f(x) + σ z with z ~ N(0, 1), from NumPy's generator.")
    book.code(SAMPLES.strip() + "\n")
    book.markdown(
        "## dy/dx by each method\n\nDifference quotients assume nothing and amplify the noise "
        "like 1/h; fits and splines assume a smooth curve and trade bias for less noise."
    )
    book.code(METHOD_CODE.strip() + "\n")
    book.code(
        "fig = make_subplots(rows=1, cols=2, subplot_titles=['the data', 'dy/dx by each "
        "method'])\n"
        "fig.add_scatter(x=x, y=y, mode='markers', name='samples', row=1, col=1)\n"
        "fig.add_scatter(x=x, y=truth, name='true f′', line={'color': 'black'}, row=1, col=2)\n"
        "for method, values in derivatives.items():\n"
        "    fig.add_scatter(x=x, y=values, name=labels[method], row=1, col=2)\n"
        + figure_lines("fig")
    )
    if methods:
        book.markdown(
            "## Noise amplification\n\nThe RMS error as σ grows on the same samples, and as "
            "the grid gets finer at a fixed σ (past some n, differences get worse: the noise "
            "in a central difference is about σ/(√2 h))."
        )
        book.code(SWEEPS.strip() + "\n")
        book.code(
            "sweeps = make_subplots(rows=1, cols=2, subplot_titles=['RMS error against σ', "
            "f'RMS error against n (σ = {sweep_noise:g})'])\n"
            "for method in methods:\n"
            "    sweeps.add_scatter(x=noise_levels, y=noise_rms[method], name=labels[method], "
            "row=1, col=1)\n"
            "    sweeps.add_scatter(x=list(sample_counts), y=count_rms[method], "
            "name=labels[method], row=1, col=2)\n"
            "spacing = (high - low) / (np.array(sample_counts) - 1)\n"
            "sweeps.add_scatter(x=list(sample_counts), y=sweep_noise / (np.sqrt(2) * spacing), "
            "name='σ/(√2·h)', line={'dash': 'dot'}, row=1, col=2)\n"
            "sweeps.update_xaxes(type='log')\nsweeps.update_yaxes(type='log')\n"
            + figure_lines("sweeps")
        )
    return finish(book)
