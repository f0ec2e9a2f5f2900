"""The code behind the Explorer runs on its own and computes what the page shows."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy

from core import parse_expression
from core.engines.autodiff import ad_derivatives
from core.engines.symbolic import symbolic_derivatives
from core.explorer.code_view import jax_code, numpy_code, sympy_code
from core.explorer.derivatives import GRID_SIZE

EXPRESSIONS = [
    "sin(x) − 2cos(3x)e^(−x²)",
    "(a·x + b)^m",
    "a*cot(x) + log10(x) + sec(x)",
    "asin(x/3) + atanh(x/4) + sqrt(2 + x^2)",
    "where(x < 1, x^2, 2x - 1) + max(x, 0.5)",
]
PARAMS = {"a": 2.0, "b": 3.0, "m": 2.5}
RANGE = (0.5, 1.5)


def _run(code: str) -> dict:
    # Test only: the snippet is generated from our validated tree, and running it is the
    # point of the test (the app never runs it).
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)
    return namespace


def _params(parsed):
    return {name: PARAMS[name] for name in parsed.parameters}


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_jax_snippet_runs_alone_and_matches_the_page(text, tmp_path):
    """In a fresh interpreter: no jet rule that core registers may help the snippet."""
    parsed = parse_expression(text)
    script = tmp_path / "snippet.py"
    result = tmp_path / "result.npy"
    script.write_text(
        jax_code(parsed, 3, RANGE, _params(parsed))
        + f"\nimport numpy\nnumpy.save({str(result)!r}, numpy.stack([value, *derivatives]))\n"
    )
    subprocess.run([sys.executable, str(script)], check=True, timeout=120)
    got = np.load(result)
    xs = np.linspace(*RANGE, GRID_SIZE)
    expected = ad_derivatives(parsed, xs, 3, _params(parsed))
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_sympy_snippet_builds_the_same_expression(text):
    parsed = parse_expression(text)
    namespace = _run(sympy_code(parsed, 2))
    assert sympy.simplify(namespace["f"] - parsed.sympy) == 0
    second = sympy.diff(parsed.sympy, parsed.symbols["x"], 2)
    assert sympy.simplify(namespace["derivatives"][2] - second) == 0


@pytest.mark.parametrize("text", ["floor(asin(x))", "ceil(atan(x^1.5)) + sin(x)",
                                  "sign(1/asin(x/1.3))*x^2"])  # fmt: skip
def test_sympy_snippet_gives_the_page_s_derivatives_of_steps(text):
    """floor, ceil, sign of an expression: 0 between the jumps, as the page computes."""
    parsed = parse_expression(text)
    namespace = _run(sympy_code(parsed, 3))
    page = symbolic_derivatives(parsed, 3)
    for got, expected in zip(namespace["derivatives"], page, strict=True):
        assert not got.has(sympy.Subs, sympy.Derivative)
        assert sympy.simplify(got - expected) == 0


@pytest.mark.parametrize("text", EXPRESSIONS[:4])
@pytest.mark.parametrize(
    ("order", "scheme", "accuracy"),
    [(1, "central", 2), (2, "central", 4), (1, "forward", 2), (1, "complex", 2)],
)
def test_numpy_snippet_approximates_the_derivative(text, order, scheme, accuracy):
    parsed = parse_expression(text)
    namespace = _run(numpy_code(parsed, order, scheme, accuracy, RANGE, _params(parsed)))
    xs = namespace["x"]
    exact = ad_derivatives(parsed, xs, order, _params(parsed))[order]
    # Truncation and rounding of the stencil itself: looser for the second derivative.
    tolerance = 1e-5 if order == 1 else 1e-4
    np.testing.assert_allclose(namespace["derivative"], exact, rtol=tolerance, atol=tolerance)
