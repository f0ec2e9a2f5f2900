"""The Descent trajectories notebook: every chosen optimizer, run on its own in a fresh
Python, printing the page's table as core computes it for the same link. The page runs its
own optimizers in one compiled loop and the notebook in a plain one: the same steps, so the
same counts and the same final f to rounding (a run that ends by its cap after chaotic steps
is compared by its counts and verdict, and its f loosely)."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest

import core
from core.descent.fitting import fit_view
from core.descent.optimizers import trajectories
from core.descent.surfaces import surface
from tests.notebooks.notebook_runs import cells_of, close, code_of, run_notebooks

RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 0.5)
LINKS = {
    "default": {},
    "settings": {"g_s": "bowl", "g_k": "100", "g_x": "2", "g_y": "-1.5", "g_gd": "0.01",
                 "g_mr": "0.003", "g_ar": "0.1", "g_mb": "0.8", "g_n": "300", "g_exact": "false",
                 "g_m": ["gd", "bb", "momentum", "nesterov", "rmsprop", "dogleg", "Newton-CG",
                         "trust-ncg", "CG", "L-BFGS-B"]},
}  # fmt: skip


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    books = {
        name: core.view_notebook("descent", urllib.parse.urlencode(query, doseq=True))
        for name, query in LINKS.items()
    }
    return run_notebooks(books, tmp_path_factory.mktemp("descent"))


def _page(query: dict):
    """The page's runs for the link, as views/descent.py asks core for them."""
    name = query.get("g_s", "rosenbrock")
    base = surface("rosenbrock" if name == "your own f(x, y)" else name,
                   float(query.get("g_k", 10)))  # fmt: skip
    text = query.get("g_f", base.text) if name == "your own f(x, y)" else base.text
    parsed = core.parse_expression(text, ("x", "y"))
    start = np.array([float(query.get("g_x", base.start[0])),
                      float(query.get("g_y", base.start[1]))])  # fmt: skip
    rates = [float(query.get(key, default))
             for key, default in (("g_gd", 1e-3), ("g_mr", 1e-3), ("g_ar", 3e-2))]  # fmt: skip
    minima = base.minima
    if name == "your own f(x, y)":  # fitted steps: the page's default for a typed f
        fit = fit_view(parsed, base.start, RATES)
        rates = [fit.learning_rate, fit.learning_rate, fit.adaptive_rate]
        minima = () if fit.minimum is None else (fit.minimum,)
    beta, exact = float(query.get("g_mb", 0.9)), query.get("g_exact", "true") == "true"
    steps = {"gd": {"learning_rate": rates[0]}, "bb": {"learning_rate": rates[0]},
             "momentum": {"learning_rate": rates[1], "momentum": beta},
             "nesterov": {"learning_rate": rates[1], "momentum": beta},
             "adam": {"learning_rate": rates[2]}, "rmsprop": {"learning_rate": rates[2]},
             "newton": {}}  # fmt: skip
    methods = {}
    for method in query.get("g_m", ["gd", "momentum", "adam", "newton", "BFGS", "Nelder-Mead"]):
        if method in steps:
            methods[method] = steps[method]
        else:
            hessian = method in ("Newton-CG", "trust-ncg", "dogleg")
            methods[method] = {"use_grad": exact or hessian,
                               "use_hess": hessian and (exact or method == "dogleg")}  # fmt: skip
    for method in [m for m in methods if m in ("BFGS", "CG", "L-BFGS-B")]:
        for use_grad in (True, False):
            label = f"{method} ({'JAX gradient' if use_grad else 'finite differences'})"
            methods[label] = {"method": method, "use_grad": use_grad}
    runs = trajectories(parsed, start, methods, int(query.get("g_n", 1000)))
    return runs, np.asarray(minima, dtype=float).reshape(-1, 2)


@pytest.mark.parametrize("name", list(LINKS))
def test_descent_notebook_prints_the_pages_table(printed, name):
    numbers = printed[name]
    runs, minima = _page(LINKS[name])
    assert {key.split(": ")[0] for key in numbers} == set(runs)
    for label, run in runs.items():
        for count in ("nit", "nfev", "njev", "nhev"):
            page = getattr(run, count)
            assert abs(numbers[f"{label}: {count}"] - page) <= 0.02 * page + 1, (label, count)
        assert numbers[f"{label}: converged"] == float(run.converged), label
        final = numbers[f"{label}: final f"]
        if run.converged:
            assert close(final, run.values[-1], rel=1e-6, absolute=1e-10), label
        else:
            assert close(final, run.values[-1], rel=1e-3, absolute=1e-8), label
        if len(minima):
            distance = np.min(np.linalg.norm(minima - run.points[-1], axis=1))
            assert close(numbers[f"{label}: distance to minimum"], distance, 1e-3, 1e-6), label


def test_junk_values_are_ignored_as_the_page_ignores_them():
    junk = core.view_notebook(
        "descent", "g_s=nowhere&g_n=99999&g_m=Nothing&g_gd=7&g_mb=1.5&g_exact=maybe&g_x=nan"
    )
    default = core.view_notebook("descent", "")
    assert code_of(junk).split("shown = {}")[0] == code_of(default).split("shown = {}")[0]


def test_a_typed_f_outside_the_language_is_said_and_the_default_shown():
    book = core.view_notebook("descent", "g_s=your+own+f%28x%2C+y%29&g_f=__import__%28%29")
    assert "cannot be used" in "".join(cells_of(book)[0]["source"])
    default = core.parse_expression("(x - 1)^2 + 3(y + x^2/2)^2", ("x", "y")).text
    assert f"f_text = {default!r}" in code_of(book)
    assert "__import__" not in code_of(book)


def test_a_typed_f_gets_the_steps_and_window_the_page_fitted_to_it():
    query = {"g_s": "your own f(x, y)", "g_f": "x^4/4 - x + 2(y - 1)^2", "g_x": "-1.5"}
    code = code_of(core.view_notebook("descent", urllib.parse.urlencode(query)))
    parsed = core.parse_expression(query["g_f"], ("x", "y"))
    fit = fit_view(parsed, surface("rosenbrock").start, RATES)  # from the usual start
    assert f"step_gd_bb = {fit.learning_rate!r}  # fitted to f by the page" in code
    assert f"step_adam_rmsprop = {fit.adaptive_rate!r}" in code
    assert f"known_minima = {[list(fit.minimum)]!r}" in code
    assert f"f_text = {parsed.text!r}" in code
