"""The notebooks of the sections issue 27 added: Sparse Jacobians and Hessian-vector products
(Several variables) and Fixed points (Beyond grad). Each notebook runs on its own in a fresh
Python, and the numbers it prints are those core computes for the page's view of the same
link (core is the page's own computation; its figures are drawn from these numbers)."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

import core
from core.beyond_grad.fixed_point_views import fixed_point_report
from core.several_variables.column_colouring import fewest_possible_colours
from core.several_variables.hvp_newton import newton_cg_against_bfgs
from core.several_variables.sparse_comparison import BLOCK, SIZES, colouring_is_valid
from core.several_variables.sparse_jacobian import sparse_jacobian
from tests.notebooks.notebook_runs import close, code_of, run_notebooks

SPARSE = {
    "sparse default": {"v_s": "Sparse Jacobians"},
    "sparse 2d": {"v_s": "Sparse Jacobians", "v_sres": "2d", "v_sg": "sin(u) + u^3",
                  "v_sn2": "100"},
}  # fmt: skip
HVP = {
    "hvp default": {"v_s": "Hessian-vector products"},
    "hvp typed": {"v_s": "Hessian-vector products", "v_hvf": "exp(x + 2y) - z^3",
                  "v_hvx": "0.5", "v_hvz": "-2", "v_hvvy": "-1.5", "v_hvd": "10"},
}  # fmt: skip
FIXED = {
    "fixed default": {"b_s": "Fixed points"},
    "fixed typed": {"b_s": "Fixed points", "b_ff": "sqrt(z) + a", "b_fa": "1.5", "b_fz0": "1",
                    "b_fk": "25"},
}  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Every notebook of this module, run two at a time: name -> its printed numbers."""
    books = {
        name: core.view_notebook(page, urllib.parse.urlencode(query))
        for links, page in ((SPARSE, "several_variables"), (HVP, "several_variables"),
                            (FIXED, "beyond_grad"))
        for name, query in links.items()
    }  # fmt: skip
    return run_notebooks(books, tmp_path_factory.mktemp("sections"))


@pytest.mark.parametrize("name", list(SPARSE))
def test_sparse_notebook_prints_the_pages_jacobian(printed, name):
    numbers, query = printed[name], SPARSE[name]
    residual = query.get("v_sres", "1d")
    n = int(query.get("v_sn2" if residual == "2d" else "v_sn", 1000))
    g = core.parse_expression(query.get("v_sg", "-e^u"), ("u",))
    # What core.several_variables.sparse_comparison.sparse_view shows, without its check
    # against a dense jax.jacfwd (the notebook makes that check itself: 0 below)
    page = sparse_jacobian(residual, g, n)
    block = min(n, BLOCK)
    assert numbers["unknowns n"] == n
    assert numbers["nonzeros of J (the pattern)"] == page.pattern.sum()
    assert numbers["colours = JVPs (passes)"] == page.n_passes == (3 if residual == "1d" else 5)
    assert numbers["fewest possible (most nonzeros in a row)"] == fewest_possible_colours(
        page.pattern
    )
    assert numbers["columns of one colour share no row"] == 1.0
    assert colouring_is_valid(page.pattern, page.colors)
    assert numbers["max |J (coloured) − jax.jacfwd(F)|"] <= 1e-12
    assert close(numbers["J[0, 0]"], page.matrix[0, 0], rel=1e-12)
    drawn = page.matrix[:block, :block]
    assert close(numbers["sum of the drawn block of J"], drawn.sum(), 1e-9, 1e-9)
    assert close(numbers["sum of the drawn block of B = J S"], page.compressed[:block].sum(),
                 1e-9, 1e-9)  # fmt: skip
    # 3 colours for the 1-D stencil from n = 3 on, 5 for the 2-D one from m = 3 on: every
    # size the page times (core.several_variables.column_colouring)
    smallest = sparse_jacobian(residual, g, SIZES[residual][0]).n_passes
    for size in (s for s in SIZES[residual] if s <= n):
        assert numbers[f"passes: coloured at n = {size}"] == smallest == page.n_passes


@pytest.mark.parametrize("name", list(HVP))
def test_hvp_notebook_prints_the_pages_products_and_runs(printed, name):
    numbers, query = printed[name], HVP[name]
    parsed = core.parse_expression(
        query.get("v_hvf", "100(y - x^2)^2 + (1 - x)^2 + 100(z - y^2)^2 + (1 - y)^2"),
        ("x", "y", "z"),
    )
    point = [float(query.get(f"v_hv{v}", 1.0)) for v in "xyz"]
    vector = [float(query.get(f"v_hvv{v}", 1.0)) for v in "xyz"]
    product = core.hessian_vector_product(parsed, point, vector)
    hessian = core.hessian(parsed, point)
    for i in range(3):
        assert close(numbers[f"H v (forward-over-reverse)[{i}]"], product[i], 1e-12, 1e-12)
        assert close(numbers[f"H formed, then H @ v[{i}]"], (hessian @ vector)[i], 1e-12, 1e-12)
    for k, entry in enumerate(hessian.ravel()):
        assert close(numbers[f"H[{k}]"], entry, rel=1e-12, absolute=1e-12)
    comparison = newton_cg_against_bfgs(int(query.get("v_hvd", 100)))
    for run in (comparison.newton_cg, comparison.bfgs):
        # Counts of an optimizer follow the last bits of f and ∇f (the notebook's XLA
        # program is compiled apart): equal within a few per cent, not to the digit.
        for label, count in (("iterations", run.iterations),
                             ("f and ∇f evaluations", run.gradient_calls),
                             ("HVP calls", run.hvp_calls)):  # fmt: skip
            assert abs(numbers[f"{run.method}: {label}"] - count) <= 0.05 * count + 2, label
        assert numbers[f"{run.method}: converged"] == float(run.converged) == 1.0
        assert numbers[f"{run.method}: max |x − 1| at the end"] < 1e-6 > run.error


@pytest.mark.parametrize("name", list(FIXED))
def test_fixed_point_notebook_prints_the_pages_table_and_iterates(printed, name):
    numbers, query = printed[name], FIXED[name]
    parsed = core.parse_expression(query.get("b_ff", "a cos(z)"), ("z", "a"))
    steps = int(query.get("b_fk", 40))
    report = fixed_point_report(
        parsed, "z", "a", float(query.get("b_fa", 1.0)), float(query.get("b_fz0", 0.0)),
        steps=steps,
    )  # fmt: skip
    for label, value, rel in (
        ("z*: f(a, z*) = z*", report.point, 1e-12),
        ("dz*/da: implicit function theorem", report.derivative, 1e-10),
        (f"dz*/da: through K = {steps} unrolled iterations", report.unrolled[-1], 1e-10),
        ("dz*/da: central difference of fixed points", report.finite_difference, 1e-6),
        ("∂f/∂z at z* (JAX)", report.by_unknown, 1e-12),
        ("∂f/∂a at z* (JAX)", report.by_parameter, 1e-12),
    ):
        assert close(numbers[label], value, rel=rel, absolute=1e-15), label
    for name_of, iterates in (("plain z_k", report.plain), ("Anderson z_k", report.anderson)):
        mine = [numbers[f"{name_of}[{k}]"] for k in range(len(iterates))]
        assert f"{name_of}[{len(iterates)}]" not in numbers
        np.testing.assert_allclose(mine, iterates, rtol=1e-10, atol=1e-14)


def test_a_map_with_no_fixed_point_in_reach_is_refused_with_the_pages_reason():
    query = urllib.parse.urlencode({"b_s": "Fixed points", "b_ff": "a exp(z)", "b_fa": "1"})
    with pytest.raises(ValueError, match="no fixed point for this link: No fixed point"):
        core.view_notebook("beyond_grad", query)


def test_junk_values_are_ignored_as_the_sections_ignore_them():
    sparse = core.view_notebook("several_variables", "v_s=sparse&v_sn=7&v_sres=3d&v_sn2=900")
    assert "residual = '1d'" in code_of(sparse)
    assert "n = 1000" in code_of(sparse)  # 7 is not one of the slider's sizes
    hvp = core.view_notebook("several_variables", "v_s=hvp&v_hvd=3&v_hvx=nan&v_hvf=import+os")
    code = code_of(hvp)
    assert "d = 100" in code
    assert "point = (1.0, 1.0, 1.0)" in code
    assert "import os" not in code  # the typed f is refused, and the section's default shown
    fixed = core.view_notebook("beyond_grad", "b_s=fixed&b_fk=9999&b_fa=inf")
    assert "K_steps = 40" in code_of(fixed)
    assert "a_value = 1.0" in code_of(fixed)
