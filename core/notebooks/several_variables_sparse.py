"""The Several variables page's Sparse Jacobians section as a notebook.

The page's steps, written plainly: the stencil residual F in `jnp` (a pad and three
slices, or five on the 2-D grid) with the typed g printed from its tree; its Jacobian's
sparsity pattern read from F's jaxpr by carrying "depends on" through its primitives (a
short walk: a data-movement primitive is run on entry numbers to learn which entry each
output copies, any other primitive is elementwise); the columns coloured by DSATUR with
the page's tie-breaks, so the colours are the page's; one `jax.jvp` per colour; J
decompressed and compared with `jax.jacfwd`; and time and passes against n for dense
`jacfwd`, dense `jacrev` and the coloured JVPs.

The page builds F from `lax` primitives (core.several_variables.sparse_jacobian), the
notebook from `jnp`: their jaxprs differ in a few equations, never in which output
depends on which input. The page times eager JAX (a server must not keep a compiled
program per typed g and n); the notebook compiles each way with `jax.jit`, as a student
would, which took its default view's timings from 15 s to 3 s here. The timings are this
machine's, printed beside the passes, so only the passes are the page's numbers.
"""

from __future__ import annotations

from core.notebooks.cells import Notebook, figure_lines, quoted, settings
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, function_definition, section_function
from core.notebooks.query import Query
from core.several_variables.sparse_comparison import BLOCK, MAX_RUNS, MEASURE_BUDGET, SIZES

DEFAULT_G = "-e^u"  # Bratu's problem with λ = 1
DEFAULT_N = {"1d": 1000, "2d": 900}
SIZE_KEYS = {"1d": "v_sn", "2d": "v_sn2"}
IMPORTS = (
    "import heapq\nimport statistics\nimport time\n\n"
    "import jax\nimport jax.numpy as jnp\nimport numpy as np\n"
    "import plotly.graph_objects as go\nfrom plotly.subplots import make_subplots\n"
    "from scipy import sparse\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)


def sparse_jacobians(book: Notebook, query: Query, parsers: Parsers, heading) -> None:
    """The Sparse Jacobians section of the link, written into `book`."""
    residual = query.option("v_sres", list(SIZES), "1d")
    g, note = section_function(parsers, query.text("v_sg", DEFAULT_G), ("u",), DEFAULT_G)
    n = query.number_option(SIZE_KEYS[residual], SIZES[residual], str, DEFAULT_N[residual])
    sizes = [size for size in SIZES[residual] if size <= n]
    grid = "the 1-D three-point stencil" if residual == "1d" else "the 2-D five-point stencil"
    heading(
        f"The Jacobian of {grid} residual with g(u) = {quoted(g.text)} and n = {n} unknowns: "
        "its sparsity pattern read from F's jaxpr, the column colouring, one JVP per colour "
        "and the decompressed J against `jax.jacfwd`; then time and passes against n for "
        f"dense `jacfwd`, dense `jacrev` and the coloured JVPs.{note}"
    )
    book.code(
        IMPORTS
        + settings(
            {"residual": residual, "g_text": g.text, "n": n, "sizes": sizes},
            {
                "residual": "1d: u'' = g(u) on (0, 1); 2d: Δu = g(u) on the unit square",
                "sizes": "the sizes timed: the page's, up to n",
            },
        )
        + "\n\n"
        + RECORD
    )
    book.markdown(
        "## The residual F(u)\n\n1-D: F_i = u_{i−1} − 2u_i + u_{i+1} − h² g(u_i), h = 1/(n + 1), "
        "u₀ = u_{n+1} = 0. 2-D: F_ij = the four neighbours − 4u_ij − h² g(u_ij) on the m × m "
        "grid (n = m²), h = 1/(m + 1), zero outside it."
    )
    book.code(function_definition(g, "g", "jnp") + "\n\n" + RESIDUAL)
    book.markdown(
        "## The pattern, from F's jaxpr\n\n`jax.make_jaxpr` lists F's primitive operations; "
        "each value gets a sparse boolean matrix saying which inputs each of its entries "
        "depends on, carried through the list. Nothing about the stencil is written by hand."
    )
    book.code(PATTERN)
    book.markdown(
        "## The colouring, and one JVP per colour\n\nColumns that share no row may share a "
        "colour; DSATUR colours next the column whose coloured neighbours use the most "
        "colours. The seed of colour c is 1 on every column of that colour."
    )
    book.code(COLOURING + "\n\n" + COMPRESSION)
    book.code(PICTURES + figure_lines("fig"))
    book.markdown(
        "## Time and passes against n\n\nEach way once untimed (eager JAX compiles each "
        "primitive per shape), then the median of a few timed runs. `jacfwd` and `jacrev` "
        "need n passes, the coloured JVPs 3 or 5."
    )
    book.code(TIMINGS + figure_lines("timing"))


RESIDUAL = """\
def residual_function(n):
    \"\"\"F: R^n -> R^n of the chosen residual with n unknowns.\"\"\"
    if residual == "1d":
        h = 1.0 / (n + 1)

        def F(u):
            padded = jnp.pad(u, 1)  # u_0 = u_{n+1} = 0
            return padded[:-2] - 2.0 * u + padded[2:] - h * h * g(u)

        return F
    m = round(n**0.5)
    h = 1.0 / (m + 1)

    def F(u):
        grid = u.reshape(m, m)
        padded = jnp.pad(grid, 1)  # zero outside the grid
        neighbours = padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]
        return (neighbours - 4.0 * grid - h * h * g(grid)).reshape(n)

    return F


F = residual_function(n)
u = jnp.zeros(n)  # the point: u = 0
print(F(u)[:5])
"""

PATTERN = """\
MOVES = {"pad", "slice", "reshape", "squeeze", "expand_dims", "broadcast_in_dim",
         "concatenate", "rev", "transpose"}


def depends(jaxpr, inputs, n):
    \"\"\"Carry each input's relation (entries x n, bool) through the jaxpr's equations.\"\"\"
    relations = dict(zip(jaxpr.invars, inputs))

    def read(atom):
        if not hasattr(atom, "val") and atom in relations:  # a literal has a value: constant
            return relations[atom]
        return sparse.csr_array((int(np.prod(atom.aval.shape)), n), dtype=bool)  # a constant

    for equation in jaxpr.eqns:
        operands = [read(atom) for atom in equation.invars]
        inner = equation.params.get("jaxpr", equation.params.get("call_jaxpr"))
        if inner is not None:  # jit, custom rules: the same walk inside
            results = depends(getattr(inner, "jaxpr", inner), operands, n)
        elif equation.primitive.name in MOVES:  # which entry does each output copy?
            starts = np.cumsum([0] + [operand.shape[0] for operand in operands])
            numbered = [jnp.arange(start, start + operand.shape[0]).reshape(atom.aval.shape)
                        for start, operand, atom in zip(starts, operands, equation.invars)]
            copied = np.asarray(equation.primitive.bind(*numbered, **equation.params)).ravel()
            results = [sparse.csr_array(sparse.vstack(operands, format="csr")[copied])]
        else:  # elementwise: entry k of the output depends on entry k of each operand
            size = int(np.prod(equation.outvars[0].aval.shape))
            result = sparse.csr_array((size, n), dtype=bool)
            for operand in operands:
                if operand.shape[0] == 1 and size != 1:
                    operand = operand[np.zeros(size, dtype=int)]
                if operand.shape[0] != size:
                    raise NotImplementedError(f"no rule for {equation.primitive.name}")
                result = result + operand
            results = [result] * len(equation.outvars)
        relations.update(zip(equation.outvars, results))
    return [read(atom) for atom in jaxpr.outvars]


closed = jax.make_jaxpr(F)(u)
(pattern,) = depends(closed.jaxpr, [sparse.eye_array(n, dtype=bool, format="csr")], n)
pattern = sparse.csr_array(pattern)
print(len(closed.jaxpr.eqns), "equations in F's jaxpr;", pattern.nnz, "nonzeros in J")
"""

COLOURING = """\
def colouring(pattern):
    \"\"\"DSATUR: colour next the column with the most distinct colours among its coloured
    neighbours (ties: the most neighbours, then the smallest index).\"\"\"
    counts = sparse.csr_array(pattern, dtype=np.int64)
    shared = sparse.coo_array(counts.T @ counts)
    keep = (shared.row != shared.col) & (shared.data != 0)
    size = counts.shape[1]
    neighbours = sparse.csr_array(
        (np.ones(keep.sum(), dtype=bool), (shared.row[keep], shared.col[keep])), shape=(size, size)
    )
    degree = np.diff(neighbours.indptr)
    colours = np.full(size, -1)
    seen = [set() for _ in range(size)]
    heap = [(0, -int(degree[j]), j) for j in range(size)]
    heapq.heapify(heap)
    while heap:
        minus_saturation, _, j = heapq.heappop(heap)
        if colours[j] >= 0 or -minus_saturation != len(seen[j]):
            continue  # coloured already, or a stale entry
        colours[j] = next(c for c in range(len(seen[j]) + 1) if c not in seen[j])
        for k in neighbours.indices[neighbours.indptr[j] : neighbours.indptr[j + 1]]:
            if colours[k] < 0 and colours[j] not in seen[k]:
                seen[k].add(colours[j])
                heapq.heappush(heap, (-len(seen[k]), -int(degree[k]), int(k)))
    _, first = np.unique(colours, return_index=True)  # number them as they first appear
    names = np.empty(first.size, dtype=int)
    names[np.argsort(first)] = np.arange(first.size)
    return names[colours]
"""

COMPRESSION = f"""\
colors = colouring(pattern)
n_passes = int(colors.max()) + 1
seeds = (colors[:, None] == np.arange(n_passes)).astype(float)  # S: n x colours
compressed = np.stack([np.asarray(jax.jvp(F, (u,), (jnp.asarray(seeds[:, c]),))[1])
                       for c in range(n_passes)], axis=1)  # B = J S: one JVP per colour
rows, columns = pattern.nonzero()
J = np.zeros((n, n))
J[rows, columns] = compressed[rows, colors[columns]]  # J_ij = B[i, colour(j)]
dense = np.asarray(jax.jit(jax.jacfwd(F))(u))  # n JVPs, for the check
with np.errstate(invalid="ignore"):
    gaps = np.where(J == dense, 0.0, np.abs(J - dense))
per_colour = sparse.csr_array(pattern, dtype=int) @ sparse.csr_array(seeds.astype(int))
record("unknowns n", n)
record("nonzeros of J (the pattern)", pattern.nnz)
record("colours = JVPs (passes)", n_passes)
record("fewest possible (most nonzeros in a row)", np.diff(pattern.indptr).max())
record("columns of one colour share no row", per_colour.max() <= 1)
record("max |J (coloured) − jax.jacfwd(F)|", gaps.max())
block = min(n, {BLOCK})  # the top-left block the page draws
record("J[0, 0]", J[0, 0])
record("sum of the drawn block of J", J[:block, :block].sum())
record("sum of the drawn block of B = J S", compressed[:block].sum())
"""

PICTURES = """\
# the top-left block of the pattern, the colouring, B = J S and J decompressed
shown_pattern = pattern[:block, :block].toarray()
fig = make_subplots(rows=2, cols=2, subplot_titles=["sparsity pattern", "column colouring",
                                                    "compressed B = J S", "J decompressed"])
fig.add_heatmap(z=shown_pattern.astype(float), showscale=False, row=1, col=1)
fig.add_heatmap(z=np.where(shown_pattern, colors[:block][None, :], np.nan), showscale=False,
                row=1, col=2)
fig.add_heatmap(z=compressed[:block], showscale=False, row=2, col=1)
fig.add_heatmap(z=np.where(shown_pattern, J[:block, :block], np.nan), showscale=False,
                row=2, col=2)
fig.update_yaxes(autorange="reversed")
"""

TIMINGS = f"""\
def seconds(run):
    \"\"\"The median of timed runs after an untimed one (it compiles).\"\"\"
    jax.block_until_ready(run())
    times = []
    while not times or (len(times) < {MAX_RUNS} and sum(times) < {MEASURE_BUDGET}):
        start = time.perf_counter()
        jax.block_until_ready(run())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


rows_of_table = []
for size in sizes:
    function, zero = residual_function(size), jnp.zeros(size)
    found = sparse.csr_array(depends(jax.make_jaxpr(function)(zero).jaxpr,
                                     [sparse.eye_array(size, dtype=bool, format="csr")], size)[0])
    colours = colouring(found)
    size_seeds = jnp.asarray(colours[None, :] == np.arange(colours.max() + 1)[:, None], float)
    r, c = found.nonzero()
    pushed = jax.jit(jax.vmap(lambda seed, F=function, zero=zero: jax.jvp(F, (zero,), (seed,))[1]))
    forward, reverse = jax.jit(jax.jacfwd(function)), jax.jit(jax.jacrev(function))
    rows_of_table.append({{
        "n": size, "passes: jacfwd": size, "passes: jacrev": size,
        "passes: coloured": len(size_seeds),
        "jacfwd (ms)": 1e3 * seconds(lambda: forward(zero)),
        "jacrev (ms)": 1e3 * seconds(lambda: reverse(zero)),
        "coloured (ms)": 1e3 * seconds(lambda: np.asarray(pushed(size_seeds))[colours[c], r]),
    }})
    record(f"passes: coloured at n = {{size}}", len(size_seeds))
for row in rows_of_table:
    print(row)

timing = go.Figure()
for way in ("jacfwd", "jacrev", "coloured"):
    timing.add_scatter(x=[row["n"] for row in rows_of_table],
                       y=[row[f"{{way}} (ms)"] for row in rows_of_table], name=way)
timing.update_xaxes(type="log", title="n")
timing.update_yaxes(type="log", title="ms")
"""
