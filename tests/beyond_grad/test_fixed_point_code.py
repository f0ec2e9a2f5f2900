"""The fixed-point snippet runs on its own and computes what the page shows.

Each snippet is executed in a fresh namespace: z* and dz*/da against the closed forms of
z = a cos z (brentq; cos z*/(1 + a sin z*)), z = 2z + a (z* = −a, slope −1) and
z = √z + a (φ², 1/(1 − 1/(2√z*))); the unrolled derivative and the central difference
against `fixed_point_report`; a map with a helper (cot) and a constant against the report.
"""

from __future__ import annotations

import contextlib
import io
import math

import pytest
from scipy.optimize import brentq

from core.beyond_grad.fixed_point_code import fixed_point_code
from core.beyond_grad.fixed_point_views import fixed_point_report
from core.language.expression import parse_expression

NAMES = ("z", "a")


def _run(code: str) -> dict:
    # Test only: the snippet is our own text, generated from the validated tree of a known
    # test expression; running it is the point of the test.
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def _cosine(a: float) -> tuple[float, float]:
    z = brentq(lambda t: t - a * math.cos(t), 0.0, math.pi / 2, xtol=1e-15, rtol=1e-15)
    return z, math.cos(z) / (1 + a * math.sin(z))


def _golden(_a: float) -> tuple[float, float]:
    z = (3 + math.sqrt(5)) / 2
    return z, 1 / (1 - 1 / (2 * math.sqrt(z)))


@pytest.mark.parametrize(
    ("text", "a", "start", "closed_form"),
    [
        ("a cos(z)", 1.0, 0.0, _cosine),
        ("a cos(z)", 5.0, 0.0, _cosine),  # |∂f/∂z| = 4.8: the unrolled derivative runs away
        ("2z + a", 1.0, 0.0, lambda a: (-a, -1.0)),
        ("sqrt(z) + a", 1.0, 1.0, _golden),
    ],
)
def test_the_snippet_finds_the_pages_fixed_point_and_derivatives(text, a, start, closed_form):
    parsed = parse_expression(text, NAMES)
    namespace = _run(fixed_point_code(parsed, "z", "a", a, start, iterations=30))
    point, slope = closed_form(a)
    assert float(namespace["z_star"]) == pytest.approx(point, abs=1e-12)
    assert float(namespace["slope"]) == pytest.approx(slope, rel=1e-9)
    report = fixed_point_report(parsed, "z", "a", a, start, steps=30)
    unrolled = float(namespace["through_iterations"])
    assert unrolled == pytest.approx(report.unrolled[-1], rel=1e-9)
    assert namespace["central"] == pytest.approx(report.finite_difference, rel=1e-6, abs=1e-9)


def test_helpers_and_constants_are_printed_from_the_tree():
    parsed = parse_expression("cot(z) + a b", NAMES)
    code = fixed_point_code(parsed, "z", "a", 1.0, 1.0, params={"b": 0.5}, iterations=10)
    assert "def cot(x):" in code
    assert "b = 0.5\n" in code
    namespace = _run(code)
    report = fixed_point_report(parsed, "z", "a", 1.0, 1.0, params={"b": 0.5}, steps=10)
    assert float(namespace["z_star"]) == pytest.approx(report.point, abs=1e-12)
    assert float(namespace["slope"]) == pytest.approx(report.derivative, rel=1e-9)


def test_a_name_the_snippet_uses_is_renamed():
    parsed = parse_expression("h cos(z) + a", NAMES)  # h is the snippet's step
    code = fixed_point_code(parsed, "z", "a", 0.5, 0.0, params={"h": 0.5})
    assert "h_ = 0.5\n" in code
    namespace = _run(code)
    report = fixed_point_report(parsed, "z", "a", 0.5, 0.0, params={"h": 0.5})
    assert float(namespace["z_star"]) == pytest.approx(report.point, abs=1e-12)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("y", "a", 1.0, 0.0), "'y' does not appear"),
        (("z", "z", 1.0, 0.0), "must differ"),
        (("z", "a", math.nan, 0.0), "a"),
    ],
)
def test_bad_arguments_are_a_sentence(arguments, message):
    with pytest.raises(ValueError, match=message):
        fixed_point_code(parse_expression("a cos(z)", NAMES), *arguments)


def test_bad_iterations_are_a_sentence():
    with pytest.raises(ValueError, match="number of iterations must be a whole number"):
        fixed_point_code(parse_expression("a cos(z)", NAMES), "z", "a", 1.0, 0.0, iterations=0)
