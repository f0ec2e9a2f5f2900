"""core.view_notebook: each page's view as a notebook whose cells run on their own and print
the numbers the page shows for the same link (AppTest of the page, or the page's own core
calls where its numbers are only drawn), and bad input answered with a clear ValueError."""

from __future__ import annotations

import json
import math
import re
import urllib.parse

import pytest
import sympy

import core
from core.explorer.examples import EXAMPLES
from core.notebooks import explorer_sections
from tests.notebooks.notebook_runs import cells_of, close, code_of, run_notebook
from tests.page_links import open_link

pytestmark = pytest.mark.usefixtures("generous_symbolic_budget")
X = sympy.Symbol("x", real=True)


def readable(value: float, spec: str) -> str:
    """A number as the pages write it (ui.widgets.readable_number), minus signs plain."""
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return format(value, spec)


def plain(text: str) -> str:
    return str(text).replace("−", "-")


def notebook_and_page(tmp_path, page: str, view: str, query: dict[str, str]):
    """The notebook's printed numbers and the page opened from the same link."""
    book = core.view_notebook(page, urllib.parse.urlencode(query))
    numbers = run_notebook(book, tmp_path)
    return book, numbers, open_link(view, query)


# -- the Explorer ---------------------------------------------------------------------------


EXPLORER_LINKS = [
    {"f": "sin(x) - 2cos(3x)e^(-x^2)", "n": "3", "x0": "0.5"},
    {"f": "(a x + b)^m", "n": "2", "x0": "1.25", "p_a": "2", "p_m": "3.5", "scheme": "complex",
     "tan": "true", "sec_h": "1e-3", "taylor": "true", "deg": "3", "tol": "1e-2"},
    {"f": "exp(2x)", "n": "4", "x0": "-0.3", "scheme": "forward", "acc": "4", "h": "1e-4",
     "show": ["AD (JAX)", "Finite differences"], "range": ["-2", "1.5"], "panels": "false"},
]  # fmt: skip


@pytest.mark.parametrize("query", EXPLORER_LINKS, ids=["default-like", "sections", "settings"])
def test_explorer_notebook_prints_the_pages_values(tmp_path, query):
    book = core.view_notebook("explorer", urllib.parse.urlencode(query, doseq=True))
    numbers = run_notebook(book, tmp_path)
    at = open_link("views/explorer.py", query)
    table = at.dataframe[0].value
    sym = "Symbolic (SymPy)" in query.get("show", ["Symbolic (SymPy)"])
    for _, row in table.iterrows():
        name = row["order"]
        assert readable(numbers[f"{name}(x₀) by AD"], ".12g") == plain(row["AD"])
        if name != "f":
            fd = numbers[f"{name}(x₀) by finite differences"]
            assert readable(fd, ".10g") == plain(row["finite diff."])
        if sym:
            assert readable(numbers[f"{name}(x₀) by SymPy"], ".12g") == plain(row["symbolic"])
    if query.get("tan") == "true":
        sentence = next(m.value for m in at.markdown if "Secant slope" in m.value)
        assert f"= {readable(numbers['secant slope'], '.10g')} at h" in plain(sentence)
        steps = at.table[0].value
        for step, row in steps.iterrows():
            slope = numbers[f"secant slope at h = {float(step):g}"]
            assert readable(slope, ".10g") == plain(row["secant slope"])
    if query.get("taylor") == "true":
        sentence = next(m.value for m in at.markdown if "|x − x₀| < r" in m.value)
        assert f"r = {numbers['r']:.4g}" in sentence
        terms = at.latex[-1].value
        for k in range(int(query["deg"]) + 1):
            assert format(abs(numbers[f"c_{k}"]), ".5g") in terms


def test_explorer_notebook_shows_the_code_behind_it():
    book = core.view_notebook("explorer", "f=x%5E2+%2B+a&n=2&p_a=3")
    code = code_of(book)
    assert "jet.jet(f, (x,), (series,))" in code  # the Explorer's own JAX snippet
    assert "sp.diff(derivatives[-1], x)" in code  # and its SymPy one
    assert "a = 3.0" in code
    assert "import core" not in code
    assert "from core" not in code
    first = cells_of(book)[0]
    assert first["cell_type"] == "markdown"
    assert "explorer?f=x%5E2" in "".join(first["source"])


# -- Finite-differences lab -----------------------------------------------------------------


FD_LAB_LINKS = [
    {},
    {"lab_f": "exp(x) * cos(x)", "lab_x0": "-0.4", "lab_n": "2", "lab_prec": "float32",
     "lab_h": "1e-2", "lab_scheme": "forward", "lab_sn": "3", "lab_off": "-3, -1, 0, 2, 4"},
]  # fmt: skip


@pytest.mark.parametrize("query", FD_LAB_LINKS, ids=["default", "settings"])
def test_fd_lab_notebook_prints_the_labs_table(tmp_path, query):
    _, numbers, at = notebook_and_page(tmp_path, "fd_lab", "views/fd_lab.py", query)
    exact = next(m.value for m in at.markdown if m.value.startswith("Exact value"))
    assert f"**{numbers['exact value']:.15g}**" in exact
    for _, row in at.dataframe[0].value.iterrows():
        label = row["formula"]
        for column, name, spec in (
            ("measured slope", "slope", ".2f"),
            ("best h (measured)", "best h", ".1e"),
            ("best error", "best error", ".1e"),
            ("optimal h (model)", "optimal h (model)", ".1e"),
        ):
            value = numbers.get(f"{label}: {name}")
            shown = str(row[column]).split(" ")[0]
            assert (shown == "—") if value is None else format(value, spec) == shown, label
    metrics = {metric.label: metric.value for metric in at.metric}
    assert format(numbers["stencil estimate"], ".10g") == metrics["Estimate"]
    assert format(numbers["stencil error"], ".2e") == metrics["Error"]
    for _, row in at.dataframe[1].value.iterrows():
        assert format(numbers[f"weight at offset {row['offset']}"], ".12g") == row["weight"]


# -- Derivatives of data --------------------------------------------------------------------


DATA_LINKS = [
    ({}, ("sin(2x) + x/2", 100, "uniform", 0, 12, None)),
    ({"d_f": "exp(-x^2) + x", "d_n": "60", "d_grid": "Random", "d_noise": "0.001", "d_seed": "7",
      "d_auto": "false", "d_smooth": "2.5", "d_degree": "6"},
     ("exp(-x^2) + x", 60, "random", 7, 6, 2.5)),
]  # fmt: skip


@pytest.mark.parametrize(("query", "view"), DATA_LINKS, ids=["default", "settings"])
def test_data_notebook_reproduces_the_samples_and_errors(tmp_path, query, view):
    from core.data.derivatives import METHODS, Settings
    from core.data.sweeps import noise_sweep, spacing_sweep

    _, numbers, at = notebook_and_page(tmp_path, "data", "views/data.py", query)
    for _, row in at.dataframe[0].value.iterrows():
        for column, name in (("first", "|error| first"), ("last", "|error| last"),
                             ("inside", "|error| inside (median)")):  # fmt: skip
            assert format(numbers[f"{row['method']}: {name}"], ".1e") == row[column]
    # The sweeps are drawn, not written: the page's own calls, at full precision.
    text, n, grid, seed, degree, smoothness = view
    parsed, settings = core.parse_expression(text), Settings(degree, smoothness)
    for method, label in METHODS.items():
        sweep = noise_sweep(parsed, method, settings, n, (-3.0, 3.0), grid, seed)
        for sigma, rms in zip(sweep.noise, sweep.rms, strict=True):
            assert close(numbers[f"{label}: RMS at σ = {sigma:.3g}"], rms, rel=1e-6), label
        sweep = spacing_sweep(parsed, method, settings, 1e-3, (-3.0, 3.0), grid, seed)
        for count, rms in zip(sweep.counts, sweep.rms, strict=True):
            assert close(numbers[f"{label}: RMS at n = {count}"], rms, rel=1e-6), label


# -- Several variables ----------------------------------------------------------------------


SEVERAL = "views/several_variables.py"


def _vector(text: str) -> list[str]:
    """The numbers of a vector as the page writes it: "(2, 0.5)"."""
    return [plain(part) for part in text.strip("()").split(", ")]


@pytest.mark.parametrize(
    "query",
    [{}, {"v_gf": "sin(x) cos(y)", "v_gx": "0.5", "v_gy": "-1.25", "v_ga": "130", "v_gv": "slice"}],
    ids=["default", "settings"],
)  # fmt: skip
def test_gradient_section(tmp_path, query):
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    table = at.table[0].value
    for name, row in table.iterrows():
        for column, method in (("AD (JAX)", "AD"), ("symbolic (SymPy)", "SymPy"),
                               ("finite differences", "finite differences")):  # fmt: skip
            assert readable(numbers[f"{name} by {method}"], ".10g") == plain(row[column])
    sentence = plain(next(m.value for m in at.markdown if "Directional derivative" in m.value))
    for name in ("D_u f by ∇f·u", "D_u f by jax.jvp", "D_u f by a central difference"):
        assert readable(numbers[name], ".10g") in sentence


def test_jacobian_section(tmp_path):
    query = {"v_s": "Jacobians: forward and reverse", "v_jf": "[x cos(y), x sin(y), x]",
             "v_jx": "1.5", "v_jy": "0.25"}  # fmt: skip
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    for table, method in zip(at.table[:3], ("jacfwd", "jacrev", "SymPy"), strict=True):
        for i, (_, row) in enumerate(table.value.iterrows()):
            for column, name in (("/∂x", "x"), ("/∂y", "y")):
                assert readable(numbers[f"∂f{i + 1}/∂{name} by {method}"], ".10g") == plain(
                    row[column]
                )


def test_jvp_section(tmp_path):
    query = {"v_s": "JVP and VJP", "v_pf": "[exp(x) y, x - y^3]", "v_px": "0.2",
             "v_py": "-0.7", "v_pr": "0.1", "v_pvx": "0.5", "v_pvy": "2", "v_pux": "-1",
             "v_puy": "0.25"}  # fmt: skip
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    rows = at.table[0].value["value"]
    for label, name in (("f(p)", "f(p)"), ("J v (JVP)", "J v"), ("uᵀ J (VJP)", "uᵀJ")):
        assert _vector(rows[label]) == [readable(numbers[f"{name}[{i}]"], ".8g") for i in (0, 1)]
    jacobian = [_vector(row) for row in rows["J"].split("; ")]
    assert jacobian == [[readable(numbers[f"J[{i}, {j}]"], ".8g") for j in (0, 1)] for i in (0, 1)]
    caption = next(c.value for c in at.caption if "differ by at most" in c.value)
    assert f"at most {numbers['max gap between the images']:.2e}" in caption


def test_hessian_section(tmp_path):
    query = {"v_s": "Hessian and stationary points"}
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    for table, method in zip(at.table[:2], ("AD", "SymPy"), strict=True):
        for (i, j), text in zip([(0, 0), (0, 1), (1, 0), (1, 1)], table.value.to_numpy().ravel(),
                                strict=True):  # fmt: skip
            assert readable(numbers[f"H[{i}, {j}] by {method}"], ".10g") == plain(text)
    eigenvalues = next(m.value for m in at.markdown if m.value.startswith("Eigenvalues"))
    assert f"{numbers['eigenvalue 0']:.6g}, {numbers['eigenvalue 1']:.6g}" in eigenvalues
    found = {
        (format(numbers[f"stationary point {k}: x"], ".6f"),
         format(numbers[f"stationary point {k}: y"], ".6f")): k
        for k in range(9) if f"stationary point {k}: x" in numbers
    }  # fmt: skip
    page = at.table[2].value
    assert len(page) == len(found) == 9  # Himmelblau: 4 minima, a maximum, 4 saddles
    for _, row in page.iterrows():
        k = found[(row["x"], row["y"])]
        value = numbers[f"stationary point {k}: f"]  # f = 0 at the minima: rounding, there
        assert close(value, float(plain(row["f"])), rel=1e-7, absolute=1e-9)
        eigenvalues = [readable(numbers[f"stationary point {k}: eigenvalue {i}"], ".5g")
                       for i in (0, 1)]  # fmt: skip
        assert ", ".join(eigenvalues) == plain(row["eigenvalues of H"])


def test_change_of_variables_section(tmp_path):
    query = {"v_s": "Change of variables"}
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    areas = at.table[0].value["area"]
    assert format(numbers["area by dblquad of |det J|"], ".15g") == areas.iloc[0]
    assert format(numbers["area from the boundary (shoelace)"], ".15g") == areas.iloc[1]
    assert close(numbers["area over the disc in x, y"], float(areas.iloc[2]), rel=1e-12)
    sentence = next(m.value for m in at.markdown if "det J at" in m.value)
    assert f"): {readable(numbers['det J at the point'], '.10g')}" in sentence


def test_three_variables_section(tmp_path):
    query = {"v_s": "Three variables", "v_tf": "x y z + sin(x z)", "v_tx": "0.3", "v_tz": "-2"}
    _, numbers, at = notebook_and_page(tmp_path, "several_variables", SEVERAL, query)
    for name, row in at.table[0].value.iterrows():
        for column, method in (("AD (JAX)", "AD"), ("symbolic (SymPy)", "SymPy"),
                               ("finite differences", "finite differences")):  # fmt: skip
            assert readable(numbers[f"{name} by {method}"], ".10g") == plain(row[column])


# -- Step by step ---------------------------------------------------------------------------


TEACHING = "views/teaching.py"


def test_steps_section_writes_the_pages_steps(tmp_path):
    query = {"t_rf": "e^(x^2)/x"}
    book, numbers, at = notebook_and_page(tmp_path, "teaching", TEACHING, query)
    text = "\n".join("".join(cell["source"]) for cell in cells_of(book))
    for latex in at.latex[1:]:  # f itself first, then each step and the result
        assert latex.value.strip("$\n") in text
    derivative = sympy.diff(sympy.exp(X**2) / X, X)
    for point in (0.5, 1.0, 2.0):
        assert close(numbers[f"f′({point})"], float(derivative.subs(X, point)), rel=1e-12)


@pytest.mark.parametrize(
    ("answer", "correct"), [("sin(2x)", True), ("2x cos(x)", False)], ids=["right", "wrong"]
)
def test_check_section_agrees_with_the_pages_verdict(tmp_path, answer, correct):
    query = {"t_s": "Check your answer", "t_cf": "sin(x)^2", "t_ca": answer}
    book, numbers, at = notebook_and_page(tmp_path, "teaching", TEACHING, query)
    assert bool(at.success) is correct
    assert bool(at.error) is not correct
    assert numbers["SymPy: the difference is 0"] == float(correct)
    said = (at.success or at.error)[0].value
    assert said in "".join(cells_of(book)[1]["source"])


@pytest.mark.parametrize("mode", ["Forward (tangents)", "Reverse (adjoints)"])
def test_graph_section_prints_every_nodes_numbers(tmp_path, mode):
    query = {"t_s": "Computational graph", "t_gf": "log(x) + x*x - sin(x)", "t_gx": "2.5",
             "t_gm": mode}  # fmt: skip
    _, numbers, at = notebook_and_page(tmp_path, "teaching", TEACHING, query)
    at.button(key="t_g_all").click().run()
    column, name = ("tangent v̇ᵢ", "tangent") if mode.startswith("Forward") else (
        "adjoint v̄ᵢ", "adjoint")  # fmt: skip
    table = at.table[0].value
    assert len(table) == 6  # x, log, x*x, sin and the two sums: every node, shown
    for node, row in table.iterrows():  # the node's name is the table's index
        assert readable(numbers[f"{node} {name}"], ".10g") == plain(row[column])
        assert readable(numbers[f"{node} value"], ".10g") == plain(row["value vᵢ"])


# -- Beyond grad ----------------------------------------------------------------------------


BEYOND = "views/beyond_grad.py"


def _series(numbers: dict, name: str, count: int, spec: str) -> list[str]:
    return [readable(numbers[f"{name}[{i}]"], spec) for i in range(count)]


def _cells(table) -> list[str]:
    return [plain(text) for text in table.value.to_numpy().ravel()]


def _check_custom(numbers, at):
    table = at.table[0].value
    for row, name in (("f(x, y)", "f(x, y)"), ("JVP along (ẋ, ẏ)", "JVP")):
        assert format(numbers[f"{name} in float32"], ".8g") == table.loc[row].iloc[0]
        assert readable(numbers[f"{name} in float64"], ".16g") == plain(table.loc[row]["float64"])
        assert readable(numbers[f"{name} closed form"], ".16g") == plain(
            table.loc[row]["closed form"]
        )


def _check_stop(numbers, at):
    table = at.table[0].value
    assert _series(numbers, "∂L/∂θ with stop_gradient", 3, ".6g") == [
        plain(v) for v in table["with stop_gradient (TD update)"]
    ]
    assert _series(numbers, "∂L/∂θ without", 3, ".6g") == [
        plain(v) for v in table["without (full gradient)"]
    ]
    sentence = plain(next(m.value for m in at.markdown if m.value.startswith("v(s_prev)")))
    assert f"TD error = {readable(numbers['TD error'], '.6g')}" in sentence


def _check_ste(numbers, at):
    table = at.table[0].value
    assert readable(numbers["f(y) = w·q(y)"], ".6g") == table["value"].iloc[0]
    assert readable(numbers["straight-through value"], ".6g") == table["value"].iloc[1]
    gradient = "[" + ", ".join(_series(numbers, "straight-through gradient", 3, ".6g")) + "]"
    assert gradient == plain(table["gradient ∂f/∂y"].iloc[1])


def _check_implicit(numbers, at):
    values = [plain(v) for v in at.table[0].value["value"]]
    names = ["root x*(a)", "dx*/da by the theorem", "dx*/da by a difference of roots",
             "dx*/da through the bisection", "∂F/∂x at the root", "∂F/∂a at the root"]  # fmt: skip
    shown = [readable(numbers[n], ".15g" if k == 0 else ".10g") for k, n in enumerate(names)]
    assert shown == values
    for table, name in zip(at.table[1:4], ("A⁻¹", "−A⁻¹ (∂A) A⁻¹", "jacfwd(inv)(A) · ∂A"),
                           strict=True):  # fmt: skip
        assert _series(numbers, name, 4, ".10g") == _cells(table)


def _check_aux(numbers, at):
    shown = [readable(numbers[n], ".10g") for n in ("value", "aux", "gradient ∂f/∂x")]
    assert shown == _cells(at.table[0])


def _check_per_example(numbers, at):
    rows = _series(numbers, "example 0 gradient", 3, ".10g")
    rows += _series(numbers, "example 1 gradient", 3, ".10g")
    assert rows == _cells(at.table[0])


def _check_swell(numbers, at):
    columns = {"SymPy: count_ops": "SymPy count_ops", "SymPy with cse": "SymPy with cse",
               "JAX nested grad: jaxpr equations": "nested grad jaxpr equations"}  # fmt: skip
    for label, row in at.table[0].value.iterrows():
        if label == "f":
            continue
        for column, name in columns.items():
            if row[column] == "—":
                continue
            mine, page = int(numbers[f"{label}: {name}"]), int(row[column].replace(",", ""))
            if name.startswith("SymPy"):
                assert mine == page, (label, column)
            else:  # jnp's program against the page's lax one: a few equations apart
                assert page / 1.5 <= mine <= page * 1.5, (label, mine, page)


BEYOND_LINKS = [
    ({"b_cx": "0.5", "b_cy": "-2", "b_cdx": "0.25", "b_cdy": "1", "b_ct": "float32"},
     _check_custom),
    ({"b_s": "stop_gradient", "b_st0": "0.5", "b_st2": "-1.3", "b_sr": "-0.4"}, _check_stop),
    ({"b_s": "Straight-through estimator", "b_ty1": "0.85"}, _check_ste),
    ({"b_s": "Implicit differentiation", "b_if": "cos(x) - a x", "b_ia": "0.7", "b_ilow": "0",
      "b_ihigh": "1.5", "b_iA1": "-0.5", "b_idA3": "2"}, _check_implicit),
    ({"b_s": "has_aux", "b_ax": "-1.5", "b_ay": "0.25"}, _check_aux),
    ({"b_s": "Per-example gradients", "b_pw1": "-2", "b_px0": "0.5"}, _check_per_example),
    ({"b_s": "Why AD is not symbolic", "b_wf": "tanh(x)^2", "b_wn": "5"}, _check_swell),
]  # fmt: skip


@pytest.mark.parametrize(("query", "check"), BEYOND_LINKS, ids=lambda v: getattr(v, "__name__", ""))
def test_beyond_grad_sections(tmp_path, query, check):
    _, numbers, at = notebook_and_page(tmp_path, "beyond_grad", BEYOND, query)
    check(numbers, at)


def test_a_csv_view_has_no_notebook():
    with pytest.raises(ValueError, match="CSV file"):
        core.view_notebook("data", "d_src=A+CSV+file")


# -- bad input ------------------------------------------------------------------------------


def test_an_unknown_page_is_named_with_the_pages_there_are():
    with pytest.raises(ValueError, match=r"There is no page 'nowhere'.*explorer"):
        core.view_notebook("nowhere", "")
    with pytest.raises(ValueError, match="live lesson"):
        core.view_notebook("class", "")


def test_junk_values_are_ignored_as_the_page_ignores_them():
    junk = core.view_notebook(
        "explorer",
        "n=99&x0=nan&range=5&range=1&scheme=sideways&acc=3&h=big&show=Nothing"
        "&panels=maybe&tan=perhaps&unknown=1",
    )
    default = core.view_notebook("explorer", "")
    setting_cell = 1
    assert cells_of(junk)[setting_cell]["source"] == cells_of(default)[setting_cell]["source"]


def test_a_function_outside_the_language_is_said_and_the_page_default_shown():
    book = core.view_notebook("explorer", "f=import+os&n=2")
    title = "".join(cells_of(book)[0]["source"])
    assert "cannot be read" in title
    assert "import os" in title
    first = core.parse_expression(EXAMPLES[1].text).text  # the page's first function
    assert f"f_text = {first!r}" in code_of(book)
    assert "import os" not in code_of(book)
    section = core.view_notebook("several_variables", "v_gf=%5Bx%2C+y%5D")  # a vector: refused
    assert "cannot be used here" in "".join(cells_of(section)[0]["source"])
    assert "f_text = 'x**2 + y'" in code_of(section)
    with pytest.raises(ValueError, match="shows nothing"):
        core.view_notebook("fd_lab", "lab_f=sin%28")


def test_a_query_that_is_not_a_link_is_refused():
    with pytest.raises(ValueError, match="at most"):
        core.view_notebook("explorer", "f=" + "x+" * 20_000)
    with pytest.raises(ValueError, match="more than"):
        core.view_notebook("explorer", "&".join(f"n={k}" for k in range(300)))


def test_the_taylor_steps_are_the_pages():
    from ui import explorer_tangent

    assert explorer_sections.STEPS == explorer_tangent.STEPS
    assert explorer_sections.TOLERANCES == explorer_tangent.TOLERANCES
    assert [explorer_sections.short(s) for s in explorer_sections.STEPS] == [
        explorer_tangent.short(s) for s in explorer_tangent.STEPS
    ]


def test_every_notebook_is_valid_json_with_a_title_and_the_numbers_cell():
    for page, query in [("explorer", ""), ("fd_lab", ""), ("data", "")]:
        book = json.loads(core.view_notebook(page, query))
        assert book["nbformat"] == 4
        assert book["cells"][0]["cell_type"] == "markdown"
        assert re.search(r"print\('The numbers the page shows:'\)", code_of(json.dumps(book)))
