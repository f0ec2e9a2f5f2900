"""Readable forms of symbolic derivatives (`core.engines.readable`, `readable_report`)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from core import parse_expression
from core.engines import readable, readable_report
from core.engines import symbolic as core_symbolic
from core.engines.readable import readable_form
from core.engines.readable_report import readable_derivatives, readable_latex
from core.engines.symbolic_worker import differentiate


@pytest.fixture(scope="module", autouse=True)
def pool():
    core_symbolic.warm_up()


def _derivative(text: str, order: int):
    """The `order`-th derivative as the engine builds it: one differentiation at a time."""
    parsed = parse_expression(text)
    expr = parsed.sympy
    for _ in range(order):
        expr = differentiate(expr, parsed.symbols["x"])
    return parsed, expr


def test_a_power_of_a_linear_function_reads_with_the_exponent_lowered():
    parsed, raw = _derivative("(a*x+b)^m", 1)
    x, a, b, m = (parsed.symbols[name] for name in "xabm")
    assert raw != a * m * (a * x + b) ** (m - 1)  # SymPy's own form: a m (ax+b)^m / (ax+b)
    form, rewrite = readable_form(raw)
    assert rewrite is not None
    assert form == a * m * (a * x + b) ** (m - 1)


def test_the_gaussians_second_derivative_reads_as_one_factor_times_the_exponential():
    parsed, raw = _derivative("e^(-x^2)", 2)
    x = parsed.symbols["x"]
    assert isinstance(raw, sympy.Add)  # 4x² e^(−x²) − 2 e^(−x²)
    form, _ = readable_form(raw)
    gaussian = sympy.exp(-(x**2))
    assert form in ((4 * x**2 - 2) * gaussian, 2 * (2 * x**2 - 1) * gaussian)


REGISTRY = [
    "(a*x+b)^m", "e^(-x^2)", "x^2 sin(x)", "sin(x)/x", "1/(1+x^2)", "x^x", "sqrt(1-x^2)",
    "tan(x)", "sin(x) e^(-x^2)", "ln(x^2+1)", "x^3 + cos(x)", "atan(x)/(1+x)",
]  # fmt: skip


@pytest.mark.parametrize("text", REGISTRY)
@pytest.mark.parametrize("order", [1, 2, 3])
def test_the_readable_form_is_the_same_function(text, order):
    parsed, raw = _derivative(text, order)
    form, _ = readable_form(raw)
    symbols = [parsed.symbols[name] for name in parsed.variables + parsed.parameters]
    if sympy.simplify(form - raw) == 0:
        return
    # Where SymPy cannot prove it, equal at random points inside the domain.
    rng = np.random.default_rng(order)
    points = [rng.uniform(0.2, 0.9, 20) for _ in symbols]
    left = sympy.lambdify(symbols, form, "numpy")(*points)
    right = sympy.lambdify(symbols, raw, "numpy")(*points)
    np.testing.assert_allclose(left, right, rtol=1e-9)


def test_a_form_that_reads_no_shorter_is_left_as_computed():
    _, raw = _derivative("x^3 + cos(x)", 1)
    assert readable_form(raw) == (raw, None)


def test_derivatives_come_back_readable_with_f_as_typed():
    # (SymEngine already writes d/dx (a x + b)^m as a m (a x + b)^(m - 1).)
    view = readable_derivatives(parse_expression("e^(-x^2)"), 2)
    assert view.message is None
    assert view.rewritten == (False, False, True)
    assert view.latex[0] == view.raw[0]
    assert view.latex[1] == view.raw[1] == r"- 2 x e^{- x^{2}}"
    assert view.latex[2] == r"\left(4 x^{2} - 2\right) e^{- x^{2}}"
    assert view.raw[2] == r"4 x^{2} e^{- x^{2}} - 2 e^{- x^{2}}"


def test_no_budget_left_shows_the_forms_as_computed_and_says_so():
    parsed, _ = _derivative("e^(-x^2)", 0)
    derivatives = [parsed.sympy] + [_derivative("e^(-x^2)", k)[1] for k in (1, 2)]
    raw = [sympy.latex(d) for d in derivatives]
    view = readable_latex(derivatives, raw, seconds_in_all=0.0)
    assert view.latex == tuple(raw)
    assert view.rewritten == (False, False, False)
    assert "From f′ on, the derivatives are shown as computed" in view.message
    assert "budget of 0 s" in view.message


def burn(expr, seconds):  # noqa: ARG001 (readable_step's signature)
    """A rewrite that never ends: what a swelling SymPy call looks like to the worker."""
    while True:
        pass


def test_a_simplification_past_its_budget_is_killed_and_the_form_as_computed_stays(
    monkeypatch,
):
    parsed, _ = _derivative("e^(-x^2)", 0)
    derivatives = [parsed.sympy] + [_derivative("e^(-x^2)", k)[1] for k in (1, 2)]
    raw = [sympy.latex(d) for d in derivatives]
    # The worker runs `burn` (imported by name from this module) until the kernel's CPU
    # limit ends it; the pool replaces the worker.
    monkeypatch.setattr(readable, "readable_step", burn)
    # On a loaded machine the worker may wait for a core: the CPU budget must end it.
    monkeypatch.setattr(core_symbolic, "WALL_SECONDS", 120.0)
    view = readable_report.readable_latex(derivatives, raw, seconds_each=0.5, seconds_in_all=0.5)
    assert view.latex == tuple(raw)
    assert not view.transient
    assert "f′ is shown as computed: simplifying it needed more than its budget of 0.5 s" in (
        view.message
    )
    assert "From f″ on, the derivatives are shown as computed" in view.message
    monkeypatch.undo()
    # The pool serves the next request normally.
    assert readable_latex(derivatives, raw).latex[2] == r"\left(4 x^{2} - 2\right) e^{- x^{2}}"


@pytest.mark.parametrize("order", [2, 3])
def test_the_default_example_keeps_its_exponential_and_groups_its_terms(order):
    # Factoring e^(−x²) out of the whole sum counts as shorter but writes e^(x²) sin(x)
    # inside the bracket; a person collects the terms of e^(−x²) and leaves sin(x) alone.
    parsed, expr = _derivative("sin(x) - 2cos(3x)e^(-x^2)", order)
    form, _ = readable_form(expr)
    assert form.atoms(sympy.exp) == {sympy.exp(-(parsed.symbols["x"] ** 2))}
    assert sum(1 for term in sympy.Add.make_args(form) if term.has(sympy.exp)) == 1
    assert sympy.simplify(form - expr) == 0
