"""Every view of the app as a notebook: `view_notebook(page, query)`.

A page's link query (its widgets' values, each under its key) is read as the page reads
it, and the view is written as a Jupyter notebook whose code cells run top to bottom in
a plain Python with the app's dependencies (NumPy, SciPy, SymPy, JAX, Plotly).

Why the notebooks do not `import core`: a notebook is what a student takes away to read
and change, so its cells are the computations themselves — `jax.experimental.jet`,
`jax.grad`, `sp.diff`, a finite-difference stencil in NumPy — generated from the
validated tree by the same generators as the pages' "code behind it" panels
(core.explorer.code_view, core.several_variables.code_view, core.beyond_grad.code_view).
A call into `core` would hide exactly what the page teaches, and would tie the notebook
to an installed copy of the app. `core` is used only while the notebook is written: to
read the link, parse its functions and print code from their trees, and for what no
library computes — the Step by step page's named rules (its own rule engine) are written
into the notebook as the page shows them, beside SymPy's f′. Where a page's number comes
from bookkeeping of its own rather than from the lesson, the notebook does the plain
equivalent and says so in its module: the Explorer's Taylor radius (bisection instead of
sub-grids, equal to far below what the page shows), the Hessian section's stationary
points (the snippet's plain Newton: the same points, not the page's start counts), the
swell section's jaxpr sizes (a `jnp` program against the page's `lax` one).

Every page that is a view of a function has one: the Explorer, the finite-differences lab,
derivatives of data, Kinks and programs (every tab: they are all drawn), Several variables
(each section, sparse Jacobians and Hessian-vector products included), Regression (the tab
the link opens), Descent trajectories, Beyond grad (each section, fixed points included)
and Step by step. The notebooks of the sections that time something (sparse Jacobians,
Hessian-vector products, the programs of the Kinks page) compile with `jax.jit` where the
page runs eager JAX or keeps its compiled programs bounded, and print this machine's times
beside the page's numbers: a time is a measurement, not a number to reproduce. The typed f
of the descent page gets the window and step sizes the page fitted to it (core.descent
.fitting), written in as settings. A view the page cannot compute (a CSV file, which does not
travel in a link; a bracket or a map with no root or fixed point) is refused with a
ValueError that says why, as is a fixed point the page found only by its Newton fallback.
"""

from __future__ import annotations

import importlib

from core.notebooks.parsers import DEFAULT_PARSERS, Parsers
from core.notebooks.query import Query

# url path -> the module that writes its notebook (imported on first use)
PAGES = {
    "explorer": "core.notebooks.explorer",
    "fd_lab": "core.notebooks.fd_lab",
    "data": "core.notebooks.data",
    "kinks": "core.notebooks.kinks",
    "several_variables": "core.notebooks.several_variables",
    "regression": "core.notebooks.regression",
    "descent": "core.notebooks.descent",
    "teaching": "core.notebooks.teaching",
    "beyond_grad": "core.notebooks.beyond_grad",
}
# Pages that are not a view of a function: nothing to reproduce in a notebook.
NOT_VIEWS = {
    "class": "The Class page is a live lesson, not a view of a function: it has no notebook.",
    "go": "The go page only opens another page: download the notebook from that page.",
}
ALL_PAGES = ("explorer", "fd_lab", "data", "kinks", "several_variables", "regression",
             "descent", "beyond_grad", "teaching")  # fmt: skip


def view_notebook(page: str, query: str) -> str:
    """The view of `page` that the link query `query` opens, as a notebook.

    Args:
        page: a page's url path as the app names it ("explorer", "fd_lab", "data",
            "kinks", "several_variables", "regression", "descent", "beyond_grad",
            "teaching").
        query: the link's query string, e.g. "f=sin%28x%29&n=3&x0=0.5"; values it does
            not name take the page's defaults, and invalid ones are ignored as the page
            ignores them.

    Returns:
        nbformat-4 JSON (validated): a title with the link, the settings as Python
        variables, the computations, the figure, and a last cell printing the numbers
        the page shows.

    Raises:
        ValueError: for an unknown page, a page that is not a view of a function (the
            Class page), a view the page cannot compute (an uploaded CSV file, no root or
            fixed point in reach), or a query that is not a link's (too long, too many
            values).

    Example:
        >>> import json
        >>> book = json.loads(view_notebook("explorer", "f=x%5E2&n=2"))
        >>> book["nbformat"], book["cells"][0]["cell_type"]
        (4, 'markdown')
    """
    return build_notebook(page, query, DEFAULT_PARSERS)


def build_notebook(page: str, query: str, parsers: Parsers) -> str:
    """`view_notebook` with the parsers to read the link's functions by (see Parsers)."""
    if not isinstance(page, str):
        raise ValueError(f"The page must be a page's url path (text), got {type(page).__name__}.")
    if page in NOT_VIEWS:
        raise ValueError(NOT_VIEWS[page])
    if page not in ALL_PAGES:
        raise ValueError(f"There is no page {page[:40]!r}: the pages are {', '.join(ALL_PAGES)}.")
    if page not in PAGES:
        raise ValueError(f"There is no notebook for the {page} page.")
    module = importlib.import_module(PAGES[page])
    return module.notebook(Query(query), parsers)


def has_notebook(page: str) -> bool:
    """Whether the page offers a notebook at all (some of its sections may not)."""
    return page in PAGES


def refusal(page: str, query: str) -> str | None:
    """Why the view has no notebook, found from the link alone (no parsing, no maths), or
    None: a page can draw its button only where `view_notebook` will write one for its
    structure (a function the page itself refuses is refused again when the notebook is
    written).

    Example:
        >>> refusal("explorer", "f=x"), refusal("data", "d_src=A+CSV+file")[:26]
        (None, 'A CSV file does not travel')
    """
    if not isinstance(page, str) or page not in PAGES:
        return "This page has no notebook."
    try:
        values = Query(query)
    except ValueError as error:
        return str(error)
    if page == "data" and values.text("d_src", "A function") == "A CSV file":
        return "A CSV file does not travel in a link: sample a function for a notebook."
    if page == "regression" and values.text("r_tab", "Linear") in ("Linear", "linear"):
        from core.notebooks.regression import CSV_REFUSAL, source_of

        if source_of(values) == "a CSV file":
            return CSV_REFUSAL
    return None
