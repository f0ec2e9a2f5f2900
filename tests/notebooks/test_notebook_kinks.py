"""The Kinks and programs notebook: every tab of the page, run on its own in a fresh Python,
printing what core computes for the page's view of the same link."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

import core
from core.kinks.interpolation import interpolation_view
from core.kinks.jaxpr_view import jaxpr_report
from core.kinks.kink_report import kink_report, where_trap
from core.programs.gallery import GALLERY
from core.programs.parser import parse_program
from core.programs.worker import measure
from tests.notebooks.notebook_runs import cells_of, close, code_of, run_notebooks

LINKS = {
    "default": {},
    "settings": {"k_f": "where(x < 0, -x^2, x + x^2)", "k_x0": "0", "k_interp": "exp(-x) sin(3x)",
                 "k_knots": "35", "k_irange": ["-1", "2.5"], "k_prog": GALLERY[1].source,
                 "k_prange": ["-2", "1"]},
}  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    books = {
        name: core.view_notebook("kinks", urllib.parse.urlencode(query, doseq=True))
        for name, query in LINKS.items()
    }
    return run_notebooks(books, tmp_path_factory.mktemp("kinks"))


@pytest.mark.parametrize("name", list(LINKS))
def test_kinks_notebook_prints_what_each_method_answers(printed, name):
    numbers, query = printed[name], LINKS[name]
    parsed = core.parse_expression(query.get("k_f", "|x|"))
    report = kink_report(parsed, float(query.get("k_x0", 0.0)))
    for answer in report.answers:  # FD to rounding of f; SymPy, jet and grad to the bit's
        assert close(numbers[answer.method], answer.value, rel=1e-8, absolute=1e-12), answer
    trap = where_trap()
    assert close(numbers["jax.grad of the naive where at 0"], trap.naive_at_zero)
    assert numbers["jax.grad of the double where at 0"] == trap.fixed_at_zero
    assert numbers["forward mode of the naive where at 0"] == trap.naive_forward_at_zero
    # The notebook's f is jnp, the page's lax: the same operations, give or take a few.
    for entry in jaxpr_report(parsed).entries:
        mine = numbers[f"{entry.name}: primitive operations"]
        assert abs(mine - entry.primitive_count) <= max(2, 0.5 * entry.primitive_count), entry


@pytest.mark.parametrize("name", list(LINKS))
def test_kinks_notebook_prints_the_interpolation_errors_and_the_program(printed, name):
    numbers, query = printed[name], LINKS[name]
    ends = tuple(float(v) for v in query.get("k_irange", ["0", "3"]))
    view = interpolation_view(
        core.parse_expression(query.get("k_interp", "cos(2x)")), int(query.get("k_knots", 20)),
        ends,
    )  # fmt: skip
    assert close(numbers["max |linear′ − f′|"], view.linear_derivative_error, rel=1e-9)
    assert close(numbers["max |spline′ − f′|"], view.spline_derivative_error, rel=1e-7)
    program = parse_program(query.get("k_prog", GALLERY[0].source))
    program_range = [float(v) for v in query.get("k_prange", GALLERY[0].x_range)]
    xs = np.linspace(*program_range, 200)
    report = measure(program, xs)
    for k in np.linspace(0, len(xs) - 1, 5).astype(int):
        assert close(numbers[f"f at x = {xs[k]:.6g}"], report.values[k], 1e-12, 1e-15)
        assert close(numbers[f"f′ at x = {xs[k]:.6g}"], report.vectorised_gradient[k], 1e-12, 1e-15)
    assert numbers["max |point by point − vectorised|"] < 1e-12


def test_a_function_the_page_refuses_leaves_the_kinks_tab_out():
    book = core.view_notebook("kinks", "k_f=a+%7Cx%7C&k_prog=import+os")
    title = "".join(cells_of(book)[0]["source"])
    assert "cannot be used here" in title
    code = code_of(book)
    assert "f_text = None" in code
    assert "jet.jet(lambda x" not in code  # no kink cells, no jaxprs
    assert "naive_gradient" in code  # the where trap and the interpolation stay
    assert "import os" not in code  # a program the page refuses is named in markdown only
    assert any("refuses the link's program" in "".join(c["source"]) for c in cells_of(book))
