"""The Several variables page's Hessian-vector products section as a notebook.

Three cells, as the page's three parts: H(p) v of the typed f(x, y, z) by
forward-over-reverse (`jax.jvp` of `jax.grad`) beside H formed (`jax.hessian`) and
multiplied; the cost of both ways on the extended Rosenbrock of n variables, timed with
`jax.jit` at the page's sizes and the log-log slopes fitted as the page fits them; and
SciPy's Newton-CG given only `hessp` against BFGS, from x₀ = (−1, …, −1), with the page's
tolerances and iteration caps and its counts of evaluations and products.

The times are this machine's when the notebook runs, so they are printed, not recorded
as the page's numbers; the products, H, and the two runs' counts and errors are.
"""

from __future__ import annotations

from core.notebooks.cells import Notebook, figure_lines, quoted, settings
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, function_definition, section_function
from core.notebooks.query import Query
from core.several_variables.hvp_cost import (
    BOTH_SIZES,
    FIT_POINTS,
    MAX_RUNS,
    MEASURE_BUDGET,
    PRODUCT_ONLY_SIZES,
)
from core.several_variables.hvp_newton import (
    BFGS_LIMIT,
    DIMENSIONS,
    NEWTON_TOLERANCE,
    START,
)

DEFAULT_F = "100(y - x^2)^2 + (1 - x)^2 + 100(z - y^2)^2 + (1 - y)^2"
XYZ = ("x", "y", "z")
IMPORTS = (
    "import statistics\nimport time\n\nimport jax\nimport jax.numpy as jnp\nimport numpy as np\n"
    "import plotly.graph_objects as go\nfrom plotly.subplots import make_subplots\n"
    "from scipy.optimize import minimize\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)


def hessian_vector_products(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The Hessian-vector products section of the link, written into `book`."""
    parsed, note = section_function(parsers, query.text("v_hvf", DEFAULT_F), XYZ, DEFAULT_F)
    point = tuple(query.number(f"v_hv{name}", 1.0) for name in XYZ)
    vector = tuple(query.number(f"v_hvv{name}", 1.0) for name in XYZ)
    d = query.number_option("v_hvd", DIMENSIONS, str, 100)
    heading(
        f"H(p) v for f(x, y, z) = {quoted(parsed.text)} at p = {point}, v = {vector} by "
        "forward-over-reverse, against H formed; what each way costs on the extended "
        "Rosenbrock of n variables (n against n²); and Newton-CG from Hessian-vector "
        f"products only against BFGS on it with d = {d} variables.{note}"
    )
    book.code(
        IMPORTS
        + settings({"f_text": parsed.text, "point": point, "vector": vector, "d": d})
        + "\n\n"
        + RECORD
    )
    book.markdown(
        "## H v without H\n\nReverse mode gives ∇f; a forward sweep through it along v gives "
        "d/dt ∇f(p + t v) = H(p) v."
    )
    book.code(function_definition(parsed, "f", "jnp") + "\n\n" + PRODUCT)
    book.markdown(
        "## The cost: n against n²\n\nOn the extended Rosenbrock f(x) = Σᵢ 100(xᵢ₊₁ − xᵢ²)² + "
        "(1 − xᵢ)² at p spread over [−1, 1] and v = (1, …, 1), both ways compiled with "
        "`jax.jit`; each time the median of the second and later calls."
    )
    book.code(COST + figure_lines("cost"))
    book.markdown(
        "## Newton-CG from Hessian-vector products only\n\nEach Newton step H s = −∇f is "
        "solved by conjugate gradients, which need only products H v."
    )
    book.code(NEWTON)


PRODUCT = """\
def f_of_vector(p):
    return f(*p)


p, v = jnp.array(point), jnp.array(vector)
value = f_of_vector(p)
_, hvp = jax.jvp(jax.grad(f_of_vector), (p,), (v,))  # forward over reverse: H v
H = jax.hessian(f_of_vector)(p)  # formed, only to check: d² numbers
formed = H @ v
record("H v (forward-over-reverse)", hvp)
record("H formed, then H @ v", formed)
record("H", H)
record("max |HVP − H v|", np.max(np.abs(np.asarray(hvp) - np.asarray(formed))))
print("f(p) =", float(value), " H v =", np.asarray(hvp))
"""

COST = f"""\
def rosenbrock(x):
    head, tail = x[:-1], x[1:]
    return jnp.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


# forward over reverse: the tangent of (f, ∇f) along v is (∇f·v, H v)
product = jax.jit(lambda x, v: jax.jvp(jax.value_and_grad(rosenbrock), (x,), (v,))[1][1])
by_matrix = jax.jit(lambda x, v: jax.hessian(rosenbrock)(x) @ v)


def seconds(function, x, v):
    function(x, v).block_until_ready()  # the first call compiles
    times = []
    while len(times) < 3 or (len(times) < {MAX_RUNS} and sum(times) < {MEASURE_BUDGET}):
        start = time.perf_counter()
        function(x, v).block_until_ready()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


both_sizes, product_sizes = {list(BOTH_SIZES)!r}, {list(PRODUCT_ONLY_SIZES)!r}
product_seconds, formed_seconds = {{}}, {{}}
for n in both_sizes + product_sizes:
    x, ones = jnp.linspace(-1.0, 1.0, n), jnp.ones(n)
    product_seconds[n] = seconds(product, x, ones)
    if n in both_sizes:  # H itself: 8 n² bytes
        formed_seconds[n] = seconds(by_matrix, x, ones)


def slope(times):  # log-log, over the largest sizes, where the arithmetic decides
    sizes = sorted(times)[-{FIT_POINTS}:]
    return np.polyfit(np.log(sizes), np.log([times[n] for n in sizes]), 1)[0]


print(f"slopes: HVP {{slope(product_seconds):.2f}} (about 1), "
      f"forming H {{slope(formed_seconds):.2f}} (about 2)")
cost = go.Figure()
cost.add_scatter(x=list(product_seconds), y=[1e3 * t for t in product_seconds.values()],
                 name="HVP (forward over reverse)")
cost.add_scatter(x=list(formed_seconds), y=[1e3 * t for t in formed_seconds.values()],
                 name="form H, then H v")
cost.update_xaxes(type="log", title="n")
cost.update_yaxes(type="log", title="ms")
"""

NEWTON = f"""\
value_and_gradient = jax.jit(jax.value_and_grad(rosenbrock))
counts = {{"gradient": 0, "hvp": 0}}


def fun(x):  # f and ∇f from one reverse sweep
    counts["gradient"] += 1
    value, gradient = value_and_gradient(jnp.asarray(x))
    return float(value), np.asarray(gradient)


def hessp(x, v):  # H v, never H
    counts["hvp"] += 1
    return np.asarray(product(jnp.asarray(x), jnp.asarray(v)))


x0 = np.full(d, {START!r})
runs = {{"Newton-CG": {{"hessp": hessp,
                      "options": {{"maxiter": 10 * d + 200, "xtol": {NEWTON_TOLERANCE!r}}}}}}}
if d <= {BFGS_LIMIT}:  # BFGS updates a d x d matrix: d³ work an iteration
    runs["BFGS"] = {{"options": {{"maxiter": 20 * d + 200}}}}
for method, options in runs.items():
    counts.update(gradient=0, hvp=0)
    start = time.perf_counter()
    result = minimize(fun, x0, jac=True, method=method, **options)
    seconds_taken = time.perf_counter() - start
    record(f"{{method}}: iterations", result.nit)
    record(f"{{method}}: f and ∇f evaluations", counts["gradient"])
    record(f"{{method}}: HVP calls", counts["hvp"])
    record(f"{{method}}: max |x − 1| at the end", np.max(np.abs(result.x - 1.0)))
    record(f"{{method}}: converged", result.success)
    print(f"{{method}}: {{result.message}} ({{1e3 * seconds_taken:.0f}} ms)")
"""
