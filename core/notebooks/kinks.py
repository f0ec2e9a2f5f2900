"""The Kinks and programs page as a notebook: every tab, as the link sets it.

The page draws all its tabs on every run (the open tab is not in the link), so the
notebook has them all, in the page's order of sections:

- Kinks: what each method answers at x₀ where f may have no derivative: one-sided and
  central differences in NumPy with the page's step (second-order stencils, h = 1e-5,
  the one-sided ones 1e-9 off x₀), SymPy's f′ evaluated there, JAX's forward mode (Taylor
  mode, `jet`, as the page computes it) and reverse mode (`jax.grad`); and the NaN trap of
  `where` with its double-where fix;
- Under the hood: the jaxprs of f, of its JVP and of its grad, with their primitive counts.
  The page builds f from `lax` primitives, the notebook from `jnp`: the programs differ by
  a few equations (counts are printed beside the page's meaning, not its digits);
- Interpolation, Programs and Gotchas: core.notebooks.kinks_more.

A typed f the page cannot read (or with parameters, which this page refuses) leaves the
Kinks and Under the hood parts out, as the page shows only its sentence there.
"""

from __future__ import annotations

from core.engines.finite_differences import fd_coefficients_exact, stencil_offsets
from core.errors import ExpressionError
from core.explorer.code_view import sympy_code
from core.kinks.kink_report import DOUBLE_WHERE, KINK_EXAMPLES, NAIVE_WHERE, STEP
from core.language.numeric_source import expression_source, helper_source, python_names
from core.notebooks import kinks_more
from core.notebooks.cells import Notebook, figure_lines, finish, quoted, settings, title
from core.notebooks.parsers import Parsers
from core.notebooks.pieces import RECORD, numpy_definition
from core.notebooks.query import Query

PAGE, NAME = "kinks", "Kinks and programs"
IMPORTS = (
    "import jax\nimport jax.numpy as jnp\nimport numpy as np\nimport sympy as sp\n"
    "import plotly.graph_objects as go\nfrom jax.experimental import jet\n"
    "from plotly.subplots import make_subplots\n\n"
    'jax.config.update("jax_enable_x64", True)  # float64, as on the page\n\n'
)


def notebook(query: Query, parsers: Parsers) -> str:
    """The page's view of `query` as nbformat-4 JSON (see `core.view_notebook`)."""
    start = KINK_EXAMPLES[0]
    text, x0 = query.text("k_f", start.text), query.number("k_x0", start.x0)
    parsed, refused = None, ""
    try:
        parsed = parsers.expression(text, ("x",))
        if parsed.parameters:
            raise ExpressionError(f"replace the parameters ({', '.join(parsed.parameters)}) "
                                  "by numbers here", None)  # fmt: skip
    except ExpressionError as error:
        parsed = None
        refused = (
            f"\n\nThe link's f(x) = {quoted(text)} cannot be used here "
            f"({quoted(error.message)}): like the page, which shows only that sentence on its "
            "Kinks and Under the hood tabs, this notebook leaves them out."
        )
    book = Notebook()
    about = f"f(x) = {quoted(parsed.text)} at x₀ = {x0!r}: " if parsed else ""
    title(
        book, NAME, None, query.link(PAGE),
        f"{about}what finite differences, SymPy and JAX's two modes answer where f may have "
        "no derivative; the NaN trap of `where`; the jaxprs of f, its JVP and its grad; "
        f"differentiating an interpolant; a program with loops and branches; and the "
        f"gotchas.{refused}",
    )  # fmt: skip
    book.code(IMPORTS + settings({"f_text": parsed.text if parsed else None, "x0": x0})
              + "\n\n" + RECORD)  # fmt: skip
    if parsed is not None:
        _kink(book, parsed)
    _where_trap(book)
    if parsed is not None:
        _jaxprs(book)
    kinks_more.add(book, query, parsers)
    return finish(book)


def _kink(book: Notebook, parsed) -> None:
    names = python_names(parsed, reserved={"f", "f_numpy", "f_exact"})
    body = expression_source(parsed, "jnp", names, taylor_mode=True)
    stencils = {
        scheme: (offsets, [float(w) for w in fd_coefficients_exact(1, offsets)])
        for scheme in ("backward", "forward", "central")
        for offsets in [stencil_offsets(1, scheme, 2)]
    }
    book.markdown(
        "## Kinks: what each method answers at x₀\n\nFinite differences look at neighbours "
        "(second-order stencils, h = 1e-5; the one-sided ones start 1e-9 off x₀, on their "
        "side), SymPy evaluates a formula with generalised functions (sign, Heaviside, "
        "DiracDelta), and JAX applies each primitive's derivative rule at exactly x₀."
    )
    book.code(
        numpy_definition(parsed)
        + f"\n\nh = {STEP!r}\nstencils = {stencils!r}  # scheme -> (offsets, weights)\n\n\n"
        "def difference(at, scheme):\n"
        "    offsets, weights = stencils[scheme]\n"
        "    step = (at + h) - at  # rounded, so that at + h is representable\n"
        "    with np.errstate(all='ignore'):\n"
        "        total = sum(w * f_numpy(at + k * step) for k, w in zip(offsets, weights) if w)\n"
        "        return np.nan if np.isnan(f_numpy(at)) else total / step\n\n\n"
        "with np.errstate(all='ignore'):\n"
        "    value = float(f_numpy(x0))\n"
        "left = difference(x0 - 1e-9, 'backward')\n"
        "right = difference(x0 + 1e-9, 'forward')\n"
        "central = difference(x0, 'central')\n"
    )
    book.code(
        sympy_code(parsed, 1) + "print('f′(x) =', derivatives[1])\n"
        "with np.errstate(all='ignore'):  # Heaviside(0) = 1/2, sign(0) = 0, as on the page\n"
        "    symbolic = float(sp.lambdify(x, derivatives[1], modules='numpy')(x0))\n"
    )
    book.code(
        helper_source(parsed, "jnp", True).lstrip("\n")
        + ("\n\n" if helper_source(parsed, "jnp", True) else "")
        + f"def f(x):\n    return jnp.asarray({body}, dtype=jnp.float64)\n\n\n"
        "# forward mode: Taylor mode pushes x₀ + t through f (nan where f(x₀) is undefined)\n"
        "at = jnp.array([x0])\n"
        "f_at, (forward,) = jet.jet(lambda x: jnp.broadcast_to(f(x), x.shape), (at,), "
        "([jnp.ones(1)],))\n"
        "forward_mode = np.nan if np.isnan(float(f_at[0])) else float(forward[0])\n"
        "reverse_mode = float(jax.grad(f)(jnp.float64(x0)))  # reverse mode\n"
        'for method, answer in (("slope from the left", left), ("slope from the right", right),\n'
        '                       ("central difference", central), ("SymPy", symbolic),\n'
        '                       ("JAX forward mode (jvp/jet)", forward_mode),\n'
        '                       ("JAX reverse mode (grad)", reverse_mode)):\n'
        "    record(method, answer)\n"
        "    print(f'{method:28} {answer:.6g}')\n"
    )
    book.code(
        "xs = np.linspace(x0 - 2, x0 + 2, 401)\n"
        "with np.errstate(all='ignore'):\n"
        "    ys = np.broadcast_to(f_numpy(xs), xs.shape)\n"
        "fig = go.Figure(go.Scatter(x=xs, y=ys, name='f'))\n"
        "for slope, name in ((left, 'left slope'), (right, 'right slope')):\n"
        "    if np.isfinite(slope) and np.isfinite(value):\n"
        "        fig.add_scatter(x=xs, y=value + slope * (xs - x0), name=name, "
        "line={'dash': 'dash'})\n"
        "fig.add_vline(x=x0, line={'color': 'grey', 'dash': 'dot'})\n" + figure_lines("fig")
    )


def _where_trap(book: Notebook) -> None:
    book.markdown(
        f"## The NaN-gradient trap of where\n\n`{NAIVE_WHERE}`: reverse mode multiplies the "
        "branch not taken by a zero cotangent, and at x = 0 that branch's derivative "
        "(sqrt′(0)) is infinite: 0 × ∞ = nan. A second where inside the branch keeps it "
        f"finite: `{DOUBLE_WHERE}`."
    )
    book.code(
        "def naive(x):\n    return jnp.where(x > 0, jnp.sqrt(x), 0.0)\n\n\n"
        "def fixed(x):\n    return jnp.where(x > 0, jnp.sqrt(jnp.where(x > 0, x, 1.0)), 0.0)\n\n\n"
        "trap_xs = np.sort(np.append(np.linspace(-1.0, 1.0, 201), 0.0))\n"
        "trap_xs = np.unique(trap_xs)  # 0 once\n"
        "naive_gradient = np.asarray(jax.vmap(jax.grad(naive))(jnp.asarray(trap_xs)))\n"
        "fixed_gradient = np.asarray(jax.vmap(jax.grad(fixed))(jnp.asarray(trap_xs)))\n"
        "zero = int(np.flatnonzero(trap_xs == 0)[0])\n"
        "_, (naive_forward,) = jet.jet(naive, (jnp.zeros(1),), ([jnp.ones(1)],))\n"
        'record("jax.grad of the naive where at 0", naive_gradient[zero])\n'
        'record("jax.grad of the double where at 0", fixed_gradient[zero])\n'
        'record("forward mode of the naive where at 0", naive_forward[0])\n'
        "trap = go.Figure([go.Scatter(x=trap_xs, y=naive_gradient, name='grad, naive where'),\n"
        "                  go.Scatter(x=trap_xs, y=fixed_gradient, name='grad, double where',\n"
        "                             line={'dash': 'dash'})])\n" + figure_lines("trap")
    )


def _jaxprs(book: Notebook) -> None:
    book.markdown(
        "## Under the hood: what JAX sees\n\n`jax.make_jaxpr` lists the primitive operations "
        "of f, of its JVP (forward mode: a tangent operation beside each one) and of its grad "
        "(reverse mode: the forward pass, then the transposed operations backwards)."
    )
    book.code(
        "def count(jaxpr):  # primitives, those inside sub-jaxprs (jit, cond) in place of it\n"
        "    total = 0\n"
        "    for equation in jaxpr.eqns:\n"
        "        inner = [value for value in equation.params.values()\n"
        "                 if hasattr(value, 'eqns') or hasattr(getattr(value, 'jaxpr', None), "
        "'eqns')]\n"
        "        total += sum(count(getattr(i, 'jaxpr', i)) for i in inner) if inner else 1\n"
        "    return total\n\n\n"
        "one = jnp.float64(1.0)\n"
        "for name, traced in (('f(x)', jax.make_jaxpr(f)(one)),\n"
        "                     ('JVP (forward mode)', jax.make_jaxpr(lambda x, t: jax.jvp(f, "
        "(x,), (t,)))(one, one)),\n"
        "                     ('grad (reverse mode)', jax.make_jaxpr(jax.grad(f))(one))):\n"
        "    print(f'{name}: {count(traced.jaxpr)} primitive operations')\n"
        "    print(traced)\n"
        '    record(f"{name}: primitive operations", count(traced.jaxpr))\n'
    )
