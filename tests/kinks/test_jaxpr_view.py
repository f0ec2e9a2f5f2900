"""The jaxprs of f, its JVP and its grad (`core.kinks.jaxpr_view`), and their operation counts."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import pytest

from core import parse_expression
from core.kinks.jaxpr_view import (
    MAX_JAXPR_LINES,
    explanation,
    jaxpr_report,
    primitive_histogram,
    scalar_function,
)
from tests.function_registry import REGISTRY


def test_tiny_example_has_the_expected_primitives():
    report = jaxpr_report(parse_expression("x*x + sin(x)"))
    assert dict(report.function.primitives) == {"mul": 1, "sin": 1, "add": 1}
    assert report.function.primitive_count == 3
    # Forward mode adds sin's derivative rule (cos) and the tangent products and sums.
    jvp = dict(report.jvp.primitives)
    assert {"mul", "sin", "add", "cos"} <= set(jvp)
    assert jvp["mul"] > 1
    # Reverse mode keeps the forward pass (sin) and accumulates cotangents (add_any).
    grad = dict(report.grad.primitives)
    assert {"mul", "sin", "cos", "add_any"} <= set(grad)
    assert sum(jvp.values()) == report.jvp.primitive_count
    assert "sin a" in report.function.text
    assert [entry.code for entry in report.entries] == [
        "f", "lambda x, t: jax.jvp(f, (x,), (t,))", "jax.grad(f)",
    ]  # fmt: skip


def test_histogram_is_sorted_most_frequent_first():
    report = jaxpr_report(parse_expression("x*x*x + sin(x)"))
    counts = [count for _, count in report.jvp.primitives]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("known", REGISTRY, ids=lambda known: known.text)
def test_derivatives_cost_at_least_the_function(known):
    report = jaxpr_report(parse_expression(known.text), known.params)
    assert report.jvp.primitive_count >= report.function.primitive_count
    assert report.grad.primitive_count >= report.function.primitive_count


def test_traced_function_computes_f_and_its_grad():
    function = scalar_function(parse_expression("x*x + sin(x)"))
    x = jnp.asarray(0.7, dtype=jnp.float64)
    assert float(function(x)) == pytest.approx(0.49 + jnp.sin(0.7))
    assert float(jax.grad(function)(x)) == pytest.approx(1.4 + jnp.cos(0.7))


def test_counting_looks_inside_sub_jaxprs():
    def plain(x):
        return jnp.sin(x) * 2.0 + 1.0

    inner = jax.jit(lambda x: jnp.sin(x) * 2.0)

    def nested(x):
        return inner(x) + 1.0

    plain_counts = primitive_histogram(jax.make_jaxpr(plain)(1.0).jaxpr)
    nested_counts = primitive_histogram(jax.make_jaxpr(nested)(1.0).jaxpr)
    assert nested_counts == plain_counts
    assert "jit" not in nested_counts


def test_parameters_become_constants():
    report = jaxpr_report(parse_expression("a*sin(x)"), {"a": 3.0})
    assert "3.0" in report.function.text
    assert dict(report.function.primitives) == {"mul": 1, "sin": 1}


def test_long_jaxprs_are_cut_with_a_note():
    text = "tan(" * 40 + "x" + ")" * 40  # 200 characters, 40 levels: a long grad
    report = jaxpr_report(parse_expression(text))
    assert report.grad.truncated
    lines = report.grad.text.splitlines()
    assert len(lines) == MAX_JAXPR_LINES + 1
    assert "more lines not shown" in lines[-1]
    assert report.grad.primitive_count > MAX_JAXPR_LINES  # counted on the whole jaxpr
    assert not jaxpr_report(parse_expression("sin(x)")).grad.truncated


def test_explanation_quotes_the_counts():
    report = jaxpr_report(parse_expression("x*x + sin(x)"))
    text = explanation(report)
    assert "3 primitive operations" in text
    assert f"{report.jvp.primitive_count} primitive operations" in text
    assert f"{report.grad.primitive_count} primitive operations" in text
    assert "Forward mode" in text
    assert "Reverse mode" in text


def test_explanation_of_an_expression_without_operations():
    report = jaxpr_report(parse_expression("x"))
    assert report.function.primitive_count == 0
    assert "no primitive operation" in explanation(report)


def test_functions_of_two_variables_are_refused():
    with pytest.raises(ValueError, match="one variable"):
        jaxpr_report(parse_expression("x*y", ("x", "y")))
